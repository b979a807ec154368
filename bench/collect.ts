// Website tracking in `npm run bench`: syncline.js's gzipped size as served, and the collect path's cost per million
// events from its measured CPU per batch and its request counts (no DynamoDB request on this path, by design).
import { gzipSync } from 'node:zlib';
import { SynclineConfig } from '../core/config.js';
import type { CanonicalEvent } from '../core/events.js';
import { loadConnector } from '../connectors/installed.js';
import { collectBatch } from '../pipeline/collect/collect-batch.js';
import { siteRateLimit } from '../pipeline/collect/site-rate-limit.js';
import { minifiedTrackingScript } from '../cdk/handler-bundle.js';
import { PRICES } from './cost.js';

/** The script's limit in issue 13. */
export const SCRIPT_LIMIT_GZIP_BYTES = 3 * 1024;
/** What the script sends per request when it flushes on its 20-event limit; real pages flush sooner (pagehide). */
const EVENTS_PER_BATCH = 20;
/** Memory of the collect function (cdk/syncline-stack.ts) and an in-region SendMessageBatch round trip. */
const COLLECT_MEMORY_MB = 256;
const SQS_MS = 12;
/** The canonical events a batch of 20 script events becomes: page views none (the mix of visit-then-login.json). */
const CANONICAL_PER_SCRIPT_EVENT = 6 / 7;

export interface CollectBench {
  scriptGzipBytes: number;
  scriptMinifiedBytes: number;
  cpuMicrosPerBatch: number;
  eventsPerBatch: number;
  lines: { item: string; perMillionEvents: number; basis: string }[];
  total: number;
}

const r4 = (n: number) => Math.round(n * 10_000) / 10_000;

export async function measureCollect(): Promise<CollectBench> {
  const script = minifiedTrackingScript();
  const config = SynclineConfig.parse({
    tenants: [
      {
        id: 'bench',
        instances: [
          {
            id: 'web',
            connector: 'website',
            settings: { writeKey: 'pk_bench_0123456789ab', origins: ['https://shop.example'], requestsPerSecond: 1000 },
          },
        ],
      },
    ],
  });
  let queued = 0;
  const deps = {
    config,
    connectors: loadConnector,
    events: { send: async (events: readonly CanonicalEvent[]) => void (queued += events.length) },
    quarantine: { put: async () => undefined },
    limit: siteRateLimit(),
    log: { debug() {}, info() {}, warn() {}, error() {} },
  };
  const at = new Date().toISOString();
  const kinds = [
    { type: 'product', data: { sku: 'DR-18V', category: 'tools', price: 99.5 } },
    { type: 'search', data: { query: 'drill bits', resultCount: 4 } },
    { type: 'page', data: { title: 'Drills' } },
  ];
  const body = (n: number) =>
    Buffer.from(
      JSON.stringify({
        writeKey: 'pk_bench_0123456789ab',
        anonymousId: `visitor-${n}-0000`,
        events: Array.from({ length: EVENTS_PER_BATCH }, (_, i) => ({ id: `e${i}`, at, ...kinds[i % kinds.length]! })),
      }),
    );
  const request = (n: number) => ({
    method: 'POST',
    url: 'https://api.example/collect/bench/web',
    headers: { origin: 'https://shop.example', 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0' },
    rawBody: body(n),
  });
  for (let i = 0; i < 200; i++) await collectBatch(deps, 'bench', 'web', request(i)); // warm up
  const runs = 2_000;
  const start = process.cpuUsage();
  for (let i = 0; i < runs; i++) await collectBatch(deps, 'bench', 'web', request(i));
  const cpu = process.cpuUsage(start);
  const cpuMicrosPerBatch = Math.round((cpu.user + cpu.system) / runs);

  const M = 1_000_000;
  const batches = M / EVENTS_PER_BATCH;
  // SendMessageBatch takes 10 messages per call; each event a message of < 64 KB, so one billed request per 10.
  const sqsRequests = (M * CANONICAL_PER_SCRIPT_EVENT) / 10;
  const gbSeconds = batches * ((cpuMicrosPerBatch / 1e6 + SQS_MS / 1000) * (COLLECT_MEMORY_MB / 1024));
  const lines = [
    {
      item: 'API Gateway HTTP API',
      perMillionEvents: r4((batches / M) * PRICES.apiGatewayHttpPerMillion),
      basis: `${EVENTS_PER_BATCH} events a request`,
    },
    { item: 'Lambda requests', perMillionEvents: r4((batches / M) * PRICES.lambdaPerMillionRequests), basis: 'one invocation per request' },
    {
      item: 'Lambda compute (arm64)',
      perMillionEvents: r4(gbSeconds * PRICES.lambdaPerGbSecondArm),
      basis: `${cpuMicrosPerBatch} µs CPU per batch (measured here) + ${SQS_MS} ms SQS round trip, ${COLLECT_MEMORY_MB} MB`,
    },
    {
      item: 'SQS SendMessageBatch',
      perMillionEvents: r4((sqsRequests / M) * PRICES.sqsPerMillionRequests),
      basis: `${CANONICAL_PER_SCRIPT_EVENT.toFixed(2)} canonical events per script event (page views not queued), 10 per request`,
    },
    { item: 'DynamoDB', perMillionEvents: 0, basis: 'no request on the collect path (the merge that follows is costed above)' },
  ];
  if (queued === 0) throw new Error('collect bench queued nothing: the batches were refused');
  return {
    scriptGzipBytes: gzipSync(script).length,
    scriptMinifiedBytes: Buffer.byteLength(script),
    cpuMicrosPerBatch,
    eventsPerBatch: EVENTS_PER_BATCH,
    lines,
    total: r4(lines.reduce((s, l) => s + l.perMillionEvents, 0)),
  };
}
