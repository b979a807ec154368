import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CatalogProduct } from '../catalog/product.js';
import { campaignFields } from './campaign-fields.js';
import { clockThresholds, DUE_GRID, nextDueAt } from './due-time.js';
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

const onGrid = (ms: number, grid: number) => new Date(Math.ceil(ms / grid) * grid).toISOString();
/** The grid step of each profile's first threshold: the cart window is counted in minutes, the other rules in days. */
const stepOf = (name: string) => (name === 'cart' ? DUE_GRID.minutes : DUE_GRID.days);

describe('nextDueAt', () => {
  it('nothing changes by the clock until less than a grid step before the due time, and something has at it', () => {
    for (const [name, profile] of Object.entries(profiles)) {
      const due = nextDueAt(profile, rules, NOW);
      if (due === undefined) {
        expect(name).toBe('nothing');
        expect(fields(profile, NOW.getTime() + 3650 * DAY), name).toEqual(fields(profile, NOW.getTime()));
        continue;
      }
      const at = Date.parse(due);
      expect(at, name).toBeGreaterThan(NOW.getTime());
      expect(at % stepOf(name), `${name} is due on its grid`).toBe(0);
      const before = fields(profile, NOW.getTime());
      // The first change comes after `at - step`: the sweep serves it less than a step late, never early.
      const unchangedUntil = Math.max(NOW.getTime(), at - stepOf(name));
      for (let i = 0; i <= 50; i++) {
        const t = NOW.getTime() + Math.floor(((unchangedUntil - NOW.getTime()) * i) / 50);
        expect(fields(profile, t), `${name} at ${new Date(t).toISOString()}`).toEqual(before);
      }
      expect(fields(profile, at), `${name} has changed by ${due}`).not.toEqual(before);
    }
  });

  it('names the threshold that comes first, rounded up to its grid', () => {
    expect(nextDueAt(profiles.cart, rules, NOW)).toBe(onGrid(Date.parse(minutesAgo(20)) + 60 * 60_000, DUE_GRID.minutes));
    expect(nextDueAt(profiles.newCustomer, rules, NOW)).toBe(onGrid(Date.parse(daysAgo(10)) + 30 * DAY + 1, DUE_GRID.days));
    expect(nextDueAt(profiles.nothing, rules, NOW)).toBeUndefined();
  });

  it('keeps the due time, and so the index key, when a cart is updated again within the same grid step', () => {
    const step = DUE_GRID.minutes;
    const cell = Math.ceil((NOW.getTime() - 20 * 60_000) / step) * step;
    const first = nextDueAt(build(cart(new Date(cell - step + 60_000).toISOString())), rules, NOW);
    const again = nextDueAt(build(cart(new Date(cell).toISOString())), rules, NOW);
    expect(first).toBe(new Date(cell + 60 * 60_000).toISOString());
    expect(again).toBe(first);
    const later = nextDueAt(build(cart(new Date(cell + 60_000).toISOString())), rules, NOW);
    expect(later, 'a move into the next step moves the key').toBe(new Date(cell + step + 60 * 60_000).toISOString());
  });

  it('rounds the cart window to the sweep period when the tenant sweeps more often than the grid', () => {
    const everyMinute = config({ sweepEveryMinutes: 1 });
    const due = Date.parse(nextDueAt(profiles.cart, everyMinute, NOW)!);
    const exact = Date.parse(minutesAgo(20)) + 60 * 60_000;
    expect(due).toBeGreaterThanOrEqual(exact);
    expect(due - exact).toBeLessThan(60_000);
  });
  it('wakes no sweep for an older open cart: only the candidate cart changes the fields by the clock', () => {
    const older = (id: string, at: string) => ({
      type: 'cart.updated' as const,
      occurredAt: at,
      data: { cartId: id, currency: 'EUR', lines: [line('SD', 'cameras', 29)], recoveryUrl: `https://shop.example/${id}` },
    });
    // The older cart's window ended long ago and its maximum age comes in 2 days; the newer one's window in 40 minutes.
    const twoCarts = build(older('c0', daysAgo(28)), cart(minutesAgo(20)));
    const windowEnd = onGrid(Date.parse(minutesAgo(20)) + 60 * 60_000, DUE_GRID.minutes);
    expect(nextDueAt(twoCarts, rules, NOW)).toBe(windowEnd);
    // After that window the next due time is the candidate's maximum age, not the older cart's, which changes nothing.
    const after = new Date(Date.parse(windowEnd) + 60_000);
    const next = nextDueAt(twoCarts, rules, after)!;
    expect(next).toBe(onGrid(Date.parse(minutesAgo(20)) + 30 * DAY + 1, DUE_GRID.days));
    expect(fields(twoCarts, Date.parse(daysAgo(28)) + 30 * DAY + DUE_GRID.days), 'the older cart ages out unseen').toEqual(
      fields(twoCarts, after.getTime()),
    );
  });
  it('wakes no sweep for the cross-sell windows of a tenant without cross-sell or survey follow-ups', () => {
    const bought = build(
      order(daysAgo(85), [line('A', 'coffee')]),
      activity('search.performed', daysAgo(10), { query: 'thee', category: 'tea' }),
    );
    const exclusionEnds = onGrid(Date.parse(daysAgo(85)) + 90 * DAY + 1, DUE_GRID.days);
    const searchLeaves = onGrid(Date.parse(daysAgo(10)) + 14 * DAY + 1, DUE_GRID.days);
    expect(nextDueAt(bought, rules, NOW), 'with cross-sell: the search leaving its window').toBe(searchLeaves);
    const without = config({ crossSell: { max: 0 } });
    const due = nextDueAt(bought, without, NOW);
    expect(due === undefined || due > exclusionEnds, 'without: neither window').toBe(true);
    const plain = (at: number) => campaignFields(bought, { campaigns: without, now: new Date(at), stats });
    expect(plain(Date.parse(exclusionEnds) + DAY)).toEqual(plain(NOW.getTime()));
    const withSurvey = config({ crossSell: { max: 0 }, survey: { enabled: true } });
    expect(nextDueAt(bought, withSurvey, NOW), 'the survey follow-up excludes recent purchases too').toBe(searchLeaves);
  });
});

describe('clockThresholds', () => {
  const coffee = line('A', 'coffee');
  const coffee2 = line('C', 'coffee');
  const tea = line('B', 'tea');
  const machine = line('M', 'machines', 300);
  const exclusionEnd = (placedAt: string) => Date.parse(placedAt) + 90 * DAY + 1;

  it('wakes no sweep when a purchase leaves the exclusion while a later one still excludes its products and categories', () => {
    const repeat = build(order(daysAgo(80), [coffee]), order(daysAgo(50), [coffee, tea]), order(daysAgo(20), [coffee]));
    const ends = clockThresholds(repeat, rules);
    expect(ends, 'the first coffee: the last one still excludes it').not.toContain(exclusionEnd(daysAgo(80)));
    expect(ends, 'the tea leaves with the second order').toContain(exclusionEnd(daysAgo(50)));
    expect(ends, 'the last coffee').toContain(exclusionEnd(daysAgo(20)));
    // Another coffee product: its category stays excluded, but the product itself leaves the product exclusion.
    const other = build(order(daysAgo(80), [coffee]), order(daysAgo(20), [coffee2]));
    expect(clockThresholds(other, rules)).toContain(exclusionEnd(daysAgo(80)));
    // Only the product set counts when no category is excluded: without cross-sell, the survey's follow-up.
    const sameProduct = build(order(daysAgo(80), [coffee, tea]), order(daysAgo(20), [coffee, tea]));
    const surveyOnly = config({ crossSell: { max: 0 }, survey: { enabled: true } });
    expect(clockThresholds(sameProduct, surveyOnly)).not.toContain(exclusionEnd(daysAgo(80)));
    expect(clockThresholds(sameProduct, surveyOnly)).toContain(exclusionEnd(daysAgo(20)));
  });

  it('wakes the sweep twice for the engagement segments, not once per mail, open or click', () => {
    const mails = Array.from({ length: 12 }, (_, week) => [
      activity('email.engaged', daysAgo(7 * week + 1), { kind: 'sent' }),
      ...(week % 3 === 0 ? [activity('email.engaged', daysAgo(7 * week), { kind: 'open' })] : []),
    ]).flat();
    const reader = build(...mails.reverse());
    const ends = clockThresholds(reader, rules).filter((t) => t > NOW.getTime());
    // The newest open (today) leaves the 90-day window; the third-newest mail sent (15 days ago) leaves it.
    expect(ends.sort((a, b) => a - b)).toEqual([Date.parse(daysAgo(15)) + 90 * DAY + 1, NOW.getTime() + 90 * DAY + 1]);
    const segmentsAt = (t: number) => {
      const f = campaignFields(reader, { campaigns: rules, now: new Date(t) });
      return [f.segmentEngaged, f.segmentUnengaged];
    };
    expect(segmentsAt(ends[0]! - 1)).toEqual([true, false]);
    expect(segmentsAt(ends[1]! - 1)).toEqual([true, false]);
    expect(segmentsAt(ends[1]!)).toEqual([false, false]);
  });

  it('wakes the sweep once per category viewed or searched, when its newest view or search leaves the window', () => {
    const views = [1, 2, 3, 5, 8].map((d) => activity('product.viewed', daysAgo(d), { productId: 'R8', category: 'cameras' }));
    const browser = build(...views, activity('search.performed', daysAgo(4), { query: 'thee', category: 'tea' }));
    const behaviourEnd = (at: string) => Date.parse(at) + 14 * DAY + 1;
    expect(clockThresholds(browser, rules).sort((a, b) => a - b)).toEqual([behaviourEnd(daysAgo(4)), behaviourEnd(daysAgo(1))]);
  });

  it('between two thresholds the campaign fields stay the same, with the stats and a catalog (property)', () => {
    const products = [coffee, coffee2, tea, machine];
    const population = [1, 2, 3].map(() => build(order(daysAgo(300), products)));
    const stats = computeTenantStats('acme', population, config(), NOW);
    const product = (l: ReturnType<typeof line>): CatalogProduct => ({
      instance: 'shop',
      productId: l.sku,
      sku: l.sku,
      name: l.name,
      category: l.category,
      categories: [l.category],
      price: l.price,
      inStock: true,
      updatedAt: '2026-01-01T00:00:00.000Z',
    });
    const catalog = { inCategory: { coffee: [coffee, coffee2].map(product), tea: [tea].map(product), machines: [machine].map(product) } };
    const minutes = (max: number) => fc.integer({ min: 0, max: max * 24 * 60 });
    const anOrder = fc.record({ age: minutes(120), lines: fc.subarray(products, { minLength: 1 }) });
    const aMail = fc.record({ age: minutes(100), kind: fc.constantFrom('open', 'click', 'sent', 'sent', 'bounce') });
    const aLook = fc.record({ age: minutes(16), category: fc.constantFrom('coffee', 'tea', 'machines'), search: fc.boolean() });
    const someRules = fc.record({
      recentExclusion: fc.constantFrom('product', 'category'),
      max: fc.constantFrom(0, 3),
      survey: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.array(anOrder, { minLength: 1, maxLength: 4 }),
        fc.array(aLook, { maxLength: 5 }),
        fc.array(aMail, { maxLength: 6 }),
        someRules,
        (orders, looks, mails, r) => {
          const campaigns = config({ crossSell: { max: r.max, recentExclusion: r.recentExclusion }, survey: { enabled: r.survey } });
          const ago = (m: number) => new Date(NOW.getTime() - m * 60_000).toISOString();
          const profile = build(
            ...[...orders].sort((a, b) => b.age - a.age).map((o) => order(ago(o.age), o.lines)),
            ...looks.map((l) =>
              l.search
                ? activity('search.performed', ago(l.age), { query: l.category, category: l.category })
                : activity('product.viewed', ago(l.age), { productId: 'X', category: l.category }),
            ),
            ...mails.map((m) => activity('email.engaged', ago(m.age), { kind: m.kind })),
          );
          const horizon = NOW.getTime() + 130 * DAY;
          const moments = [NOW.getTime(), ...clockThresholds(profile, campaigns).filter((t) => t > NOW.getTime() && t < horizon), horizon];
          moments.sort((a, b) => a - b);
          const fieldsAt = (t: number) => JSON.stringify(campaignFields(profile, { campaigns, now: new Date(t), stats, catalog }));
          for (let i = 0; i + 1 < moments.length; i++) {
            const [from, to] = [moments[i]!, moments[i + 1]!];
            if (to <= from) continue;
            const reference = fieldsAt(from);
            for (const t of [Math.floor((from + to) / 2), to - 1]) expect(fieldsAt(t), new Date(t).toISOString()).toBe(reference);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
