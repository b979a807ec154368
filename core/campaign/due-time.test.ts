import { describe, expect, it } from 'vitest';
import { campaignFields } from './campaign-fields.js';
import { nextDueAt } from './due-time.js';
import { computeTenantStats } from './tenant-stats.js';
import { activity, build, config, DAY, daysAgo, line, NOW, order } from '../../test/support/campaign-profiles.js';

const rules = config();
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000).toISOString();
const cart = (at: string) => ({
  type: 'cart.updated' as const,
  occurredAt: at,
  data: { cartId: 'c1', currency: 'EUR', lines: [line('R8', 'cameras', 1899)], recoveryUrl: 'https://shop.example/c1' },
});
const profiles = {
  cart: build(cart(minutesAgo(20))),
  oldCart: build(cart(daysAgo(29.5))),
  newCustomer: build(order(daysAgo(10), [line('A', 'coffee')])),
  lapsing: build(order(daysAgo(200), [line('A', 'coffee')]), order(daysAgo(100), [line('B', 'tea')])),
  engaged: build(activity('email.engaged', daysAgo(80), { kind: 'open' }), order(daysAgo(400), [line('A', 'coffee')])),
  searcher: build(order(daysAgo(40), [line('A', 'coffee')]), activity('search.performed', daysAgo(3), { query: 'thee', category: 'tea' })),
  nothing: build(activity('email.engaged', daysAgo(500), { kind: 'open' })),
};
const stats = computeTenantStats('t', Object.values(profiles), rules, NOW);
const fields = (p: (typeof profiles)[keyof typeof profiles], at: number) =>
  campaignFields(p, { campaigns: rules, now: new Date(at), stats });

describe('nextDueAt', () => {
  it('nothing changes by the clock between now and the due time, and something does at it', () => {
    for (const [name, profile] of Object.entries(profiles)) {
      const due = nextDueAt(profile, rules, NOW);
      if (due === undefined) {
        expect(name).toBe('nothing');
        expect(fields(profile, NOW.getTime() + 3650 * DAY), name).toEqual(fields(profile, NOW.getTime()));
        continue;
      }
      const at = Date.parse(due);
      expect(at, name).toBeGreaterThan(NOW.getTime());
      const before = fields(profile, NOW.getTime());
      for (let i = 0; i <= 50; i++) {
        const t = NOW.getTime() + Math.floor(((at - 1 - NOW.getTime()) * i) / 50);
        expect(fields(profile, t), `${name} at ${new Date(t).toISOString()}`).toEqual(before);
      }
      expect(fields(profile, at), `${name} changes at ${due}`).not.toEqual(before);
    }
  });

  it('names the threshold that comes first', () => {
    expect(nextDueAt(profiles.cart, rules, NOW)).toBe(new Date(Date.parse(minutesAgo(20)) + 60 * 60_000).toISOString());
    expect(nextDueAt(profiles.newCustomer, rules, NOW)).toBe(new Date(Date.parse(daysAgo(10)) + 30 * DAY + 1).toISOString());
    expect(nextDueAt(profiles.nothing, rules, NOW)).toBeUndefined();
  });
});
