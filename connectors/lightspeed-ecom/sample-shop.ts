// A deterministic Dutch shop (EUR) as eCom API records: the simulator's data for tests and the demo.
import type { CustomerJson, OrderJson, OrderProductJson } from './schemas.js';
import type { CategoriesProductJson, CategoryJson, ProductJson, VariantJson } from './product-schemas.js';

/** The shop's catalog as the API lists it: products, variants, categories and which product is in which category. */
export interface SampleCatalog {
  products: ProductJson[];
  variants: VariantJson[];
  categories: CategoryJson[];
  categoriesProducts: CategoriesProductJson[];
}

export interface SampleShop {
  customers: CustomerJson[];
  orders: OrderJson[];
  /** Order products by order id. */
  products: Record<number, OrderProductJson[]>;
  /** The catalog the orders' lines come from; none unless given. */
  catalog?: SampleCatalog;
}

const FIRST = ['Sanne', 'Daan', 'Emma', 'Lucas', 'Julia', 'Sem', 'Tess', 'Finn'];
const LAST = ['Vries', 'Jansen', 'Bakker', 'Visser', 'Smit', 'Meijer'];
const ITEMS = [
  {
    product: 163090479,
    variant: 322925834,
    title: 'Koffiebonen Espresso',
    variantTitle: '1 kg',
    sku: 'KOF-BON-1KG',
    price: 24.95,
    category: 801,
  },
  { product: 163090481, variant: 322925836, title: 'Melkopschuimer', variantTitle: '', sku: 'KOF-MLK-OPS', price: 59, category: 802 },
  {
    product: 163090480,
    variant: 322925835,
    title: 'Koffiefilters nr. 4',
    variantTitle: '',
    sku: 'FLT-PAP-100',
    price: 3.25,
    category: 803,
  },
];
/** Koffie, with Koffiebonen under it; Apparaten; Filters. */
const CATEGORIES = [
  { id: 800, title: 'Koffie', depth: 1, parent: null },
  { id: 801, title: 'Koffiebonen', depth: 2, parent: 800 },
  { id: 802, title: 'Apparaten', depth: 1, parent: null },
  { id: 803, title: 'Filters', depth: 1, parent: null },
];

const at = (ms: number) => new Date(ms).toISOString().replace('.000Z', '+00:00');

export function generateSampleShop(options: { customers?: number; orders?: number; start?: Date } = {}): SampleShop {
  const start = (options.start ?? new Date('2026-03-02T08:00:00Z')).getTime();
  // Every third record shares its second with the one before, as in real shops.
  const time = (i: number) => at(start + (i - Math.floor(i / 3)) * 60_000);
  const customers: CustomerJson[] = Array.from({ length: options.customers ?? 10 }, (_, i) => ({
    id: 20_000 + i,
    createdAt: at(start - 86_400_000 * (20 + i)),
    updatedAt: time(i),
    isConfirmed: true,
    email: `${FIRST[i % FIRST.length]}.${LAST[i % LAST.length]}${i}@voorbeeld.nl`.toLowerCase(),
    firstname: FIRST[i % FIRST.length] ?? null,
    lastname: LAST[i % LAST.length] ?? null,
    mobile: i % 2 === 0 ? `06${String(20_000_000 + i)}` : '',
    addressBillingStreet: 'Kerkstraat',
    addressBillingNumber: String(1 + i),
    addressBillingZipcode: '3511 AB',
    addressBillingCity: 'Utrecht',
    addressBillingCountry: { code: 'nl', title: 'Netherlands' },
  }));
  const products: Record<number, OrderProductJson[]> = {};
  const orders: OrderJson[] = Array.from({ length: options.orders ?? 7 }, (_, i) => {
    const id = 5_000_000 + i;
    const item = ITEMS[i % ITEMS.length]!;
    const quantity = 1 + (i % 2);
    products[id] = [
      {
        id: 9_000_000 + i,
        productTitle: item.title,
        variantTitle: item.variantTitle,
        sku: item.sku,
        quantityOrdered: quantity,
        priceIncl: item.price,
        product: { resource: { id: item.product } },
        variant: { resource: { id: item.variant } },
      },
    ];
    const buyer = customers[i % Math.max(1, customers.length)];
    return {
      id,
      createdAt: at(start + i * 3_600_000),
      updatedAt: at(start + i * 3_600_000 + (i % 2) * 600_000),
      number: `ORD${String(100 + i).padStart(5, '0')}`,
      status: 'processing_awaiting_shipment',
      paymentStatus: 'paid',
      shipmentStatus: 'not_shipped',
      priceIncl: Math.round((item.price * quantity + 4.95) * 100) / 100,
      email: buyer?.email ?? null,
      customer: buyer ? { resource: { id: buyer.id, url: `customers/${buyer.id}` } } : false,
      products: { resource: { id: false, url: `orders/${id}/products` } },
    };
  });
  return { customers, orders, products, catalog: sampleCatalog(at(start - 30 * 86_400_000)) };
}

/** The three products the orders sell, each in its category (the beans also in their parent, Koffie). */
export function sampleCatalog(updatedAt: string): SampleCatalog {
  return {
    products: ITEMS.map((item) => ({
      id: item.product,
      createdAt: updatedAt,
      updatedAt,
      isVisible: true,
      visibility: 'visible',
      url: item.sku.toLowerCase(),
      title: item.title,
      fulltitle: item.title,
      image: { src: `https://cdn.webshopapp.com/shops/1/files/${item.product}/image.jpg` },
      categories: { resource: { id: false, url: `categories/products?product=${item.product}` } },
      variants: { resource: { id: false, url: `variants?product=${item.product}` } },
    })),
    variants: ITEMS.map((item, i) => ({
      id: item.variant,
      updatedAt,
      isDefault: true,
      articleCode: item.sku,
      sku: item.sku,
      priceIncl: item.price,
      stockTracking: 'enabled',
      stockLevel: i === 1 ? 0 : 12,
      title: item.variantTitle || 'Default',
      product: { resource: { id: item.product, url: `products/${item.product}` } },
    })),
    categories: CATEGORIES.map((c) => ({
      id: c.id,
      updatedAt,
      isVisible: true,
      depth: c.depth,
      url: c.title.toLowerCase(),
      title: c.title,
      parent: c.parent === null ? false : { resource: { id: c.parent, url: `categories/${c.parent}` } },
    })),
    categoriesProducts: ITEMS.flatMap((item, i) => [
      ...(item.category === 801
        ? [{ id: 70_000 + i * 2 + 1, sortOrder: 1, category: { resource: { id: 800 } }, product: { resource: { id: item.product } } }]
        : []),
      { id: 70_000 + i * 2, sortOrder: 2, category: { resource: { id: item.category } }, product: { resource: { id: item.product } } },
    ]),
  };
}

/** Events poll produces for a sample shop: one per product, one per customer, one per order. */
export function expectedPollEvents(shop: SampleShop): number {
  return (shop.catalog?.products.length ?? 0) + shop.customers.length + shop.orders.length;
}
