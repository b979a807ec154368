import { describe, expect, it } from 'vitest';
import { emptyProfile } from '../../profile.js';
import type { TenantStats } from '../tenant-stats.js';
import { abandonedCart } from '../abandoned-cart.js';
import { AbandonedCartRules } from '../config.js';
import type { CatalogProduct } from '../../catalog/product.js';
import { cartAlternatives, catalogAlternatives, followUpFields, nearestStore, reviewUrl } from './follow-up.js';
import { SurveyRules } from './survey-config.js';

const R8 = { sku: 'R8', productId: '9001', name: 'Canon EOS R8', quantity: 1, price: 1899 };
const stats = {
  products: {
    R8: { name: 'Canon EOS R8', category: 'cameras', buyers: 3 },
    Z5: { name: 'Nikon Z5', category: 'cameras', buyers: 5 },
    A7: { name: 'Sony A7 III', category: 'cameras', buyers: 4 },
    SD: { name: 'SD card', category: 'memory', buyers: 9 },
  },
  popularByCategory: { cameras: ['Z5', 'A7', 'R8'], memory: ['SD'] },
} as unknown as TenantStats;
const stores = [
  { id: 'ams', name: 'CameraShop Amsterdam', city: 'Amsterdam', postalCode: '1012 AB', url: 'https://camera.example/stores/ams' },
  { id: 'utr', name: 'CameraShop Utrecht', city: 'Utrecht', postalCode: '3511 AA' },
  { id: 'ehv', name: 'CameraShop Eindhoven', city: 'Eindhoven', postalCode: '5611 AB' },
];
const person = (fields: Record<string, string>) => {
  const p = emptyProfile('cameras', 'p1', '2026-01-01T00:00:00.000Z');
  for (const [name, value] of Object.entries(fields))
    p.fields[name] = { value, source: 'shopify', at: p.firstSeenAt, eventId: 'e', priority: 0 };
  return p;
};

describe('abandoned-cart follow-ups', () => {
  it('follows the seed by default: price → alternatives, product → reviews, supplier → store', () => {
    expect(AbandonedCartRules.parse({}).followUps).toMatchObject({ price: 'alternatives', product: 'reviews', supplier: 'store' });
  });

  it("offers the category's best sellers as alternatives to a cart line, never what is in the cart", () => {
    expect(cartAlternatives([R8], stats, 3)).toEqual([
      { key: 'Z5', name: 'Nikon Z5' },
      { key: 'A7', name: 'Sony A7 III' },
    ]);
    expect(cartAlternatives([{ ...R8, sku: 'unknown' }], stats, 3), 'no category known for the line').toEqual([]);
  });

  it('offers comparable cameras from the catalog for price doubts: ±25 % of the line, in stock, nearest first, never the cart or a just-bought one', () => {
    const camera = (productId: string, sku: string, name: string, price: number, inStock = true): CatalogProduct => ({
      instance: 'shopify',
      productId,
      sku,
      name,
      category: 'cameras',
      categories: ['cameras'],
      price,
      inStock,
      url: `https://camera.example/products/${sku.toLowerCase()}`,
      updatedAt: '2026-11-01T00:00:00Z',
    });
    const inCategory = {
      cameras: [
        camera('9001', 'R8', 'Canon EOS R8', 1899),
        camera('9002', 'Z5', 'Nikon Z5', 1499),
        camera('9003', 'A7', 'Sony A7 III', 1799),
        camera('9004', 'XT5', 'Fujifilm X-T5', 1999, false),
        camera('9005', 'R6', 'Canon EOS R6', 2499),
        camera('9006', 'ZF', 'Nikon Zf', 2099),
      ],
    };
    const line = { ...R8, category: 'cameras' };
    expect(catalogAlternatives([line], { inCategory }, 3)).toEqual([
      { key: 'A7', name: 'Sony A7 III', price: 1799, url: 'https://camera.example/products/a7' },
      { key: 'ZF', name: 'Nikon Zf', price: 2099, url: 'https://camera.example/products/zf' },
      { key: 'Z5', name: 'Nikon Z5', price: 1499, url: 'https://camera.example/products/z5' },
    ]);
    expect(
      catalogAlternatives([line], { inCategory }, 3, new Set(['A7'])).map((a) => a.key),
      'the Sony was just bought',
    ).toEqual(['ZF', 'Z5']);
    expect(catalogAlternatives([R8], { inCategory }, 3), 'a line without a category').toEqual([]);
  });

  it("fills the review page from the line's sku or product id", () => {
    expect(reviewUrl([R8], 'https://camera.example/products/{productId}#reviews')).toEqual({
      url: 'https://camera.example/products/9001#reviews',
      product: 'Canon EOS R8',
    });
    expect(reviewUrl([{ ...R8, productId: undefined }], 'https://camera.example/p/{productId}')).toBeUndefined();
  });

  it("picks the store in the customer's city, else the nearest postal code, else the first", () => {
    expect(nearestStore(person({ city: 'utrecht ' }), stores)?.id).toBe('utr');
    expect(nearestStore(person({ city: 'Veldhoven', postalCode: '5504 DA' }), stores)?.id).toBe('ehv');
    expect(nearestStore(person({}), stores)?.id).toBe('ams');
  });

  it('picks the store of the last in-store purchase when the customer lives where no store is', () => {
    const tills = stores.map((s) => ({ ...s, tillInstance: `till-${s.id}` }));
    const p = person({ city: 'Veldhoven', postalCode: '5504 DA' });
    const sale = (orderId: string, source: string, placedAt: string) => ({
      orderId,
      channel: 'pos' as const,
      currency: 'EUR',
      total: 10,
      placedAt,
      status: 'paid' as const,
      lines: [],
      source,
      at: placedAt,
      eventId: orderId,
      priority: 0,
    });
    p.orders = {
      a: sale('a', 'till-ams', '2026-10-01T10:00:00.000Z'),
      b: sale('b', 'till-utr', '2026-11-01T10:00:00.000Z'),
      c: { ...sale('c', 'shopify', '2026-11-20T10:00:00.000Z'), channel: 'web' as const },
    };
    expect(nearestStore(p, tills)?.id, 'the last till sale, not the web order after it').toBe('utr');
    expect(nearestStore(person({ city: 'Eindhoven' }), tills)?.id, 'the city first').toBe('ehv');
  });

  it('pushes only the content of the chosen follow-up, every slot present', () => {
    const profile = person({ city: 'Amsterdam' });
    profile.carts = {
      'shopify/c1': { cartId: 'c1', lines: [R8], at: '2026-12-06T08:00:00.000Z', source: 'shopify', eventId: 'e1', priority: 0 },
    };
    profile.activity = [
      {
        key: 's',
        at: '2026-12-06T09:30:00.000Z',
        kind: 'survey.answered',
        detail: { question: 'cart-abandon-reason', answer: 'supplier' },
      },
    ];
    const cart = abandonedCart(profile, AbandonedCartRules.parse({}), new Date('2026-12-06T10:00:00Z'));
    const fields = followUpFields(profile, cart, SurveyRules.parse({ stores, alternatives: 2 }), { stats });
    expect(fields).toEqual({
      abandonedCartReviewUrl: null,
      abandonedCartReviewProduct: null,
      abandonedCartStoreName: 'CameraShop Amsterdam',
      abandonedCartStoreCity: 'Amsterdam',
      abandonedCartStoreUrl: 'https://camera.example/stores/ams',
      abandonedCartAlternative1Sku: null,
      abandonedCartAlternative1Name: null,
      abandonedCartAlternative1Price: null,
      abandonedCartAlternative1Url: null,
      abandonedCartAlternative2Sku: null,
      abandonedCartAlternative2Name: null,
      abandonedCartAlternative2Price: null,
      abandonedCartAlternative2Url: null,
    });
  });
});
