// AWS cost per million events, from the counts this run measured and public list prices written down as constants.
import { MEMORY_MB, QUEUE_BATCHING } from '../cdk/handlers.js';
import { emfLine } from '../lambdas/logger.js';

// Prices: US East (N. Virginia), on-demand list prices as published on the AWS pricing pages; DynamoDB on-demand
// after the 1 November 2024 reduction. Other regions differ by a few to ~15 %. Check before you quote a customer.
export const PRICES = {
  asOf: '2025-01 (DynamoDB on-demand as reduced on 2024-11-01); recorded 2026-11 from the public pricing pages, not re-checked online',
  region: 'us-east-1',
  lambdaPerGbSecondX86: 0.0000166667,
  lambdaPerGbSecondArm: 0.0000133334,
  lambdaPerMillionRequests: 0.2,
  /** Standard queue, beyond the free tier; every 64 KB chunk of a request is billed as one request. */
  sqsPerMillionRequests: 0.4,
  dynamoPerMillionWriteUnits: 0.625,
  dynamoPerMillionReadUnits: 0.125,
  /** HTTP API, first 300 million requests a month, metered per 512 KB. */
  apiGatewayHttpPerMillion: 1.0,
  secretsManagerPer10kCalls: 0.05,
  secretsManagerPerSecretMonth: 0.4,
  cloudWatchLogsPerGbIngested: 0.5,
} as const;

/** One status record's EMF line as the handlers write it (lambdas/logger.ts), with typical names. */
const STATUS_LINE_BYTES =
  Buffer.byteLength(
    emfLine('syncline', { dimensions: { tenantId: 'acme-shop', instance: 'shopify-main', stage: 'webhook' }, metrics: { okCount: 1 } }),
  ) + 1;

/** What the model assumes where this run cannot measure AWS itself. */
export const ASSUMPTIONS = {
  /** What the stack deploys (cdk/handlers.ts): until stop 30 the model priced every function at 512 MB, merge too. */
  memoryMb: { webhook: MEMORY_MB.webhook, merge: MEMORY_MB.merge, push: MEMORY_MB.push },
  /** Round-trip latency inside a region, per request. */
  dynamoMs: 6,
  sqsMs: 12,
  /** Requests of one merge batch run in up to 8 lanes; with skewed traffic ~4 run at once. */
  mergeParallelism: 4,
  /**
   * What an invocation logs on success: its status record as one EMF line (two for push: its delivery counts too); no
   * info lines. Lambda's START/END/REPORT lines (~300 B, priced until stop 31 as part of 350 B per invocation) are left
   * out by the deployed system log level WARN (cdk/constructs/handler-function.ts).
   */
  logBytesPerInvocation: { webhook: STATUS_LINE_BYTES, merge: STATUS_LINE_BYTES, push: 2 * STATUS_LINE_BYTES },
  /** Warm containers that each re-read a secret every 5 minutes (the SecretsManagerSecrets cache TTL). */
  warmContainers: 10,
  /** Volume the fixed secret reads are spread over, events per month. */
  eventsPerMonth: 10_000_000,
  /** Events per merge invocation and push messages per push invocation, as the stack's event sources deliver them when busy. */
  mergeBatchSize: QUEUE_BATCHING.merge.batchSize,
  pushBatchSize: QUEUE_BATCHING.push.batchSize,
} as const;

export interface CostInputs {
  webhooksPerEvent: number;
  /**
   * DynamoDB requests of the webhook function per delivery (its status record, written at most every few seconds per
   * instance): the happy path sends one SQS message and nothing else. Until stop 32 the model assumed one per delivery.
   */
  webhookDynamoRequestsPerWebhook?: number;
  /** Measured CPU time of the merge engine per event, microseconds (in memory). */
  mergeCpuMicrosPerEvent: number;
  dynamoRequestsPerEvent: number;
  writeUnitsPerEvent: number;
  /** Read units as billed (bench/counting.ts): an eventually consistent read costs half a unit per 4 KB. */
  readUnitsPerEvent: number;
  /** The part of `readUnitsPerEvent` read eventually consistently (already at half price). */
  eventualReadUnitsPerEvent?: number;
  sqsBilledRequestsPerEvent: number;
  /** Profile syncs per event (what the push works through, profile by profile). */
  syncMessagesPerEvent: number;
  /**
   * Push-queue messages per event: a merge batch sends one message carrying its syncs (pipeline/packed-syncs.ts), so
   * the push's invocations follow these, its duration the syncs. Without it, one message per sync (as until stop 32).
   */
  pushMessagesPerEvent?: number;
  /** Instances with a secret (shop + destination). */
  secretsPerTenant: number;
}

export interface CostLine {
  item: string;
  perMillionEvents: number;
  basis: string;
}

const r4 = (n: number) => Math.round(n * 10_000) / 10_000;

/** Which reads the read units came from: eventually consistent ones are billed half a unit per 4 KB. */
function readSplit(inputs: CostInputs): string {
  const eventual = inputs.eventualReadUnitsPerEvent ?? 0;
  if (eventual === 0) return 'strongly consistent';
  const strong = r4(inputs.readUnitsPerEvent - eventual);
  return `${strong} strongly consistent, ${eventual} eventually consistent at half a unit per 4 KB`;
}

export function costPerMillionEvents(inputs: CostInputs): { lines: CostLine[]; total: number } {
  const M = 1_000_000;
  const a = ASSUMPTIONS;
  const gb = { webhook: a.memoryMb.webhook / 1024, merge: a.memoryMb.merge / 1024, push: a.memoryMb.push / 1024 };
  const webhookInvocations = inputs.webhooksPerEvent * M;
  const mergeInvocations = M / a.mergeBatchSize;
  const pushInvocations = ((inputs.pushMessagesPerEvent ?? inputs.syncMessagesPerEvent) * M) / a.pushBatchSize;
  const invocations = webhookInvocations + mergeInvocations + pushInvocations;
  // Webhook: one SendMessageBatch, the measured share of status writes, ~2 ms of parsing. Merge: its DynamoDB round
  // trips spread over the lanes, plus the measured CPU. Push: a profile read, a snapshot read and write, one vendor call.
  const webhookMs = a.sqsMs + (inputs.webhookDynamoRequestsPerWebhook ?? 1) * a.dynamoMs + 2;
  const mergeMsPerEvent = (inputs.dynamoRequestsPerEvent * a.dynamoMs) / a.mergeParallelism + inputs.mergeCpuMicrosPerEvent / 1000;
  const pushMsPerMessage = 3 * a.dynamoMs + 50 / a.pushBatchSize;
  const gbSeconds =
    (gb.webhook * webhookInvocations * webhookMs) / 1000 +
    (gb.merge * M * mergeMsPerEvent) / 1000 +
    (gb.push * inputs.syncMessagesPerEvent * M * pushMsPerMessage) / 1000;
  const logBytes =
    webhookInvocations * a.logBytesPerInvocation.webhook +
    mergeInvocations * a.logBytesPerInvocation.merge +
    pushInvocations * a.logBytesPerInvocation.push;
  const secretCalls = (a.warmContainers * 12 * 24 * 30 * inputs.secretsPerTenant * M) / a.eventsPerMonth;
  const lines: CostLine[] = [
    {
      item: 'API Gateway HTTP API',
      perMillionEvents: r4(inputs.webhooksPerEvent * PRICES.apiGatewayHttpPerMillion),
      basis: `${inputs.webhooksPerEvent} requests/event`,
    },
    {
      item: 'Lambda requests',
      perMillionEvents: r4((invocations / M) * PRICES.lambdaPerMillionRequests),
      basis: `${Math.round(invocations / 1000)}k invocations (webhook 1/delivery, merge 1/${a.mergeBatchSize} events, push 1/${a.pushBatchSize} push messages)`,
    },
    {
      item: 'Lambda duration (arm64, as cdk/ deploys)',
      perMillionEvents: r4(gbSeconds * PRICES.lambdaPerGbSecondArm),
      basis: `${Math.round(gbSeconds)} GB-s at ${a.memoryMb.webhook}/${a.memoryMb.merge}/${a.memoryMb.push} MB webhook/merge/push (modelled: ${a.dynamoMs} ms/DynamoDB, ${a.sqsMs} ms/SQS request, measured merge CPU)`,
    },
    {
      item: 'SQS',
      perMillionEvents: r4(inputs.sqsBilledRequestsPerEvent * PRICES.sqsPerMillionRequests),
      basis: `${inputs.sqsBilledRequestsPerEvent} billed requests/event (64 KB chunks, empty receives excluded)`,
    },
    {
      item: 'DynamoDB writes',
      perMillionEvents: r4(inputs.writeUnitsPerEvent * PRICES.dynamoPerMillionWriteUnits),
      basis: `${inputs.writeUnitsPerEvent} WRU/event (transactions count twice)`,
    },
    {
      item: 'DynamoDB reads',
      perMillionEvents: r4(inputs.readUnitsPerEvent * PRICES.dynamoPerMillionReadUnits),
      basis: `${inputs.readUnitsPerEvent} RRU/event (${readSplit(inputs)})`,
    },
    {
      item: 'Secrets Manager API',
      perMillionEvents: r4((secretCalls / 10_000) * PRICES.secretsManagerPer10kCalls),
      basis: `${a.warmContainers} warm containers × 5-min cache at ${a.eventsPerMonth / M}M events/month; plus $${PRICES.secretsManagerPerSecretMonth}/secret/month fixed`,
    },
    {
      item: 'CloudWatch Logs ingestion',
      perMillionEvents: r4((logBytes / 2 ** 30) * PRICES.cloudWatchLogsPerGbIngested),
      basis: `${a.logBytesPerInvocation.webhook}/${a.logBytesPerInvocation.merge}/${a.logBytesPerInvocation.push} B per webhook/merge/push invocation (its EMF status lines; no platform lines)`,
    },
  ];
  return { lines, total: r4(lines.reduce((s, l) => s + l.perMillionEvents, 0)) };
}

/** The campaign sweep's later work for the profiles of those events (bench/emulators.ts `sweep.due`), per event. */
export interface SweepCostInputs {
  writeUnitsPerEvent: number;
  readUnitsPerEvent: number;
  /** The part of `readUnitsPerEvent` read eventually consistently (already at half price). */
  eventualReadUnitsPerEvent: number;
  sqsBilledRequestsPerEvent: number;
  /** Profile syncs the sweep queued per event: the push works through each (read, compare, maybe write, vendor). */
  syncsPerEvent: number;
}

/**
 * What the sweep adds per million events: when a profile's campaign fields change by the clock (a new customer's
 * window ends, a cart is abandoned, a customer lapses), the sweep reads it, reschedules it and queues a push. Its
 * scheduled runs themselves (a Query per run and tenant) are per tenant and hour, not per event, and left out.
 */
export function sweepCostPerMillionEvents(inputs: SweepCostInputs): { lines: CostLine[]; total: number } {
  const a = ASSUMPTIONS;
  const pushGbSeconds = (inputs.syncsPerEvent * 1_000_000 * (a.memoryMb.push / 1024) * (3 * a.dynamoMs + 50 / a.pushBatchSize)) / 1000;
  const lines: CostLine[] = [
    {
      item: 'Sweep: DynamoDB writes',
      perMillionEvents: r4(inputs.writeUnitsPerEvent * PRICES.dynamoPerMillionWriteUnits),
      basis: `${inputs.writeUnitsPerEvent} WRU/event (due item moves, push snapshots)`,
    },
    {
      item: 'Sweep: DynamoDB reads',
      perMillionEvents: r4(inputs.readUnitsPerEvent * PRICES.dynamoPerMillionReadUnits),
      basis: `${inputs.readUnitsPerEvent} RRU/event (${r4(inputs.eventualReadUnitsPerEvent)} of them eventually consistent)`,
    },
    {
      item: 'Sweep: SQS',
      perMillionEvents: r4(inputs.sqsBilledRequestsPerEvent * PRICES.sqsPerMillionRequests),
      basis: `${inputs.sqsBilledRequestsPerEvent} billed requests/event`,
    },
    {
      item: 'Sweep: push Lambda duration',
      perMillionEvents: r4(pushGbSeconds * PRICES.lambdaPerGbSecondArm),
      basis: `${inputs.syncsPerEvent} profile syncs/event at the push model's time per sync`,
    },
  ];
  return { lines, total: r4(lines.reduce((s, l) => s + l.perMillionEvents, 0)) };
}
