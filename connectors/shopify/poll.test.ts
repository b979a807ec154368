import { describe, expect, it } from 'vitest';
import { onePageBudget } from '../sdk/contract-kit.js';
import { drainPoll, withVendor } from '../sdk/testing/index.js';
import { RateLimited, VendorRejected, type EventDraft } from '../sdk/index.js';
import { pollShopify, readCursor } from './poll.js';
import { generateSampleShop, startShopifySimulator, type ShopifySimulator } from './simulator.js';
import type { OrderNodeJson } from './schemas.js';
import { contextFor, secrets } from './test-support.js';

const withSimulator = (options: Partial<Parameters<typeof startShopifySimulator>[0]>, run: (sim: ShopifySimulator) => Promise<void>) =>
  withVendor(startShopifySimulator({ ...generateSampleShop({ customers: 5, orders: 4 }), pageSize: 3, ...options }), run);

const drain = (sim: ShopifySimulator, from?: string) =>
  drainPoll((cursor) => pollShopify(contextFor(sim.settings, sim.secrets), cursor, onePageBudget()), from);

describe('Shopify poll', () => {
  it('pages customers, then orders, then products, sorted by UPDATED_AT, one GraphQL page per call', () =>
    withSimulator({}, async (sim) => {
      const { events } = await drain(sim);
      expect(sim.queries().map((q) => `${q.root}:${q.variables.after ? 'after' : 'start'}`)).toEqual([
        'customers:start',
        'customers:after',
        'orders:start',
        'orders:after',
        'products:start',
        'products:after',
      ]);
      expect(sim.queries().every((q) => q.variables.first === 3 && q.variables.query === null)).toBe(true);
      expect(events.filter((e) => e.type === 'customer.upserted')).toHaveLength(5);
      expect(events.filter((e) => e.type === 'order.placed')).toHaveLength(4);
      expect(events.filter((e) => e.type === 'product.upserted').map((e) => e.type === 'product.upserted' && e.data.category)).toEqual([
        'Koffie',
        'Apparaten',
        'Thee',
        'Servies',
        'Koffie',
        'Apparaten',
      ]);
    }));

  it('starts the next run at the high-water mark of each stream', () =>
    withSimulator({}, async (sim) => {
      const shop = generateSampleShop({ customers: 5, orders: 4 });
      const { cursor } = await drain(sim);
      const latest = (nodes: { updatedAt: string }[]) =>
        nodes
          .map((n) => n.updatedAt)
          .sort()
          .at(-1);
      expect(readCursor(cursor).since).toEqual({
        customers: latest(shop.customers),
        orders: latest(shop.orders),
        products: latest(shop.products),
      });

      const before = sim.queries().length;
      const again = await drain(sim, cursor);
      const next = sim.queries().slice(before);
      expect(next.map((q) => q.variables.query)).toEqual([
        `updated_at:>='${latest(shop.customers)}'`,
        `updated_at:>='${latest(shop.orders)}'`,
        `updated_at:>='${latest(shop.products)}'`,
      ]);
      // `>=` repeats the boundary records, with the same event ids: deduplicated downstream, never skipped.
      const first = (await drain(sim)).events.map((e) => e.sourceEventId);
      expect(again.events.every((e) => first.includes(e.sourceEventId))).toBe(true);
    }));

  it('reads a cursor saved before the products stream existed, starting products from the beginning', () => {
    const old = JSON.stringify({
      v: 1,
      stream: 'orders',
      after: null,
      since: { customers: '2026-03-01T00:00:00.000Z', orders: null },
      highWater: null,
    });
    expect(readCursor(old).since).toEqual({ customers: '2026-03-01T00:00:00.000Z', orders: null, products: null });
  });

  it('keeps the high-water mark of a stream until the stream is exhausted', () =>
    withSimulator({}, async (sim) => {
      const page = await pollShopify(contextFor(sim.settings, sim.secrets), undefined, onePageBudget());
      const cursor = readCursor(page.nextCursor);
      expect(cursor).toMatchObject({ stream: 'customers', since: { customers: null, orders: null, products: null } });
      expect(cursor.after).toEqual(expect.any(String));
      expect(cursor.highWater).toEqual(expect.any(String));
    }));

  it('waits out a THROTTLED response', () =>
    withSimulator({ throttleFirst: 1 }, async (sim) => {
      const waits: number[] = [];
      const page = await pollShopify(contextFor(sim.settings, sim.secrets), undefined, onePageBudget(), {
        sleep: async (ms) => {
          waits.push(ms);
        },
      });
      // The simulator reports 5 points short at a restore rate of 100 points/s: 50 ms.
      expect(waits).toEqual([50]);
      expect(sim.queries().map((q) => q.throttled)).toEqual([true, false]);
      expect(page.events).toHaveLength(3);
    }));

  it('waits for real when no sleep is injected', () =>
    withSimulator({ throttleFirst: 2 }, async (sim) => {
      const started = Date.now();
      await pollShopify(contextFor(sim.settings, sim.secrets), undefined, onePageBudget());
      expect(Date.now() - started).toBeGreaterThanOrEqual(95);
    }));

  it('stops with RateLimited when the bucket would need longer than it may wait', () =>
    withSimulator({ throttleFirst: 1 }, async (sim) => {
      await expect(
        pollShopify(contextFor(sim.settings, sim.secrets), undefined, onePageBudget(), { maxThrottleWaitMs: 10 }),
      ).rejects.toBeInstanceOf(RateLimited);
    }));

  it('rides out a 429 with Retry-After and a 500 before answering', () =>
    withSimulator({ faults: { rateLimitFirst: 1, failNext: 1 } }, async (sim) => {
      const page = await pollShopify(contextFor(sim.settings, sim.secrets), undefined, onePageBudget(), { minDelayMs: 1 });
      expect(page.events).toHaveLength(3);
      expect(sim.requests()).toBe(3);
    }));

  it('sends the access token and fails without retrying when Shopify refuses it', () =>
    withSimulator({}, async (sim) => {
      const attempt = pollShopify(contextFor(sim.settings, { ...secrets, accessToken: 'shpat_wrong' }), undefined, onePageBudget());
      await expect(attempt).rejects.toBeInstanceOf(VendorRejected);
      await expect(attempt).rejects.toThrow(/401/);
      expect(sim.requests()).toBe(1);
    }));

  it('maps GraphQL nodes to the same ids webhooks use', () =>
    withSimulator({}, async (sim) => {
      const { events } = await drain(sim);
      const customer = events.find((e) => e.type === 'customer.upserted')!;
      expect(customer.identifiers[0]).toEqual({ type: 'customerId:shop', value: '7400000000000' });
      const placed = events.find((e): e is Extract<EventDraft, { type: 'order.placed' }> => e.type === 'order.placed')!;
      expect(placed.data).toMatchObject({ orderId: '6100000000000', currency: 'EUR', status: 'paid' });
      expect(placed.data.lines[0]).toMatchObject({ productId: expect.stringMatching(/^\d+$/), price: expect.any(Number) });
    }));

  it('leaves test orders (`test: true`) out by default and reads them when the instance includes them (issue 19, item 14)', () => {
    const shop = generateSampleShop({ customers: 2, orders: 3 });
    shop.orders[1]!.test = true;
    const testId = /\d+$/.exec(shop.orders[1]!.id)?.[0];
    const orderIds = (events: EventDraft[]) =>
      events.flatMap((e) => (e.type === 'order.placed' ? [e.data.orderId] : [])).filter((id, i, all) => all.indexOf(id) === i);
    return withVendor(startShopifySimulator(shop), async (sim) => {
      const { events } = await drain(sim);
      expect(orderIds(events)).toHaveLength(2);
      expect(orderIds(events)).not.toContain(testId);
      const including = { ...sim.settings, testOrders: 'include' as const };
      const all = await drainPoll((cursor) => pollShopify(contextFor(including, sim.secrets), cursor, onePageBudget()));
      expect(orderIds(all.events)).toContain(testId);
    });
  });

  describe("Shopify's query cost (1,000 points at most per query)", () => {
    const placedOrders = (events: EventDraft[]) =>
      events.filter((e): e is Extract<EventDraft, { type: 'order.placed' }> => e.type === 'order.placed');

    it('sizes order pages to fit the single-query maximum from the cost Shopify reports, instead of failing every poll', () =>
      withVendor(startShopifySimulator(generateSampleShop({ customers: 2, orders: 40 })), async (sim) => {
        const { events } = await drain(sim);
        expect(placedOrders(events)).toHaveLength(40);
        const orders = sim.queries().filter((q) => q.root === 'orders');
        // 100 orders with 10 line items would cost 2 + 100 × 59 points (gift fields and address countries included):
        // refused once, then 16 a page (2 + 16 × 59 = 946).
        expect(orders.map((q) => q.variables.first)).toEqual([100, 16, 16, 16]);
      }));

    it("reads an order's national phone number in its billing (else shipping) country, within the cost limit (issue 19, item 11)", () => {
      const shop = generateSampleShop({ customers: 1, orders: 3 });
      const [billed, shipped, unknown] = shop.orders as [OrderNodeJson, OrderNodeJson, OrderNodeJson];
      Object.assign(billed, { phone: '0470 12 34 56', billingAddress: { countryCodeV2: 'BE' }, shippingAddress: { countryCodeV2: 'NL' } });
      Object.assign(shipped, { phone: '0470 12 34 56', billingAddress: null, shippingAddress: { countryCodeV2: 'BE' } });
      Object.assign(unknown, { phone: '0470 12 34 56', billingAddress: null, shippingAddress: null });
      return withVendor(startShopifySimulator(shop), async (sim) => {
        const { events } = await drain(sim);
        const phoneOf = (order: OrderNodeJson) =>
          placedOrders(events)
            .find((e) => e.data.orderId === /\d+$/.exec(order.id)?.[0])
            ?.identifiers.find((i) => i.type === 'phone')?.value;
        expect(phoneOf(billed)).toBe('+32470123456');
        expect(phoneOf(shipped)).toBe('+32470123456');
        // No country: the national number is no E.164 identifier (it would name someone in the tenant's country).
        expect(phoneOf(unknown)).not.toMatch(/^\+/);
      });
    });

    it('pages the line items of an order that has more than the orders query asks for, keeping every line', () => {
      const shop = generateSampleShop({ customers: 1, orders: 2 });
      const first = shop.orders[0]!;
      const line = first.lineItems.nodes[0]!;
      first.lineItems.nodes = Array.from({ length: 125 }, (_, i) => ({ ...line, sku: `SKU-${i}` }));
      return withVendor(startShopifySimulator(shop), async (sim) => {
        const { events } = await drain(sim);
        const placed = placedOrders(events).find((e) => e.data.orderId === /\d+$/.exec(first.id)?.[0]);
        expect(placed?.data.lines.map((l) => l.sku)).toEqual(Array.from({ length: 125 }, (_, i) => `SKU-${i}`));
        expect(sim.queries().filter((q) => q.root === 'order')).toHaveLength(2);
      });
    });
  });

  it('refuses a cursor it did not write, with a way out', async () => {
    await expect(pollShopify(contextFor(), '{"stream":"products"}', onePageBudget())).rejects.toThrow(/reset the instance cursor/);
  });
});
