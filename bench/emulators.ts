// On the emulators (DynamoDB Local + local-aws-sqs, started by the local stack): the raw BatchWriteItem rate with no
// syncline code, the write amplification of the merge (mergeBatch on the real adapters, counted by wrapping the
// clients), and end to end from signed Shopify webhooks on the local server until the merge consumer has written them.
import { QUEUE_BATCHING } from '../cdk/handlers.js';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BatchWriteItemCommand, CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { randomUUID } from 'node:crypto';
import type { CanonicalEvent } from '../core/events.js';
import { signShopifyWebhook } from '../connectors/shopify/simulator.js';
import { installedConnectors } from '../connectors/index.js';
import { mergeBatch, type MergeBatchDeps } from '../pipeline/merge-batch.js';
import { documentClient, sqsClient } from '../aws/aws-clients.js';
import { DynamoProfileRepository } from '../aws/dynamo-profile-repository.js';
import { DynamoStatusRecorder } from '../aws/dynamo-ops-store.js';
import { SqsMessageQueue } from '../aws/sqs-queue.js';
import { tableNames } from '../aws/tables.js';
import { runtime } from '../lambdas/runtime.js';
import type { PushMessage } from '../core/ports.js';
import { startLocalStack, type LocalStack } from '../local/local-stack.js';
import { countDynamo, countSqs, emptyDynamoCounts, emptySqsCounts } from './counting.js';
import { startCpuMeter, type CpuSeconds } from './cpu-time.js';
import { median } from './stats.js';
import { benchConfig } from './tenant.js';
import { events, TENANT } from './workload.js';

const ROOT = resolve(import.meta.dirname, '..');
const SHOP_DOMAIN = 'bench-shop.myshopify.com';
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

export interface RawWriteResult {
  /** Median of the measured runs (the warm-up run is not one of them). */
  itemsPerSecond: number;
  runsItemsPerSecond: number[];
  /** Items per CPU second of this process and the DynamoDB Local JVM together, median of the runs (0: JVM not readable). */
  itemsPerCpuSecond: number;
  runsItemsPerCpuSecond: number[];
  itemBytes: number;
  concurrency: number;
  itemsPerRun: number;
  /** Items written first and not measured: DynamoDB Local's JIT compiles its write path on them. */
  warmupItems: number;
}

/**
 * BatchWriteItem of 25 items, `concurrency` requests in flight, into a scratch table: the emulator's own ceiling.
 * A warm-up of 20,000 items first (with none the first run wrote at a third of the later ones; with 6,000 the runs
 * before the end-to-end run still spread 1,869-3,520 items per CPU second against 4,188-4,729 after it; with 20,000
 * 2,781-3,789 in all seven), then `runs` runs, of which the median counts.
 */
async function measureRawWriteRate(
  endpoint: string,
  options: { items?: number; runs?: number; concurrency?: number; itemBytes?: number; warmupItems?: number; dynamoPid?: number } = {},
): Promise<RawWriteResult> {
  const items = options.items ?? 2_000;
  const runs = options.runs ?? 5;
  const concurrency = options.concurrency ?? 8;
  const itemBytes = options.itemBytes ?? 1_000;
  const warmupItems = options.warmupItems ?? 10 * items;
  const client = new DynamoDBClient({ endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const table = `bench-raw-${Date.now()}`;
  await client.send(
    new CreateTableCommand({
      TableName: table,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    }),
  );
  const payload = 'x'.repeat(itemBytes - 60);
  const write = async (run: string, count: number) => {
    const batches: number[][] = [];
    for (let i = 0; i < count; i += 25) batches.push(Array.from({ length: Math.min(25, count - i) }, (_, k) => i + k));
    let next = 0;
    const worker = async () => {
      while (next < batches.length) {
        const batch = batches[next++]!;
        let pending = batch.map((i) => ({
          PutRequest: { Item: { pk: { S: `R${run}#${i}` }, sk: { S: 'ITEM' }, payload: { S: payload } } },
        }));
        while (pending.length > 0) {
          const result = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: pending } }));
          pending = (result.UnprocessedItems?.[table] ?? []) as typeof pending;
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  };
  const rates: number[] = [];
  const cpuRates: number[] = [];
  try {
    if (warmupItems > 0) await write('warmup', warmupItems);
    for (let r = 0; r < runs; r++) {
      const cpu = startCpuMeter(options.dynamoPid);
      const started = performance.now();
      await write(String(r), items);
      rates.push(items / ((performance.now() - started) / 1000));
      const used = cpu.read();
      cpuRates.push(used.dynamoLocalMeasured ? items / (used.node + used.dynamoLocal) : 0);
    }
  } finally {
    await client.send(new DeleteTableCommand({ TableName: table })).catch(() => {});
    client.destroy();
  }
  return {
    itemsPerSecond: Math.round(median(rates)),
    runsItemsPerSecond: rates.map(Math.round),
    itemsPerCpuSecond: Math.round(median(cpuRates)),
    runsItemsPerCpuSecond: cpuRates.map(Math.round),
    itemBytes,
    concurrency,
    itemsPerRun: items,
    warmupItems,
  };
}

export interface AmplificationResult {
  ordering: 'interleaved' | 'bursty';
  events: number;
  batches: number;
  batchSize: number;
  outcomes: Record<string, number>;
  dynamoRequests: Record<string, number>;
  writeUnitsPerEvent: number;
  readUnitsPerEvent: number;
  /** Profile item writes in a batch over the distinct profiles that batch changed, summed over batches. */
  profileWritesPerChangedProfilePerBatch: number;
  /** All written items (profiles, pointers, counters) per changed profile per batch. */
  itemWritesPerChangedProfilePerBatch: number;
  writeUnitsPerChangedProfile: number;
  pointerWritesPerEvent: number;
  meanProfileItemBytes: number;
  sqsRequestsPerEvent: number;
  sqsRequests: Record<string, number>;
  pushMessagesPerEvent: number;
  /** Write units per event by request and item kind, as end to end. */
  writeUnitsPerEventBy?: Record<string, number>;
}

const MERGE_BATCH = QUEUE_BATCHING.merge.batchSize;

/** mergeBatch on the DynamoDB and SQS adapters, in the batches the merge's SQS event source delivers (cdk/handlers.ts). */
async function measureAmplification(
  stack: LocalStack,
  count: number,
  ordering: 'interleaved' | 'bursty',
  seed: number,
): Promise<AmplificationResult> {
  const db = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  const sqs = new SQSClient({});
  const dynamo = countDynamo(db);
  const queue = countSqs(sqs);
  const names = tableNames();
  const base = runtime().merge;
  const deps: MergeBatchDeps = {
    instances: base.instances,
    profiles: new DynamoProfileRepository(db, names.profiles),
    push: new SqsMessageQueue<PushMessage>(sqs, stack.queues.push),
    status: new DynamoStatusRecorder(db, names.ops),
    log: base.log,
  };
  let stream = [...events(count, { profiles: Math.max(50, Math.round(count / 10)), seed })];
  // A shopper's events come in sessions: a burst of views, a cart, an order. Sorting windows of 100 events by
  // person puts a session's events next to each other, as they arrive from a real shop.
  if (ordering === 'bursty') {
    const sorted: CanonicalEvent[] = [];
    for (let i = 0; i < stream.length; i += 100)
      sorted.push(
        ...stream
          .slice(i, i + 100)
          .sort((a, b) =>
            a.identifiers[0]!.value < b.identifiers[0]!.value ? -1 : a.identifiers[0]!.value > b.identifiers[0]!.value ? 1 : 0,
          ),
      );
    stream = sorted;
  }
  const outcomes: Record<string, number> = {};
  let writesPerBatchSum = 0;
  let changedPerBatchSum = 0;
  let itemWritesSum = 0;
  let batches = 0;
  try {
    for (let i = 0; i < stream.length; i += MERGE_BATCH) {
      const batch = stream.slice(i, i + MERGE_BATCH).map((e, k) => ({ id: `m${i + k}`, body: JSON.stringify(e) }));
      const before = {
        profile: dynamo.counts.profileItemWrites,
        items: dynamo.counts.profileItemWrites + dynamo.counts.pointerItemWrites + dynamo.counts.otherItemWrites,
      };
      dynamo.counts.profilesWritten = new Set();
      const result = await mergeBatch(deps, batch);
      for (const status of result.outcomes.values()) outcomes[status] = (outcomes[status] ?? 0) + 1;
      const changed = dynamo.counts.profilesWritten.size;
      writesPerBatchSum += dynamo.counts.profileItemWrites - before.profile;
      itemWritesSum += dynamo.counts.profileItemWrites + dynamo.counts.pointerItemWrites + dynamo.counts.otherItemWrites - before.items;
      changedPerBatchSum += changed;
      batches++;
    }
  } finally {
    dynamo.restore();
    queue.restore();
    db.destroy();
    sqs.destroy();
  }
  const c = dynamo.counts;
  return {
    ordering,
    events: stream.length,
    batches,
    batchSize: MERGE_BATCH,
    outcomes,
    dynamoRequests: c.requests,
    writeUnitsPerEvent: round(c.writeUnits / stream.length),
    readUnitsPerEvent: round(c.readUnits / stream.length),
    profileWritesPerChangedProfilePerBatch: round(writesPerBatchSum / Math.max(1, changedPerBatchSum)),
    itemWritesPerChangedProfilePerBatch: round(itemWritesSum / Math.max(1, changedPerBatchSum)),
    writeUnitsPerChangedProfile: round(c.writeUnits / Math.max(1, changedPerBatchSum)),
    pointerWritesPerEvent: round(c.pointerItemWrites / stream.length),
    meanProfileItemBytes: Math.round(c.profileBytesWritten / Math.max(1, c.profileItemWrites)),
    sqsRequestsPerEvent: round(queue.counts.billedRequests / stream.length, 3),
    sqsRequests: queue.counts.requests,
    pushMessagesPerEvent: round(queue.counts.messagesSent / stream.length, 3),
    writeUnitsPerEventBy: Object.fromEntries(
      Object.entries(c.writeUnitsBy)
        .sort(([, a], [, b]) => b - a)
        .map(([label, units]) => [label, round(units / stream.length, 3)]),
    ),
  };
}

type Json = Record<string, unknown>;
const fixture = (name: string): Json => JSON.parse(readFileSync(join(ROOT, 'connectors/shopify/fixtures', `${name}.json`), 'utf8')) as Json;

interface Delivery {
  topic: string;
  body: string;
  webhookId: string;
}

/** A shop's webhook traffic: new customers, consent, checkouts, orders (with several lines) and profile updates. */
function webhookDeliveries(count: number, people: number): Delivery[] {
  const customer = fixture('customers-create');
  const order = fixture('orders-create');
  const checkout = fixture('checkouts-create');
  const out: Delivery[] = [];
  // The traffic of the last `count` minutes, ending now: a profile's campaign fields then change by the clock later
  // (an abandoned-cart window, a new customer's first days), so the merge gives it a due time in the tenant-due index
  // and pays that index's writes, as it does in production (with old timestamps nothing is ever due).
  const start = Date.now() - count * 60_000;
  const created = new Date(start - 3_600_000).toISOString();
  for (let n = 0; n < count; n++) {
    const p = n % people;
    const who = { id: 900_000 + p, email: `web${p}@example.com`, first_name: `Web${p}`, last_name: 'Bench' };
    const at = new Date(start + n * 60_000).toISOString();
    const kind = n % 10;
    let topic: string;
    let body: Json;
    if (kind < 3) {
      topic = n < people ? 'customers/create' : 'customers/update';
      body = { ...customer, ...who, created_at: created, updated_at: at };
    } else if (kind < 4) {
      topic = 'customers/email_marketing_consent_update';
      body = {
        customer_id: who.id,
        email_address: who.email,
        email_marketing_consent: { state: 'subscribed', opt_in_level: 'single_opt_in', consent_updated_at: at },
      };
    } else if (kind < 6) {
      topic = 'checkouts/update';
      body = {
        ...checkout,
        id: 800_000 + n,
        token: `bench-cart-${n}`,
        cart_token: `bench-cart-${n}`,
        email: who.email,
        customer: { ...(checkout.customer as Json), ...who },
        created_at: at,
        updated_at: at,
        completed_at: null,
      };
    } else {
      topic = 'orders/create';
      body = {
        ...order,
        id: 700_000 + n,
        name: `#${n}`,
        order_number: n,
        email: who.email,
        created_at: at,
        updated_at: at,
        processed_at: at,
        currency: 'EUR',
        customer: { ...(order.customer as Json), ...who },
      };
    }
    out.push({ topic, body: JSON.stringify(body), webhookId: `bench-${n}-${randomUUID()}` });
  }
  return out;
}

export interface EndToEndResult {
  webhooks: number;
  events: number;
  concurrency: number;
  statuses: Record<string, number>;
  seconds: number;
  /** Canonical events merged and written per second, from the first POST until the merge consumer finished them. */
  eventsPerSecond: number;
  /** CPU seconds of this process (server, handlers, consumers, SQS emulator, simulators, the posting client) and of the JVM over the same span. */
  cpuSeconds: CpuSeconds;
  /** Events per CPU second of both together (0 when the JVM's CPU time could not be read). */
  eventsPerCpuSecond: number;
  webhooksPerSecond: number;
  /** Until the push consumer drained too (pushes to the simulated Copernica). */
  secondsUntilPushed: number;
  dynamo: {
    requests: Record<string, number>;
    writeUnitsPerEvent: number;
    readUnitsPerEvent: number;
    itemWritesPerEvent: number;
    /** Write units per event by request and item kind (bench/counting.ts `itemKind`), largest first. */
    writeUnitsPerEventBy?: Record<string, number>;
    /** Items written per event and their mean size in bytes, by the same labels. */
    itemsPerEventBy?: Record<string, { perEvent: number; meanBytes: number }>;
    /** Read requests and read units per event by request and item kind. */
    readsPerEventBy?: Record<string, { requests: number; units: number }>;
  };
  sqs: {
    requests: Record<string, number>;
    /** By queue and kind (`syncline-push ReceiveMessage`). */
    requestsByQueue: Record<string, number>;
    billedRequestsPerEvent: number;
    emptyReceives: number;
    billedRequestsPerEventWithoutEmptyReceives: number;
  };
  /** Simulated Copernica: API requests per 1,000 profile syncs on the push queue. */
  vendor: {
    copernicaRequests: number;
    /** Messages sent to the push queue (a packed one carries many syncs: pipeline/packed-syncs.ts). */
    syncMessages: number;
    /** Profile syncs those messages carried. */
    profileSyncs: number;
    /** Batches the push consumer handled (Lambda invocations in AWS). */
    pushInvocations: number;
    /** Simulated Copernica requests by method and path (ids as `{id}`). */
    copernicaRequestsBy: Record<string, number>;
    copernicaRequestsPer1000ProfileChanges: number;
    profilesAtDestination: number;
  };
}

/** Read in-process: polling `/api/status` would add an HTTP request and four GetQueueAttributes per check to the run. */
const mergedSoFar = (stack: LocalStack): number => stack.consumerStats().merge.succeeded;

async function measureEndToEnd(stack: LocalStack, webhooks: number, concurrency: number): Promise<EndToEndResult> {
  const secret = stack.simulators.secretsFor(TENANT, 'shop')?.webhookSecret as string;
  const deliveries = webhookDeliveries(webhooks, Math.max(10, Math.round(webhooks / 6)));
  const dynamo = countDynamo(documentClient(), emptyDynamoCounts());
  const queue = countSqs(sqsClient(), emptySqsCounts());
  const copernica = stack.simulators.copernica(TENANT, 'mail')!;
  const vendorBefore = copernica.requests();
  const vendorLogBefore = copernica.log().length;
  const pushBatchesBefore = stack.consumerStats().push.batches;
  const mergedBefore = mergedSoFar(stack);
  const statuses: Record<string, number> = {};
  let accepted = 0;
  const cpu = startCpuMeter(stack.dynamoPid);
  const started = performance.now();
  let next = 0;
  const post = async () => {
    while (next < deliveries.length) {
      const d = deliveries[next++]!;
      const response = await fetch(`${stack.url}/webhooks/${TENANT}/shop`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-shopify-topic': d.topic,
          'x-shopify-shop-domain': SHOP_DOMAIN,
          'x-shopify-webhook-id': d.webhookId,
          ...signShopifyWebhook(d.body, secret),
        },
        body: d.body,
      });
      statuses[response.status] = (statuses[response.status] ?? 0) + 1;
      const body = (await response.json()) as { accepted?: number };
      accepted += body.accepted ?? 0;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, post));
  let seconds = 0;
  let cpuUsed = { node: 0, dynamoLocal: 0, dynamoLocalMeasured: false };
  try {
    for (const deadline = Date.now() + 600_000; Date.now() < deadline; ) {
      if (mergedSoFar(stack) - mergedBefore >= accepted) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    seconds = (performance.now() - started) / 1000;
    cpuUsed = cpu.read();
    await stack.waitUntilIdle(600_000);
  } finally {
    dynamo.restore();
    queue.restore();
  }
  const secondsUntilPushed = (performance.now() - started) / 1000;
  const c = dynamo.counts;
  const vendorRequests = copernica.requests() - vendorBefore;
  const vendorRequestsBy: Record<string, number> = {};
  for (const r of copernica.log().slice(vendorLogBefore)) {
    // Numeric ids out of the path: `PUT /profile/{id}/fields` and the like.
    const label = `${r.method} ${r.path.replace(/\/\d+/g, '/{id}')}`;
    vendorRequestsBy[label] = (vendorRequestsBy[label] ?? 0) + 1;
  }
  const syncMessages = queue.counts.sentByQueue['syncline-push'] ?? 0;
  return {
    webhooks,
    events: accepted,
    concurrency,
    statuses,
    seconds: round(seconds),
    eventsPerSecond: round(accepted / seconds, 1),
    cpuSeconds: { node: round(cpuUsed.node), dynamoLocal: round(cpuUsed.dynamoLocal) },
    eventsPerCpuSecond: cpuUsed.dynamoLocalMeasured ? round(accepted / (cpuUsed.node + cpuUsed.dynamoLocal), 1) : 0,
    webhooksPerSecond: round(webhooks / seconds, 1),
    secondsUntilPushed: round(secondsUntilPushed),
    dynamo: {
      requests: c.requests,
      writeUnitsPerEvent: round(c.writeUnits / accepted),
      readUnitsPerEvent: round(c.readUnits / accepted),
      itemWritesPerEvent: round((c.profileItemWrites + c.pointerItemWrites + c.otherItemWrites) / accepted),
      writeUnitsPerEventBy: Object.fromEntries(
        Object.entries(c.writeUnitsBy)
          .sort(([, a], [, b]) => b - a)
          .map(([label, units]) => [label, round(units / accepted, 3)]),
      ),
      readsPerEventBy: Object.fromEntries(
        Object.entries(c.readsBy)
          .sort(([, a], [, b]) => b.units - a.units)
          .map(([label, { requests, units }]) => [label, { requests: round(requests / accepted, 3), units: round(units / accepted, 3) }]),
      ),
      itemsPerEventBy: Object.fromEntries(
        Object.entries(c.itemsBy).map(([label, { items, bytes }]) => [
          label,
          { perEvent: round(items / accepted, 3), meanBytes: Math.round(bytes / Math.max(1, items)) },
        ]),
      ),
    },
    sqs: {
      requests: queue.counts.requests,
      requestsByQueue: queue.counts.requestsByQueue,
      billedRequestsPerEvent: round(queue.counts.billedRequests / accepted, 3),
      emptyReceives: queue.counts.emptyReceives,
      billedRequestsPerEventWithoutEmptyReceives: round((queue.counts.billedRequests - queue.counts.emptyReceives) / accepted, 3),
    },
    vendor: {
      copernicaRequests: vendorRequests,
      syncMessages,
      profileSyncs: queue.counts.syncsSent,
      pushInvocations: stack.consumerStats().push.batches - pushBatchesBefore,
      copernicaRequestsBy: vendorRequestsBy,
      copernicaRequestsPer1000ProfileChanges: round((1000 * vendorRequests) / Math.max(1, queue.counts.syncsSent), 1),
      profilesAtDestination: copernica.profiles().length,
    },
  };
}

export interface VendorBatching {
  connector: string;
  maxBatchSize: number;
  /** API calls per 1,000 changed profiles when batches are full at the vendor's limit. */
  callsPer1000AtVendorLimit: number;
  /** The push Lambda sees at most one SQS batch (10 messages locally): calls per 1,000 with that cap. */
  callsPer1000WithSqsBatchOf10: number;
}

function vendorBatching(sqsBatch = 10): VendorBatching[] {
  return Object.values(installedConnectors)
    .filter((c) => c.push)
    .map((c) => ({
      connector: c.name,
      maxBatchSize: c.push!.maxBatchSize,
      callsPer1000AtVendorLimit: Math.ceil(1000 / c.push!.maxBatchSize),
      callsPer1000WithSqsBatchOf10: Math.ceil(1000 / Math.min(sqsBatch, c.push!.maxBatchSize)),
    }));
}

export interface EmulatorResults {
  dynamoStart: string;
  raw: RawWriteResult;
  endToEnd: EndToEndResult;
  /** End-to-end events/s over the raw emulator items/s of the same run. */
  endToEndOverRaw: number;
  /**
   * The same ratio per CPU second (Node process and JVM together): end-to-end events per CPU second over raw items per
   * CPU second. Far less moved by other work on the machine than the wall-clock ratio; 0 when the JVM was not readable.
   */
  endToEndOverRawCpu: number;
  amplification: AmplificationResult[];
  vendorBatching: VendorBatching[];
}

export async function measureOnEmulators(options: {
  webhooks: number;
  concurrency: number;
  amplificationEvents: number;
}): Promise<EmulatorResults> {
  const config = benchConfig({
    shop: { shopDomain: SHOP_DOMAIN, apiBaseUrl: 'simulator' },
    mail: { databaseId: 1, apiBaseUrl: 'simulator' },
  });
  const stack = await startLocalStack({ config, port: 0, pollAtStart: false, visibilityTimeout: 30, maxReceiveCount: 5 });
  try {
    const endpoint = process.env.AWS_ENDPOINT_URL_DYNAMODB!;
    const dynamoPid = stack.dynamoPid !== undefined ? { dynamoPid: stack.dynamoPid } : {};
    // The amplification runs first: they warm the JVM up on syncline's own requests before either rate is measured.
    const amplification = [
      await measureAmplification(stack, options.amplificationEvents, 'interleaved', 21),
      await measureAmplification(stack, options.amplificationEvents, 'bursty', 22),
    ];
    await stack.waitUntilIdle(600_000);
    const raw = await measureRawWriteRate(endpoint, dynamoPid);
    const endToEnd = await measureEndToEnd(stack, options.webhooks, options.concurrency);
    // Raw again after, so that a machine that got busier or quieter meanwhile shows.
    const rawAfter = await measureRawWriteRate(endpoint, {
      runs: 2,
      warmupItems: 0,
      ...dynamoPid,
    });
    const runsItemsPerSecond = [...raw.runsItemsPerSecond, ...rawAfter.runsItemsPerSecond];
    const runsItemsPerCpuSecond = [...raw.runsItemsPerCpuSecond, ...rawAfter.runsItemsPerCpuSecond];
    const combined: RawWriteResult = {
      ...raw,
      runsItemsPerSecond,
      itemsPerSecond: Math.round(median(runsItemsPerSecond)),
      runsItemsPerCpuSecond,
      itemsPerCpuSecond: Math.round(median(runsItemsPerCpuSecond)),
    };
    return {
      dynamoStart: endpoint,
      raw: combined,
      endToEnd,
      endToEndOverRaw: round(endToEnd.eventsPerSecond / combined.itemsPerSecond, 3),
      endToEndOverRawCpu: combined.itemsPerCpuSecond > 0 ? round(endToEnd.eventsPerCpuSecond / combined.itemsPerCpuSecond, 3) : 0,
      amplification,
      vendorBatching: vendorBatching(),
    };
  } finally {
    await stack.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(
    JSON.stringify(
      await measureOnEmulators({
        webhooks: Number(process.argv[2] ?? 100),
        concurrency: 8,
        amplificationEvents: Number(process.argv[3] ?? 200),
      }),
      null,
      2,
    ),
  );
}
