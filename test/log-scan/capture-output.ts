// vitest setupFiles: everything a test file's code prints (process.stdout/stderr writes, such as lambdas/logger.ts's
// JSON lines, and console.*) is kept in memory while it is also printed, and scanned once the file's tests are done.
// An e-mail address, phone number, JWT, bearer token or known test secret fails the file. Log lines that tests keep
// quiet (test/support's silentLogger) are scanned too (scan-unprinted.ts); output a test captures itself without
// printing it (a spy without pass-through) is not output and is not scanned.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import { afterAll, expect } from 'vitest';
import { scanLogText, type LogFinding } from './scan-log-text.js';
import { knownTestSecrets } from './known-test-secrets.js';
import { CAPTURE_KEY, LOG_SCAN_DIR_VARIABLE, SECRETS_FILE, STATS_FILE } from './files.js';

interface Capture {
  chunks: string[];
}

const CAPTURE = Symbol.for(CAPTURE_KEY);
const WRAPPED = Symbol.for('syncline.log-scan.wrapped');
const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;

export class LogPrivacyViolation extends Error {
  constructor(file: string, findings: readonly LogFinding[]) {
    const shown = findings.slice(0, 20).map((f) => `  line ${f.line} of its output: ${f.pattern} ${f.masked}\n    ${f.context}`);
    const more = findings.length > shown.length ? `\n  … and ${findings.length - shown.length} more` : '';
    super(
      `log privacy: ${file} logged personal data or secrets (${findings.length} finding(s)):\n${shown.join('\n')}${more}\n` +
        'Fix the code that logs it (log ids, counts and reasons only); do not weaken test/log-scan.',
    );
    this.name = 'LogPrivacyViolation';
  }
}

/** Patches the process once (a worker may run several files); each file then starts from an empty buffer. */
function install(): Capture {
  const capture: Capture = { chunks: [] };
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      capture.chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
      return original(chunk, ...rest);
    }) as typeof stream.write;
  }
  return capture;
}

/** vitest gives each file its own console (sent to the reporter, not through process.stdout): wrap whichever is current. */
function wrapConsole(capture: Capture): void {
  for (const method of CONSOLE_METHODS) {
    const original = console[method] as ((...args: unknown[]) => void) & { [WRAPPED]?: true };
    if (original[WRAPPED]) continue;
    const wrapped = Object.assign(
      (...args: unknown[]) => {
        capture.chunks.push(`${format(...args)}\n`);
        original.apply(console, args);
      },
      { [WRAPPED]: true as const },
    );
    console[method] = wrapped;
  }
}

function secrets(): string[] {
  const dir = process.env[LOG_SCAN_DIR_VARIABLE];
  const collected =
    dir && existsSync(join(dir, SECRETS_FILE))
      ? (JSON.parse(readFileSync(join(dir, SECRETS_FILE), 'utf8')) as string[])
      : knownTestSecrets(process.cwd());
  // Secrets handed to EnvOrFileSecrets while the file ran (SYNCLINE_SECRET_<TENANT>_<INSTANCE>={...}).
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('SYNCLINE_SECRET_') || !value) continue;
    try {
      for (const v of Object.values(JSON.parse(value) as Record<string, unknown>))
        if (typeof v === 'string' && v.length >= 8) collected.push(v);
    } catch {
      // Not JSON: EnvOrFileSecrets rejects it too, nothing to scan for.
    }
  }
  return collected;
}

const globals = globalThis as { [CAPTURE]?: Capture };
const capture = (globals[CAPTURE] ??= install());
capture.chunks = [];
wrapConsole(capture);

afterAll(() => {
  const file = (expect.getState().testPath ?? 'a test file').replace(`${process.cwd()}/`, '');
  const text = capture.chunks.join('');
  capture.chunks = [];
  const findings = scanLogText(text, secrets());
  const dir = process.env[LOG_SCAN_DIR_VARIABLE];
  if (dir) {
    const lines = text.length === 0 ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
    appendFileSync(
      join(dir, STATS_FILE),
      `${JSON.stringify({ file, lines, bytes: Buffer.byteLength(text), findings: findings.length })}\n`,
    );
  }
  if (findings.length > 0) throw new LogPrivacyViolation(file, findings);
});
