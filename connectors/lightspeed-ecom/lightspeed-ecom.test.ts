import { describe, expect, it } from 'vitest';
import { onePageBudget, onlyEvent, runContractTests } from '../sdk/contract-kit.js';
import { drainPoll } from '../sdk/testing/index.js';
import { PayloadInvalid, SignatureInvalid, type EventDraft } from '../sdk/index.js';
import { lightspeedEcom } from './index.js';
import { mapOrder } from './mapping.js';
import { pollEcom, readCursor } from './poll.js';
import { OrderBody, OrderProductsPage } from './schemas.js';
import { expectedPollEvents, generateSampleShop, signEcomWebhook, startEcomSimulator, type EcomSimulator } from './simulator.js';
import {
  contextFor,
  fixture,
  fixtureText,
  JSON_HEADERS,
  secrets,
  settings,
  signedRequest,
  WEBHOOK_URL,
  wrongSecrets,
} from './test-support.js';

const shop = generateSampleShop({ customers: 11, orders: 8 });

runContractTests({
  connector: lightspeedEcom,
  instance: 'webshop',
  settings,
  secrets,
  webhooks: {
    url: WEBHOOK_URL,
    sign: (rawBody, k) => signEcomWebhook(rawBody, k.webhookSecret ?? k.apiSecret),
    wrongSecrets,
    headers: JSON_HEADERS,
  },
  poll: {
    startVendor: (faults) => startEcomSimulator({ ...shop, pageSize: 4, ...(faults ? { faults } : {}) }),
    expectedEvents: expectedPollEvents(shop),
  },
});

const parse = (body: string | object) => lightspeedEcom.parseWebhook!(signedRequest(body), contextFor());

const drain = (sim: EcomSimulator, from?: string) =>
  drainPoll((cursor) => pollEcom(contextFor(sim.settings, sim.secrets), cursor, onePageBudget(), { minDelayMs: 1 }), from);

describe('Lightspeed eCom webhooks', () => {
  it("reads a national mobile number in the billing country, not the tenant's (issue 19, item 11)", () => {
    const body = fixture('customers-created.json') as { customer: Record<string, unknown> };
    body.customer = { ...body.customer, mobile: '0470 12 34 56', phone: null, addressBillingCountry: { code: 'be', title: 'Belgium' } };
    const phone = parse(body)[0]!.identifiers.find((i) => i.type === 'phone');
    expect(phone).toEqual({ type: 'phone', value: '+32470123456' });
  });

  it('maps order products to lines with product, variant, sku and the unit price including tax', () => {
    const { order } = OrderBody.parse(fixture('orders-updated.json'));
    const { orderProducts } = OrderProductsPage.parse(fixture('order-products.json'));
    const [event] = mapOrder(order, { instance: 'webshop', currency: 'EUR' }, orderProducts);
    expect(event!.sourceEventId).toBe('orders/4567890/2016-02-04T08:12:05.000Z/lines');
    expect(event!.sourceEventId > 'orders/4567890/2016-02-04T08:12:05.000Z', 'the state with lines wins a tie').toBe(true);
    expect(event!.type === 'order.updated' && event!.data.lines).toEqual([
      {
        productId: '163090479',
        variantId: '322925834',
        sku: 'KOF-BON-1KG',
        name: 'Koffiebonen Espresso - 1 kg',
        quantity: 2,
        price: 24.95,
      },
      { productId: '163090480', variantId: '322925835', sku: 'FLT-PAP-100', name: 'Koffiefilters nr. 4', quantity: 1, price: 3.25 },
    ]);
  });

  it('uses products embedded in the payload when there are any', () => {
    const body = {
      order: {
        ...fixture<{ order: Record<string, unknown> }>('orders-updated.json').order,
        products: fixture<{ orderProducts: unknown[] }>('order-products.json').orderProducts,
      },
    };
    expect(onlyEvent(parse(body), 'order.updated').data.lines).toHaveLength(2);
  });

  it('maps order states: new order placed, cancelled, shipped, refunded', () => {
    const base = fixture<{ order: Record<string, unknown> }>('orders-updated.json').order;
    const state = (o: Record<string, unknown>) => {
      const [event] = parse({ order: { ...base, ...o } });
      return `${event!.type}:${event!.type === 'order.placed' || event!.type === 'order.updated' ? event!.data.status : ''}`;
    };
    expect(state({ updatedAt: base.createdAt, paymentStatus: 'not_paid' })).toBe('order.placed:placed');
    expect(state({ status: 'cancelled' })).toBe('order.updated:cancelled');
    expect(state({ shipmentStatus: 'shipped' })).toBe('order.updated:fulfilled');
    expect(state({ paymentStatus: 'refunded' })).toBe('order.updated:refunded');
  });

  it('accepts false for absent values, as the API sends them', () => {
    const customer = {
      ...fixture<{ customer: Record<string, unknown> }>('customers-created.json').customer,
      addressBillingCountry: false,
      mobile: false,
      birthDate: '0000-00-00',
    };
    const event = onlyEvent(parse({ customer }), 'customer.upserted');
    expect(event.data.address).toEqual({ line1: 'Keizersgracht 313', postalCode: '1016 EE', city: 'Amsterdam' });
    expect(event.data.birthdate).toBeUndefined();
    expect(event.data.phone).toBe('020 123 4567');
  });

  it('rejects other item groups and invalid payloads without personal data in the message', () => {
    expect(() => parse({ invoice: { id: 1, title: 'secret@example.com' } })).toThrow(/webhook for invoice is not one syncline reads/);
    const attempt = () =>
      parse({
        customer: { ...fixture<{ customer: Record<string, unknown> }>('customers-created.json').customer, updatedAt: 'ruud@example.com' },
      });
    expect(attempt).toThrow(PayloadInvalid);
    expect(attempt).toThrow(/updatedAt/);
    expect(attempt).not.toThrow(/ruud@/);
  });

  it('verifies x-signature as md5(raw body + app secret), falling back to the API secret, in any hex case', () => {
    const body = fixtureText('customers-created.json');
    const verify = (headers: Record<string, string>, k = secrets) =>
      lightspeedEcom.verifyWebhook!({ method: 'POST', url: WEBHOOK_URL, headers, rawBody: Buffer.from(body) }, k, settings, new Date());
    expect(() => verify({ 'x-signature': signEcomWebhook(body, 'test-app-secret')['x-signature']!.toUpperCase() })).not.toThrow();
    const { webhookSecret: _unused, ...withoutWebhookSecret } = secrets;
    expect(() => verify(signEcomWebhook(body, secrets.apiSecret), withoutWebhookSecret)).not.toThrow();
    expect(() => verify(signEcomWebhook(body, secrets.apiSecret))).toThrow(SignatureInvalid);
    expect(() => verify({ 'x-signature': 'not-hex' })).toThrow(SignatureInvalid);
    expect(() => verify(signEcomWebhook(`${body} `, 'test-app-secret'))).toThrow(SignatureInvalid);
  });
});

describe('Lightspeed eCom poll', () => {
  it("pages products, customers, then orders with page/limit, and fetches each order's products", async () => {
    const sample = generateSampleShop({ customers: 5, orders: 3 });
    const sim = await startEcomSimulator({ ...sample, pageSize: 2 });
    try {
      const { events, cursor } = await drain(sim);
      expect(sim.lists().map((l) => `${l.resource}:${l.page}`)).toEqual([
        'products:1',
        'products:2',
        'customers:1',
        'customers:2',
        'customers:3',
        'orders:1',
        'orders:2',
      ]);
      expect(sim.lists().every((l) => l.limit === 2 && l.updatedAtMin === null)).toBe(true);
      const orders = events.filter(
        (e): e is Extract<EventDraft, { type: 'order.placed' | 'order.updated' }> =>
          e.type === 'order.placed' || e.type === 'order.updated',
      );
      expect(orders.map((o) => o.data.lines.length)).toEqual([1, 1, 1]);
      const latest = (records: { updatedAt: string }[]) =>
        records
          .map((r) => new Date(r.updatedAt).toISOString())
          .sort()
          .at(-1);
      expect(readCursor(cursor).since).toEqual({
        products: latest(sample.catalog!.products as { updatedAt: string }[]),
        customers: latest(sample.customers),
        orders: latest(sample.orders),
      });
    } finally {
      await sim.stop();
    }
  });

  it('starts the next pass at the high-water mark (inclusive) and finds what changed since', async () => {
    const sample = generateSampleShop({ customers: 4, orders: 2 });
    const sim = await startEcomSimulator(sample);
    let cursor: string;
    try {
      cursor = (await drain(sim)).cursor;
    } finally {
      await sim.stop();
    }
    const changed = { ...sample.customers[0]!, firstname: 'Sanneke', updatedAt: '2026-03-09T10:00:00+00:00' };
    const later = await startEcomSimulator({ ...sample, customers: [changed, ...sample.customers.slice(1)] });
    try {
      const { events } = await drain(later, cursor);
      const since = readCursor(cursor).since;
      expect(later.lists().map((l) => l.updatedAtMin)).toEqual([since.products, since.customers, since.orders]);
      // The record at the old mark comes again with its old event id (deduplicated downstream), plus the change.
      expect(events.map((e) => e.sourceEventId)).toContain('customers/20000/2026-03-09T10:00:00.000Z');
      expect(events.filter((e) => e.type === 'customer.upserted').every((e) => e.occurredAt >= since.customers!)).toBe(true);
    } finally {
      await later.stop();
    }
  });

  it('retries 429 with Retry-After and 500 answers while polling', async () => {
    const sim = await startEcomSimulator({
      ...generateSampleShop({ customers: 2, orders: 1 }),
      faults: { rateLimitFirst: 2, failNext: 1 },
    });
    try {
      const { events } = await drain(sim);
      // Three products, two customers, one order.
      expect(events).toHaveLength(6);
      expect(sim.requests()).toBeGreaterThan(sim.lists().length + 3);
    } finally {
      await sim.stop();
    }
  });

  it('refuses a cursor it did not write', async () => {
    await expect(pollEcom(contextFor(), 'nonsense', onePageBudget())).rejects.toThrow(/not JSON/);
  });
});

describe('Lightspeed eCom erasure', () => {
  it("deletes the shop customer by id, confirms one already gone, and cannot act without this shop's id", async () => {
    const sample = generateSampleShop({ customers: 2, orders: 0 });
    const sim = await startEcomSimulator(sample);
    try {
      const outcomes = await lightspeedEcom.erase!(contextFor(sim.settings, sim.secrets), [
        { profileId: 'p1', identifiers: [{ type: 'customerId:webshop', value: '20000' }] },
        { profileId: 'p2', identifiers: [{ type: 'customerId:webshop', value: '99999' }] },
        { profileId: 'p3', identifiers: [{ type: 'email', value: 'someone@example.com' }] },
      ]);
      expect(outcomes).toEqual([
        { profileId: 'p1', status: 'confirmed' },
        { profileId: 'p2', status: 'confirmed' },
        { profileId: 'p3', status: 'unsupported' },
      ]);
      expect(sim.deleted()).toEqual(['20000']);
    } finally {
      await sim.stop();
    }
  });
});
