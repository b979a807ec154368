import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InMemoryProfileRepository } from '../identity/in-memory-profile-repository.js';
import { mergeEvent } from './merge-service.js';
import type { CanonicalEvent } from '../events.js';
import type { Profile } from '../profile.js';
import { projectProfile } from '../projection.js';
import { customer, event, order, tenant } from '../../test/support/events.js';

function engine() {
  const repo = new InMemoryProfileRepository();
  let next = 0;
  const deps = { profiles: repo, newProfileId: () => `p${String(++next).padStart(4, '0')}` };
  const apply = async (...events: CanonicalEvent[]) => {
    const outcomes = [];
    for (const e of events) outcomes.push(await mergeEvent(deps, tenant(), e));
    return outcomes;
  };
  return { repo, deps, apply };
}

/** A profile without what legitimately differs between runs: its id, version, dedup cache and merge bookkeeping. */
function content(profile: Profile) {
  const { profileId: _id, version: _v, recentEvents: _r, mergedFrom: _m, refusedIdentifiers: _f, identityJournal: _j, ...rest } = profile;
  return rest;
}

const cartEvent = (token: string, at: string) =>
  event({
    type: 'cart.updated',
    sourceEventId: `checkout-${token}-${at}`,
    occurredAt: at,
    identifiers: [{ type: 'anonymousId', value: `shopify-checkout:${token}` }],
    data: { cartId: token, currency: 'EUR', total: 42, lines: [{ name: 'Milk frother', quantity: 1, price: 42 }] },
  });

describe('merge engine', () => {
  it('creates one profile per person and indexes every identifier', async () => {
    const { repo, apply } = engine();
    await apply(customer('1', ' Anna@Example.com ', '2026-10-01T10:00:00Z', { firstName: 'Anna' }));
    const [profile] = repo.liveProfiles('acme');
    expect(profile?.identifiers.map((i) => `${i.type}=${i.value}`)).toEqual(['customerId:shop=1', 'email=anna@example.com']);
    expect(profile?.fields.firstName?.value).toBe('Anna');
    expect(await repo.lookup('acme', [{ type: 'email', value: 'anna@example.com' }])).toEqual(
      new Map([['email#anna@example.com', profile?.profileId]]),
    );
  });

  it('merges an anonymous cart into the profile once the shopper buys with an e-mail address', async () => {
    const { repo, apply } = engine();
    await apply(cartEvent('tok-1', '2026-10-01T10:00:00Z'));
    await apply(customer('7', 'bob@example.com', '2026-10-02T10:00:00Z'));
    expect(repo.liveProfiles('acme')).toHaveLength(2);
    await apply(
      order(
        '1001',
        [
          { type: 'email', value: 'bob@example.com' },
          { type: 'anonymousId', value: 'shopify-checkout:tok-1' },
        ],
        '2026-10-03T10:00:00Z',
        42,
        { checkoutToken: 'tok-1' },
      ),
    );
    const live = repo.liveProfiles('acme');
    expect(live).toHaveLength(1);
    const merged = live[0]!;
    expect(merged.identifiers.map((i) => i.type).sort()).toEqual(['anonymousId', 'customerId:shop', 'email']);
    expect(Object.keys(merged.carts)).toEqual(['shop/tok-1']);
    expect(projectProfile(merged).openCartValue, 'the order completed the cart').toBeNull();
    // The older (cart) profile survives; the other is a tombstone pointing at it.
    const tombstones = [...repo.profiles.values()].filter((p) => p.mergedInto !== undefined);
    expect(tombstones.map((t) => t.mergedInto)).toEqual([merged.profileId]);
  });

  it('moves a known identifier back to its earliest sighting when a late event of the person arrives', async () => {
    const early = customer('1', 'anna@example.com', '2026-10-01T10:00:00Z', { firstName: 'Anna' });
    const later = customer('1', 'anna@example.com', '2026-10-05T10:00:00Z', { lastName: 'Jansen' });
    const inOrder = engine();
    await inOrder.apply(early, later);
    const late = engine();
    const outcomes = await late.apply(later, early);
    expect(outcomes.map((o) => o.status)).toEqual(['applied', 'applied']);
    const [profile] = late.repo.liveProfiles('acme');
    expect(profile?.identifiers.map((i) => `${i.type}=${i.value}@${i.at}`)).toEqual([
      'customerId:shop=1@2026-10-01T10:00:00.000Z',
      'email=anna@example.com@2026-10-01T10:00:00.000Z',
    ]);
    expect(profile?.identifiers).toEqual(inOrder.repo.liveProfiles('acme')[0]?.identifiers);
    expect(late.repo.liveProfiles('acme')).toHaveLength(1);
  });

  it('keeps the newest value of a field whatever the arrival order, with its provenance', async () => {
    const { repo, apply } = engine();
    await apply(customer('1', 'anna@example.com', '2026-10-05T10:00:00Z', { lastName: 'Jansen' }));
    await apply(customer('1', 'anna@example.com', '2026-10-01T10:00:00Z', { lastName: 'de Vries' }));
    const field = repo.liveProfiles('acme')[0]?.fields.lastName;
    expect(field).toMatchObject({ value: 'Jansen', source: 'shop', at: '2026-10-05T10:00:00.000Z' });
  });

  it('breaks a tie on event time by source priority', async () => {
    const { repo, apply } = engine();
    const at = '2026-10-05T10:00:00Z';
    await apply(
      event({
        ...customer('1', 'anna@example.com', at, { address: { city: 'Utrecht' } }),
        source: { connector: 'shopify', instance: 'shop' },
      } as CanonicalEvent),
    );
    await apply(
      event({
        ...customer('9', 'anna@example.com', at, { address: { city: 'Gouda' } }),
        sourceEventId: 'pos-1',
        identifiers: [{ type: 'email', value: 'anna@example.com' }],
        source: { connector: 'lightspeed', instance: 'pos' },
      } as CanonicalEvent),
    );
    expect(repo.liveProfiles('acme')[0]?.fields.city?.value, 'shop is listed before pos').toBe('Utrecht');
  });

  it('costs no write for a duplicate delivery', async () => {
    const { repo, apply } = engine();
    const e = customer('1', 'anna@example.com', '2026-10-01T10:00:00Z');
    await apply(e);
    const writes = repo.writes;
    const [again] = await apply(e);
    expect(again?.status).toBe('duplicate');
    expect(repo.writes).toBe(writes);
  });

  it('keeps a shared e-mail from fusing two shop accounts into one (one customer id per shop)', async () => {
    const { repo, apply } = engine();
    await apply(customer('1', 'family@example.com', '2026-10-01T10:00:00Z'));
    await apply(event({ ...customer('2', 'other@example.com', '2026-10-02T10:00:00Z') } as CanonicalEvent));
    await apply(event({ ...customer('2', 'family@example.com', '2026-10-03T10:00:00Z'), sourceEventId: 'c2-family' } as CanonicalEvent));
    const live = repo.liveProfiles('acme');
    expect(live).toHaveLength(2);
    const second = live.find((p) => p.identifiers.some((i) => i.value === '2'));
    expect(second?.refusedIdentifiers.map((r) => r.value)).toEqual(['family@example.com']);
  });

  it('never matches on placeholder values such as "0" or test@test.com', async () => {
    const { repo, apply } = engine();
    await apply(event({ ...customer('0', 'test@test.com', '2026-10-01T10:00:00Z') } as CanonicalEvent));
    const [outcome] = await apply(event({ ...customer('0', 'test@test.com', '2026-10-02T10:00:00Z') } as CanonicalEvent));
    expect(outcome?.status).toBe('unidentified');
    expect(repo.liveProfiles('acme')).toHaveLength(0);
  });

  it('erases the person and asks destinations to erase too', async () => {
    const { repo, apply } = engine();
    await apply(customer('1', 'anna@example.com', '2026-10-01T10:00:00Z'));
    const [outcome] = await apply(
      event({
        type: 'erasure.requested',
        sourceEventId: 'redact-1',
        occurredAt: '2026-10-09T00:00:00Z',
        identifiers: [{ type: 'customerId:shop', value: '1' }],
        data: { scope: 'person' },
      }),
    );
    expect(outcome?.status).toBe('erased');
    expect(outcome?.push).toEqual([
      expect.objectContaining({ kind: 'erase', subject: expect.objectContaining({ email: 'anna@example.com' }) }),
    ]);
    expect(repo.liveProfiles('acme')).toHaveLength(0);
    expect(repo.index.size).toBe(0);
  });

  it('blanks a profile refused the address, names merged-away ids, and drops what was received before the erasure', async () => {
    const { repo, apply } = engine();
    // A guest profile absorbed later, the person, and a second account refused the person's address (one id per profile).
    await apply(
      event({ ...customer('g', 'old@example.com', '2026-10-01T09:00:00Z'), identifiers: [{ type: 'email', value: 'old@example.com' }] }),
    );
    await apply(customer('1', 'anna@example.com', '2026-10-01T10:00:00Z', { lastName: 'Visser' }));
    await apply(
      event({
        ...customer('1', 'old@example.com', '2026-10-02T10:00:00Z'),
        identifiers: [
          { type: 'customerId:shop', value: '1' },
          { type: 'email', value: 'old@example.com' },
        ],
      } as CanonicalEvent),
    );
    await apply(customer('2', 'anna@example.com', '2026-10-03T10:00:00Z'));
    const second = repo.liveProfiles('acme').find((p) => p.identifiers.some((i) => i.value === '2'))!;
    expect(second.refusedIdentifiers.map((r) => r.value)).toEqual(['anna@example.com']);
    const erasure = {
      ...event({
        type: 'erasure.requested',
        sourceEventId: 'cli-1',
        occurredAt: '2026-11-02T00:00:00Z',
        identifiers: [{ type: 'email', value: 'anna@example.com' }],
        data: { scope: 'person' },
      }),
      receivedAt: '2026-11-02T00:00:00Z',
    };
    const [outcome] = await apply(erasure);
    expect(outcome?.push).toEqual([expect.objectContaining({ kind: 'erase', mergedFrom: [expect.any(String)] })]);
    const kept = await repo.get('acme', second.profileId);
    expect(kept?.refusedIdentifiers, 'the second account keeps no trace of the address').toEqual([]);
    expect(JSON.stringify(kept)).not.toMatch(/anna@example\.com/);
    expect(JSON.stringify(await repo.history('acme', [second.profileId]))).not.toMatch(/anna@example\.com/);

    // A dead letter from before the erasure (received 1 November) re-creates nobody; an order after it is a new profile.
    const [late] = await apply(customer('1', 'anna@example.com', '2026-10-04T10:00:00Z', { lastName: 'Visser' }));
    expect(late).toEqual({ status: 'predates-erasure', push: [] });
    expect(repo.liveProfiles('acme').map((p) => p.profileId)).toEqual([second.profileId]);
    const after = {
      ...order('9', [{ type: 'email', value: 'anna@example.com' }], '2026-11-03T10:00:00Z'),
      receivedAt: '2026-11-03T10:00:00Z',
    };
    const [fresh] = await apply(after as CanonicalEvent);
    expect(fresh?.status).toBe('applied');
    expect(repo.liveProfiles('acme')).toHaveLength(2);
  });

  it('erases every profile holding data from a source that asked to be forgotten (shop/redact)', async () => {
    const { repo, apply } = engine();
    await apply(customer('1', 'anna@example.com', '2026-10-01T10:00:00Z'));
    await apply(customer('2', 'bob@example.com', '2026-10-01T10:00:00Z'));
    await apply(
      event({
        ...customer('9', 'cem@example.com', '2026-10-01T10:00:00Z'),
        identifiers: [{ type: 'email', value: 'cem@example.com' }],
        source: { connector: 'pos', instance: 'pos' },
      } as CanonicalEvent),
    );
    const [outcome] = await apply(
      event({
        type: 'erasure.requested',
        sourceEventId: 'shop-redact',
        occurredAt: '2026-10-09T00:00:00Z',
        identifiers: [],
        data: { scope: 'source' },
      }),
    );
    expect(outcome).toMatchObject({ status: 'erased' });
    expect(outcome?.push.map((p) => p.kind === 'erase' && p.subject.email).sort()).toEqual(['anna@example.com', 'bob@example.com']);
    expect(repo.liveProfiles('acme').map((p) => p.fields.email?.value)).toEqual(['cem@example.com']);
  });

  it('retries when another worker wrote the profile first', async () => {
    const { repo, deps } = engine();
    await mergeEvent(deps, tenant(), customer('1', 'anna@example.com', '2026-10-01T10:00:00Z'));
    const realGet = repo.get.bind(repo);
    let interfered = false;
    repo.get = async (t, id) => {
      const profile = await realGet(t, id);
      if (!interfered && profile) {
        interfered = true; // a concurrent worker commits between our read and our write
        await mergeEvent(
          { ...deps, profiles: Object.assign(Object.create(repo), { get: realGet }) },
          tenant(),
          order('1', [{ type: 'email', value: 'anna@example.com' }], '2026-10-02T10:00:00Z'),
        );
      }
      return profile;
    };
    await mergeEvent(deps, tenant(), order('2', [{ type: 'email', value: 'anna@example.com' }], '2026-10-03T10:00:00Z'));
    expect(Object.keys(repo.liveProfiles('acme')[0]!.orders).sort()).toEqual(['shop/1', 'shop/2']);
  });
});

describe('merge engine properties', () => {
  const people = ['anna@example.com', 'bob@example.com', 'cem@example.com'];
  const arbEvent = fc.oneof(
    fc
      .record({ p: fc.integer({ min: 0, max: 2 }), day: fc.integer({ min: 1, max: 28 }), name: fc.constantFrom('A', 'B', 'C') })
      .map(({ p, day, name }) =>
        customer(String(p + 1), people[p]!, `2026-10-${String(day).padStart(2, '0')}T10:00:00Z`, { firstName: name }),
      ),
    fc
      .record({ p: fc.integer({ min: 0, max: 2 }), day: fc.integer({ min: 1, max: 28 }), n: fc.integer({ min: 1, max: 5 }) })
      .map(({ p, day, n }) =>
        order(`${p}-${n}`, [{ type: 'email', value: people[p]! }], `2026-10-${String(day).padStart(2, '0')}T12:00:00Z`, n * 10),
      ),
    fc
      .record({ t: fc.integer({ min: 0, max: 2 }), day: fc.integer({ min: 1, max: 28 }) })
      .map(({ t, day }) => cartEvent(`tok-${t}`, `2026-10-${String(day).padStart(2, '0')}T09:00:00Z`)),
    // A checkout token belongs to one shopper: shared tokens would trip the identifier limits, whose refusals
    // depend on arrival order by design (the first account keeps the identifier).
    fc.record({ p: fc.integer({ min: 0, max: 2 }), day: fc.integer({ min: 1, max: 28 }) }).map(({ p, day }) =>
      order(
        `cart-${p}`,
        [
          { type: 'email', value: people[p]! },
          { type: 'anonymousId', value: `shopify-checkout:tok-${p}` },
        ],
        `2026-10-${String(day).padStart(2, '0')}T13:00:00Z`,
        42,
        { checkoutToken: `tok-${p}` },
      ),
    ),
  );

  async function run(events: CanonicalEvent[]) {
    const { repo, apply } = engine();
    await apply(...events);
    return repo
      .liveProfiles('acme')
      .map(content)
      .sort((a, b) => (JSON.stringify(a.identifiers) < JSON.stringify(b.identifiers) ? -1 : 1));
  }

  it('gives the same profiles for any order of the same events, with any duplicates', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .array(arbEvent, { minLength: 1, maxLength: 12 })
          .chain((events) =>
            fc.tuple(
              fc.constant(events),
              fc.shuffledSubarray([...events, ...events], { minLength: events.length * 2, maxLength: events.length * 2 }),
            ),
          ),
        async ([events, shuffledWithDuplicates]) => {
          expect(await run(shuffledWithDuplicates)).toEqual(await run(events));
        },
      ),
      { numRuns: 150 },
    );
  });
});
