// Golden pairs: a vendor payload in fixtures/ beside the canonical events it must produce. See contract-kit.ts for the shape.
import { readdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FixtureFolder } from './fixtures.js';

/** What `<name>.request.json` may say about how the fixture reaches the connector (every key optional). */
export interface GoldenRequest {
  /** Headers of this delivery besides the signature, names lower-cased (topic, event id, content type …). */
  headers?: Record<string, string>;
  /** The URL the vendor called, when not the suite's webhook URL (Mailchimp's token, Square's signed URL). */
  url?: string;
  /** Not a delivery but an API answer: mapped by the suite's `golden.mappings[mapping]` instead of the webhook. */
  mapping?: string;
}

export interface GoldenCase {
  /** The fixture's name without extension: `orders-create`. */
  name: string;
  /** The payload file: `orders-create.json` (or `.form`, `.txt`: stored exactly as the vendor sends it). */
  input: string;
  request: GoldenRequest;
  /** The events in `<name>.expected.json`. */
  expected: unknown[];
  /** Replaces `<name>.expected.json` with `events` (GOLDEN=write). */
  write(events: unknown): void;
}

const EXPECTED = '.expected.json';
const REQUEST = '.request.json';

/** Every golden pair in a connector's fixtures folder, by name. */
export function goldenCases(folder: FixtureFolder): GoldenCase[] {
  let files: string[];
  try {
    files = readdirSync(folder.url).sort();
  } catch {
    return [];
  }
  return files
    .filter((file) => file.endsWith(EXPECTED))
    .map((expectedFile) => {
      const name = expectedFile.slice(0, -EXPECTED.length);
      const inputs = files.filter((f) => f.startsWith(`${name}.`) && f !== expectedFile && f !== `${name}${REQUEST}`);
      if (inputs.length !== 1)
        throw new Error(
          `fixtures/${expectedFile}: expected one payload file named ${name}.<ext> beside it, found ${inputs.length ? inputs.join(', ') : 'none'}`,
        );
      const request = files.includes(`${name}${REQUEST}`) ? folder.json<GoldenRequest>(`${name}${REQUEST}`) : {};
      const expected = folder.json<unknown>(expectedFile);
      if (!Array.isArray(expected)) throw new Error(`fixtures/${expectedFile} must hold a JSON array of events`);
      return {
        name,
        input: inputs[0]!,
        request,
        expected,
        write: (events) => writeFileSync(fileURLToPath(new URL(expectedFile, folder.url)), `${JSON.stringify(events, null, 2)}\n`),
      };
    });
}

/** GOLDEN=write makes the kit write what the connector produces into the expected files instead of comparing (never in CI). */
export const writingGoldenFiles = () => process.env.GOLDEN === 'write' && !process.env.CI;
