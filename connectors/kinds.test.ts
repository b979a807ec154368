import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kindRefusal } from '../pipeline/scope/kind-events.js';
import { installed, loadConnector } from './installed.js';
import { connectorKind, connectorsWithKind } from './kinds.js';

const names = Object.keys(installed).sort();

/** The event drafts of a connector's golden pairs (fixtures/*.expected.json): what it produces from vendor payloads. */
function goldenEvents(name: string): { file: string; type: string; data: unknown }[] {
  const folder = join(import.meta.dirname, name, 'fixtures');
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((file) => file.endsWith('.expected.json'))
    .flatMap((file) =>
      (JSON.parse(readFileSync(join(folder, file), 'utf8')) as { type: string; data: unknown }[]).map((e) => ({ file, ...e })),
    );
}

describe('connector kinds the merge knows without loading a connector', () => {
  it('gives every installed connector, and nothing else, a kind', () => {
    expect(connectorsWithKind().sort()).toEqual(names);
  });

  it.each(names)('gives %s the kind its definition declares', async (name) => {
    expect(connectorKind(name)).toBe((await loadConnector(name))?.kind);
  });

  it.each(names)('lets %s claim every event its golden fixtures produce', (name) => {
    const kind = connectorKind(name)!;
    const refused = goldenEvents(name).flatMap((e) => {
      const reason = kindRefusal(kind, e as Parameters<typeof kindRefusal>[1]);
      return reason ? [`${e.file}: ${reason}`] : [];
    });
    expect(refused, `widen pipeline/scope/kind-events.ts for the ${kind} kind, or fix the connector`).toEqual([]);
  });

  it('knows no kind for a name that is not installed, including names every object has', () => {
    for (const name of ['no-such-vendor', 'constructor', '__proto__']) expect(connectorKind(name), name).toBeUndefined();
  });
});
