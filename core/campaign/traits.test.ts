import { describe, expect, it } from 'vitest';
import { build, config, daysAgo, line, order, activity } from '../../test/support/campaign-profiles.js';
import { computeTraits } from './traits.js';
import { classifyLines, giftSeasonOf } from './secondary-profile.js';

describe('traits', () => {
  it('counts orders, revenue, average order value, first/last order, interval and channels; cancelled orders do not count', () => {
    const p = build(
      order(daysAgo(30), [line('A', 'coffee', 20)]),
      order(daysAgo(10), [line('B', 'tea', 40)], { channel: 'pos' }),
      order(daysAgo(5), [line('C', 'tea', 99)], { status: 'cancelled' }),
    );
    expect(computeTraits(p, config())).toMatchObject({
      orderCount: 2,
      revenue: 60,
      averageOrderValue: 30,
      firstOrderAt: daysAgo(30),
      lastOrderAt: daysAgo(10),
      averageIntervalDays: 20,
      channels: ['pos', 'web'],
      categories: ['coffee', 'tea'],
    });
  });

  it('has no interval below two orders', () => {
    expect(computeTraits(build(order(daysAgo(3), [line('A', 'coffee')])), config()).averageIntervalDays).toBeNull();
  });

  it('takes the last viewed and searched categories from behaviour', () => {
    const p = build(
      activity('product.viewed', daysAgo(3), { productId: '1', category: 'old' }),
      activity('product.viewed', daysAgo(1), { productId: '2', category: 'lenses' }),
      activity('search.performed', daysAgo(2), { query: 'tripod', category: 'tripods' }),
    );
    expect(computeTraits(p, config())).toMatchObject({ lastViewedCategory: 'lenses', lastSearchedCategory: 'tripods' });
  });
});

describe('secondary profile', () => {
  const seasons = [
    { id: 'sinterklaas', from: '11-15', to: '12-05' },
    { id: 'new-year', from: '12-28', to: '01-02' },
  ];

  it('finds the gift season at its bounds, also across the year end', () => {
    expect(giftSeasonOf('2026-11-15T00:00:00Z', seasons)?.id).toBe('sinterklaas');
    expect(giftSeasonOf('2026-12-05T23:59:00Z', seasons)?.id).toBe('sinterklaas');
    expect(giftSeasonOf('2026-12-06T00:00:00Z', seasons)).toBeUndefined();
    expect(giftSeasonOf('2027-01-02T10:00:00Z', seasons)?.id).toBe('new-year');
  });

  it('keeps a new category bought in the season out of the primary interests, but not a category bought before', () => {
    const p = build(
      order('2026-10-01T10:00:00Z', [line('BEANS', 'coffee')]),
      order('2026-12-01T10:00:00Z', [line('LEGO', 'toys', 80), line('BEANS', 'coffee')]),
    );
    const t = computeTraits(p, config({ giftSeasons: seasons }));
    expect(t).toMatchObject({ categories: ['coffee'], secondaryCategories: ['toys'], giftSeasons: ['sinterklaas'], revenue: 100 });
  });

  it('counts a gift bought in a gift season (a gift card, a gift note) for that season and keeps its category out of the own interests', () => {
    const p = build(
      order('2026-10-01T10:00:00Z', [line('BEANS', 'coffee')]),
      order('2026-11-28T10:00:00Z', [{ ...line('GIFTCARD25', 'gift-cards', 25), gift: true }]),
    );
    expect(computeTraits(p, config({ giftSeasons: seasons }))).toMatchObject({
      giftSeasons: ['sinterklaas'],
      categories: ['coffee'],
      secondaryCategories: ['gift-cards'],
    });
  });

  it('never makes a first order season-secondary', () => {
    const p = build(order('2026-12-01T10:00:00Z', [line('LEGO', 'toys')]));
    expect(computeTraits(p, config({ giftSeasons: seasons })).categories).toEqual(['toys']);
  });

  it('makes a gift-flagged order or one shipped elsewhere secondary whatever the date', () => {
    const p = build(
      order('2026-03-01T10:00:00Z', [line('BEANS', 'coffee')]),
      order('2026-04-01T10:00:00Z', [line('ROSES', 'flowers')], { gift: true }),
      order('2026-05-01T10:00:00Z', [line('WINE', 'wine')], { shippedToOtherAddress: true }),
    );
    const lines = classifyLines(
      Object.values(p.orders).sort((a, b) => (a.placedAt < b.placedAt ? -1 : 1)),
      [],
    );
    expect(lines.map((l) => l.secondary)).toEqual([undefined, 'gift', 'other-address']);
  });
});
