import { describe, expect, it } from 'vitest';
import type { CatalogProduct } from '../catalog/product.js';
import { comparableAlternatives } from './comparable-alternatives.js';

const product = (sku: string, price: number, extra: Partial<CatalogProduct> = {}): CatalogProduct => ({
  instance: 'shop',
  productId: `p-${sku}`,
  sku,
  name: `Camera ${sku}`,
  category: 'cameras',
  categories: ['cameras'],
  price,
  inStock: true,
  updatedAt: '2026-03-01T00:00:00.000Z',
  ...extra,
});

describe('comparable alternatives', () => {
  const doubted = { productId: 'p-X100', sku: 'X100', category: 'cameras', price: 800 };
  const catalog = [
    product('X100', 800),
    product('A', 760),
    product('B', 900),
    product('C', 1200),
    product('D', 790, { inStock: false }),
    product('E', 810, { category: 'lenses' }),
    product('F', 640),
  ];

  it('offers products of the same category at a similar price that are in stock, nearest price first, never the product itself', () => {
    expect(comparableAlternatives(doubted, catalog).map((a) => [a.sku, a.reason])).toEqual([
      ['A', 'comparable:cameras'],
      ['B', 'comparable:cameras'],
      ['F', 'comparable:cameras'],
    ]);
  });

  it('offers only cheaper ones for a price doubt when asked', () => {
    expect(comparableAlternatives(doubted, catalog, { cheaperOnly: true }).map((a) => a.sku)).toEqual(['A', 'F']);
  });

  it('offers nothing for a product whose category or price is unknown', () => {
    expect(comparableAlternatives({ productId: 'p-X100', price: 800 }, catalog)).toEqual([]);
  });
});
