import { describe, expect, it } from 'vitest';
import { suggestCrossSell } from './cross-sell.js';
import { computeTenantStats } from './tenant-stats.js';
import { computeTraits } from './traits.js';
import { activity, build, config, daysAgo, NOW, order, line } from '../../test/support/campaign-profiles.js';

const shaker = line('SHAKER', 'accessories', 9, 'Shaker');
const whey = line('WHEY', 'protein-powder', 30, 'Whey');
const creatine = line('CREATINE', 'supplements', 20, 'Creatine');
const lf = line('LF', 'lactose-free-protein', 35, 'Lactose-free protein');
const fridge = line('FRIDGE', 'fridges', 600, 'Fridge');
const fridge2 = line('FRIDGE-2', 'fridges', 500, 'Fridge 2');
const washer = line('WM', 'washing-machines', 550, 'Washer');

const population = [
  build(order(daysAgo(200), [shaker, whey, creatine])),
  build(order(daysAgo(200), [shaker, whey, creatine])),
  build(order(daysAgo(200), [shaker, whey])),
  build(order(daysAgo(200), [fridge, washer])),
  build(order(daysAgo(200), [fridge, fridge2, washer])),
];
const stats = computeTenantStats('acme', population, config(), NOW);
const rules = (o: Record<string, unknown> = {}) =>
  config({
    crossSell: { conflicts: [{ id: 'lactose-free', boughtCategory: 'lactose-free-protein', excludeCategories: ['protein-powder'] }], ...o },
  }).crossSell;
const suggest = (p: ReturnType<typeof build>, r = rules()) => suggestCrossSell(p, computeTraits(p, config()), stats, r, NOW);

describe('cross-sell', () => {
  it('suggests what others bought with what the customer bought, with the reason, strongest first', () => {
    expect(suggest(build(order(daysAgo(5), [shaker])))).toEqual([
      { key: 'WHEY', name: 'Whey', reason: 'bought-with:Shaker' },
      { key: 'CREATINE', name: 'Creatine', reason: 'bought-with:Shaker' },
    ]);
  });

  it('never suggests regular protein powder to a lactose-free buyer', () => {
    expect(suggest(build(order(daysAgo(60), [lf]), order(daysAgo(5), [shaker]))).map((s) => s.key)).toEqual(['CREATINE']);
  });

  it('never suggests what was just bought, nor its category; after recentDays the product may return', () => {
    expect(suggest(build(order(daysAgo(5), [shaker, whey]))).map((s) => s.key)).toEqual(['CREATINE']);
    expect(
      suggest(build(order(daysAgo(5), [fridge]))).map((s) => s.key),
      'no second fridge',
    ).toEqual(['WM']);
  });

  it('leads with the category the customer searches now: a fridge buyer searching washing machines', () => {
    const p = build(
      order(daysAgo(3), [fridge]),
      activity('search.performed', daysAgo(1), { query: 'wasmachine', category: 'washing-machines' }),
      activity('product.viewed', daysAgo(1), { productId: 'x', category: 'fridges' }),
    );
    expect(suggest(p)).toEqual([{ key: 'WM', name: 'Washer', reason: 'searched:washing-machines' }]);
  });

  it('caps the suggestions at max and needs minCoPurchases', () => {
    expect(suggest(build(order(daysAgo(5), [shaker])), rules({ max: 1 }))).toHaveLength(1);
    expect(suggest(build(order(daysAgo(5), [shaker])), rules({ minCoPurchases: 3 })).map((s) => s.key)).toEqual(['WHEY']);
  });

  it('suggests nothing before the first sweep computed stats', () => {
    const p = build(order(daysAgo(5), [shaker]));
    expect(suggestCrossSell(p, computeTraits(p, config()), undefined, rules(), NOW)).toEqual([]);
  });
});
