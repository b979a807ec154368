// How a handler is bundled for Lambda, used by both the stack (cdk/constructs/handler-function.ts) and the footprint
// benchmark (bench/footprint.ts), so the benchmark measures what deploys (issue 15, lean functions):
// - esbuild code splitting (ESM): each connector and axios land in chunks that only the route needing them imports,
//   so a cold start reads and evaluates the entry and its static chunks only;
// - the lite AWS clients (aws/lite/: SigV4-signed JSON requests with the SDK's retry rules and error shapes) in place
//   of the SDK's DynamoDB, document, SQS and Secrets Manager clients (LITE_CLIENTS): bundled, so Lambda runs what the
//   tests ran (an SDK left external to use the runtime's copy measured 190–330 ms to import against ~60–75 ms bundled);
// - the SDK's default credential chain replaced by the one Lambda uses, the execution role's credentials in the
//   environment (aws/lambda-env-credentials.ts);
// - linked source maps without sources content: stack traces name the TypeScript line with `--enable-source-maps`.
import { buildSync, transformSync, type Metafile } from 'esbuild';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { HANDLERS, REPO_ROOT } from './handlers.js';

/** syncline.js as it is served: minified for browsers back to ES2015 (the 3 kB gzipped counts this). */
export function minifiedTrackingScript(): string {
  const source = readFileSync(join(REPO_ROOT, 'connectors/website/syncline.js'), 'utf8');
  return transformSync(source, { minify: true, target: 'es2015', legalComments: 'none' }).code;
}

/**
 * The SDK packages the Lambda bundles take from aws/lite/ instead (issue 15: the SDK's DynamoDB and SQS clients were
 * ~210 kB of merge's 435 kB at init). Each lite module exports only the names the functions use: a bundled module
 * importing another name from these packages fails the build rather than deploying without it.
 */
export const LITE_CLIENTS: Record<string, string> = {
  '@aws-sdk/client-dynamodb': './aws/lite/client-dynamodb.ts',
  '@aws-sdk/lib-dynamodb': './aws/lite/lib-dynamodb.ts',
  '@aws-sdk/client-sqs': './aws/lite/client-sqs.ts',
  '@aws-sdk/client-secrets-manager': './aws/lite/client-secrets-manager.ts',
};

/** The entry file name inside every bundle directory: the Lambda handler is `index.handler`. */
export const ENTRY_FILE = 'index.mjs';

export interface HandlerBundle {
  /** The directory Lambda gets: index.mjs, its chunks, source maps (and the config file, when given). */
  dir: string;
  metafile: Metafile;
}

/** The files a cold start loads: the entry and every chunk it imports statically (not those behind `import()`). */
export function loadedAtInit(bundle: HandlerBundle): string[] {
  const outputs = bundle.metafile.outputs;
  const entry = Object.keys(outputs).find((file) => file.endsWith(`/${ENTRY_FILE}`))!;
  const seen = new Set([entry]);
  const queue = [entry];
  for (let file = queue.pop(); file !== undefined; file = queue.pop())
    for (const imported of outputs[file]?.imports ?? [])
      if (imported.kind === 'import-statement' && !imported.external && !seen.has(imported.path)) {
        seen.add(imported.path);
        queue.push(imported.path);
      }
  return [...seen];
}

/** Bundles `entry` (a path under the repository) into `outdir` (a new temporary directory when not given). */
export function bundleHandler(entry: string, options: { outdir?: string; configFile?: string } = {}): HandlerBundle {
  const dir = options.outdir ?? mkdtempSync(join(tmpdir(), 'syncline-bundle-'));
  const result = buildSync({
    absWorkingDir: REPO_ROOT,
    entryPoints: { index: relative(REPO_ROOT, entry) },
    outdir: dir,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    minify: true,
    // The packages' ESM builds, which esbuild shakes better.
    mainFields: ['module', 'main'],
    sourcemap: 'linked',
    sourcesContent: false,
    legalComments: 'none',
    metafile: true,
    logLevel: 'error',
    // Resolved in absWorkingDir: the lite clients (aws/lite/) in place of the SDK's DynamoDB, document, SQS and
    // Secrets Manager clients; the credential chain of the SDK clients left (STS) becomes the environment's credentials.
    alias: { ...LITE_CLIENTS, '@aws-sdk/credential-provider-node': './aws/lambda-env-credentials.ts' },
    // CommonJS dependencies inside ESM chunks still call require() for Node built-ins.
    banner: { js: "import{createRequire as __syncline_cr}from'node:module';const require=__syncline_cr(import.meta.url);" },
  });
  if (options.configFile) copyFileSync(options.configFile, join(dir, 'syncline.config.json'));
  // The collect function serves the tracking script from its bundle (lambdas/tracking-script.ts), minified.
  if (entry.endsWith(HANDLERS.collect)) writeFileSync(join(dir, 'syncline.js'), minifiedTrackingScript());
  return { dir, metafile: result.metafile };
}

const built = new Map<string, string>();

/** One bundle per handler and config per process: several functions of one handler (or stacks in a test) share it. */
export function bundleForDeploy(entry: string, configFile: string): string {
  const key = `${entry}|${createHash('sha256').update(readFileSync(configFile)).digest('hex')}`;
  const dir = built.get(key);
  if (dir !== undefined && existsSync(dir)) return dir;
  const bundled = bundleHandler(entry, { configFile }).dir;
  built.set(key, bundled);
  return bundled;
}
