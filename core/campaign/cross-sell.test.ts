import { describe, expect, it } from 'vitest';
import type { CatalogProduct } from '../catalog/product.js';
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

  it('leaves out what already sits in an open cart: the cart mail reminds of it, a suggestion would repeat it', () => {
    const cart = {
      type: 'cart.updated' as const,
      occurredAt: daysAgo(1),
      data: { cartId: 'c1', currency: 'EUR', lines: [whey] },
    };
    expect(suggest(build(order(daysAgo(60), [shaker]), cart)).map((s) => s.key)).toEqual(['CREATINE']);
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

  it("fills a searched category from the catalog's comparable products in stock when too few customers bought it", () => {
    const product = (sku: string, name: string, price: number, inStock = true): CatalogProduct => ({
      instance: 'shop',
      productId: sku.toLowerCase(),
      sku,
      name,
      category: sku === 'FRIDGE-3' ? 'fridges' : 'washing-machines',
      categories: [],
      price,
      inStock,
      updatedAt: daysAgo(300),
    });
    const catalog = {
      inCategory: {
        'washing-machines': [
          product('WM', 'Washer', 550),
          product('WM-CHEAP', 'Washer basic', 299),
          product('WM-MID', 'Washer 8kg', 499),
          product('WM-SOLD-OUT', 'Washer 9kg', 520, false),
          product('WM-TOP', 'Washer 10kg', 999),
        ],
        fridges: [product('FRIDGE-3', 'Fridge 3', 550)],
      },
    };
    const p = build(
      order(daysAgo(3), [fridge]),
      activity('search.performed', daysAgo(1), { query: 'wasmachine', category: 'washing-machines' }),
      activity('product.viewed', daysAgo(2), { productId: 'fridge-3', category: 'fridges', price: 550 } as unknown as Record<
        string,
        string
      >),
    );
    const suggestions = suggestCrossSell(p, computeTraits(p, config()), stats, rules(), NOW, catalog);
    // The best seller first; then the catalog nearest the category's median price in stock (499 of 299, 499, 550, 999);
    // never out of stock, never a second fridge although one was viewed.
    expect(suggestions).toEqual([
      { key: 'WM', name: 'Washer', reason: 'searched:washing-machines' },
      { key: 'WM-MID', name: 'Washer 8kg', reason: 'searched:washing-machines' },
      { key: 'WM-CHEAP', name: 'Washer basic', reason: 'searched:washing-machines' },
    ]);
    expect(
      suggestCrossSell(p, computeTraits(p, config()), undefined, rules(), NOW, catalog).map((s) => s.key),
      'before the first sweep, the catalog alone',
    ).toEqual(['WM-MID', 'WM', 'WM-CHEAP']);
  });
});
