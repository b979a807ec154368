import { describe, expect, it } from 'vitest';
import { IdentityRules } from './rules.js';
import { InMemoryProfileRepository } from './in-memory-profile-repository.js';
import { mergeEvent } from '../merge/merge-service.js';
import type { CanonicalEvent } from '../events.js';
import type { TenantConfig } from '../config.js';
import { customer, event, order, tenant } from '../../test/support/events.js';

function engine(rules: Record<string, unknown> = {}) {
  const repo = new InMemoryProfileRepository();
  let next = 0;
  const config: TenantConfig = tenant({ identity: IdentityRules.parse(rules) });
  const deps = { profiles: repo, newProfileId: () => `p${String(++next).padStart(4, '0')}` };
  const apply = async (...events: CanonicalEvent[]) => {
    const outcomes = [];
    for (const e of events) outcomes.push(await mergeEvent(deps, config, e));
    return outcomes;
  };
  return { repo, apply };
}

const visit = (cookie: string, at: string, extra: CanonicalEvent['identifiers'] = []) =>
  event({
    type: 'product.viewed',
    sourceEventId: `view-${cookie}-${at}`,
    occurredAt: at,
    identifiers: [{ type: 'anonymousId', value: cookie }, ...extra],
    data: { productId: 'sku-1', name: 'Milk frother', category: 'kitchen' },
  } as Parameters<typeof event>[0]);

describe('identity rules per tenant', () => {
  it('keeps two shop accounts sharing a family e-mail apart, whichever arrives first, and records why on the profile', async () => {
    for (const order of [0, 1]) {
      const { repo, apply } = engine();
      const dad = customer('1', 'family@example.com', '2026-10-01T10:00:00Z', { firstName: 'Dad' });
      const mum = customer('2', 'family@example.com', '2026-10-02T10:00:00Z', { firstName: 'Mum' });
      await apply(...(order === 0 ? [dad, mum] : [mum, dad]));
      const live = repo.liveProfiles('acme');
      expect(live, `arrival order ${order}`).toHaveLength(2);
      expect(live.map((p) => p.fields.firstName?.value).sort()).toEqual(['Dad', 'Mum']);
      const refusing = live.find((p) => p.refusedIdentifiers.length > 0)!;
      expect(refusing.refusedIdentifiers).toEqual([
        expect.objectContaining({
          type: 'email',
          value: 'family@example.com',
          reason: 'would join two profiles beyond the limit of at most 1 customerId:shop',
        }),
      ]);
    }
  });

  it('drops the lowest-priority identifier when an event would break a limit', async () => {
    // The tenant trusts e-mail over phone: a phone shared by two people gives way, the e-mails stay.
    const { repo, apply } = engine({ priority: ['email', 'phone'], limits: { email: 1 } });
    await apply(
      event({
        type: 'customer.upserted',
        sourceEventId: 'a',
        occurredAt: '2026-10-01T10:00:00Z',
        identifiers: [
          { type: 'email', value: 'a@example.com' },
          { type: 'phone', value: '+31612345678' },
        ],
        data: {},
      } as Parameters<typeof event>[0]),
    );
    await apply(
      event({
        type: 'customer.upserted',
        sourceEventId: 'b',
        occurredAt: '2026-10-02T10:00:00Z',
        identifiers: [
          { type: 'email', value: 'b@example.com' },
          { type: 'phone', value: '+31612345678' },
        ],
        data: {},
      } as Parameters<typeof event>[0]),
    );
    const live = repo.liveProfiles('acme');
    expect(live).toHaveLength(2);
    const b = live.find((p) => p.identifiers.some((i) => i.value === 'b@example.com'))!;
    expect(b.identifiers.map((i) => i.type)).toEqual(['email']);
    expect(b.refusedIdentifiers.map((r) => r.type)).toEqual(['phone']);
  });

  it('never matches on identifier types the tenant does not list', async () => {
    const { repo, apply } = engine({ priority: ['customerId:*', 'email'] });
    await apply(visit('cookie-1', '2026-10-01T10:00:00Z', [{ type: 'email', value: 'anna@example.com' }]));
    await apply(visit('cookie-1', '2026-10-02T10:00:00Z', [{ type: 'email', value: 'bob@example.com' }]));
    const live = repo.liveProfiles('acme');
    expect(live).toHaveLength(2);
    expect(live.flatMap((p) => p.identifiers.map((i) => i.type))).toEqual(['email', 'email']);
  });

  it('never merges anyone on a blocked placeholder value, built in or configured by the tenant', async () => {
    const { repo, apply } = engine({ blockedValues: { email: ['info@myshop.nl'], '*': ['guest'] } });
    const [first] = await apply(customer('guest', 'info@myshop.nl', '2026-10-01T10:00:00Z'));
    expect(first?.status).toBe('unidentified');
    await apply(customer('10', 'info@myshop.nl', '2026-10-01T10:00:00Z', { firstName: 'Ann' }));
    await apply(customer('11', 'INFO@myshop.nl', '2026-10-02T10:00:00Z', { firstName: 'Ben' }));
    await apply(customer('0', 'test@test.com', '2026-10-03T10:00:00Z', { firstName: 'Placeholder' }));
    const live = repo.liveProfiles('acme');
    expect(live).toHaveLength(2);
    expect(live.flatMap((p) => p.identifiers.map((i) => i.value)).sort()).toEqual(['10', '11']);
  });

  it('blocks a value carried by more than N profiles, so that it stops matching anyone new', async () => {
    const { repo, apply } = engine({ blockSharedByMoreThan: 2 });
    // The shop's own address typed in at the till for walk-in customers.
    for (const [i, name] of ['Ann', 'Ben', 'Cas', 'Dirk'].entries())
      await apply(customer(String(20 + i), 'orders@myshop.nl', `2026-10-0${i + 1}T10:00:00Z`, { firstName: name }));
    const live = repo.liveProfiles('acme');
    expect(live).toHaveLength(4);
    const reasons = live.flatMap((p) => p.refusedIdentifiers.map((r) => r.reason)).sort();
    expect(reasons).toEqual([
      'blocked: carried by more than 2 profiles',
      'would join two profiles beyond the limit of at most 1 customerId:shop',
      'would join two profiles beyond the limit of at most 1 customerId:shop',
    ]);
    expect((await repo.lookupEntries('acme', [{ type: 'email', value: 'orders@myshop.nl' }])).get('email#orders@myshop.nl')?.sharedBy).toBe(
      3,
    );
    // An event carrying only the blocked value finds nobody instead of landing on the first holder.
    const [anonymousOrder] = await apply(order('9001', [{ type: 'email', value: 'orders@myshop.nl' }], '2026-10-09T10:00:00Z'));
    expect(anonymousOrder?.status).toBe('unidentified');
  });

  it('limits identifiers per time window: at most two visitor ids a month, a new one after the month', async () => {
    const { repo, apply } = engine({ limits: { anonymousId: { max: 2, withinDays: 30 } } });
    const anna = [{ type: 'email' as const, value: 'anna@example.com' }];
    await apply(
      visit('c1', '2026-10-01T10:00:00Z', anna),
      visit('c2', '2026-10-05T10:00:00Z', anna),
      visit('c3', '2026-10-10T10:00:00Z', anna),
    );
    let [profile] = repo.liveProfiles('acme');
    expect(profile?.identifiers.filter((i) => i.type === 'anonymousId').map((i) => i.value)).toEqual(['c1', 'c2']);
    expect(profile?.refusedIdentifiers.map((r) => [r.value, r.reason])).toEqual([
      ['c3', 'beyond the limit of at most 2 anonymousId within 30 days'],
    ]);
    await apply(visit('c4', '2026-11-20T10:00:00Z', anna));
    [profile] = repo.liveProfiles('acme');
    expect(profile?.identifiers.filter((i) => i.type === 'anonymousId').map((i) => i.value)).toEqual(['c1', 'c2', 'c4']);
  });

  it('merges an anonymous cart into the shopper who logs in, and journals which identifier and rule did it', async () => {
    const { repo, apply } = engine();
    await apply(visit('cookie-9', '2026-10-01T10:00:00Z'));
    await apply(customer('7', 'bob@example.com', '2026-10-02T10:00:00Z'));
    await apply(visit('cookie-9', '2026-10-03T10:00:00Z', [{ type: 'email', value: 'bob@example.com' }]));
    const live = repo.liveProfiles('acme');
    expect(live).toHaveLength(1);
    expect(live[0]!.identityJournal).toEqual([
      {
        kind: 'merged',
        at: '2026-10-03T10:00:00.000Z',
        eventKey: 'shop/view-cookie-9-2026-10-03T10:00:00Z',
        survivor: 'p0001',
        absorbed: 'p0002',
        identifier: { type: 'anonymousId', value: 'cookie-9' },
        rule: 'anonymousId match (priority 5 of 5; no limit on anonymousId)',
      },
    ]);
  });

  it('rejects a rule file with an unknown identifier type, naming it', () => {
    const result = IdentityRules.safeParse({ priority: ['email', 'shoeSize'] });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['priority', 1]);
  });
});
