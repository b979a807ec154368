// Real esbuild bundling of the five handlers, as `cdk synth` does it (cdk/handler-bundle.ts): a benchmark-style size report, not a timed test.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../lambdas/load-config.js';
import { HANDLERS, HANDLER_NAMES, REPO_ROOT, type HandlerName } from './handlers.js';
import { synth, type Synthesized } from './test-support.js';

// Each synthesis takes 1-3 s on an idle 2-core machine (bundling ~10 s); far longer when the machine is busy.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 240_000 });

/** A budget, not a target: a bundle past it (e.g. a whole SDK pulled in by accident) should be looked at. */
const BUNDLE_BUDGET_BYTES = 2.5 * 1024 * 1024;

describe('bundles of the five handlers (esbuild, code-split, local, no Docker)', () => {
  let synthesized: Synthesized;
  let assemblyDir: string;
  const bundles = {} as Record<HandlerName, string>;

  beforeAll(() => {
    const configFile = join(REPO_ROOT, 'syncline.config.json');
    const started = performance.now();
    synthesized = synth({ config: loadConfig(configFile), code: { kind: 'bundle', configFile } });
    assemblyDir = synthesized.app.synth().directory;
    const seconds = (performance.now() - started) / 1000;
    for (const name of HANDLER_NAMES) {
      const asset = synthesized.stack.functions[name].node.findChild('Code') as Asset;
      bundles[name] = join(assemblyDir, asset.assetPath);
    }
    const kb = (file: string) => (existsSync(file) ? `${(statSync(file).size / 1024).toFixed(1)} KB` : '-');
    const rows = HANDLER_NAMES.map(
      (name) =>
        `  ${name.padEnd(8)} ${HANDLERS[name].padEnd(20)} index.mjs ${kb(join(bundles[name], 'index.mjs')).padStart(10)}   map ${kb(join(bundles[name], 'index.mjs.map')).padStart(10)}`,
    );
    console.log(`bundle sizes (synth with bundling took ${seconds.toFixed(1)} s):\n${rows.join('\n')}`);
  });

  it.each(HANDLER_NAMES)(
    'bundles %s as a minified ESM entry with a linked source map, the config beside it, within the size budget',
    (name) => {
      const code = join(bundles[name], 'index.mjs');
      const size = statSync(code).size;
      expect(size, `${name} bundle size`).toBeGreaterThan(10_000);
      expect(size, `${name} bundle is ${size} bytes, over the budget of ${BUNDLE_BUDGET_BYTES}`).toBeLessThan(BUNDLE_BUDGET_BYTES);
      const text = readFileSync(code, 'utf8');
      expect(text.startsWith("import{createRequire as __syncline_cr}from'node:module'"), 'createRequire banner first').toBe(true);
      expect(text, 'exports the handler').toMatch(/export\s*\{[^}]*\bas handler\b|export\s*\{\s*handler\b/);
      // Minified code has very long lines (the newlines left sit inside template literals such as GraphQL queries;
      // unminified code averages ~40 characters a line). Survey's entry is ~2,000 since the lite AWS clients.
      expect(size / text.split('\n').length, 'average line length (minified)').toBeGreaterThan(1_000);
      expect(existsSync(join(bundles[name], 'index.mjs.map')), 'source map').toBe(true);
      // Linked, so that --enable-source-maps (NODE_OPTIONS of every function) finds it and stack traces name TypeScript lines.
      expect(text.trimEnd().endsWith('//# sourceMappingURL=index.mjs.map'), 'source map linked').toBe(true);
      expect(JSON.parse(readFileSync(join(bundles[name], 'syncline.config.json'), 'utf8'))).toEqual(
        JSON.parse(readFileSync(join(REPO_ROOT, 'syncline.config.json'), 'utf8')),
      );
    },
  );

  it.each(HANDLER_NAMES)('loads the %s bundle as an ES module that exports a handler function (no dynamic require left)', async (name) => {
    const module = (await import(pathToFileURL(join(bundles[name], 'index.mjs')).href)) as { handler?: unknown };
    expect(typeof module.handler).toBe('function');
  });

  it('points every function at its bundle with the ESM handler', () => {
    const functions = synthesized.template.findResources('AWS::Lambda::Function');
    for (const fn of Object.values(functions) as { Properties: { Handler: string; Code: { S3Key: unknown } } }[]) {
      expect(fn.Properties.Handler).toBe('index.handler');
      expect(fn.Properties.Code.S3Key).toBeDefined();
    }
  });
});
