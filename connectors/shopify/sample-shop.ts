// A deterministic, realistic Dutch shop (EUR) as GraphQL Admin API nodes: the simulator's data for tests and the demo.
import type { CustomerNodeJson, OrderNodeJson } from './schemas.js';
import type { ProductNodeJson } from './product-schemas.js';
import { seededRandom } from '../sdk/seeded-random.js';

export interface SampleShop {
  customers: CustomerNodeJson[];
  orders: OrderNodeJson[];
  products: ProductNodeJson[];
}

export interface SampleShopOptions {
  customers?: number;
  orders?: number;
  seed?: number;
  /** updatedAt of the first record; later records follow minutes apart (some share a second, as in real shops). */
  start?: Date;
}

const FIRST = [
  'Sanne',
  'Daan',
  'Emma',
  'Lucas',
  'Julia',
  'Sem',
  'Tess',
  'Finn',
  'Lotte',
  'Bram',
  'Fleur',
  'Thijs',
  'Anouk',
  'Jesse',
  'Noor',
  'Milan',
];
const LAST = [
  'de Vries',
  'Jansen',
  'van den Berg',
  'Bakker',
  'Visser',
  'Smit',
  'Meijer',
  'de Boer',
  'Mulder',
  'de Groot',
  'Bos',
  'Vos',
  'Peters',
  'Hendriks',
];
const CITIES: Array<[string, string, string]> = [
  ['Amsterdam', '1012', 'NH'],
  ['Rotterdam', '3011', 'ZH'],
  ['Utrecht', '3511', 'UT'],
  ['Den Haag', '2511', 'ZH'],
  ['Eindhoven', '5611', 'NB'],
  ['Groningen', '9711', 'GR'],
  ['Zwolle', '8011', 'OV'],
  ['Arnhem', '6811', 'GE'],
];
const STREETS = ['Kerkstraat', 'Dorpsstraat', 'Stationsweg', 'Molenweg', 'Schoolstraat', 'Julianalaan', 'Beatrixstraat'];
const PRODUCTS: Array<{ id: number; variant: number; sku: string; name: string; price: string; type: string }> = [
  { id: 8_012_345_001, variant: 44_100_000_001, sku: 'KOF-BON-1KG', name: 'Koffiebonen Espresso 1 kg', price: '24.95', type: 'Koffie' },
  { id: 8_012_345_002, variant: 44_100_000_002, sku: 'KOF-MLK-OPS', name: 'Melkopschuimer', price: '59.00', type: 'Apparaten' },
  { id: 8_012_345_003, variant: 44_100_000_003, sku: 'THE-GRN-100', name: 'Groene thee 100 g', price: '7.50', type: 'Thee' },
  { id: 8_012_345_004, variant: 44_100_000_004, sku: 'MOK-STW-2', name: 'Stroopwafelmok (set van 2)', price: '14.99', type: 'Servies' },
  { id: 8_012_345_005, variant: 44_100_000_005, sku: 'FLT-PAP-100', name: 'Koffiefilters nr. 4 (100 st.)', price: '3.25', type: 'Koffie' },
  { id: 8_012_345_006, variant: 44_100_000_006, sku: 'KOF-MOL-HND', name: 'Handkoffiemolen', price: '39.95', type: 'Apparaten' },
];

const gid = (type: string, id: number | string) => `gid://shopify/${type}/${id}`;
const money = (amount: number) => ({ amount: amount.toFixed(2), currencyCode: 'EUR' });

export function generateSampleShop(options: SampleShopOptions = {}): SampleShop {
  const rnd = seededRandom(options.seed ?? 2026).next;
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
  const start = (options.start ?? new Date('2026-03-02T08:00:00Z')).getTime();
  // Every third record shares its second with the one before: the cursor must still page through both.
  const time = (i: number) => new Date(start + (i - Math.floor(i / 3)) * 60_000).toISOString();

  const customers: CustomerNodeJson[] = Array.from({ length: options.customers ?? 25 }, (_, i) => {
    const first = pick(FIRST);
    const last = pick(LAST);
    const [city, postcode, province] = pick(CITIES);
    const local = `${first}.${last}`.toLowerCase().replace(/[^a-z.]/g, '');
    const created = new Date(start - (30 + i) * 86_400_000).toISOString();
    return {
      id: gid('Customer', 7_400_000_000_000 + i),
      firstName: first,
      lastName: last,
      locale: 'nl',
      createdAt: created,
      updatedAt: time(i),
      defaultEmailAddress: { emailAddress: `${local}${i}@voorbeeld.nl` },
      defaultPhoneNumber: i % 4 === 3 ? null : { phoneNumber: `+316${String(10_000_000 + Math.floor(rnd() * 89_999_999)).slice(0, 8)}` },
      defaultAddress: {
        address1: `${pick(STREETS)} ${1 + Math.floor(rnd() * 120)}`,
        address2: null,
        city,
        zip: `${postcode} ${String.fromCharCode(65 + Math.floor(rnd() * 26))}${String.fromCharCode(65 + Math.floor(rnd() * 26))}`,
        provinceCode: province,
        countryCodeV2: 'NL',
      },
    };
  });

  const orders: OrderNodeJson[] = Array.from({ length: options.orders ?? 18 }, (_, i) => {
    const buyer = customers.length > 0 ? customers[Math.floor(rnd() * customers.length)] : undefined;
    const lines = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => ({
      product: pick(PRODUCTS),
      quantity: 1 + Math.floor(rnd() * 2),
    }));
    const total = lines.reduce((sum, l) => sum + Number(l.product.price) * l.quantity, 0) + (rnd() < 0.5 ? 4.95 : 0);
    const created = new Date(start + i * 45 * 60_000).toISOString();
    const pos = i % 5 === 4;
    return {
      id: gid('Order', 6_100_000_000_000 + i),
      name: `#${1001 + i}`,
      email: buyer?.defaultEmailAddress?.emailAddress ?? null,
      phone: null,
      createdAt: created,
      updatedAt: new Date(start + 86_400_000 + i * 45 * 60_000).toISOString(),
      cancelledAt: null,
      sourceName: pos ? 'pos' : 'web',
      customerAcceptsMarketing: i % 3 === 0,
      displayFinancialStatus: 'PAID',
      totalPriceSet: { shopMoney: money(total) },
      customer: buyer ? { id: buyer.id } : null,
      lineItems: {
        nodes: lines.map(({ product, quantity }) => ({
          sku: product.sku,
          name: product.name,
          quantity,
          product: { id: gid('Product', product.id) },
          variant: { id: gid('ProductVariant', product.variant) },
          originalUnitPriceSet: { shopMoney: { amount: product.price, currencyCode: 'EUR' } },
        })),
      },
    };
  });
  const products: ProductNodeJson[] = PRODUCTS.map((p, i) => ({
    id: gid('Product', p.id),
    title: p.name,
    handle: p.sku.toLowerCase(),
    productType: p.type,
    tags: [],
    status: 'ACTIVE',
    updatedAt: new Date(start - 7 * 86_400_000 + i * 60_000).toISOString(),
    onlineStoreUrl: `https://demo-shop.example/products/${p.sku.toLowerCase()}`,
    featuredMedia: null,
    collections: { nodes: [] },
    variants: {
      nodes: [{ id: gid('ProductVariant', p.variant), sku: p.sku, price: p.price, inventoryQuantity: 10, inventoryPolicy: 'DENY' }],
    },
  }));
  return { customers, orders, products };
}

/** Events poll produces for a sample shop: one per customer, one per order, one more per order with marketing consent, one per product. */
export function expectedPollEvents(shop: SampleShop): number {
  return (
    shop.customers.length +
    shop.orders.length +
    shop.orders.filter((o) => o.customerAcceptsMarketing === true).length +
    shop.products.length
  );
}
