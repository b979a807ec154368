import { describe, expect, it } from 'vitest';
import { CanonicalEvent } from '../events.js';
import { categorise, catalogKeysOf, searchedCategory } from './categorise.js';
import { catalogKeyText, type CatalogEntry } from './catalog-store.js';

const envelope = {
  tenantId: 'acme',
  source: { connector: 'squeezely', instance: 'dmp' },
  sourceEventId: 'e1',
  occurredAt: '2026-03-01T10:00:00Z',
  receivedAt: '2026-03-01T10:00:00Z',
  identifiers: [{ type: 'email', value: 'fiona@home.example' }],
};
const names = { wasmachines: 'Wasmachines', koelkasten: 'Koelkasten', 'washing-machines': 'Washing machines', tv: 'TV' };

describe('categories at merge time', () => {
  it("finds the category a search names, in the singular or the plural, in the shop's words or the slug", () => {
    expect(searchedCategory('wasmachine', names)).toBe('wasmachines');
    expect(searchedCategory('Washing machine', names)).toBe('washing-machines');
    expect(searchedCategory('koelkast', names)).toBe('koelkasten');
    expect(searchedCategory('tv', names), 'too short to pick a category').toBeUndefined();
    expect(searchedCategory('stofzuiger', names)).toBeUndefined();
  });

  it("gives a search without a category the one its query names, from the tenant's category names", () => {
    const search = CanonicalEvent.parse({ ...envelope, type: 'search.performed', data: { query: 'wasmachine' } });
    const keys = catalogKeysOf(search);
    expect(keys).toEqual([{ tenantId: 'acme', kind: 'categories' }]);
    const found = new Map<string, CatalogEntry>([[catalogKeyText(keys[0]!), { kind: 'categories', names }]]);
    expect(categorise(search, found)).toMatchObject({ data: { query: 'wasmachine', category: 'wasmachines' } });
  });

  it('asks nothing of the catalog for a line, view or search that has its category, and leaves it as it is', () => {
    const order = CanonicalEvent.parse({
      ...envelope,
      type: 'order.placed',
      data: {
        orderId: 'o1',
        channel: 'web',
        currency: 'EUR',
        total: 9,
        placedAt: envelope.occurredAt,
        lines: [{ sku: 'SHAKER', name: 'Shaker', category: 'accessories', quantity: 1, price: 9 }],
      },
    });
    expect(catalogKeysOf(order)).toEqual([]);
    expect(categorise(order, new Map())).toBe(order);
  });

  it('categorises a viewed product by its shop product id when the view has no category', () => {
    const view = CanonicalEvent.parse({ ...envelope, type: 'product.viewed', data: { productId: '42' } });
    const [key] = catalogKeysOf(view);
    expect(key).toEqual({ tenantId: 'acme', kind: 'product', instance: 'dmp', productId: '42' });
    const product = {
      instance: 'dmp',
      productId: '42',
      name: 'Wasmachine 8kg',
      category: 'wasmachines',
      categories: [],
      updatedAt: envelope.occurredAt,
    };
    const found = new Map<string, CatalogEntry>([[catalogKeyText(key!), { kind: 'product', product }]]);
    expect(categorise(view, found)).toMatchObject({ data: { productId: '42', category: 'wasmachines' } });
  });
});
