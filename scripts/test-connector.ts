// `npm run test:connector -- <name>`: runs vitest for connectors/<name>/ only (the contract kit and the connector's own tests).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ROOT = join(REPO, 'connectors');

export function installedConnectorFolders(root = ROOT): string[] {
  return readdirSync(root)
    .filter((entry) => entry !== 'sdk' && statSync(join(root, entry)).isDirectory())
    .sort();
}

/** The vitest arguments for one connector, or the reason there are none. */
export function vitestArgs(name: string | undefined, extra: string[] = [], root = ROOT): { args: string[] } | { error: string } {
  const known = installedConnectorFolders(root);
  if (!name) return { error: `usage: npm run test:connector -- <name>\nconnectors: ${known.join(', ')}` };
  if (!/^[a-z][a-z0-9-]{1,40}$/.test(name) || !existsSync(join(root, name)) || name === 'sdk') {
    return { error: `no connector "${name}" in connectors/. Known connectors: ${known.join(', ')}` };
  }
  // The trailing slash keeps "shop" from also running "shop-extra".
  return { args: ['run', `connectors/${name}/`, ...extra] };
}

function main(argv: string[]): number {
  const [name, ...extra] = argv;
  const plan = vitestArgs(name, extra);
  if ('error' in plan) {
    console.error(`test:connector: ${plan.error}`);
    return 1;
  }
  const vitest = join(REPO, 'node_modules', '.bin', process.platform === 'win32' ? 'vitest.cmd' : 'vitest');
  const run = spawnSync(vitest, plan.args, { cwd: REPO, stdio: 'inherit' });
  return run.status ?? 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exit(main(process.argv.slice(2)));
