// The credentials the repository's simulators and tests use, collected from the source so that a new one
// is scanned for without anyone maintaining a list: string literals assigned to a secret-, token-, key- or
// password-named field or constant, also as the default of `options.x ?? '…'`.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const SKIP_DIRS = new Set(['node_modules', 'cdk.out', '.git', 'docs']);
const NAMED_LIKE_A_SECRET =
  /\b([A-Za-z_]*(?:secret|token|api_?key|password|signature_?key|credential)[A-Za-z_]*)["']?\s*[:=]\s*(?:[\w.?]+\s*\?\?\s*)?(['"`])([^'"`\s$]+)\2/gi;
/** Shorter literals ('sim-key') or readable words would flag ordinary log text. */
const MIN_LENGTH = 8;

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name) && !entry.name.startsWith('.')) yield* sourceFiles(join(dir, entry.name));
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
      yield join(dir, entry.name);
    }
  }
}

/** Secret-looking literals in `text`. Exported for the scanner's own test. */
export function secretLiteralsIn(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(NAMED_LIKE_A_SECRET)) {
    const [, name, , value] = m as unknown as [string, string, string, string];
    // Cart and checkout tokens are ids of a basket (logged as such), not credentials; URLs and placeholders are configuration.
    if (/cart|checkout/i.test(name) || value.length < MIN_LENGTH || /^(https?:|<|\{)/.test(value) || /^[a-z]+$/.test(value)) continue;
    found.push(value);
  }
  return found;
}

export function knownTestSecrets(root: string): string[] {
  const secrets = new Set<string>();
  for (const file of sourceFiles(root)) for (const value of secretLiteralsIn(readFileSync(file, 'utf8'))) secrets.add(value);
  return [...secrets].sort();
}
