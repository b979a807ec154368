// A deterministic WooCommerce store (EUR, Dutch customers) as REST v3 resources: the simulator's data for tests and demos.
import type { CustomerJson, OrderJson } from './schemas.js';
import type { ProductJson } from './product-schemas.js';
import { seededRandom } from '../sdk/seeded-random.js';

export interface SampleStore {
  customers: CustomerJson[];
  orders: OrderJson[];
  /** The catalog: the products the orders' lines name, with WooCommerce categories. */
  products: ProductJson[];
}

export interface SampleStoreOptions {
  customers?: number;
  orders?: number;
  seed?: number;
  start?: Date;
}

const FIRST = ['Sanne', 'Daan', 'Emma', 'Lucas', 'Julia', 'Sem', 'Tess', 'Finn', 'Lotte', 'Bram', 'Fleur', 'Thijs'];
const LAST = ['de Vries', 'Jansen', 'van den Berg', 'Bakker', 'Visser', 'Smit', 'Meijer', 'de Boer', 'Mulder'];
const CITIES: Array<[string, string]> = [
  ['Amsterdam', '1012 AB'],
  ['Utrecht', '3511 CD'],
  ['Groningen', '9711 EF'],
  ['Zwolle', '8011 GH'],
];
const PRODUCTS = [
  { id: 93, sku: 'THEE-EARL-100', name: 'Earl Grey 100 g', price: 6.5, category: [31, 'Zwarte thee', 'zwarte-thee'] },
  { id: 94, sku: 'THEE-MUNT-50', name: 'Verse munt &amp; citroen 50 g', price: 4.25, category: [32, 'Kruiden &amp; munt', 'kruiden-munt'] },
  { id: 95, sku: 'POT-GIET-1L', name: 'Gietijzeren theepot 1 l', price: 39.95, category: [33, 'Theepotten', 'theepotten'] },
  { id: 96, sku: 'ZEEF-RVS', name: 'Theezeef RVS', price: 7.99, category: [34, 'Accessoires', 'accessoires'] },
] as const;

/** WooCommerce's `_gmt` form: no offset, whole seconds. */
const gmt = (millis: number) => new Date(millis).toISOString().slice(0, 19);

export function generateSampleStore(options: SampleStoreOptions = {}): SampleStore {
  const rnd = seededRandom(options.seed ?? 2026).next;
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
  const start = (options.start ?? new Date('2026-03-02T08:00:00Z')).getTime();

  const customers: CustomerJson[] = Array.from({ length: options.customers ?? 20 }, (_, i) => {
    const first = pick(FIRST);
    const last = pick(LAST);
    const [city, postcode] = pick(CITIES);
    const email = `${first}.${last}`.toLowerCase().replace(/[^a-z.]/g, '') + `${i}@voorbeeld.nl`;
    const created = start - (40 - (i % 30)) * 86_400_000;
    const billing = {
      first_name: first,
      last_name: last,
      company: '',
      address_1: `Kerkstraat ${i + 1}`,
      address_2: '',
      city,
      state: '',
      postcode,
      country: 'NL',
      email,
      phone: i % 3 === 0 ? '' : `06${String(10_000_000 + i * 7919).slice(0, 8)}`,
    };
    return {
      id: 100 + i,
      date_created_gmt: gmt(created),
      // Every third customer shares its second with the one before, as in a real import.
      date_modified_gmt: gmt(start + (i - Math.floor(i / 3)) * 60_000),
      email,
      first_name: first,
      last_name: last,
      role: 'customer',
      billing,
      shipping: { ...billing, email: undefined, phone: undefined },
    };
  });

  const statuses = ['processing', 'completed', 'completed', 'on-hold', 'refunded', 'cancelled'];
  const orders: OrderJson[] = Array.from({ length: options.orders ?? 15 }, (_, i) => {
    const buyer = i % 4 === 3 ? undefined : customers[Math.floor(rnd() * customers.length)];
    const billing = buyer?.billing ?? {
      first_name: 'Gast',
      last_name: 'Koper',
      address_1: 'Dorpsstraat 9',
      city: 'Zwolle',
      postcode: '8011 GH',
      country: 'NL',
      email: `gast${i}@voorbeeld.nl`,
      phone: '',
    };
    const lines = Array.from({ length: 1 + Math.floor(rnd() * 3) }, (_, n) => {
      const product = pick(PRODUCTS);
      const quantity = 1 + Math.floor(rnd() * 2);
      return {
        id: 1000 + i * 10 + n,
        name: product.name,
        product_id: product.id,
        variation_id: 0,
        quantity,
        sku: product.sku,
        price: product.price,
        total: (product.price * quantity).toFixed(2),
      };
    });
    const created = start + i * 45 * 60_000;
    // The last order is an unfinished block-checkout draft: WooCommerce lists it, syncline skips it.
    const status = i === (options.orders ?? 15) - 1 ? 'checkout-draft' : (statuses[i % statuses.length] as string);
    return {
      id: 700 + i,
      number: String(700 + i),
      created_via: i % 5 === 4 ? 'pos' : 'checkout',
      status,
      currency: 'EUR',
      total: (lines.reduce((sum, l) => sum + Number(l.total), 0) + 4.95).toFixed(2),
      customer_id: buyer?.id ?? 0,
      date_created_gmt: gmt(created),
      date_modified_gmt: gmt(i % 2 === 0 ? created : created + 3_600_000),
      date_paid_gmt: status === 'on-hold' ? null : gmt(created + 60_000),
      cart_hash: '',
      billing,
      shipping: i % 6 === 5 ? { ...billing, address_1: 'Cadeaulaan 1', postcode: '1012 AB', city: 'Amsterdam' } : billing,
      line_items: lines,
    };
  });
  const products = PRODUCTS.map((p, i) => sampleProduct(p, gmt(start - (60 - i) * 86_400_000)));
  return { customers, orders, products };
}

/** A product as GET /products/<id> shows it (the fields of the REST reference's example that syncline reads). */
function sampleProduct(p: (typeof PRODUCTS)[number], modified: string): ProductJson {
  const slug = p.sku.toLowerCase();
  const [id, name, categorySlug] = p.category;
  return {
    id: p.id,
    name: p.name,
    slug,
    permalink: `https://thee.example/product/${slug}/`,
    date_created_gmt: modified,
    date_modified_gmt: modified,
    type: 'simple',
    status: 'publish',
    sku: p.sku,
    price: p.price.toFixed(2),
    stock_status: p.id === 96 ? 'outofstock' : 'instock',
    stock_quantity: null,
    parent_id: 0,
    categories: [{ id, name, slug: categorySlug }],
    tags: [],
    images: [{ src: `https://thee.example/wp-content/uploads/2026/01/${slug}.jpg` }],
    variations: [],
  };
}

/** Events a full poll produces: one per product, one per customer and one per order that is not a draft. */
export function expectedPollEvents(store: SampleStore): number {
  return store.products.length + store.customers.length + store.orders.filter((o) => o.status !== 'checkout-draft').length;
}
