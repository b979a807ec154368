// A deterministic Square seller (a Dutch café with two registers, EUR) as Customers, Orders and Catalog API objects.
import type { CatalogObjectJson, CustomerJson, OrderJson } from './schemas.js';
import { seededRandom } from '../sdk/seeded-random.js';

export interface SampleSeller {
  customers: CustomerJson[];
  orders: OrderJson[];
  /** The items the orders sell (one variation each) and their categories. */
  catalog: CatalogObjectJson[];
}

export const SAMPLE_LOCATIONS = ['L1AMSTERDAM0', 'L2UTRECHT00'];

const FIRST = ['Sanne', 'Daan', 'Emma', 'Lucas', 'Julia', 'Sem', 'Tess', 'Finn'];
const LAST = ['de Vries', 'Jansen', 'Bakker', 'Visser', 'Smit', 'Meijer'];
const ITEMS = [
  { id: 'ITMVAR01CAPPUCCINO', name: 'Cappuccino', variation: 'Regular', cents: 350, category: 'CATKOFFIE' },
  { id: 'ITMVAR02APPELTAART', name: 'Appeltaart', variation: 'Met slagroom', cents: 475, category: 'CATGEBAK' },
  { id: 'ITMVAR03BONEN', name: 'Koffiebonen', variation: 'per kg', cents: 2400, category: 'CATKOFFIE' },
];
const CATEGORIES = [
  { id: 'CATKOFFIE', name: 'Koffie' },
  { id: 'CATGEBAK', name: 'Gebak' },
];

/** The catalog as SearchCatalogObjects returns it: CATEGORY objects, and ITEM objects with their variations nested. */
function sampleCatalog(at: string): CatalogObjectJson[] {
  const categories: CatalogObjectJson[] = CATEGORIES.map((c) => ({
    type: 'CATEGORY',
    id: c.id,
    updated_at: at,
    version: 1,
    is_deleted: false,
    category_data: { name: c.name },
  }));
  const items: CatalogObjectJson[] = ITEMS.map((item) => {
    const itemId = item.id.replace('ITMVAR', 'ITEM');
    return {
      type: 'ITEM',
      id: itemId,
      updated_at: at,
      version: 1,
      is_deleted: false,
      item_data: {
        name: item.name,
        categories: [{ id: item.category, ordinal: 0 }],
        reporting_category: { id: item.category, ordinal: 0 },
        variations: [
          {
            type: 'ITEM_VARIATION',
            id: item.id,
            is_deleted: false,
            updated_at: at,
            item_variation_data: {
              item_id: itemId,
              name: item.variation,
              sku: item.id.slice(6),
              pricing_type: 'FIXED_PRICING',
              price_money: { amount: item.cents, currency: 'EUR' },
            },
          },
        ],
      },
    };
  });
  return [...categories, ...items];
}

const squareId = (prefix: string, i: number) => `${prefix}${String(i).padStart(6, '0')}SYNCLINE`.slice(0, 26);

export function generateSampleSeller(options: { customers?: number; orders?: number; seed?: number; start?: Date } = {}): SampleSeller {
  const rnd = seededRandom(options.seed ?? 2026).next;
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
  const start = (options.start ?? new Date('2026-03-02T08:00:00Z')).getTime();

  const customers: CustomerJson[] = Array.from({ length: options.customers ?? 12 }, (_, i) => {
    const given = pick(FIRST);
    const family = pick(LAST);
    const created = new Date(start - (60 - i) * 86_400_000).toISOString();
    return {
      id: squareId('CUST', i),
      created_at: created,
      updated_at: new Date(start + i * 90_000).toISOString(),
      given_name: given,
      family_name: family,
      email_address: `${given}.${family}`.toLowerCase().replace(/[^a-z.]/g, '') + `${i}@voorbeeld.nl`,
      phone_number: i % 3 === 0 ? null : `+316${String(20_000_000 + i * 7_333).slice(0, 8)}`,
      birthday: i % 4 === 0 ? '0000-05-17' : `19${70 + i}-0${1 + (i % 9)}-1${i % 10}`,
      address: { address_line_1: `Prinsengracht ${100 + i}`, locality: 'Amsterdam', postal_code: '1015 DZ', country: 'NL' },
      preferences: { email_unsubscribed: i % 5 === 4 },
      version: i % 3,
    };
  });

  const orders: OrderJson[] = Array.from({ length: options.orders ?? 10 }, (_, i) => {
    const created = start + i * 20 * 60_000;
    const items = Array.from({ length: 1 + Math.floor(rnd() * 2) }, (_, n) => {
      const item = pick(ITEMS);
      const byWeight = item.variation === 'per kg';
      const quantity = byWeight ? '0.5' : String(1 + Math.floor(rnd() * 2));
      const total = Math.round(item.cents * Number(quantity));
      return {
        uid: `line-${i}-${n}`,
        name: item.name,
        quantity,
        catalog_object_id: item.id,
        variation_name: item.variation,
        base_price_money: { amount: item.cents, currency: 'EUR' },
        total_money: { amount: total, currency: 'EUR' },
      };
    });
    const total = items.reduce((sum, l) => sum + l.total_money.amount, 0);
    // Every fourth sale is anonymous (no customer on the order or its tender).
    const customer = i % 4 === 3 ? undefined : customers[Math.floor(rnd() * customers.length)];
    return {
      id: squareId('ORDER', i),
      location_id: SAMPLE_LOCATIONS[i % 2] as string,
      ...(customer && i % 2 === 0 ? { customer_id: customer.id } : {}),
      line_items: items,
      tenders: [{ type: 'CARD', ...(customer ? { customer_id: customer.id } : {}) }],
      ...(i % 5 === 2 ? { fulfillments: [{ type: 'SHIPMENT', state: 'PROPOSED' }] } : {}),
      created_at: new Date(created).toISOString(),
      updated_at: new Date(i % 3 === 0 ? created : created + 5 * 60_000).toISOString(),
      state: i === 7 ? 'DRAFT' : i % 6 === 5 ? 'CANCELED' : 'COMPLETED',
      version: 1 + (i % 3),
      total_money: { amount: total, currency: 'EUR' },
    };
  });
  return { customers, orders, catalog: sampleCatalog(new Date(start - 30 * 86_400_000).toISOString()) };
}

/**
 * Events a full poll produces: one per customer (+1 when unsubscribed), one per variation of a catalog item, one per
 * non-draft order with a customer.
 */
export function expectedPollEvents(seller: SampleSeller): number {
  const catalogEvents = seller.catalog.reduce((n, o) => n + (o.type === 'ITEM' ? (o.item_data?.variations?.length ?? 0) : 0), 0);
  const customerEvents = seller.customers.reduce((n, c) => n + (c.preferences?.email_unsubscribed ? 2 : 1), 0);
  const orderEvents = seller.orders.filter((o) => o.state !== 'DRAFT' && (o.customer_id || o.tenders?.some((t) => t.customer_id))).length;
  return customerEvents + catalogEvents + orderEvents;
}
