// On the emulators (DynamoDB Local + local-aws-sqs, started by the local stack): the raw BatchWriteItem rate with no
// syncline code, the write amplification of the merge (mergeBatch on the real adapters, counted by wrapping the
// clients), and end to end from signed Shopify webhooks on the local server until the merge consumer has written them.
import { PUSH_DELAY_SECONDS, QUEUE_BATCHING } from '../cdk/handlers.js';
import { BatchWriteItemCommand, CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { CanonicalEvent } from '../core/events.js';
import { signShopifyWebhook } from '../connectors/shopify/simulator.js';
import { installedConnectors } from '../connectors/index.js';
import { mergeBatch, type MergeBatchDeps } from '../pipeline/merge-batch.js';
import { documentClient, sqsClient } from '../aws/aws-clients.js';
import { DynamoProfileRepository } from '../aws/dynamo-profile-repository.js';
import { DynamoStatusRecorder } from '../aws/dynamo-ops-store.js';
import { SqsMessageQueue } from '../aws/sqs-queue.js';
import { dueItemKeys, tableNames } from '../aws/tables.js';
import { DynamoDueItems } from '../aws/dynamo-due-items.js';
import { runtime } from '../lambdas/runtime.js';
import type { PushMessage } from '../core/ports.js';
import { startLocalStack, type LocalStack } from '../local/local-stack.js';
import { countDynamo, countSqs, type DynamoCounts, emptyDynamoCounts, emptySqsCounts, type SqsCounts } from './counting.js';
import { startCpuMeter, type CpuSeconds } from './cpu-time.js';
import { median } from './stats.js';
import { benchConfig } from './tenant.js';
import { events, TENANT } from './workload.js';
import { webhookDeliveries, type DeliveryOrdering } from './webhook-traffic.js';

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

export interface EndToEndResult {
  ordering: DeliveryOrdering;
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
  /** Handler invocations of the local queue pollers (the event source mappings' stand-ins) during the run. */
  invocations: { merge: number; push: number };
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
    /** The profiles table's index entries that entered, moved or left, by index (bench/counting.ts). */
    indexChanges?: DynamoCounts['indexChanges'];
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

async function measureEndToEnd(
  stack: LocalStack,
  webhooks: number,
  concurrency: number,
  ordering: DeliveryOrdering,
): Promise<EndToEndResult> {
  const secret = stack.simulators.secretsFor(TENANT, 'shop')?.webhookSecret as string;
  const deliveries = webhookDeliveries(webhooks, Math.max(10, Math.round(webhooks / 6)), ordering);
  const dynamo = countDynamo(documentClient(), emptyDynamoCounts());
  const queue = countSqs(sqsClient(), emptySqsCounts());
  const copernica = stack.simulators.copernica(TENANT, 'mail')!;
  const vendorBefore = copernica.requests();
  const vendorLogBefore = copernica.log().length;
  const pushBatchesBefore = stack.consumerStats().push.batches;
  const mergedBefore = mergedSoFar(stack);
  const batchesBefore = stack.consumerStats();
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
  const batchesAfter = stack.consumerStats();
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
    ordering,
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
    invocations: {
      merge: batchesAfter.merge.batches - batchesBefore.merge.batches,
      push: batchesAfter.push.batches - batchesBefore.push.batches,
    },
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
      indexChanges: c.indexChanges,
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

/** The bench's clock (the stack's injectable `now`): the sweep phase moves it forward to the schedule's next run. */
const clock = { offsetMs: 0 };
const benchNow = () => new Date(Date.now() + clock.offsetMs);

export interface SweepCounts {
  requests: Record<string, number>;
  writeUnitsPerEvent: number;
  readUnitsPerEvent: number;
  writeUnitsPerEventBy: Record<string, number>;
  readsPerEventBy: Record<string, { requests: number; units: number }>;
  indexChanges: DynamoCounts['indexChanges'];
  sqsRequests: Record<string, number>;
  sqsBilledRequestsPerEvent: number;
  syncMessagesPerEvent: number;
  /** Profile syncs those messages carry (a packed message carries several). */
  profileSyncsPerEvent: number;
}

export interface SweepResult {
  /** The end-to-end run's accepted events: every figure below is per one of them. */
  events: number;
  sweepEveryMinutes: number;
  /** Runs of the schedule over the simulated span that found profiles due (the others only pay `emptyRun`). */
  runs: number;
  /** Runs of the schedule from the end of the traffic to the last run with profiles due (or the horizon). */
  scheduleRuns: number;
  simulatedDays: number;
  /** Due profiles read (a profile due in several runs counts in each), profile syncs the runs queued. */
  dueReads: number;
  queued: number;
  /** Due profiles whose projection the clock had not changed: rescheduled without a sync. */
  dueUnchanged: number;
  /** Profiles still due (by a due item) at the horizon (their sweeps are not counted). */
  leftOnIndex: number;
  /** Requests the sweep's pushes made of the simulated Copernica: what the due reads changed at the destination. */
  copernicaRequests: number;
  /** The due work of all runs and the pushes it queued, per event. */
  due: SweepCounts;
  /** One run with nothing due (the tenant-due Query, the stats, the erasure receipts): paid by every run of the schedule. */
  emptyRun?: { dynamoRequests: Record<string, number>; readUnits: number; sqsRequests: Record<string, number> };
  /** The first sweep's stats recount (every profile of the tenant, twice): daily whatever the traffic, so apart. */
  recount: { dynamoRequests: Record<string, number>; readUnits: number; writeUnits: number; syncMessages: number };
}

function sweepCounts(c: DynamoCounts, q: SqsCounts, events: number): SweepCounts {
  return {
    requests: c.requests,
    writeUnitsPerEvent: round(c.writeUnits / events, 3),
    readUnitsPerEvent: round(c.readUnits / events, 3),
    writeUnitsPerEventBy: Object.fromEntries(
      Object.entries(c.writeUnitsBy)
        .sort(([, a], [, b]) => b - a)
        .map(([label, units]) => [label, round(units / events, 3)]),
    ),
    readsPerEventBy: Object.fromEntries(
      Object.entries(c.readsBy)
        .sort(([, a], [, b]) => b.units - a.units)
        .map(([label, { requests, units }]) => [label, { requests: round(requests / events, 3), units: round(units / events, 3) }]),
    ),
    indexChanges: c.indexChanges,
    sqsRequests: q.requests,
    sqsBilledRequestsPerEvent: round(q.billedRequests / events, 3),
    syncMessagesPerEvent: round((q.sentByQueue['syncline-push'] ?? 0) / events, 3),
    profileSyncsPerEvent: round(q.syncsSent / events, 3),
  };
}

/**
 * After the end-to-end traffic: the campaign sweep as its schedule runs it, every `sweepEveryMinutes` from the end of
 * the traffic, with the bench's clock moved to each run that finds a profile due (the runs between them find none and
 * cost `emptyRun` each), until the tenant-due index is empty or `horizonDays` have passed. Counted: the sweep's
 * DynamoDB and SQS requests and the pushes its sync messages cause. The first sweep recounts the tenant stats (daily,
 * whatever the traffic: counted apart); the later runs find the stats fresh (the bench re-dates them, uncounted), as a
 * daily recount would keep them, so what they count is the due work alone.
 */
async function measureSweep(stack: LocalStack, events: number, horizonDays = 400): Promise<SweepResult> {
  const campaigns = stack.config.tenants.find((t) => t.id === TENANT)!.campaigns;
  const period = campaigns.sweepEveryMinutes * 60_000;
  const names = tableNames();
  // Looks ahead for the schedule, not counted: what the next run will find is the first due item (its sort key
  // starts with the due time; a stale one is deleted by the run that meets it, so the loop moves on).
  const peek = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  const firstDue = async (): Promise<string | undefined> => {
    const { Items } = await peek.send(
      new QueryCommand({
        TableName: names.profiles,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': dueItemKeys.partition(TENANT) },
        ConsistentRead: true,
        Limit: 1,
      }),
    );
    return (Items?.[0]?.sk as string | undefined)?.split('#')[0];
  };
  const counted = async <T>(dynamo: DynamoCounts, queue: SqsCounts, work: () => Promise<T>): Promise<T> => {
    const d = countDynamo(documentClient(), dynamo);
    const q = countSqs(sqsClient(), queue);
    try {
      const result = await work();
      await stack.waitUntilIdle(600_000);
      return result;
    } finally {
      d.restore();
      q.restore();
    }
  };
  const { stats } = runtime().sweep;
  const start = Date.now();
  try {
    clock.offsetMs = 0;
    const recountDynamo = emptyDynamoCounts();
    const recountSqs = emptySqsCounts();
    await counted(recountDynamo, recountSqs, () => stack.sweep(TENANT));
    const counted0 = await stats.get(TENANT);
    if (!counted0) throw new Error('the first sweep counted no tenant stats');
    const runAt = async (k: number) => {
      clock.offsetMs = start + k * period - Date.now();
      await stats.put({ ...counted0, computedAt: benchNow().toISOString(), complete: true });
    };

    // One run with nothing due, when the schedule has one before the first due time.
    let emptyRun: SweepResult['emptyRun'];
    let k = 1;
    const first = await firstDue();
    if (first === undefined || Date.parse(first) > start + period) {
      await runAt(k++);
      const d = emptyDynamoCounts();
      const q = emptySqsCounts();
      await counted(d, q, () => stack.sweep(TENANT));
      emptyRun = { dynamoRequests: d.requests, readUnits: d.readUnits, sqsRequests: q.requests };
    }

    const copernica = stack.simulators.copernica(TENANT, 'mail')!;
    const vendorBefore = copernica.requests();
    const dueDynamo = emptyDynamoCounts();
    const dueSqs = emptySqsCounts();
    let runs = 0;
    let dueReads = 0;
    let queued = 0;
    let dueUnchanged = 0;
    let last = 0;
    for (let due = await firstDue(); due !== undefined; due = await firstDue()) {
      k = Math.max(k, Math.ceil((Date.parse(due) - start) / period));
      if (k * period > horizonDays * 86_400_000) break;
      await runAt(k);
      const [run] = await counted(dueDynamo, dueSqs, () => stack.sweep(TENANT));
      runs++;
      dueReads += run?.due ?? 0;
      queued += run?.queued ?? 0;
      dueUnchanged += run?.unchanged ?? 0;
      last = k++;
    }
    let leftOnIndex = 0;
    for await (const _ of new DynamoDueItems(peek, names.profiles).dueProfiles(TENANT, '9999')) leftOnIndex++;
    return {
      events,
      sweepEveryMinutes: campaigns.sweepEveryMinutes,
      runs,
      scheduleRuns: last,
      simulatedDays: round((last * period) / 86_400_000, 1),
      dueReads,
      queued,
      dueUnchanged,
      leftOnIndex,
      copernicaRequests: copernica.requests() - vendorBefore,
      due: sweepCounts(dueDynamo, dueSqs, events),
      ...(emptyRun ? { emptyRun } : {}),
      recount: {
        dynamoRequests: recountDynamo.requests,
        readUnits: recountDynamo.readUnits,
        writeUnits: recountDynamo.writeUnits,
        syncMessages: recountSqs.sentByQueue['syncline-push'] ?? 0,
      },
    };
  } finally {
    clock.offsetMs = 0;
    peek.destroy();
  }
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
  /** Sessions together, as Shopify sends them (`bursty`): the figures the targets are judged on. */
  endToEnd: EndToEndResult;
  /** The same traffic person after person (`interleaved`): the worst case, no two events of a person in one batch. */
  endToEndInterleaved: EndToEndResult;
  /** End-to-end events/s over the raw emulator items/s of the same run. */
  endToEndOverRaw: number;
  /**
   * The same ratio per CPU second (Node process and JVM together): end-to-end events per CPU second over raw items per
   * CPU second. Far less moved by other work on the machine than the wall-clock ratio; 0 when the JVM was not readable.
   */
  endToEndOverRawCpu: number;
  amplification: AmplificationResult[];
  vendorBatching: VendorBatching[];
  /** The campaign sweep after the end-to-end traffic, per end-to-end event (not part of `endToEnd`'s figures). */
  sweep: SweepResult;
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
  const stack = await startLocalStack({
    config,
    port: 0,
    pollAtStart: false,
    visibilityTimeout: 30,
    maxReceiveCount: 5,
    // The merge's push messages held as in AWS (real seconds, not the bench clock): each end-to-end run waits them out.
    pushDelaySeconds: PUSH_DELAY_SECONDS,
    now: benchNow,
    // The sweep phase runs the schedule itself, on the bench's clock.
    scheduledSweeps: false,
  });
  try {
    const endpoint = process.env.AWS_ENDPOINT_URL_DYNAMODB!;
    const dynamoPid = stack.dynamoPid !== undefined ? { dynamoPid: stack.dynamoPid } : {};
    // The amplification runs first: they warm the JVM up on syncline's own requests before either rate is measured.
    const amplification =
      options.amplificationEvents > 0
        ? [
            await measureAmplification(stack, options.amplificationEvents, 'interleaved', 21),
            await measureAmplification(stack, options.amplificationEvents, 'bursty', 22),
          ]
        : [];
    await stack.waitUntilIdle(600_000);
    const raw = await measureRawWriteRate(endpoint, dynamoPid);
    const endToEnd = await measureEndToEnd(stack, options.webhooks, options.concurrency, 'bursty');
    const endToEndInterleaved = await measureEndToEnd(stack, options.webhooks, options.concurrency, 'interleaved');
    // Raw again after, so that a machine that got busier or quieter meanwhile shows.
    const rawAfter = await measureRawWriteRate(endpoint, {
      runs: 2,
      warmupItems: 0,
      ...dynamoPid,
    });
    // Last: it moves the clock on by months. It sweeps the profiles of both end-to-end runs, so per event of both.
    const sweep = await measureSweep(stack, endToEnd.events + endToEndInterleaved.events);
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
      endToEndInterleaved,
      endToEndOverRaw: round(endToEnd.eventsPerSecond / combined.itemsPerSecond, 3),
      endToEndOverRawCpu: combined.itemsPerCpuSecond > 0 ? round(endToEnd.eventsPerCpuSecond / combined.itemsPerCpuSecond, 3) : 0,
      amplification,
      vendorBatching: vendorBatching(),
      sweep,
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
