import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { build, config, DAY, daysAgo, NOW, order, line, activity } from '../../test/support/campaign-profiles.js';
import { computeTraits } from './traits.js';
import { computeSegments, isLapsed, isNew, lapseThresholdDays } from './segments.js';
import { quintileCuts, rfmBoundaries, rfmScore, scoreAgainst } from './rfm.js';

const rules = config().segments;

describe('segment rules at their thresholds', () => {
  it('new: first order exactly newWithinDays ago is new, a minute later it is not', () => {
    expect(isNew({ firstOrderAt: daysAgo(30) }, rules, NOW)).toBe(true);
    expect(isNew({ firstOrderAt: new Date(NOW.getTime() - 30 * DAY - 60_000).toISOString() }, rules, NOW)).toBe(false);
    expect(isNew({ firstOrderAt: null }, rules, NOW)).toBe(false);
  });

  it('repeat: from repeatMinOrders orders', () => {
    const one = build(order(daysAgo(10), [line('A', 'x')]));
    const two = build(order(daysAgo(20), [line('A', 'x')]), order(daysAgo(10), [line('A', 'x')]));
    expect(computeSegments(one, computeTraits(one, config()), undefined, rules, NOW).repeat).toBe(false);
    expect(computeSegments(two, computeTraits(two, config()), undefined, rules, NOW).repeat).toBe(true);
  });

  it('lapsed: after N × the own interval, never before the minimum; the tenant default for one-order customers', () => {
    expect(lapseThresholdDays({ averageIntervalDays: 20 }, rules)).toBe(40);
    expect(lapseThresholdDays({ averageIntervalDays: 7 }, rules), 'minimum').toBe(30);
    expect(lapseThresholdDays({ averageIntervalDays: null }, rules)).toBe(120);
    expect(isLapsed({ lastOrderAt: daysAgo(40), averageIntervalDays: 20 }, rules, NOW)).toBe(false);
    expect(isLapsed({ lastOrderAt: daysAgo(40.01), averageIntervalDays: 20 }, rules, NOW)).toBe(true);
    expect(isLapsed({ lastOrderAt: null, averageIntervalDays: null }, rules, NOW)).toBe(false);
  });

  it('lapses for every interval exactly when the gap passes max(min, N × interval)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 0, max: 500 }), (interval, gap) => {
        expect(isLapsed({ lastOrderAt: daysAgo(gap), averageIntervalDays: interval }, rules, NOW)).toBe(gap > Math.max(30, 2 * interval));
      }),
    );
  });

  it('engaged by an open or click in the window; unengaged after enough sends without either', () => {
    const sent = (d: number) => activity('email.engaged', daysAgo(d), { kind: 'sent' });
    const quiet = build(sent(1), sent(2), sent(3));
    const opened = build(sent(1), sent(2), sent(3), activity('email.engaged', daysAgo(89), { kind: 'open' }));
    const old = build(sent(1), sent(2), activity('email.engaged', daysAgo(91), { kind: 'click' }));
    const seg = (p: ReturnType<typeof build>) => computeSegments(p, computeTraits(p, config()), undefined, rules, NOW);
    expect(seg(quiet)).toMatchObject({ engaged: false, unengaged: true });
    expect(seg(opened)).toMatchObject({ engaged: true, unengaged: false });
    expect(seg(old), 'two sends are not enough to call it unengaged').toMatchObject({ engaged: false, unengaged: false });
  });

  it('one-category: bought A, never B', () => {
    const r = config({ segments: { oneCategory: [{ id: 'beans-no-machine', bought: 'coffee', never: 'machines' }] } }).segments;
    const beans = build(order(daysAgo(5), [line('BEANS', 'coffee')]));
    const both = build(order(daysAgo(5), [line('BEANS', 'coffee'), line('M', 'machines')]));
    expect(computeSegments(beans, computeTraits(beans, config()), undefined, r, NOW).oneCategory).toEqual(['beans-no-machine']);
    expect(computeSegments(both, computeTraits(both, config()), undefined, r, NOW).oneCategory).toEqual([]);
  });
});

describe('RFM', () => {
  it('cuts quintiles and scores equal values equally', () => {
    expect(quintileCuts([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])).toEqual([3, 5, 7, 9]);
    expect(scoreAgainst(10, [3, 5, 7, 9])).toBe(5);
    expect(scoreAgainst(3, [3, 5, 7, 9])).toBe(1);
  });

  it('scores a recent, frequent, big spender 5-5-5 and makes them loyal', () => {
    const customers = Array.from({ length: 10 }, (_, i) => ({
      lastOrderAt: daysAgo(100 - i * 10),
      orderCount: i + 1,
      revenue: (i + 1) * 50,
    }));
    const b = rfmBoundaries(customers);
    const best = rfmScore(customers[9]!, b)!;
    expect(best).toEqual({ recency: 5, frequency: 5, monetary: 5 });
    expect(rfmScore(customers[0]!, b)).toEqual({ recency: 1, frequency: 1, monetary: 1 });
    const p = build(order(daysAgo(10), [line('A', 'x')]));
    expect(computeSegments(p, computeTraits(p, config()), best, rules, NOW).loyal).toBe(true);
    expect(computeSegments(p, computeTraits(p, config()), { ...best, monetary: 3 }, rules, NOW).loyal).toBe(false);
  });
});
