// What each deployed function's bundle holds and what its module initialisation evaluates (issue 15, lean functions):
// esbuild's metafile of the handler bundled as NodejsFunction bundles it.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleHandler } from '../bench/footprint.js';
import { HANDLERS, HANDLER_NAMES, REPO_ROOT, type HandlerName } from '../cdk/handlers.js';

const out = mkdtempSync(join(tmpdir(), 'syncline-bundle-imports-'));
const metafiles = {} as Record<HandlerName, Metafile>;

beforeAll(async () => {
  for (const name of HANDLER_NAMES) metafiles[name] = await bundleHandler(join(REPO_ROOT, HANDLERS[name]), join(out, `${name}.mjs`));
}, 120_000);

/** Every input in the bundle. */
const inBundle = (name: HandlerName) => Object.keys(metafiles[name].inputs);

/** The inputs a cold start evaluates: reached from the entry by static imports and require() calls, not by import(). */
function evaluatedAtInit(name: HandlerName): string[] {
  const { inputs } = metafiles[name];
  const entry = Object.keys(inputs).find((input) => input.endsWith(HANDLERS[name]))!;
  const seen = new Set([entry]);
  const queue = [entry];
  for (let input = queue.pop(); input !== undefined; input = queue.pop())
    for (const imported of inputs[input]?.imports ?? [])
      if (imported.kind !== 'dynamic-import' && !imported.external && !seen.has(imported.path)) {
        seen.add(imported.path);
        queue.push(imported.path);
      }
  return [...seen];
}

const VENDOR_CONNECTOR = /(^|\/)connectors\/(?!sdk\/)[^/]+\//;
const matching = (inputs: string[], pattern: RegExp) => inputs.filter((input) => pattern.test(input));

describe('lean functions: each handler bundles and evaluates only what it uses', () => {
  it.each(['merge', 'sweep'] as const)('bundles no connector, no axios, no Secrets Manager and no STS client into %s', (name) => {
    const inputs = inBundle(name);
    expect(matching(inputs, VENDOR_CONNECTOR), 'connector modules').toEqual([]);
    expect(matching(inputs, /node_modules\/(axios|mime-db|form-data)\//), 'axios and its parts').toEqual([]);
    expect(matching(inputs, /node_modules\/@aws-sdk\/client-(secrets-manager|sts)\//), 'AWS clients it does not use').toEqual([]);
  });

  it.each(HANDLER_NAMES)('evaluates no connector and no axios when %s starts: a connector loads when an instance needs it', (name) => {
    const evaluated = evaluatedAtInit(name);
    expect(matching(evaluated, VENDOR_CONNECTOR), 'connector modules').toEqual([]);
    expect(matching(evaluated, /node_modules\/axios\//), 'axios').toEqual([]);
  });

  it('bundles the STS client only into the functions that assume the tenant role (webhook, poll)', () => {
    const withSts = HANDLER_NAMES.filter((name) => matching(inBundle(name), /node_modules\/@aws-sdk\/client-sts\//).length > 0);
    expect(withSts.sort()).toEqual(['poll', 'webhook']);
  });
});
