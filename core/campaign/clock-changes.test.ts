import { describe, expect, it } from 'vitest';
import type { CatalogProduct } from '../catalog/product.js';
import { activity, build, config, DAY, daysAgo, line, NOW, order } from '../../test/support/campaign-profiles.js';
import { campaignFields } from './campaign-fields.js';
import { changedByClock } from './clock-changes.js';
import { DUE_GRID_MAX_MS, clockThresholds, nextDueAt } from './due-time.js';
import { computeTenantStats } from './tenant-stats.js';

const rules = config();
const survey = config({ survey: { enabled: true } });
const at = (iso: string) => new Date(iso);
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000).toISOString();
const cart = (when: string) => ({
  type: 'cart.updated' as const,
  occurredAt: when,
  data: { cartId: 'c1', currency: 'EUR', lines: [line('R8', 'cameras', 1899)], recoveryUrl: 'https://shop.example/c1' },
});
const product = (sku: string, category: string, price: number): CatalogProduct => ({
  instance: 'shop',
  productId: sku,
  sku,
  name: sku,
  category,
  categories: [category],
  price,
  inStock: true,
  updatedAt: '2026-01-01T00:00:00.000Z',
});
/** A catalog the push could read: the sweep never does, so it must not matter to what the sweep skips. */
const catalog = {
  inCategory: {
    coffee: [product('A', 'coffee', 10), product('C', 'coffee', 11)],
    tea: [product('B', 'tea', 10)],
    cameras: [product('R9', 'cameras', 1799)],
  },
};
/** The span a sweep at `due` compares: from a grid step before the stored due time to the sweep's now. */
const span = (due: string, late = 15 * 60_000) => [new Date(Date.parse(due) - DUE_GRID_MAX_MS), new Date(Date.parse(due) + late)] as const;

describe('changedByClock', () => {
  it('a purchase leaving the cross-sell exclusion that changes no suggestion is no change', () => {
    const customer = build(order(daysAgo(10), [line('A', 'coffee')]));
    // Due first when the customer stops being new, then when the purchase leaves the exclusion (90 days), then lapsed.
    const newEnds = nextDueAt(customer, rules, NOW)!;
    const exclusionEnds = nextDueAt(customer, rules, at(newEnds))!;
    const lapses = nextDueAt(customer, rules, at(exclusionEnds))!;
    expect(Date.parse(exclusionEnds) - Date.parse(daysAgo(10))).toBeGreaterThan(90 * DAY);
    expect(changedByClock(customer, rules, undefined, ...span(newEnds))).toBe(true);
    expect(changedByClock(customer, rules, undefined, ...span(exclusionEnds))).toBe(false);
    expect(changedByClock(customer, rules, undefined, ...span(lapses))).toBe(true);
  });

  it('sees every threshold that changes a field: abandoned cart, new customer, lapsed, cross-sell, survey follow-up', () => {
    const bought = build(order(daysAgo(60), [line('A', 'coffee')]), order(daysAgo(10), [line('B', 'tea')]));
    const others = [1, 2, 3].map(() => build(order(daysAgo(200), [line('B', 'tea'), line('D', 'tea')])));
    const stats = computeTenantStats('acme', [bought, ...others], rules, NOW);
    const cases = {
      'abandoned cart (window ends)': { profile: build(cart(minutesAgo(20))), rules, stats: undefined },
      'new customer stops being new': { profile: build(order(daysAgo(10), [line('A', 'coffee')])), rules, stats: undefined },
      'a customer lapses': { profile: build(order(daysAgo(119), [line('A', 'coffee')])), rules, stats: undefined },
      // What was bought with tea is held back while the tea purchase is recent (category exclusion), offered after it.
      'cross-sell exclusion ends': { profile: bought, rules, stats },
      'survey follow-up of an abandoned cart': { profile: build(cart(minutesAgo(20))), rules: survey, stats: undefined },
    };
    for (const [name, c] of Object.entries(cases)) {
      let due = nextDueAt(c.profile, c.rules, NOW);
      const changes: boolean[] = [];
      for (let i = 0; due !== undefined && i < 12; i++, due = nextDueAt(c.profile, c.rules, at(due))) {
        const [from, to] = span(due);
        const before = campaignFields(c.profile, { campaigns: c.rules, now: from, stats: c.stats, catalog });
        const after = campaignFields(c.profile, { campaigns: c.rules, now: to, stats: c.stats, catalog });
        const changed = changedByClock(c.profile, c.rules, c.stats, from, to);
        if (JSON.stringify(before) !== JSON.stringify(after)) expect(changed, `${name} at ${due}`).toBe(true);
        changes.push(changed);
      }
      expect(changes, name).toContain(true);
    }
  });

  it('with behaviour in its window, a purchase leaving the exclusion is a change: the catalog may offer it now', () => {
    // Tea bought 90 days ago, tea viewed 5 days ago: without stats the fields the sweep can project stay empty, but the
    // push reads the tea catalog, whose products the category exclusion held back until now.
    const profile = build(
      order(daysAgo(90), [line('B', 'tea')]),
      activity('product.viewed', daysAgo(5), { productId: 'B', category: 'tea' }),
    );
    const ends = clockThresholds(profile, rules).find((t) => Math.abs(t - (Date.parse(daysAgo(90)) + 90 * DAY + 1)) < 2)!;
    const from = new Date(ends - 60_000);
    const to = new Date(ends + 60_000);
    const fields = (now: Date, withCatalog: boolean) =>
      campaignFields(profile, { campaigns: rules, now, ...(withCatalog ? { catalog } : {}) });
    expect(fields(to, false), 'the projection without a catalog').toEqual(fields(from, false));
    expect(fields(to, true).crossSell1Sku, 'the push, with the catalog').toBe('B');
    expect(fields(from, true).crossSell1Sku).toBe(null);
    expect(changedByClock(profile, rules, undefined, from, to)).toBe(true);
  });

  it('never calls a span unchanged when the fields, with a catalog, differ at some moment inside it', () => {
    const profiles = [
      build(order(daysAgo(10), [line('A', 'coffee')])),
      build(order(daysAgo(60), [line('A', 'coffee')]), order(daysAgo(10), [line('B', 'tea')])),
      build(order(daysAgo(95), [line('B', 'tea')]), activity('search.performed', daysAgo(3), { query: 'koffie', category: 'coffee' })),
      build(cart(minutesAgo(20)), activity('product.viewed', daysAgo(1), { productId: 'R8', category: 'cameras' })),
      build(activity('email.engaged', daysAgo(80), { kind: 'open' }), order(daysAgo(400), [line('A', 'coffee')])),
      // Coffee bought again: the first coffee leaving the exclusion is no threshold, with the catalog read for coffee.
      build(
        order(daysAgo(95), [line('A', 'coffee')]),
        order(daysAgo(70), [line('A', 'coffee'), line('B', 'tea')]),
        activity('search.performed', daysAgo(2), { query: 'koffie', category: 'coffee' }),
      ),
    ];
    const stats = computeTenantStats('acme', profiles, rules, NOW);
    let unchanged = 0;
    for (const campaigns of [rules, survey])
      for (const profile of profiles) {
        const thresholds = clockThresholds(profile, campaigns);
        for (let due = nextDueAt(profile, campaigns, NOW); due !== undefined; due = nextDueAt(profile, campaigns, at(due))) {
          const [from, to] = span(due, 3 * 3_600_000);
          if (changedByClock(profile, campaigns, stats, from, to)) continue;
          unchanged++;
          // Every threshold inside the span, a millisecond either side, and every ten minutes.
          const moments = thresholds.filter((t) => t > from.getTime() && t <= to.getTime()).flatMap((t) => [t - 1, t, t + 1]);
          for (let t = from.getTime(); t <= to.getTime(); t += 10 * 60_000) moments.push(t);
          const reference = JSON.stringify(campaignFields(profile, { campaigns, now: from, stats, catalog }));
          for (const t of moments)
            expect(JSON.stringify(campaignFields(profile, { campaigns, now: new Date(t), stats, catalog })), due).toBe(reference);
        }
      }
    expect(unchanged, 'spans the sweep would skip').toBeGreaterThan(0);
  });
});
