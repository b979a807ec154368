// The soak: a bounded load run on the embedded stand-ins, loopback only. The same stream of signed Shopify and
// WooCommerce webhooks goes to two tenants: "calm", with no faults, and "storm", whose DynamoDB requests are
// throttled and raced, whose Copernica answers 429, 500 or not at all, while a few authentic but invalid deliveries
// and a few poison queue messages are mixed in. After the queues drain, both tenants must hold the same state.
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { SynclineConfig } from '../../core/config.js';
import type { Logger } from '../../connectors/sdk/index.js';
import { sqsClient } from '../../aws/aws-clients.js';
import { runtime } from '../../lambdas/runtime.js';
import { startLocalStack, type LocalStack } from '../local-stack.js';
import type { DynamoFaultCounts } from './dynamo-faults.js';
import { finalState, stateDifferences } from './final-state.js';
import { vendorFaultPlan, type VendorFaultPlan } from './vendor-faults.js';
import { deliver, generateTraffic, type DeliveryResult, type TrafficDelivery } from './webhook-traffic.js';

export const SOAK_TENANTS = { calm: 'soak-calm', storm: 'soak-storm' } as const;

export interface SoakOptions {
  /** Stop sending after this many minutes… */
  minutes: number;
  /** …or after this many deliveries per tenant, whichever comes first. */
  events?: number;
  seed: number;
  /** Requests in flight per tenant. */
  concurrency?: number;
  /** Poison messages put straight on the changes queue: they must end in its DLQ, and nothing else may. */
  poison?: number;
  print?: (line: string) => void;
}

export interface TenantCounts {
  sent: number;
  accepted: number;
  quarantined: number;
  /** Answered anything else in the end (after the vendor-like retries of 5xx). */
  refused: number;
  /** Deliveries that needed more than one attempt (a 5xx or no answer first). */
  retried: number;
  quarantineEntries: number;
  profiles: number;
  /** Contacts the simulated Copernica holds, and the requests it answered (faults included). */
  contacts: number;
  destinationRequests: number;
}

export interface SoakResult {
  seed: number;
  sendingSeconds: number;
  drainSeconds: number;
  tenants: Record<keyof typeof SOAK_TENANTS, TenantCounts>;
  /** Webhook latency of the answered attempt, over both tenants, in ms. */
  latency: { p50: number; p95: number; max: number };
  deadLettered: { changes: number; push: number };
  poisonSent: number;
  faults: { dynamo: DynamoFaultCounts; copernica: ReturnType<VendorFaultPlan['counts']> };
  /** Lines of the event accounting (see soakAccounting). */
  accounting: string[];
  differences: string[];
  /** Same final state in both tenants, every delivery accepted or quarantined, only the poison dead-lettered. */
  ok: boolean;
}

const tenantConfig = (id: string) => ({
  id,
  sourcePriority: ['shopify', 'woocommerce', 'copernica'],
  instances: [
    {
      id: 'shopify',
      connector: 'shopify',
      webhooks: true,
      pollEveryMinutes: 60,
      settings: { shopDomain: 'soak-shop.myshopify.com', apiBaseUrl: 'simulator' },
    },
    { id: 'woocommerce', connector: 'woocommerce', webhooks: true, settings: { apiBaseUrl: 'simulator' } },
    { id: 'copernica', connector: 'copernica', webhooks: true, push: true, settings: { databaseId: 1, apiBaseUrl: 'simulator' } },
  ],
});

const PEOPLE_PER_WAVE = 10;
const quietLog = (errors: { count: number }): Logger => ({ debug() {}, info() {}, warn() {}, error: () => void errors.count++ });

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const print = options.print ?? (() => {});
  process.env.SYNCLINE_VENDOR_TIMEOUT_MS ??= '500';
  const copernicaFaults = vendorFaultPlan({ seed: options.seed + 1, rateLimitRate: 0.08, failRate: 0.08, timeoutRate: 0.03 });
  const errors = { count: 0 };
  const stack = await startLocalStack({
    config: SynclineConfig.parse({ tenants: [tenantConfig(SOAK_TENANTS.calm), tenantConfig(SOAK_TENANTS.storm)] }),
    port: 0,
    pollAtStart: false,
    visibilityTimeout: 2,
    maxReceiveCount: 5,
    mergeWorkers: 2,
    sampleCustomers: 5,
    dynamoFaults: { seed: options.seed, tenants: [SOAK_TENANTS.storm], throttleRate: 0.02, conflictRate: 0.1 },
    simulatorFaults: (tenantId, instance) =>
      tenantId === SOAK_TENANTS.storm && instance === 'copernica' ? copernicaFaults.faults : undefined,
    log: quietLog(errors),
    print,
  });
  try {
    const results: Record<keyof typeof SOAK_TENANTS, DeliveryResult[]> = { calm: [], storm: [] };
    const sent = { calm: [] as TrafficDelivery[], storm: [] as TrafficDelivery[] };
    const started = performance.now();
    const deadline = Date.now() + options.minutes * 60_000;
    const limit = options.events ?? Number.POSITIVE_INFINITY;
    const poison = options.poison ?? 3;
    await sendPoison(stack, poison);

    for (let wave = 0; Date.now() < deadline && sent.calm.length < limit; wave++) {
      const traffic = generateTraffic({
        seed: options.seed + wave,
        people: PEOPLE_PER_WAVE,
        firstPerson: wave * PEOPLE_PER_WAVE,
        invalid: 1,
      }).slice(0, limit - sent.calm.length);
      await Promise.all(
        (['calm', 'storm'] as const).map(async (which) => {
          results[which].push(...(await sendAll(stack, SOAK_TENANTS[which], traffic, options.concurrency ?? 4)));
          sent[which].push(...traffic);
        }),
      );
      print(`  wave ${wave + 1}: ${sent.calm.length} deliveries per tenant so far`);
    }
    const sendingSeconds = (performance.now() - started) / 1000;

    print('  waiting for the queues to drain…');
    const drainStart = performance.now();
    await stack.waitUntilIdle(10 * 60_000);
    await waitForDeadLetters(stack, poison, 60_000);
    const drainSeconds = (performance.now() - drainStart) / 1000;

    stack.dynamoFaults?.pause();
    const calmState = await finalState(stack, SOAK_TENANTS.calm, 'copernica');
    const stormState = await finalState(stack, SOAK_TENANTS.storm, 'copernica');
    const depths = await stack.queueDepths();
    const counts = async (which: keyof typeof SOAK_TENANTS, state: typeof calmState): Promise<TenantCounts> => {
      const answered = results[which];
      const copernica = stack.simulators.copernica(SOAK_TENANTS[which], 'copernica')!;
      return {
        sent: answered.length,
        accepted: answered.filter((r) => r.status === 202).length,
        quarantined: answered.filter((r) => r.status === 422).length,
        refused: answered.filter((r) => r.status !== 202 && r.status !== 422).length,
        retried: answered.filter((r) => r.attempts > 1).length,
        quarantineEntries: state.quarantined,
        profiles: state.profiles.length,
        contacts: Object.keys(state.pushed).length,
        destinationRequests: copernica.requests(),
      };
    };
    const tenants = { calm: await counts('calm', calmState), storm: await counts('storm', stormState) };
    const latencies = [...results.calm, ...results.storm].map((r) => r.latencyMs).sort((a, b) => a - b);
    const differences = stateDifferences(calmState, stormState);
    const invalidSent = sent.calm.filter((d) => d.invalid).length;
    const ok =
      differences.length === 0 &&
      depths.changes === 0 &&
      depths.push === 0 &&
      depths.changesDlq === poison &&
      depths.pushDlq === 0 &&
      Object.values(tenants).every((t) => t.refused === 0 && t.quarantined === invalidSent && t.accepted + t.quarantined === t.sent);
    return {
      seed: options.seed,
      sendingSeconds,
      drainSeconds,
      tenants,
      latency: { p50: percentile(latencies, 0.5), p95: percentile(latencies, 0.95), max: latencies.at(-1) ?? 0 },
      deadLettered: { changes: depths.changesDlq ?? 0, push: depths.pushDlq ?? 0 },
      poisonSent: poison,
      faults: { dynamo: stack.dynamoFaults!.counts(), copernica: copernicaFaults.counts() },
      accounting: await soakAccounting(stack, Object.values(SOAK_TENANTS)),
      differences,
      ok,
    };
  } finally {
    await stack.stop();
  }
}

/**
 * The event accounting of the run, one line per fact: queue and DLQ depths, live profiles, and per tenant and
 * connector the ledger's `in = applied + quarantined + dead-lettered` (what `syncline accounting` prints).
 */
async function soakAccounting(stack: LocalStack, tenantIds: readonly string[]): Promise<string[]> {
  const depths = await stack.queueDepths();
  const lines = [
    `queues: changes ${depths.changes}, push ${depths.push}; dead letters: changes ${depths.changesDlq}, push ${depths.pushDlq}`,
  ];
  for (const tenantId of tenantIds) {
    let profiles = 0;
    for await (const _ of stack.profiles.listProfiles(tenantId)) profiles++;
    const quarantined = (await runtime().webhook.quarantine.list(tenantId, 10_000)).length;
    lines.push(`${tenantId}: ${profiles} live profiles, ${quarantined} quarantined deliveries`);
  }
  for (const account of await Promise.all(tenantIds.map((t) => stack.accounting(t).then((a) => a[0]!)))) {
    for (const i of account.instances) {
      lines.push(
        `${account.tenantId}/${i.instanceId}: in ${i.in} = applied ${i.applied} + quarantined ${i.quarantined} + dead-lettered ${i.deadLettered} + in flight ${i.inFlight}`,
      );
    }
    lines.push(`${account.tenantId}: ${account.balanced ? 'balanced' : 'NOT balanced'}`);
  }
  return lines;
}

/** A wave is always sent whole, even past the deadline, so that both tenants get exactly the same deliveries. */
async function sendAll(
  stack: LocalStack,
  tenantId: string,
  traffic: readonly TrafficDelivery[],
  concurrency: number,
): Promise<DeliveryResult[]> {
  const results: DeliveryResult[] = [];
  let next = 0;
  const sender = async () => {
    while (next < traffic.length) results.push(await deliver(stack, tenantId, traffic[next++]!));
  };
  await Promise.all(Array.from({ length: concurrency }, sender));
  return results;
}

/** Messages no merge can read: each must be retried maxReceiveCount times and then dead-lettered, nothing else. */
async function sendPoison(stack: LocalStack, count: number): Promise<void> {
  if (count === 0) return;
  const Entries = Array.from({ length: count }, (_, i) => ({
    Id: String(i),
    MessageBody: i % 2 === 0 ? '{"type":"customer.upserted","tenantId":' : JSON.stringify({ poison: i }),
  }));
  for (let i = 0; i < Entries.length; i += 10)
    await sqsClient().send(new SendMessageBatchCommand({ QueueUrl: stack.queues.changes, Entries: Entries.slice(i, i + 10) }));
}

async function waitForDeadLetters(stack: LocalStack, expected: number, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const depths = await stack.queueDepths();
    if ((depths.changesDlq ?? 0) >= expected && depths.changes === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}
