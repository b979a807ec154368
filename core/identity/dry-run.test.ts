import { describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '../events.js';
import { eventKey } from '../events.js';
import { dryRunIdentityRules, maskIdentifier } from './dry-run.js';
import { replayOrder } from './replay.js';
import { IdentityRules } from './rules.js';
import { InMemoryProfileRepository } from './in-memory-profile-repository.js';
import { liveProfile } from '../live-profile.js';
import { mergeEvent } from '../merge/merge-service.js';
import type { TenantConfig } from '../config.js';
import { customer, event, order, tenant } from '../../test/support/events.js';

const visit = (cookie: string, at: string, email: string) =>
  event({
    type: 'product.viewed',
    sourceEventId: `view-${cookie}-${at}`,
    occurredAt: at,
    identifiers: [
      { type: 'anonymousId', value: cookie },
      { type: 'email', value: email },
    ],
    data: { productId: 'sku-1', name: 'Milk frother', category: 'kitchen' },
  } as Parameters<typeof event>[0]);

const events: CanonicalEvent[] = [
  // A household: two shop accounts on one family address (kept apart today by one customer id per shop).
  customer('1', 'family@example.com', '2026-10-01T10:00:00Z', { firstName: 'Dad' }),
  customer('2', 'family@example.com', '2026-10-02T10:00:00Z', { firstName: 'Mum' }),
  order('7001', [{ type: 'customerId:shop', value: '2' }], '2026-10-03T10:00:00Z'),
  // Two guests on one tablet (merged today by the visitor cookie).
  visit('tablet', '2026-10-04T10:00:00Z', 'anna@example.com'),
  visit('tablet', '2026-10-05T10:00:00Z', 'bob@example.com'),
  order('7002', [{ type: 'email', value: 'bob@example.com' }], '2026-10-06T10:00:00Z'),
  // Someone no rule change touches.
  customer('3', 'carl@example.com', '2026-10-07T10:00:00Z', { firstName: 'Carl' }),
];

async function run(config: TenantConfig, list: readonly CanonicalEvent[]) {
  const repo = new InMemoryProfileRepository();
  let next = 0;
  const deps = { profiles: repo, newProfileId: () => `p${String(++next).padStart(4, '0')}` };
  for (const e of list) await mergeEvent(deps, config, e);
  return repo;
}

/** eventKey → live profile id. */
async function placement(repo: InMemoryProfileRepository): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const entry of await repo.history(
    'acme',
    [...repo.profiles.values()].map((p) => p.profileId),
  ))
    out.set(eventKey(entry.event), (await liveProfile(repo, 'acme', entry.profileId))!.profileId);
  return out;
}

describe('identity dry run', () => {
  it('reports exactly the merges and splits that running with the new rules produces, and writes nothing', async () => {
    const stored = await run(tenant(), events);
    expect(stored.liveProfiles('acme')).toHaveLength(4); // dad, mum, anna+bob, carl
    const newRules = IdentityRules.parse({ priority: ['customerId:*', 'email'], limits: { 'customerId:*': 2, email: 5 } });
    const before = JSON.stringify([...stored.profiles.entries()]);
    const report = await dryRunIdentityRules(stored, tenant(), newRules);
    expect(JSON.stringify([...stored.profiles.entries()]), 'nothing written').toBe(before);

    // Applying the rules: the same events through the merge engine under the new rules.
    const applied = await run(tenant({ identity: newRules }), replayOrder(events));
    const now = await placement(stored);
    const after = await placement(applied);
    const joined = new Map<string, Set<string>>();
    const spread = new Map<string, Set<string>>();
    for (const [key, newId] of after) {
      joined.set(newId, new Set([...(joined.get(newId) ?? []), now.get(key)!]));
      spread.set(now.get(key)!, new Set([...(spread.get(now.get(key)!) ?? []), newId]));
    }
    const merges = [...joined.values()].filter((s) => s.size > 1).map((s) => [...s].sort());
    const splits = [...spread.entries()].filter(([, s]) => s.size > 1).map(([id]) => id);

    expect(report).toMatchObject({
      tenantId: 'acme',
      profilesNow: 4,
      profilesReplayed: 4,
      events: 7,
      profilesAfter: applied.liveProfiles('acme').length,
      unchanged: 1,
    });
    expect(report.merges.count).toBe(merges.length);
    expect(report.merges.examples.map((m) => m.profiles)).toEqual(merges);
    expect(report.splits.count).toBe(splits.length);
    expect(report.splits.examples.map((s) => s.profileId)).toEqual(splits);
    // The household merges by the family address; the tablet guests split.
    expect(merges).toHaveLength(1);
    expect(splits).toHaveLength(1);
    expect(report.merges.examples[0]?.by).toEqual(['email fa***@example.com (email match (priority 2 of 2; at most 5 email))']);
    expect(report.splits.examples[0]).toMatchObject({ into: 2, events: [2, 1] });
  });

  it('reports no change for the rules in force', async () => {
    const stored = await run(tenant(), replayOrder(events));
    const report = await dryRunIdentityRules(stored, tenant(), tenant().identity);
    expect(report).toMatchObject({ profilesNow: 4, profilesAfter: 4, merges: { count: 0 }, splits: { count: 0 }, unchanged: 4 });
  });

  it('masks identifiers in examples', () => {
    expect(maskIdentifier({ type: 'email', value: 'family@example.com' })).toBe('email fa***@example.com');
    expect(maskIdentifier({ type: 'phone', value: '+31612345678' })).toBe('phone ***5678');
  });
});
