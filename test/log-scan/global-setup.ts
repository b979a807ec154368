// vitest globalSetup of the log scan: collects the known test secrets once for all workers, and reports at the end
// how much output was scanned (the capture in each worker fails the files that printed personal data or secrets).
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { knownTestSecrets } from './known-test-secrets.js';
import { LOG_SCAN_DIR_VARIABLE, SECRETS_FILE, STATS_FILE } from './files.js';

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'syncline-log-scan-'));
  writeFileSync(join(dir, SECRETS_FILE), JSON.stringify(knownTestSecrets(process.cwd())));
  process.env[LOG_SCAN_DIR_VARIABLE] = dir;
  return () => {
    const stats = existsSync(join(dir, STATS_FILE))
      ? readFileSync(join(dir, STATS_FILE), 'utf8')
          .trim()
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as { lines: number; bytes: number; findings: number })
      : [];
    const sum = (key: 'lines' | 'bytes' | 'findings') => stats.reduce((total, s) => total + s[key], 0);
    process.stdout.write(
      `log privacy scan: ${stats.length} test files, ${sum('lines')} lines, ${sum('bytes')} bytes of output scanned, ${sum('findings')} finding(s)\n`,
    );
    rmSync(dir, { recursive: true, force: true });
  };
}
