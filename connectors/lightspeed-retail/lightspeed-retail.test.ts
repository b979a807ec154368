import { describe, expect, it } from 'vitest';
import { onePageBudget, onlyEvent, runContractTests } from '../sdk/contract-kit.js';
import { drainPoll } from '../sdk/testing/index.js';
import { PayloadInvalid, SignatureInvalid, type EventDraft } from '../sdk/index.js';
import { lightspeedRetail } from './index.js';
import { mapCustomer, mapSale } from './mapping.js';
import { pollRetail, readCursor } from './poll.js';
import { mapProduct } from './product-mapping.js';
import { Customer, CustomerCollection, Product, ProductCollection, Sale, SaleCollection } from './schemas.js';
import { expectedPollEvents, generateSampleStore, signRetailWebhook, startRetailSimulator, type RetailSimulator } from './simulator.js';
import {
  contextFor,
  fixture,
  fixtureText,
  FORM_HEADERS,
  formBody,
  secrets,
  settings,
  signedRequest,
  WEBHOOK_URL,
  wrongSecrets,
} from './test-support.js';

const store = generateSampleStore({ customers: 11, sales: 9 });

runContractTests({
  connector: lightspeedRetail,
  instance: 'store',
  settings,
  secrets,
  webhooks: {
    url: WEBHOOK_URL,
    sign: (rawBody, k) => signRetailWebhook(rawBody, k.clientSecret),
    wrongSecrets,
    headers: FORM_HEADERS,
  },
  golden: {
    mappings: {
      customers: (answer, { instance, settings: s }) =>
        CustomerCollection.parse(answer).data.flatMap((c) => mapCustomer(Customer.parse(c), { instance, ...s })),
      sales: (answer, { instance, settings: s }) => SaleCollection.parse(answer).data.flatMap((sale) => mapSale(sale, { instance, ...s })),
      products: (answer, { settings: s, now }) =>
        ProductCollection.parse(answer).data.flatMap((p) => mapProduct(p, { currency: s.currency, now: now() })),
      product: (answer, { settings: s, now }) =>
        mapProduct(Product.parse((answer as { data: unknown }).data), { currency: s.currency, now: now() }),
    },
  },
  poll: {
    startVendor: (faults) => startRetailSimulator({ ...store, pageSize: 4, ...(faults ? { faults } : {}) }),
    expectedEvents: expectedPollEvents(store),
  },
});

const parse = (body: string) => lightspeedRetail.parseWebhook!(signedRequest(body), contextFor());
const mapping = { instance: 'store', currency: 'NZD', anonymousCustomerIds: [] as string[] };

const drain = (sim: RetailSimulator, from?: string) =>
  drainPoll((cursor) => pollRetail(contextFor(sim.settings, sim.secrets), cursor, onePageBudget(), { minDelayMs: 1 }), from);

describe('Lightspeed Retail webhooks', () => {
  it('maps a later version of a sale to order.updated', () => {
    const sale = fixture<{ data: Record<string, unknown>[] }>('sales-list.json').data[0]!;
    const events = parse(formBody(sale, { type: 'sale.update', domain_prefix: 'syncline-demo' }));
    expect(onlyEvent(events, 'order.updated').data).toMatchObject({ orderNumber: '1036', total: 230, status: 'paid' });
  });

  it('reads API 1.0 shapes too: decimal strings, times without offset, register_sale_products with names', () => {
    const body = formBody(
      {
        id: 'sale-1',
        customer_id: 'cust-1',
        status: 'CLOSED',
        total_price: '10.00000',
        total_tax: '1.50000',
        created_at: '2026-03-01 10:00:00',
        updated_at: '2026-03-01 10:05:00',
        sale_date: '2026-03-01 10:00:00',
        register_sale_products: [{ product_id: 'p-1', name: 'Koffiebonen 1 kg', quantity: '2', price: '5.00000', tax: '0.75000' }],
      },
      { type: 'sale.update' },
    );
    const order = onlyEvent(parse(body), 'order.updated');
    expect(order.occurredAt).toBe('2026-03-01T10:05:00.000Z');
    expect(order.sourceEventId).toBe('sales/sale-1/2026-03-01T10:05:00.000Z');
    expect(order.data).toMatchObject({
      total: 11.5,
      placedAt: '2026-03-01T10:00:00.000Z',
      lines: [{ productId: 'p-1', name: 'Koffiebonen 1 kg', quantity: 2, price: 5.75 }],
    });
  });

  it('turns do_not_email into an e-mail consent withdrawal and enable_promotional_sms into an SMS grant', () => {
    const customer = {
      ...fixture<{ data: Record<string, unknown> }>('customer-update.json').data,
      do_not_email: true,
      enable_promotional_sms: true,
    };
    const events = parse(formBody(customer, { type: 'customer.update' }));
    expect(events.filter((e) => e.type === 'consent.changed').map((e) => e.data)).toEqual([
      { purpose: 'email_marketing', granted: false, method: 'lightspeed-retail: do_not_email' },
      { purpose: 'sms_marketing', granted: true, method: 'lightspeed-retail: enable_promotional_sms' },
    ]);
  });

  it('gives sales of the walk-in customer no identifiers', () => {
    const sale = Sale.parse(fixture<{ data: unknown[] }>('sales-list.json').data[1]);
    const events = mapSale(sale, { ...mapping, anonymousCustomerIds: ['b1cabb53-f019-11e3-a0f5-b8ca3a64f8f4'] });
    expect(events[0]?.identifiers).toEqual([]);
  });

  it('rejects a delivery for another store, an unknown type and unreadable JSON, without personal data in the message', () => {
    const customer = fixture<{ data: Record<string, unknown> }>('customer-update.json').data;
    expect(() => parse(formBody(customer, { domain_prefix: 'someone-else' }))).toThrow(
      /store someone-else reached the instance for syncline-demo/,
    );
    expect(() => parse(formBody(customer, { type: 'product.update' }))).toThrow(/type product\.update is not one syncline reads/);
    expect(() => parse(formBody('{"email":"tony@starkinc.com"'))).toThrow(PayloadInvalid);
    const attempt = () => parse(formBody({ ...customer, updated_at: 'tony@starkinc.com' }, { type: 'customer.update' }));
    expect(attempt).toThrow(/updated_at/);
    expect(attempt).not.toThrow(/tony@/);
  });

  it('verifies X-Signature only for HMAC-SHA256 over the exact raw body', () => {
    const body = fixtureText('webhook-customer-update.form');
    const verify = (headers: Record<string, string>, raw = body) =>
      lightspeedRetail.verifyWebhook!(
        { method: 'POST', url: WEBHOOK_URL, headers, rawBody: Buffer.from(raw) },
        secrets,
        settings,
        new Date(),
      );
    const hex = signRetailWebhook(body, secrets.clientSecret)['x-signature']!.split(',')[0]!.slice('signature='.length);
    expect(() => verify({ 'x-signature': `algorithm=HMAC-SHA256, signature=${hex.toUpperCase()}` })).not.toThrow();
    expect(() => verify({ 'x-signature': `signature=${hex},algorithm=HMAC-SHA1` })).toThrow(SignatureInvalid);
    expect(() => verify({ 'x-signature': `signature=${hex}` })).toThrow(SignatureInvalid);
    expect(() => verify({ 'x-signature': `signature=${hex},algorithm=HMAC-SHA256` }, `${body}&extra=1`)).toThrow(SignatureInvalid);
  });

  it('refuses a duplicated X-Signature header (joined by HTTP into one value), whichever copy is valid', () => {
    const body = fixtureText('webhook-customer-update.form');
    const verify = (value: string) =>
      lightspeedRetail.verifyWebhook!(
        { method: 'POST', url: WEBHOOK_URL, headers: { 'x-signature': value }, rawBody: Buffer.from(body) },
        secrets,
        settings,
        new Date(),
      );
    const valid = signRetailWebhook(body, secrets.clientSecret)['x-signature']!;
    const bogus = `signature=${'0'.repeat(64)},algorithm=HMAC-SHA256`;
    for (const joined of [`${bogus}, ${valid}`, `${valid}, ${bogus}`, `${valid},${valid}`])
      expect(() => verify(joined), joined).toThrow(SignatureInvalid);
  });
});

describe('Lightspeed Retail poll', () => {
  it('reads the change feed customers, products, then sales, after=<highest version>, until a page comes back empty', async () => {
    const sim = await startRetailSimulator({ ...generateSampleStore({ customers: 5, sales: 3 }), pageSize: 2 });
    try {
      const { cursor } = await drain(sim);
      expect(sim.reads().map((r) => `${r.stream}>${r.after}`)).toEqual([
        'customers>0',
        'customers>1007',
        'customers>1021',
        'customers>1028',
        'products>0',
        'products>3005',
        'products>3010',
        'sales>0',
        'sales>5011',
        'sales>5022',
      ]);
      expect(readCursor(cursor)).toEqual({ v: 1, stream: 'customers', after: { customers: 1028, products: 3010, sales: 5022 } });
    } finally {
      await sim.stop();
    }
  });

  it('resumes from a saved cursor and reads only what changed since', async () => {
    const first = generateSampleStore({ customers: 4, sales: 2 });
    const sim = await startRetailSimulator(first);
    const { cursor } = await (async () => {
      try {
        return await drain(sim);
      } finally {
        await sim.stop();
      }
    })();
    const changed = { ...first.customers[1]!, first_name: 'Daantje', updated_at: '2026-03-09T10:00:00+00:00', version: 9999 };
    const later = await startRetailSimulator({ customers: [...first.customers, changed], sales: first.sales });
    try {
      const { events } = await drain(later, cursor);
      expect(events.map((e) => e.sourceEventId)).toEqual([`customers/${changed.id}/v9999`]);
    } finally {
      await later.stop();
    }
  });

  it('retries a 429 whose Retry-After is an HTTP date, and a 500, then carries on', async () => {
    const sim = await startRetailSimulator({
      ...generateSampleStore({ customers: 2, sales: 1 }),
      faults: { rateLimitFirst: 2, failNext: 1 },
    });
    try {
      const { events } = await drain(sim);
      expect(events.filter((e) => e.type === 'customer.upserted')).toHaveLength(2);
      expect(sim.requests(), 'three faults answered before the first page').toBe(3 + sim.reads().length);
    } finally {
      await sim.stop();
    }
  });

  it('reads a cursor saved before products were read: the catalog starts from the beginning, the others go on', async () => {
    const saved = JSON.stringify({ v: 1, stream: 'sales', after: { customers: 1028, sales: 5022 } });
    expect(readCursor(saved)).toEqual({ v: 1, stream: 'sales', after: { customers: 1028, products: 0, sales: 5022 } });
  });

  it('asks for deleted products too and turns them into product.deleted; a product changed later comes back with its new version', async () => {
    const store = generateSampleStore({ customers: 0, sales: 0 });
    const sim = await startRetailSimulator(store);
    try {
      const first = await drain(sim);
      const gone = store.products[0]!;
      const version = sim.addProduct({ ...gone, deleted_at: '2026-03-05T09:00:00+00:00', updated_at: '2026-03-05T09:00:00+00:00' });
      const { events } = await drain(sim, first.cursor);
      expect(events.map((e) => [e.type, e.sourceEventId])).toEqual([['product.deleted', `products/${gone.id}/v${version}`]]);
      expect(sim.reads().filter((r) => r.stream === 'products').length).toBeGreaterThan(0);
    } finally {
      await sim.stop();
    }
  });

  it('refuses a cursor it did not write', async () => {
    await expect(pollRetail(contextFor(), '{"v":2}', onePageBudget())).rejects.toThrow(/not one this connector wrote/);
  });
});

describe('Lightspeed Retail phone numbers', () => {
  it("reads a national mobile number in the customer's country, so the till's customer can join the web customer by phone", () => {
    const customer = Customer.parse({
      id: 'c-nl',
      mobile: '06 1234 5678',
      physical_country_id: 'NL',
      updated_at: '2026-03-02T08:00:00+00:00',
      version: 1,
    });
    const ids = onlyEvent(mapCustomer(customer, mapping), 'customer.upserted').identifiers;
    expect(ids.filter((i) => i.type === 'phone')).toEqual([{ type: 'phone', value: '+31612345678' }]);
    const nowhere = onlyEvent(mapCustomer({ ...customer, physical_country_id: null }, mapping), 'customer.upserted').identifiers;
    expect(
      nowhere.filter((i) => i.type === 'phone'),
      'no country: left as given, never guessed',
    ).toEqual([{ type: 'phone', value: '06 1234 5678' }]);
  });
});

describe('Lightspeed Retail catalog', () => {
  const context = { currency: 'EUR', now: new Date('2026-03-02T08:00:00Z') };
  const bravo = () => Product.parse(fixture<{ data: unknown }>('product-get.json').data);

  it('makes the product type the category, the categories the other groupings, and the tax-inclusive price the price', () => {
    const data = onlyEvent(mapProduct(bravo(), context), 'product.upserted').data;
    expect(data).toMatchObject({
      productId: 'b8ca3a65-0183-11e4-fbb5-7988a6ed80f8',
      name: 'Bravo / Black / Cotton / Cotton',
      category: 'General',
      categories: ['tag_test', 'variant'],
      price: 126.5,
      currency: 'EUR',
      variants: [{ variantId: 'b8ca3a65-0183-11e4-fbb5-7988a6ed80f8', sku: '787878', price: 126.5 }],
    });
    expect(data, 'stock is not read, so it is not claimed').not.toHaveProperty('inStock');
  });

  it("leaves out Lightspeed's no-image placeholder and a missing type, and marks an inactive product as not sellable", () => {
    const listed = ProductCollection.parse(fixture('products-list.json')).data[0]!;
    const data = onlyEvent(mapProduct({ ...listed, is_active: false }, context), 'product.upserted').data;
    expect(data).not.toHaveProperty('imageUrl');
    expect(data).not.toHaveProperty('category');
    expect(data).toMatchObject({ inStock: false, variants: [{ sku: '0003', inStock: false }] });
  });

  it('names the product id that sale line items carry, so a till sale finds its category', () => {
    const store = generateSampleStore({ customers: 1, sales: 1 });
    const line = store.sales[0]!.line_items![0]!;
    const product = store.products.find((p) => p.id === line.product_id)!;
    const data = onlyEvent(mapProduct(Product.parse(product), context), 'product.upserted').data;
    expect(data.productId).toBe(line.product_id);
    expect(data.category).toBe('Schilderen');
  });
});

describe('Lightspeed Retail erasure', () => {
  it("deletes the customer by this store's customer id, confirms one already gone, and cannot act without the id", async () => {
    const data = generateSampleStore({ customers: 3, sales: 0 });
    const sim = await startRetailSimulator(data);
    try {
      const id = data.customers[0]!.id;
      const outcomes = await lightspeedRetail.erase!(contextFor(sim.settings, sim.secrets), [
        {
          profileId: 'p1',
          identifiers: [
            { type: 'customerId:store', value: id },
            { type: 'email', value: 'x@example.com' },
          ],
        },
        { profileId: 'p2', identifiers: [{ type: 'customerId:store', value: 'already-deleted' }] },
        {
          profileId: 'p3',
          identifiers: [
            { type: 'customerId:other-store', value: data.customers[1]!.id },
            { type: 'email', value: 'y@example.com' },
          ],
        },
      ]);
      expect(outcomes).toEqual([
        { profileId: 'p1', status: 'confirmed' },
        { profileId: 'p2', status: 'confirmed' },
        { profileId: 'p3', status: 'unsupported' },
      ]);
      expect(sim.deleted()).toEqual([id]);
    } finally {
      await sim.stop();
    }
  });
});

describe('Lightspeed Retail custom attributes', () => {
  const tony = () => Customer.parse(fixture<{ data: Record<string, unknown>[] }>('customers-list.json').data[0]!);

  it('carries the loyalty balance and the free customer fields as custom attributes instead of dropping them', () => {
    const data = onlyEvent(mapCustomer(tony(), mapping), 'customer.upserted').data;
    expect(data.attributes).toMatchObject({ loyalty_balance: 5809.64, custom_field_1: 'test', custom_field_2: null });
  });

  it("keeps only the instance's chosen fields, under the names it gives them", () => {
    const chosen = { ...mapping, customAttributes: { customer: { shoeSize: 'custom_field_1', points: 'loyalty_balance' } } };
    expect(onlyEvent(mapCustomer(tony(), chosen), 'customer.upserted').data.attributes).toEqual({ shoeSize: 'test', points: 5809.64 });
  });

  it('refuses an instance setting whose attribute name no destination field could carry', () => {
    const bad = { ...settings, customAttributes: { customer: { 'shoe size': 'custom_field_1' } } };
    expect(lightspeedRetail.settingsSchema.safeParse(bad).success).toBe(false);
  });
});
