// `npm run bench`: every benchmark in turn, printed as a table and written to bench/results/<date>.json and .md.
//
// Sizes: BENCH_MERGE_SIZES="10k:1k,100k:10k" (events:profiles; add 1m:100k for the full run, or pass --full),
// BENCH_RUNS (merge runs per size, default 3; sizes ≥ 100k run once), BENCH_HISTORY="10,100,300,1000",
// BENCH_WEBHOOKS (end to end, default 400), BENCH_AMPLIFICATION_EVENTS (default 600), BENCH_INIT_RUNS (default 7).
// --skip=memory,history,emulators,scale,personalize,footprint,profile leaves parts out; BENCH_SCALE_SIZES (bench/scale.ts).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ASSUMPTIONS, costPerMillionEvents, PRICES, sweepCostPerMillionEvents } from './cost.js';
import { summarise, type HotSpot } from './cpu-profile.js';
import { measureOnEmulators, type EndToEndResult } from './emulators.js';
import { measureFootprint } from './footprint.js';
import { measureCollect, SCRIPT_LIMIT_GZIP_BYTES } from './collect.js';
import { describeMachine } from './machine.js';
import { calibrate, measureHistoryGrowth, measureThroughput } from './merge-memory.js';
import { formatCount, parseCount } from './stats.js';
import { renderMarkdown } from './report.js';
import { measureScale } from './scale.js';
import { measurePersonalize } from './personalize.js';
import type { BenchResults } from './results.js';

/** Issue 15's targets (and goals beyond them). */
export const TARGETS = {
  mergeEventsPerCpuSecond: 50_000,
  endToEndOverRaw: 0.25,
  writesPerChangedProfilePerBatch: 1.0,
  // Issue 15: ≤ 400 kB per handler, the hot paths (merge, webhook) ≤ 250 kB; init ≤ 100 ms.
  bundleBytes: 400 * 1000,
  hotPathBundleBytes: 250 * 1000,
  initMs: 100,
  costPerMillionEvents: 4,
  writeUnitsPerEvent: 3,
  requestsPerEvent: 3,
  historyExponent: 0.2,
  profileItemBytes: 8 * 1024,
} as const;

const ROOT = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const skip = new Set((args.find((a) => a.startsWith('--skip='))?.slice(7) ?? process.env.BENCH_SKIP ?? '').split(',').filter(Boolean));
const full = args.includes('--full') || process.env.BENCH_FULL === '1';
const print = (line = '') => process.stdout.write(`${line}\n`);

function mergeSizes(): { events: number; profiles: number }[] {
  const spec = process.env.BENCH_MERGE_SIZES ?? (full ? '10k:1k,100k:10k,1m:100k' : '10k:1k,100k:10k');
  return spec.split(',').map((pair) => {
    const [e, p] = pair.split(':');
    return { events: parseCount(e!), profiles: parseCount(p ?? String(Math.max(1, parseCount(e!) / 10))) };
  });
}

function profileHotSpots(): { selfTop: HotSpot[]; totalTop: HotSpot[] } {
  const dir = join(ROOT, 'node_modules/.cache/syncline-bench-prof');
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(dir)) if (f.endsWith('.cpuprofile')) execFileSync('rm', ['-f', join(dir, f)]);
  execFileSync(
    process.execPath,
    ['--import', 'tsx', '--cpu-prof', `--cpu-prof-dir=${dir}`, join(ROOT, 'bench/merge-memory.ts'), '20k', '2k'],
    { cwd: ROOT, stdio: 'ignore' },
  );
  // tsx's loader thread writes a profile of its own: take the one that saw the merge engine.
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => join(dir, f));
  const main = files.find((f) => readFileSync(f, 'utf8').includes('"mergeOnce"')) ?? files[0]!;
  return summarise(main, 15);
}

async function main(): Promise<void> {
  const machine = describeMachine();
  print(
    `syncline benchmarks — ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.java}`,
  );
  const results: BenchResults = {
    machine,
    settings: { full, skip: [...skip] },
    calibrationOpsPerCpuSecond: calibrate(),
    ratios: {},
    targets: [],
  };
  const runs = Number(process.env.BENCH_RUNS ?? 3);

  if (!skip.has('memory')) {
    results.memory = [];
    for (const size of mergeSizes()) {
      const n = size.events >= 100_000 ? 1 : runs;
      print(`merge in memory: ${formatCount(size.events)} events over ${formatCount(size.profiles)} profiles, ${n} run(s)…`);
      const r = await measureThroughput(size.events, size.profiles, n);
      results.memory.push(r);
      print(`  ${r.eventsPerCpuSecond} events/CPU-s (${r.microsPerEvent} µs/event), ${r.eventsPerSecond} events/s wall`);
    }
  }
  if (!skip.has('history')) {
    const sizes = (process.env.BENCH_HISTORY ?? '10,100,300,1000').split(',').map(Number);
    print(`history growth: ${sizes.join(', ')} events on one profile…`);
    results.history = await measureHistoryGrowth(sizes);
    print(`  exponent ${results.history.exponent} (${results.history.growth})`);
  }
  if (!skip.has('profile')) {
    print('CPU profile of the merge (20k events)…');
    results.hotSpots = profileHotSpots();
  }
  if (!skip.has('emulators')) {
    print('emulators: raw write rate, write amplification, end to end…');
    results.emulators = await measureOnEmulators({
      webhooks: Number(process.env.BENCH_WEBHOOKS ?? 400),
      concurrency: 8,
      amplificationEvents: Number(process.env.BENCH_AMPLIFICATION_EVENTS ?? 600),
    });
  }
  if (!skip.has('scale')) await measureScale(print);
  if (!skip.has('personalize')) {
    print('GET /personalize on the local stack…');
    results.personalize = await measurePersonalize(print);
  }

  if (!skip.has('footprint')) {
    print('lambda bundles and init time…');
    results.footprint = await measureFootprint(Number(process.env.BENCH_INIT_RUNS ?? 7));
  }

  if (!skip.has('collect')) {
    print('website tracking: script size and collect path…');
    results.collect = await measureCollect();
    const c = results.collect;
    results.targets.push(
      {
        name: 'syncline.js gzipped, as served (minified)',
        target: `≤ ${SCRIPT_LIMIT_GZIP_BYTES} bytes`,
        measured: `${c.scriptGzipBytes} bytes (${c.scriptMinifiedBytes} minified)`,
        met: c.scriptGzipBytes <= SCRIPT_LIMIT_GZIP_BYTES,
      },
      {
        name: 'collect path, modelled AWS cost (before the merge)',
        target: 'no DynamoDB request',
        measured: `$${c.total.toFixed(2)} per million events (${c.lines.map((l) => `${l.item} $${l.perMillionEvents}`).join(', ')})`,
        met: c.lines.find((l) => l.item === 'DynamoDB')?.perMillionEvents === 0,
      },
    );
  }

  derive(results);
  const stamp = machine.date.replace(/[:]/g, '-').replace(/\.\d+Z$/, 'Z');
  const dir = join(ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const markdown = renderMarkdown(results);
  writeFileSync(join(dir, `${stamp}.json`), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(dir, `${stamp}.md`), markdown);
  print();
  print(markdown);
  print(`written: bench/results/${stamp}.json and .md`);
}

/** The modelled AWS cost of one end-to-end run's counts, with the merge's measured CPU per event. */
function costOf(e2e: EndToEndResult, mergeCpuMicrosPerEvent: number): NonNullable<BenchResults['cost']> {
  const dynamoRequests = Object.values(e2e.dynamo.requests).reduce((s, n) => s + n, 0);
  return {
    ...costPerMillionEvents({
      webhooksPerEvent: Math.round((e2e.webhooks / e2e.events) * 1000) / 1000,
      // bench/counting.ts labels the webhook's status record "Update S/webhook".
      webhookDynamoRequestsPerWebhook:
        Math.round(((e2e.dynamo.itemsPerEventBy?.['Update S/webhook']?.perEvent ?? 0) * e2e.events * 1000) / e2e.webhooks) / 1000,
      mergeCpuMicrosPerEvent,
      dynamoRequestsPerEvent: Math.round((dynamoRequests / e2e.events) * 100) / 100,
      writeUnitsPerEvent: e2e.dynamo.writeUnitsPerEvent,
      readUnitsPerEvent: e2e.dynamo.readUnitsPerEvent,
      // bench/counting.ts labels eventually consistent reads " eventual".
      eventualReadUnitsPerEvent:
        Math.round(
          Object.entries(e2e.dynamo.readsPerEventBy ?? {})
            .filter(([label]) => label.endsWith(' eventual'))
            .reduce((s, [, { units }]) => s + units, 0) * 100,
        ) / 100,
      sqsBilledRequestsPerEvent: e2e.sqs.billedRequestsPerEventWithoutEmptyReceives,
      // The push's duration per profile sync (a profile read, a snapshot read and write each), its invocations per push
      // message: a packed message carries a merge batch's syncs (pipeline/packed-syncs.ts).
      syncMessagesPerEvent: Math.round((e2e.vendor.profileSyncs / e2e.events) * 1000) / 1000,
      pushMessagesPerEvent: Math.round((e2e.vendor.syncMessages / e2e.events) * 1000) / 1000,
      secretsPerTenant: 2,
    }),
    prices: PRICES,
    assumptions: ASSUMPTIONS,
  };
}

/** Ratios, cost and targets from the raw figures. */
function derive(results: BenchResults): void {
  const mem = results.memory?.at(-1);
  const biggestMem = results.memory?.slice().sort((a, b) => b.events - a.events)[0];
  const e2e = results.emulators?.endToEnd;
  const amp = results.emulators?.amplification;
  const r = results.ratios;
  if (biggestMem)
    r.mergeEventsPerCalibrationOp = Math.round((biggestMem.eventsPerCpuSecond / results.calibrationOpsPerCpuSecond) * 1e4) / 1e4;
  if (results.history) {
    r.historyGrowthExponent = results.history.exponent;
    r.historyLongestOverShortest = results.history.ratioLongestToShortest;
  }
  if (results.emulators) r.endToEndOverRaw = results.emulators.endToEndOverRaw;
  for (const a of amp ?? []) {
    r[`${a.ordering}ProfileWritesPerChangedProfilePerBatch`] = a.profileWritesPerChangedProfilePerBatch;
    r[`${a.ordering}WriteUnitsPerEvent`] = a.writeUnitsPerEvent;
    r[`${a.ordering}SqsRequestsPerEvent`] = a.sqsRequestsPerEvent;
  }
  if (e2e) {
    r.endToEndWriteUnitsPerEvent = e2e.dynamo.writeUnitsPerEvent;
    r.endToEndSqsRequestsPerEvent = e2e.sqs.billedRequestsPerEventWithoutEmptyReceives;
  }
  for (const b of results.footprint?.bundles ?? []) {
    r[`bundleKb_${b.handler}`] = Math.round(b.bytes / 1000);
    r[`initOverNodeBaseline_${b.handler}`] = Math.round((b.initMs / results.footprint!.baselineInitMs) * 100) / 100;
  }

  if (e2e && mem) results.cost = costOf(e2e, mem.microsPerEvent);
  const due = results.emulators?.sweep?.due;
  if (due)
    results.sweepCost = sweepCostPerMillionEvents({
      writeUnitsPerEvent: due.writeUnitsPerEvent,
      readUnitsPerEvent: due.readUnitsPerEvent,
      eventualReadUnitsPerEvent: Object.entries(due.readsPerEventBy)
        .filter(([label]) => label.endsWith(' eventual'))
        .reduce((s, [, { units }]) => s + units, 0),
      sqsBilledRequestsPerEvent: due.sqsBilledRequestsPerEvent,
      syncsPerEvent: due.profileSyncsPerEvent,
    });
  const e2eInterleaved = results.emulators?.endToEndInterleaved;
  if (e2eInterleaved && mem) results.costInterleaved = costOf(e2eInterleaved, mem.microsPerEvent);
  if (e2eInterleaved) {
    r.endToEndInterleavedWriteUnitsPerEvent = e2eInterleaved.dynamo.writeUnitsPerEvent;
    r.endToEndInterleavedSqsRequestsPerEvent = e2eInterleaved.sqs.billedRequestsPerEventWithoutEmptyReceives;
  }

  const t = results.targets;
  for (const [cost, label] of [
    [results.cost, 'sessions together'],
    [results.costInterleaved, 'interleaved, worst case'],
  ] as const)
    if (cost)
      t.push({
        name: `modelled AWS cost, end to end (Shopify mix, ${label})`,
        target: `≤ $${TARGETS.costPerMillionEvents} per million events`,
        goal: '≤ $2.50',
        measured: `$${cost.total.toFixed(2)} per million events`,
        met: cost.total <= TARGETS.costPerMillionEvents,
      });
  if (results.cost && results.sweepCost)
    t.push({
      name: 'modelled AWS cost with the campaign sweep (sessions together, plus the sweep of their profiles over 90 days)',
      target: `≤ $${TARGETS.costPerMillionEvents} per million events`,
      goal: '≤ $2.50',
      measured: `$${(results.cost.total + results.sweepCost.total).toFixed(2)} per million events ($${results.sweepCost.total.toFixed(2)} of it the sweep)`,
      met: results.cost.total + results.sweepCost.total <= TARGETS.costPerMillionEvents,
    });
  for (const run of [e2e, e2eInterleaved]) {
    if (!run) continue;
    const label = run.ordering === 'interleaved' ? 'interleaved, worst case' : 'sessions together';
    const requests = Object.values(run.dynamo.requests).reduce((sum, n) => sum + n, 0) / run.events;
    t.push({
      name: `DynamoDB write units per event, end to end (${label})`,
      target: `≤ ${TARGETS.writeUnitsPerEvent}`,
      goal: '≤ 1.5',
      measured: String(run.dynamo.writeUnitsPerEvent),
      met: run.dynamo.writeUnitsPerEvent <= TARGETS.writeUnitsPerEvent,
    });
    t.push({
      name: `DynamoDB requests per event, end to end (${label})`,
      target: `≤ ${TARGETS.requestsPerEvent}`,
      goal: '≤ 1.5',
      measured: `${requests.toFixed(2)} (${Object.entries(run.dynamo.requests)
        .map(([k, n]) => `${k} ${(n / run.events).toFixed(2)}`)
        .join(', ')})`,
      met: requests <= TARGETS.requestsPerEvent,
    });
  }
  for (const a of amp ?? [])
    t.push({
      name: `profile item size, mean written (${a.ordering})`,
      target: `typical ≤ ${TARGETS.profileItemBytes / 1024} kB`,
      measured: `${(a.meanProfileItemBytes / 1024).toFixed(1)} kB`,
      met: a.meanProfileItemBytes <= TARGETS.profileItemBytes,
    });
  if (biggestMem)
    t.push({
      name: 'merge in memory, one core',
      target: `≥ ${TARGETS.mergeEventsPerCpuSecond.toLocaleString('en')} events/s`,
      goal: '≥ 100,000',
      measured: `${biggestMem.eventsPerCpuSecond.toLocaleString('en')} events/CPU-s (${formatCount(biggestMem.events)} events)`,
      met: biggestMem.eventsPerCpuSecond >= TARGETS.mergeEventsPerCpuSecond,
    });
  if (results.history)
    t.push({
      name: 'time per event vs profile history',
      target: `flat (exponent ≤ ${TARGETS.historyExponent})`,
      goal: 'flat',
      measured: `exponent ${results.history.exponent} (${results.history.growth}), ×${results.history.ratioLongestToShortest} from ${results.history.points[0]!.history} to ${results.history.points.at(-1)!.history} events`,
      met: results.history.exponent <= TARGETS.historyExponent,
    });
  if (results.emulators)
    t.push({
      name: 'end to end vs raw emulator writes',
      target: `≥ ${TARGETS.endToEndOverRaw * 100} %`,
      goal: '≥ 50 %',
      measured: `${(results.emulators.endToEndOverRaw * 100).toFixed(1)} % (${e2e!.eventsPerSecond} events/s vs ${results.emulators.raw.itemsPerSecond} items/s); per CPU second ${(results.emulators.endToEndOverRawCpu * 100).toFixed(1)} % (${e2e!.eventsPerCpuSecond} vs ${results.emulators.raw.itemsPerCpuSecond})`,
      met: results.emulators.endToEndOverRaw >= TARGETS.endToEndOverRaw,
    });
  for (const a of amp ?? [])
    t.push({
      name: `profile writes per changed profile per batch (${a.ordering})`,
      target: `≤ ${TARGETS.writesPerChangedProfilePerBatch}`,
      measured: String(a.profileWritesPerChangedProfilePerBatch),
      met: a.profileWritesPerChangedProfilePerBatch <= TARGETS.writesPerChangedProfilePerBatch,
    });
  for (const p of results.personalize ?? [])
    t.push({
      name: `GET /personalize p95, ${p.kind}, local stack`,
      target: 'reported (issue 13)',
      measured: `p95 ${p.p95Ms} ms, p50 ${p.p50Ms} ms (${p.requests} requests)`,
      met: true,
    });
  for (const b of results.footprint?.bundles ?? []) {
    const bundleTarget = b.handler === 'merge' || b.handler === 'webhook' ? TARGETS.hotPathBundleBytes : TARGETS.bundleBytes;
    t.push({
      name: `bundle ${b.handler}`,
      target: `≤ ${bundleTarget / 1000} kB minified`,
      goal: '≤ 150 kB',
      measured: `${Math.round(b.bytes / 1000)} kB read at init (${Math.round((b.totalBytes ?? b.bytes) / 1000)} kB with lazy chunks)`,
      met: b.bytes <= bundleTarget,
    });
    t.push({
      name: `init ${b.handler}`,
      target: `≤ ${TARGETS.initMs} ms`,
      goal: '≤ 50 ms',
      measured: `${b.initMs} ms, ${b.initCpuMs} CPU ms (node alone ${results.footprint!.baselineInitMs} ms; ${b.initSourceMapsMs} ms with source maps)`,
      met: b.initMs <= TARGETS.initMs,
    });
  }
}

await main();
// DynamoDB Local and the servers are stopped; nothing else should keep the process alive, but do not wait on stragglers.
process.exit(0);
