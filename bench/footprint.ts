// Lambda footprint: every handler in lambdas/ bundled as the stack deploys it (cdk/handler-bundle.ts: esbuild, minified
// code-split ESM for node22, the lite AWS clients of aws/lite/ in place of the SDK's), what a cold start reads, what fills it, and its
// initialisation time in a fresh Node process (median of runs), with and without --enable-source-maps.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { bundleHandler, ENTRY_FILE, loadedAtInit } from '../cdk/handler-bundle.js';
import { median } from './stats.js';

export interface BundleResult {
  handler: string;
  entry: string;
  /** What a cold start reads: the entry file and the chunks it imports statically (code, not source maps). */
  bytes: number;
  /** Every chunk of the bundle, the lazily imported ones (connectors, axios) included (absent from older results). */
  totalBytes?: number;
  chunksAtInit?: number;
  gzipBytes: number;
  /** Median milliseconds to import the bundle in a fresh `node` process. */
  initMs: number;
  /** Median CPU milliseconds of the same imports (user + system, the main thread's share and the rest). */
  initCpuMs: number;
  initRunsMs: number[];
  /** The same import with NODE_OPTIONS=--enable-source-maps, as the functions run (readable stack traces). */
  initSourceMapsMs?: number;
  initSourceMapsCpuMs?: number;
  /** Largest contributors, by package or source folder. */
  largest: { what: string; bytes: number }[];
}

export interface FootprintResult {
  esbuild: string;
  /** Median ms to import an empty module the same way: what Node itself costs, to subtract or compare. */
  baselineInitMs: number;
  bundles: BundleResult[];
}

const ROOT = resolve(import.meta.dirname, '..');

/** Files in lambdas/ (not tests) that export `handler`. */
function handlerEntries(dir = join(ROOT, 'lambdas')): { name: string; path: string }[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .filter((f) =>
      /export\s+(const|let|async\s+function|function)\s+handler\b|export\s*\{[^}]*\bhandler\b/.test(readFileSync(join(dir, f), 'utf8')),
    )
    .map((f) => ({ name: f.replace(/\.ts$/, ''), path: join(dir, f) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function owner(input: string): string {
  const nm = input.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = input.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const parts = input.split('/');
  return parts.length > 2 ? `${parts[0]}/${parts[1]}/` : `${parts[0]}/`;
}

function timeImport(file: string, runs: number, nodeOptions = ''): { wall: number; cpu: number }[] {
  // Wall time is what a cold start costs; CPU time beside it shows how much of that a busy machine added.
  const script = `const t = performance.now(); const c = process.cpuUsage(); await import(${JSON.stringify(`file://${file}`)}); const u = process.cpuUsage(c); process.stdout.write(String(performance.now() - t) + ' ' + String((u.user + u.system) / 1000));`;
  const times: { wall: number; cpu: number }[] = [];
  for (let i = 0; i < runs; i++) {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, AWS_REGION: 'eu-west-1', NODE_OPTIONS: nodeOptions },
    });
    const [wall, cpu] = out.split(' ').map(Number);
    times.push({ wall: wall!, cpu: cpu! });
  }
  return times;
}

export async function measureFootprint(runs = 7): Promise<FootprintResult> {
  const esbuild = await import('esbuild');
  const out = mkdtempSync(join(tmpdir(), 'syncline-bundles-'));
  const bundles: BundleResult[] = [];
  for (const entry of handlerEntries()) {
    const bundle = bundleHandler(entry.path, { outdir: join(out, entry.name) });
    const { outputs } = bundle.metafile;
    const loaded = loadedAtInit(bundle);
    const byOwner = new Map<string, number>();
    for (const file of loaded)
      for (const [input, { bytesInOutput }] of Object.entries(outputs[file]!.inputs))
        byOwner.set(owner(input), (byOwner.get(owner(input)) ?? 0) + bytesInOutput);
    const codeFiles = (files: string[]) => files.filter((file) => file.endsWith('.mjs'));
    const loadedCode = codeFiles(loaded).map((file) => readFileSync(resolve(ROOT, file)));
    const entryFile = join(bundle.dir, ENTRY_FILE);
    const timed = timeImport(entryFile, runs);
    const initRunsMs = timed.map((t) => Math.round(t.wall * 10) / 10);
    const withMaps = timeImport(entryFile, runs, '--enable-source-maps');
    bundles.push({
      handler: entry.name,
      entry: `lambdas/${entry.name}.ts`,
      bytes: loadedCode.reduce((sum, code) => sum + code.length, 0),
      totalBytes: codeFiles(Object.keys(outputs)).reduce((sum, file) => sum + outputs[file]!.bytes, 0),
      chunksAtInit: loadedCode.length,
      gzipBytes: loadedCode.reduce((sum, code) => sum + gzipSync(code).length, 0),
      initMs: median(initRunsMs),
      initCpuMs: Math.round(median(timed.map((t) => t.cpu)) * 10) / 10,
      initRunsMs,
      initSourceMapsMs: Math.round(median(withMaps.map((t) => t.wall)) * 10) / 10,
      initSourceMapsCpuMs: Math.round(median(withMaps.map((t) => t.cpu)) * 10) / 10,
      largest: [...byOwner.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 6)
        .map(([what, b]) => ({ what, bytes: b })),
    });
  }
  const empty = join(out, 'empty.mjs');
  execFileSync('sh', ['-c', `echo 'export const handler = async () => ({});' > ${JSON.stringify(empty)}`]);
  return { esbuild: esbuild.version, baselineInitMs: Math.round(median(timeImport(empty, runs).map((t) => t.wall)) * 10) / 10, bundles };
}

if (import.meta.url === `file://${process.argv[1]}`)
  console.log(JSON.stringify(await measureFootprint(Number(process.argv[2] ?? 5)), null, 2));
