// Faults and concurrency end to end on DynamoDB Local and the SQS emulator, with the real handlers: the same seeded
// webhook traffic (Shopify and WooCommerce, duplicates, out-of-order updates, identifiers that link events) and a
// Shopify poll go to a fault-free tenant and to one tenant per kind of fault; each must end in the same profiles,
// the same contacts at the simulated Copernica, empty queues and empty dead-letter queues.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SynclineConfig } from '../core/config.js';
import type { Logger } from '../connectors/sdk/index.js';
import type { ProfileRepository, PushQueue, StatusRecorder } from '../core/ports.js';
import { startLocalStack, type LocalStack } from '../local/local-stack.js';
import type { QueuePoller } from '../local/queue-poller.js';
import { finalState, stateDifferences, type FinalState } from '../local/faults/final-state.js';
import { seededRandom } from '../connectors/sdk/seeded-random.js';
import { vendorFaultPlan } from '../local/faults/vendor-faults.js';
import { deliverAll, generateTraffic, type TrafficDelivery } from '../local/faults/webhook-traffic.js';
import { createMergeHandler } from '../lambdas/merge.js';
import { runtime } from '../lambdas/runtime.js';
import { sharedDynamo } from './support/shared-stack.js';

/** CI replays a fixed seed; locally each run explores another (FAULT_SEED=<n> replays one). */
const SEED = process.env.FAULT_SEED ? Number(process.env.FAULT_SEED) : process.env.CI ? 20261123 : Math.floor(Math.random() * 2 ** 31);
// A vendor that hangs costs 0.4 s per attempt instead of the production 15 s.
process.env.SYNCLINE_VENDOR_TIMEOUT_MS = '400';

const TENANTS = ['calm', 'throttled', 'flaky-vendors', 'killed', 'crowded', 'storm'] as const;
type Tenant = (typeof TENANTS)[number];
const DYNAMO_FAULTS: Tenant[] = ['throttled', 'storm'];
const VENDOR_FAULTS: Tenant[] = ['flaky-vendors', 'storm'];

const tenantConfig = (id: string) => ({
  id,
  sourcePriority: ['shopify', 'woocommerce', 'copernica'],
  instances: [
    {
      id: 'shopify',
      connector: 'shopify',
      webhooks: true,
      pollEveryMinutes: 60,
      settings: { shopDomain: 'faults-shop.myshopify.com', apiBaseUrl: 'simulator' },
    },
    { id: 'woocommerce', connector: 'woocommerce', webhooks: true, settings: { apiBaseUrl: 'simulator' } },
    { id: 'copernica', connector: 'copernica', push: true, settings: { databaseId: 1, apiBaseUrl: 'simulator' } },
  ],
});

const vendorPlans = new Map(
  VENDOR_FAULTS.flatMap((tenant, t) =>
    (['shopify', 'copernica'] as const).map((instance, i) => [
      `${tenant}/${instance}`,
      vendorFaultPlan({ seed: SEED + 10 * t + i, rateLimitRate: 0.1, failRate: 0.1, timeoutRate: 0.05, lostReplyRate: 0.05 }),
    ]),
  ),
);

let stack: LocalStack;
/** The handlers' error log, kept for the failure message instead of flooding the test output. */
const errors: string[] = [];
const quietLog: Logger = {
  debug() {},
  info() {},
  warn() {},
  error: (message, details) => void errors.push(`${message}: ${String(details?.reason ?? '')}`),
};
const traffic: TrafficDelivery[] = generateTraffic({ seed: SEED, people: 6, duplicateShare: 0.2, invalid: 2 });
let calm: FinalState;
let standardWorker: QueuePoller;

beforeAll(async () => {
  stack = await startLocalStack({
    config: SynclineConfig.parse({ tenants: TENANTS.map(tenantConfig) }),
    port: 0,
    pollAtStart: false,
    // Short, so that what a failed or killed worker held comes back quickly; generous, so nothing dead-letters by bad luck.
    visibilityTimeout: 1,
    maxReceiveCount: 10,
    // One standard worker, started below so that a test can stop it.
    mergeWorkers: 0,
    sampleCustomers: 8,
    dynamoFaults: { seed: SEED, tenants: DYNAMO_FAULTS, throttleRate: 0.05, conflictRate: 0.3, lostReplyRate: 0.03 },
    simulatorFaults: (tenantId, instance) => vendorPlans.get(`${tenantId}/${instance}`)?.faults,
    log: quietLog,
    ...sharedDynamo(),
  });
  standardWorker = stack.startMergeWorker();
}, 120_000);

afterAll(async () => {
  // One line for RELIABILITY.md's figures: what was injected, and how often the handlers logged an error about it.
  if (stack?.dynamoFaults) {
    const vendors = Object.fromEntries([...vendorPlans].map(([key, plan]) => [key, plan.counts()]));
    process.stdout.write(
      `faults injected (seed ${SEED}): dynamo ${JSON.stringify(stack.dynamoFaults.counts())}, vendors ${JSON.stringify(vendors)}, handler errors logged ${errors.length}\n`,
    );
  }
  await stack?.stop();
});

/** This tenant's own order of the traffic. */
const deliveriesFor = (tenantId: Tenant) => seededRandom(SEED + TENANTS.indexOf(tenantId)).shuffle(traffic);

async function send(tenantId: Tenant, deliveries: readonly TrafficDelivery[], concurrency = 6): Promise<void> {
  const results = await deliverAll(stack, tenantId, deliveries, concurrency);
  const wrong = results.flatMap((r, i) =>
    r.status === (deliveries[i]!.invalid ? 422 : 202) ? [] : [`${deliveries[i]!.deliveryId}: ${r.status}`],
  );
  expect(wrong, `every delivery accepted (202) or quarantined (422) in the end (seed ${SEED})`).toEqual([]);
}

/**
 * A Shopify poll, run again until it succeeds, as its schedule would. Each page's events are also recorded in the
 * event ledger (one write per event), so a throttled tenant's run fails more often than before: a run resumes from
 * the last saved cursor, and the bound only keeps a real failure from looping.
 */
async function pollShop(tenantId: Tenant): Promise<void> {
  const { handler: poll } = await import('../lambdas/poll.js');
  for (let attempt = 1; ; attempt++) {
    try {
      if ((await poll({ tenantId, instanceId: 'shopify' })).caughtUp) return;
    } catch (error) {
      if (attempt >= 30) throw error;
    }
  }
}

/** Waits for the queues to drain, checks nothing is left or dead-lettered, and reads the tenant's final state. */
async function settle(tenantId: Tenant): Promise<FinalState> {
  await stack.waitUntilIdle(60_000);
  const depths = await stack.queueDepths();
  expect(depths, `nothing left in the queues, nothing dead-lettered (seed ${SEED})`).toEqual({
    changes: 0,
    push: 0,
    changesDlq: 0,
    pushDlq: 0,
  });
  // The test's own reads of the final state are not part of the fault.
  stack.dynamoFaults?.pause();
  try {
    return await finalState(stack, tenantId, 'copernica');
  } finally {
    stack.dynamoFaults?.resume();
  }
}

async function run(tenantId: Tenant, options: { concurrency?: number } = {}): Promise<FinalState> {
  await send(tenantId, deliveriesFor(tenantId), options.concurrency);
  await pollShop(tenantId);
  return settle(tenantId);
}

function expectSameAsCalm(state: FinalState, tenantId: Tenant): void {
  const lastErrors = errors.slice(-5).join(' | ');
  expect(
    stateDifferences(calm, state),
    `${tenantId} ends like the fault-free run (seed ${SEED}; last handler errors: ${lastErrors})`,
  ).toEqual([]);
}

/**
 * A merge worker that dies at its `after`-th profile commit (between reading and committing: the lanes before it
 * are written, the rest not) or at its `after`-th batch's push hand-off (everything committed, nothing queued for
 * the destination, nothing acknowledged). From then on every call it makes never returns and its poller never
 * acknowledges the batch, as when a Lambda container is killed.
 */
function doomedWorker(dieAt: 'commit' | 'push', after: number) {
  const real = runtime().merge;
  let calls = 0;
  let dead = false;
  let kill = () => {};
  const never = <T>(): Promise<T> => new Promise<T>(() => {});
  const alive = <T>(call: () => Promise<T>): Promise<T> => (dead ? never<T>() : call());
  const dieHere = (point: 'commit' | 'push') => {
    if (!dead && point === dieAt && ++calls >= after) {
      dead = true;
      kill();
    }
  };
  const profiles: ProfileRepository = {
    lookup: (t, ids) => alive(() => real.profiles.lookup(t, ids)),
    get: (t, id) => alive(() => real.profiles.get(t, id)),
    commit: (t, commit) => {
      dieHere('commit');
      return alive(() => real.profiles.commit(t, commit));
    },
    erase: (t, profile) => alive(() => real.profiles.erase(t, profile)),
    listProfiles: (t) => real.profiles.listProfiles(t),
    lookupEntries: (t, ids) => alive(() => real.profiles.lookupEntries(t, ids)),
    appendHistory: (t, entries, days) => alive(() => real.profiles.appendHistory(t, entries, days)),
    history: (t, ids) => alive(() => real.profiles.history(t, ids)),
    removeHistory: (t, entries) => alive(() => real.profiles.removeHistory(t, entries)),
    markErased: (t, ids, at) => alive(() => real.profiles.markErased(t, ids, at)),
    getMany: (t, ids) => alive(() => real.profiles.getMany(t, ids)),
  };
  const push: PushQueue = {
    send: (messages) => {
      dieHere('push');
      return alive(() => real.push.send(messages));
    },
  };
  const status: StatusRecorder = { record: (...args) => alive(() => real.status.record(...args)) };
  const poller = stack.startMergeWorker({ handler: createMergeHandler(() => ({ ...runtime().merge, profiles, push, status })) });
  kill = () => poller.kill();
  return {
    died: () => dead,
    async untilDead(timeoutMs = 30_000): Promise<void> {
      const until = Date.now() + timeoutMs;
      while (!dead && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(dead, 'the doomed worker got a batch and died').toBe(true);
    },
  };
}

describe('faults end to end on the emulators', () => {
  it('sets the fault-free reference: profiles, contacts at the destination, empty queues', async () => {
    calm = await run('calm');
    expect(calm.profiles.length, 'the 6 people of the webhooks and the polled shop customers').toBeGreaterThan(6);
    const webhookPeople = calm.profiles.filter((p) => p.key.includes('@example.test'));
    expect(webhookPeople, 'one profile per person: Shopify and WooCommerce joined by e-mail, carts by checkout token').toHaveLength(6);
    for (const person of webhookPeople)
      expect(person.projection.firstName, 'the newest Shopify update wins over the older one').not.toMatch(/-old$/);
    expect(Object.keys(calm.pushed).length, 'contacts pushed to Copernica').toBeGreaterThan(0);
    expect(calm.quarantined, 'the two invalid deliveries').toBe(2);
  }, 60_000);

  it('ends like the fault-free run under DynamoDB throttling and conditional-check failures from a racing writer and lost write replies', async () => {
    const before = stack.dynamoFaults!.counts();
    expectSameAsCalm(await run('throttled'), 'throttled');
    const after = stack.dynamoFaults!.counts();
    expect(after.throttled - before.throttled, 'requests throttled').toBeGreaterThan(0);
    expect(after.versionsBumped - before.versionsBumped, 'profile writes that lost their version to the racing writer').toBeGreaterThan(0);
    expect(after.repliesLost - before.repliesLost, 'writes applied while their caller saw an error').toBeGreaterThan(0);
  }, 60_000);

  it('ends like the fault-free run while Shopify (poll) and Copernica (push) answer 429 with Retry-After, 500, time out and lose replies', async () => {
    expectSameAsCalm(await run('flaky-vendors'), 'flaky-vendors');
    for (const instance of ['shopify', 'copernica']) {
      const counts = vendorPlans.get(`flaky-vendors/${instance}`)!.counts();
      expect(Math.min(...Object.values(counts)), `${instance} injected every kind of fault: ${JSON.stringify(counts)}`).toBeGreaterThan(0);
    }
  }, 60_000);

  it('ends like the fault-free run when merge workers are killed mid-batch and their messages go to another worker', async () => {
    const deliveries = deliveriesFor('killed');
    // Killed between reading and committing, while the standard worker shares the queue.
    const early = doomedWorker('commit', 2);
    await send('killed', deliveries.slice(0, -10));
    await pollShop('killed');
    await stack.waitUntilIdle(60_000);
    expect(early.died(), 'a worker died at its second commit').toBe(true);
    // Killed after committing the last deliveries but before queueing their pushes: no later event of these people
    // comes to push them, so the redelivered duplicates must.
    await standardWorker.stop();
    await send('killed', deliveries.slice(-10));
    const late = doomedWorker('push', 1);
    await late.untilDead();
    standardWorker = stack.startMergeWorker();
    expectSameAsCalm(await settle('killed'), 'killed');
  }, 60_000);

  it('ends like the fault-free run with four merge workers on one queue and table and interleaved events for the same people', async () => {
    const extra = [stack.startMergeWorker(), stack.startMergeWorker(), stack.startMergeWorker()];
    try {
      expectSameAsCalm(await run('crowded', { concurrency: 12 }), 'crowded');
    } finally {
      await Promise.all(extra.map((w) => w.stop()));
    }
  }, 60_000);

  it('ends like the fault-free run with all of it at once', async () => {
    const doomed = doomedWorker('commit', 3);
    const extra = [stack.startMergeWorker(), stack.startMergeWorker()];
    try {
      expectSameAsCalm(await run('storm', { concurrency: 12 }), 'storm');
    } finally {
      await Promise.all(extra.map((w) => w.stop()));
    }
    expect(doomed.died()).toBe(true);
  }, 60_000);
});
