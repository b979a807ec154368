// A deterministic Dutch DIY store (EUR) as X-Series API 2.0 records (customers, products, sales): the simulator's data for tests and the demo.
import type { CustomerJson, ProductJson, SaleJson } from './schemas.js';

export interface SampleStore {
  customers: CustomerJson[];
  products: ProductJson[];
  sales: SaleJson[];
}

const FIRST = ['Sanne', 'Daan', 'Emma', 'Lucas', 'Julia', 'Sem', 'Tess', 'Finn', 'Lotte', 'Bram'];
const LAST = ['de Vries', 'Jansen', 'Bakker', 'Visser', 'Smit', 'Meijer', 'de Boer', 'Mulder'];
const PRODUCTS = [
  { id: '0242ac12-0002-11e9-e8c4-659494e33153', price: 20.62, tax: 4.33, name: 'Verfroller 25 cm', sku: 'VR-25', type: 'Schilderen' },
  { id: '0242ac12-0002-11e9-e8c4-6594951d2a09', price: 48.76, tax: 10.24, name: 'Accuboormachine 18V', sku: 'AB-18V', type: 'Gereedschap' },
  { id: '0242ac12-0002-11e9-e8c4-65949543f2c1', price: 6.2, tax: 1.3, name: 'Schuurpapier K120', sku: 'SP-K120', type: 'Schilderen' },
];

const uuid = (kind: number, i: number) => `0242ac12-0002-11e9-e8c4-${kind.toString(16).padStart(4, '0')}${i.toString(16).padStart(8, '0')}`;
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', '+00:00');

export function generateSampleStore(options: { customers?: number; sales?: number; start?: Date } = {}): SampleStore {
  const start = (options.start ?? new Date('2026-03-02T08:00:00Z')).getTime();
  const customers: CustomerJson[] = Array.from({ length: options.customers ?? 12 }, (_, i) => {
    const first = FIRST[i % FIRST.length] as string;
    const last = LAST[(i * 3) % LAST.length] as string;
    return {
      id: uuid(1, i),
      customer_code: `${first}-${(4096 + i * 37).toString(16).toUpperCase()}`,
      first_name: first,
      last_name: last,
      email: `${first}.${last}${i}@voorbeeld.nl`.toLowerCase().replace(/\s/g, ''),
      mobile: i % 3 === 0 ? null : `06${String(12_345_600 + i)}`,
      do_not_email: i % 5 === 4,
      enable_promotional_sms: false,
      physical_city: 'Utrecht',
      physical_country_id: 'NL',
      created_at: iso(start - 86_400_000 * (30 + i)),
      updated_at: iso(start + i * 60_000),
      version: 1000 + i * 7,
    };
  });
  const sales: SaleJson[] = Array.from({ length: options.sales ?? 9 }, (_, i) => {
    const product = PRODUCTS[i % PRODUCTS.length]!;
    const quantity = 1 + (i % 2);
    const created = start + i * 3_600_000;
    return {
      id: uuid(2, i),
      customer_id: customers.length > 0 ? customers[i % customers.length]!.id : null,
      invoice_number: `UT-${1001 + i}`,
      status: i % 4 === 3 ? 'VOIDED' : 'CLOSED',
      total_price: product.price * quantity,
      total_tax: product.tax * quantity,
      created_at: iso(created),
      updated_at: iso(created + (i % 2) * 60_000),
      sale_date: iso(created),
      line_items: [{ id: uuid(3, i), product_id: product.id, quantity, price: product.price, tax: product.tax, is_return: false }],
      version: 5000 + i * 11,
    };
  });
  const products: ProductJson[] = PRODUCTS.map((p, i) => ({
    id: p.id,
    name: p.name,
    variant_name: p.name,
    sku: p.sku,
    handle: p.sku.toLowerCase(),
    price_excluding_tax: p.price,
    price_including_tax: p.price + p.tax,
    type: { id: uuid(4, p.type.length), name: p.type },
    categories: [{ id: uuid(5, i), name: 'Klussen' }],
    is_active: true,
    created_at: iso(start - 86_400_000 * 90),
    updated_at: iso(start - 86_400_000 * (10 - i)),
    version: 3000 + i * 5,
  }));
  return { customers, products, sales };
}

/** Events poll produces for a sample store: one per customer (plus its e-mail opt-out), one per product and per sale. */
export function expectedPollEvents(store: SampleStore): number {
  const optOuts = store.customers.filter((c) => c.do_not_email === true).length;
  return store.customers.length + optOuts + store.products.length + store.sales.length;
}
