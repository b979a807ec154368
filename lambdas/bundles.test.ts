// What each deployed function's bundle holds and what its module initialisation evaluates (issue 15, lean functions):
// esbuild's metafile of the handler bundled as the stack bundles it (cdk/handler-bundle.ts).
import { join } from 'node:path';
import type { Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleHandler, loadedAtInit, type HandlerBundle } from '../cdk/handler-bundle.js';
import { HANDLERS, HANDLER_NAMES, REPO_ROOT, type HandlerName } from '../cdk/handlers.js';

const bundles = {} as Record<HandlerName, HandlerBundle>;
const metafiles = {} as Record<HandlerName, Metafile>;

beforeAll(async () => {
  for (const name of HANDLER_NAMES) {
    bundles[name] = bundleHandler(join(REPO_ROOT, HANDLERS[name]));
    metafiles[name] = bundles[name].metafile;
  }
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
  it.each(['merge', 'sweep'] as const)('bundles no connector, no axios and no STS client into %s', (name) => {
    const inputs = inBundle(name);
    expect(matching(inputs, VENDOR_CONNECTOR), 'connector modules').toEqual([]);
    expect(matching(inputs, /node_modules\/(axios|mime-db|form-data)\//), 'axios and its parts').toEqual([]);
    expect(matching(inputs, /node_modules\/@aws-sdk\/client-sts\//), 'AWS clients it does not use').toEqual([]);
  });

  it.each(['merge', 'sweep'] as const)(
    'evaluates no Secrets Manager client when %s starts: it reads the digest key behind import()',
    (name) => {
      expect(matching(evaluatedAtInit(name), /node_modules\/@aws-sdk\/client-secrets-manager\//)).toEqual([]);
    },
  );

  it.each(HANDLER_NAMES)('evaluates no connector and no axios when %s starts: a connector loads when an instance needs it', (name) => {
    const evaluated = evaluatedAtInit(name);
    expect(matching(evaluated, VENDOR_CONNECTOR), 'connector modules').toEqual([]);
    expect(matching(evaluated, /node_modules\/axios\//), 'axios').toEqual([]);
  });

  it.each(HANDLER_NAMES)("bundles into %s none of the SDK's service clients or its middleware core: aws/lite/ stands in", (name) => {
    const inputs = inBundle(name);
    expect(matching(inputs, /node_modules\/@aws-sdk\/(client-|lib-dynamodb\/|core\/)/), 'SDK clients').toEqual([]);
    expect(matching(inputs, /node_modules\/@smithy\//), "the SDK's smithy core").toEqual([]);
  });

  it.each(HANDLER_NAMES)(
    'reads at most 250 kB of code when %s starts (issue 15: ≤ 400 kB per handler, merge and webhook ≤ 250 kB)',
    (name) => {
      const { outputs } = metafiles[name];
      const bytes = loadedAtInit(bundles[name])
        .filter((file) => file.endsWith('.mjs'))
        .reduce((sum, file) => sum + outputs[file]!.bytes, 0);
      expect(bytes).toBeLessThanOrEqual(250_000);
    },
  );

  it.each(HANDLER_NAMES)('reads at %s cold start no chunk holding a connector or axios: they sit in chunks behind import()', (name) => {
    const { outputs } = metafiles[name];
    const loaded = loadedAtInit(bundles[name]);
    const inputsLoaded = loaded.flatMap((file) => Object.keys(outputs[file]?.inputs ?? {}));
    expect(matching(inputsLoaded, VENDOR_CONNECTOR), 'connector modules in the files read at init').toEqual([]);
    expect(matching(inputsLoaded, /node_modules\/(axios|mime-db|form-data)\//), 'axios in the files read at init').toEqual([]);
  });

  it.each(HANDLER_NAMES)('signs %s requests with the environment credentials Lambda sets, no SSO/INI/metadata chain', (name) => {
    const inputs = inBundle(name);
    expect(matching(inputs, /aws\/lambda-env-credentials\.ts$/), 'the environment provider').toHaveLength(1);
    expect(
      matching(inputs, /node_modules\/@aws-sdk\/credential-provider-(node|ini|sso|process|web-identity|http)\//),
      'other providers',
    ).toEqual([]);
    expect(matching(inputs, /node_modules\/@smithy\/credential-provider-imds\//), 'instance metadata provider').toEqual([]);
  });

  it.each(HANDLER_NAMES)("bundles into %s zod's tree-shaken parts only: no locale but English, no JSON Schema import", (name) => {
    // `import { z } from 'zod'` takes the namespace as one value and so keeps all of it (~350 kB): use `import * as z`.
    const inputs = Object.values(metafiles[name].outputs).flatMap((output) =>
      Object.entries(output.inputs)
        .filter(([, { bytesInOutput }]) => bytesInOutput > 0)
        .map(([input]) => input),
    );
    expect(matching(inputs, /node_modules\/zod\/v4\/locales\/(?!en\.js$)/), 'zod locales').toEqual([]);
    expect(matching(inputs, /node_modules\/zod\/v4\/classic\/from-json-schema\.js$/), 'JSON Schema').toEqual([]);
  });
});
