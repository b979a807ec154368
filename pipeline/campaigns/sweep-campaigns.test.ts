// The campaign sweep on DynamoDB Local (issue 20): it reads the profiles whose campaign fields change by the clock now,
// found through the due items the merge writes, and nothing else of the tenant or the table; the read units it
// consumes are counted as DynamoDB reports them.
import { describe, expect, it } from 'vitest';
import { DynamoTenantStatsStore } from '../../aws/dynamo-campaign-store.js';
import { DynamoProfileRepository } from '../../aws/dynamo-profile-repository.js';
import { nextDueAt } from '../../core/campaign/due-time.js';
import { computeTenantStats } from '../../core/campaign/tenant-stats.js';
import { SynclineConfig } from '../../core/config.js';
import type { PushMessage } from '../../core/ports.js';
import { build, DAY, daysAgo, line, NOW, order } from '../../test/support/campaign-profiles.js';
import { useEmulators } from '../../test/support/emulators.js';
import { MemoryQueue, memoryLogger } from '../../test/support/memory-ports.js';
import { segmentsOf } from '../../operator/profile-view.js';
import { createInstanceResolver } from '../instances.js';
import { unpackSyncs } from '../packed-syncs.js';
import { sweepAll } from './sweep-campaigns.js';

const env = useEmulators({ sqs: false });
const instance = { id: 'shop', connector: 'shopify', webhooks: true };
const config = SynclineConfig.parse({
  tenants: ['busy', 'other'].map((id) => ({ id, sourcePriority: ['shop'], instances: [instance] })),
});
const campaigns = config.tenants[0]!.campaigns;
const minutes = (m: number, from = NOW) => new Date(from.getTime() + m * 60_000);
const cart = (at: Date, cartId: string) => ({
  type: 'cart.updated' as const,
  occurredAt: at.toISOString(),
  data: { cartId, currency: 'EUR', lines: [line('R8', 'cameras', 1899)], recoveryUrl: 'https://shop.example/c' },
});

/** Read units DynamoDB reports for everything sent through the returned client while counting. */
function counted(db: typeof env.db) {
  const counter = { readUnits: 0, writeUnits: 0 };
  const send = db.send.bind(db) as (command: { input: Record<string, unknown> }) => Promise<Record<string, unknown>>;
  const wrapped = Object.create(db) as typeof env.db;
  (wrapped as unknown as { send: unknown }).send = async (command: { input: Record<string, unknown> }) => {
    command.input.ReturnConsumedCapacity = 'TOTAL';
    const out = await send(command);
    const writes = /^(Put|Update|Delete|BatchWrite|TransactWrite)/.test(command.constructor.name);
    for (const c of [out.ConsumedCapacity ?? []].flat() as { CapacityUnits?: number }[])
      counter[writes ? 'writeUnits' : 'readUnits'] += c.CapacityUnits ?? 0;
    return out;
  };
  return { db: wrapped, counter };
}

describe('campaign sweep', () => {
  it('reads only the profiles due now: read units follow the due profiles, not the tenant or the table', async () => {
    const writer = new DynamoProfileRepository(env.db, env.tables.profiles, { dueAt: (p) => nextDueAt(p, campaigns, NOW) });
    const commit = async (tenantId: string, profileId: string, profile: ReturnType<typeof build>) =>
      writer.commit(tenantId, { puts: [{ profile: { ...profile, tenantId, profileId, version: 1 }, expectedVersion: 0 }], claims: [] });
    // Idle customers whose fields no longer change by the clock, in both tenants.
    const idle = build(order(daysAgo(400), [line('A', 'coffee')]));
    for (let i = 0; i < 120; i++) await Promise.all([commit('busy', `idle-${i}`, idle), commit('other', `idle-${i}`, idle)]);
    // Three carts whose window ends within the next two hours, one that is still inside it then.
    // They consent to e-mail (the sweep queues no sync for a person consenting to nothing).
    const consent = {
      type: 'consent.changed' as const,
      data: { purpose: 'email_marketing' as const, granted: true },
      occurredAt: minutes(-60).toISOString(),
    };
    for (let i = 0; i < 3; i++) await commit('busy', `cart-${i}`, build(consent, cart(minutes(-20 - i), `c-${i}`)));
    await commit('busy', `later`, build(consent, cart(minutes(100), 'c-later')));

    const stats = new DynamoTenantStatsStore(env.db, env.tables.ops);
    // Stats counted an hour ago are fresh: this sweep is about the clock, not the stats.
    await stats.put({ ...computeTenantStats('busy', [], campaigns, minutes(-60)), complete: true });
    const { db, counter } = counted(env.db);
    const repo = new DynamoProfileRepository(db, env.tables.profiles);
    let clock = minutes(120);
    const { deps, push } = await sweepDeps(config, repo, stats, () => clock);

    const [run] = await sweepAll(deps, 'busy');
    // ~1 unit per due profile (a consistent read of up to 4 KB) plus the index Query and the stats item; listing the
    // tenant (124 profiles, twice) would cost some 250.
    expect(counter.readUnits, 'read units of the sweep').toBeLessThanOrEqual(3 + 3);
    const queued = push.sent
      .flatMap(unpackSyncs)
      .map((m) => (m.kind === 'sync' ? m.profileId : m.kind))
      .sort();
    expect(queued, 'the carts whose window ended').toEqual(['cart-0', 'cart-1', 'cart-2']);
    expect(run?.due).toBe(3);
    // One packed message for the run, each sync with the version read: the push may read the profile eventually.
    expect(push.sent).toHaveLength(1);
    expect(push.sent[0]).toMatchObject({ kind: 'syncs', tenantId: 'busy' });
    expect(push.sent.flatMap(unpackSyncs).map((m) => (m.kind === 'sync' ? m.version : undefined))).toEqual([1, 1, 1]);

    // Rescheduled: the next sweep a minute later reads no profile and queues nothing.
    push.sent.length = 0;
    counter.readUnits = 0;
    clock = minutes(121);
    await sweepAll(deps, 'busy');
    expect(push.sent).toEqual([]);
    expect(counter.readUnits).toBeLessThanOrEqual(2);

    // The later cart comes due once its window ends, and the stale carts 30 days on.
    clock = minutes(100 + 61);
    await sweepAll(deps, 'busy');
    expect(push.sent.flatMap(unpackSyncs).map((m) => (m.kind === 'sync' ? m.profileId : m.kind))).toEqual(['later']);
    push.sent.length = 0;
    clock = new Date(NOW.getTime() + 31 * DAY);
    await stats.put({ ...computeTenantStats('busy', [], campaigns, clock), complete: true });
    await sweepAll(deps, 'busy');
    expect(
      push.sent
        .flatMap(unpackSyncs)
        .map((m) => (m.kind === 'sync' ? m.profileId : m.kind))
        .sort(),
    ).toEqual(['cart-0', 'cart-1', 'cart-2', 'later']);
  }, 120_000);

  it('counts profiles per segment in its stats run, so the status page reads one item instead of every profile', async () => {
    const repo = new DynamoProfileRepository(env.db, env.tables.profiles);
    const commit = async (profileId: string, profile: ReturnType<typeof build>) =>
      repo.commit('other', {
        puts: [{ profile: { ...profile, tenantId: 'other', profileId, version: 1 }, expectedVersion: 0 }],
        claims: [],
      });
    await commit('repeat-1', build(order(daysAgo(20), [line('A', 'coffee')]), order(daysAgo(5), [line('B', 'coffee')])));
    await commit('once-1', build(order(daysAgo(3), [line('C', 'tea')])));
    const consent = {
      type: 'consent.changed' as const,
      data: { purpose: 'email_marketing' as const, granted: true },
      occurredAt: daysAgo(3),
    };
    await commit('consenting-1', build(consent, order(daysAgo(3), [line('C', 'tea')])));
    const stats = new DynamoTenantStatsStore(env.db, env.tables.ops);
    const { deps, push } = await sweepDeps(config, repo, stats, () => NOW);
    await sweepAll(deps, 'other');
    // A first stats run changes everyone's projection; only a person consenting to some purpose is worth a push.
    expect(push.sent.flatMap(unpackSyncs).map((m) => (m.kind === 'sync' ? m.profileId : m.kind))).toEqual(['consenting-1']);
    const stored = await stats.get('other');
    const expected: Record<string, number> = {};
    let profiles = 0;
    for await (const profile of repo.listProfiles('other')) {
      profiles++;
      for (const segment of segmentsOf(profile, config.tenants[1]!, stored, NOW)) expected[segment] = (expected[segment] ?? 0) + 1;
    }
    expect(stored?.profiles).toBe(profiles);
    expect(Object.keys(expected).length, 'the fixture has segments').toBeGreaterThan(0);
    expect(stored?.segments).toEqual(expected);
  }, 120_000);

  it('queues a due profile only when the clock changed what the push projects and the person consents to a purpose; every due profile moves on', async () => {
    const evaluatedAt = new Map<string, Date>();
    const writer = new DynamoProfileRepository(env.db, env.tables.profiles, {
      dueAt: (p) => nextDueAt(p, campaigns, evaluatedAt.get(p.profileId) ?? NOW),
    });
    const commit = async (profileId: string, profile: ReturnType<typeof build>, at: Date) => {
      evaluatedAt.set(profileId, at);
      await writer.commit('other', {
        puts: [{ profile: { ...profile, tenantId: 'other', profileId, version: 1 }, expectedVersion: 0 }],
        claims: [],
      });
    };
    // Both bought once 10 days ago. `quiet` was last evaluated after it stopped being new: its next threshold is the
    // purchase leaving the cross-sell exclusion (90 days), which changes no field without stats that suggest anything.
    // `fresh` was evaluated now: due when it stops being new (30 days), a change, and again past the exclusion.
    // `silent` is `fresh` without consent to any purpose: no push could send it anything, so it is moved on unqueued.
    const purchase = order(daysAgo(10), [line('A', 'coffee')]);
    const consent = {
      type: 'consent.changed' as const,
      data: { purpose: 'email_marketing' as const, granted: true },
      occurredAt: daysAgo(10),
    };
    const bought = build(purchase, consent);
    await commit('quiet', bought, new Date(NOW.getTime() + 25 * DAY));
    await commit('fresh', bought, NOW);
    await commit('silent', build(purchase), NOW);
    const stats = new DynamoTenantStatsStore(env.db, env.tables.ops);
    const repo = new DynamoProfileRepository(env.db, env.tables.profiles);
    let clock = new Date(NOW.getTime() + 81 * DAY);
    const { deps, push } = await sweepDeps(config, repo, stats, () => clock);
    const sweep = async () => {
      // Fresh stats with nothing to suggest: this is about the clock alone.
      await stats.put({ ...computeTenantStats('other', [], campaigns, new Date(clock.getTime() - 60_000)), complete: true });
      push.sent.length = 0;
      const [run] = await sweepAll(deps, 'other');
      return { run, queued: push.sent.flatMap(unpackSyncs).map((m) => (m.kind === 'sync' ? m.profileId : m.kind)) };
    };

    const first = await sweep();
    expect(first.run?.due, 'all three were due').toBe(3);
    expect(first.queued, 'only the consenting one whose fields changed').toEqual(['fresh']);
    expect(first.run?.unchanged).toBe(1);
    expect(first.run?.withoutConsent).toBe(1);
    // Both moved on to their next threshold (lapsing at 120 days): nothing is due a minute later.
    clock = new Date(clock.getTime() + 60_000);
    expect((await sweep()).run?.due).toBe(0);
    // Lapsing is a change for both.
    clock = new Date(NOW.getTime() + 111 * DAY);
    const lapsed = await sweep();
    expect(lapsed.run?.due).toBe(3);
    expect(lapsed.queued.sort()).toEqual(['fresh', 'quiet']);
    expect(lapsed.run?.withoutConsent, 'moved on all the same: due again at its next threshold only').toBe(1);
  }, 120_000);
});

/** The sweep's deps over one repository (profiles and due items), pushes into memory, and a connector-less resolver. */
async function sweepDeps(config: SynclineConfig, repo: DynamoProfileRepository, stats: DynamoTenantStatsStore, now: () => Date) {
  const push = new MemoryQueue<PushMessage>();
  const log = memoryLogger();
  const none = async () => {
    throw new Error('the sweep loads no connector');
  };
  const deps = {
    instances: createInstanceResolver({ config, connectors: none, secrets: { get: none }, log }),
    profiles: repo,
    due: await repo.dueItems(),
    stats,
    push,
    log,
    now,
  };
  return { deps, push };
}
