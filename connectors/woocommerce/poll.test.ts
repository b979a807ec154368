import { describe, expect, it } from 'vitest';
import { onePageBudget } from '../sdk/contract-kit.js';
import { drainPoll, withVendor } from '../sdk/testing/index.js';
import { VendorRejected, type EventDraft } from '../sdk/index.js';
import { OVERLAP_MS, pollWooCommerce, readCursor } from './poll.js';
import {
  generateSampleStore,
  startWooCommerceSimulator,
  type WooCommerceSimulator,
  type WooCommerceSimulatorOptions,
} from './simulator.js';
import { contextFor, secrets } from './test-support.js';

const store = () => generateSampleStore({ customers: 7, orders: 6 });

const withSimulator = (options: Partial<WooCommerceSimulatorOptions>, run: (sim: WooCommerceSimulator) => Promise<void>) =>
  withVendor(startWooCommerceSimulator({ ...store(), settings: { pageSize: 3 }, ...options }), run);

const drain = (sim: WooCommerceSimulator, from?: string, between?: (page: number) => void) =>
  drainPoll((cursor, page) => {
    between?.(page);
    return pollWooCommerce(contextFor(sim.settings, sim.secrets), cursor, onePageBudget(), { minDelayMs: 1 });
  }, from);

describe('WooCommerce poll', () => {
  it('pages products, then customers by id, then orders, products and orders by modification time, newest first', () =>
    withSimulator({}, async (sim) => {
      const { events } = await drain(sim);
      expect(sim.lists().map((l) => `${l.resource}:${l.query.page}`)).toEqual([
        'products:1',
        'products:2',
        'customers:1',
        'customers:2',
        'customers:3',
        'orders:1',
        'orders:2',
      ]);
      expect(
        sim
          .lists()
          .filter((l) => l.resource === 'customers')
          .every((l) => l.query.orderby === 'id' && l.query.order === 'asc' && l.query.per_page === '3'),
      ).toBe(true);
      expect(
        sim
          .lists()
          .filter((l) => l.resource === 'orders' || l.resource === 'products')
          .every((l) => l.query.orderby === 'modified' && l.query.order === 'desc' && l.query.modified_after === undefined),
      ).toBe(true);
      // The catalog comes first: a first sync categorises the orders' lines from it at merge time.
      expect(events.filter((e) => e.type === 'product.upserted')).toHaveLength(4);
      expect(events.findIndex((e) => e.type === 'product.upserted')).toBe(0);
      expect(events.filter((e) => e.type === 'customer.upserted')).toHaveLength(7);
      // Six orders, the last of them a checkout draft.
      expect(events.filter((e) => e.type === 'order.placed' || e.type === 'order.updated')).toHaveLength(5);
    }));

  it('starts the next orders pass at the store clock of the last one, less the overlap, in GMT', () =>
    withSimulator({}, async (sim) => {
      const before = Date.now();
      const { cursor } = await drain(sim);
      const since = readCursor(cursor, sim.settings).since.orders!;
      // The simulator's Date header has whole seconds.
      expect(Date.parse(since)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
      const seen = sim.lists().length;
      await drain(sim, cursor);
      const next = sim
        .lists()
        .slice(seen)
        .filter((l) => l.resource === 'orders');
      expect(next[0]?.query).toMatchObject({
        modified_after: new Date(Date.parse(since) - OVERLAP_MS).toISOString().slice(0, 19),
        dates_are_gmt: 'true',
      });
    }));

  it('reads in the next pass only customers and orders changed since the last one', () =>
    withSimulator({}, async (sim) => {
      const { cursor } = await drain(sim);
      const now = new Date().toISOString().slice(0, 19);
      sim.touchOrder(701, { status: 'completed', date_modified_gmt: now });
      const again = await drain(sim, cursor);
      expect(again.events.map((e) => e.sourceEventId)).toEqual([`order/701@${now}.000Z`]);
    }));

  it('does not lose an order that moves while a pass pages through the orders', () =>
    withSimulator({ products: [], settings: { pageSize: 2, pollCustomers: false } }, async (sim) => {
      const seenOrders = new Set<string>();
      const touched = new Date(Date.now() + 1000).toISOString().slice(0, 19);
      // After the first page, the oldest order is modified: it jumps to the front of the newest-first list.
      // Read newest first, the others shift towards pages not yet read: this pass still sees every one of them.
      const first = await drain(
        sim,
        undefined,
        // Call 0 reads the (empty) products, call 1 the first page of orders.
        (page) => page === 2 && sim.touchOrder(700, { status: 'completed', date_modified_gmt: touched }),
      );
      for (const e of first.events) if (e.type === 'order.placed' || e.type === 'order.updated') seenOrders.add(e.data.orderId);
      expect([...seenOrders].sort()).toEqual(['701', '702', '703', '704']);
      // The moved order itself was modified after the pass started: the next pass reads it.
      const next = await drain(sim, first.cursor);
      expect(next.events.map((e) => e.sourceEventId)).toEqual([`order/700@${touched}.000Z`]);
    }));

  it('reads only products and orders when customers polling is off', () =>
    withSimulator({ settings: { pageSize: 3, pollCustomers: false } }, async (sim) => {
      const { events } = await drain(sim);
      expect(new Set(sim.lists().map((l) => l.resource))).toEqual(new Set(['products', 'orders']));
      expect(events.every((e) => e.type !== 'customer.upserted')).toBe(true);
    }));

  it('rides out a 429 with Retry-After and a 500 before answering', () =>
    withSimulator({ faults: { rateLimitFirst: 1, failNext: 1 } }, async (sim) => {
      const page = await pollWooCommerce(contextFor(sim.settings, sim.secrets), undefined, onePageBudget(), { minDelayMs: 1 });
      expect(page.events).toHaveLength(3);
      expect(sim.requests()).toBe(3);
    }));

  it('sends the consumer key as HTTP Basic and fails without retrying when the store refuses it', () =>
    withSimulator({}, async (sim) => {
      const attempt = pollWooCommerce(contextFor(sim.settings, { ...secrets, consumerSecret: 'cs_wrong' }), undefined, onePageBudget());
      await expect(attempt).rejects.toBeInstanceOf(VendorRejected);
      await expect(attempt).rejects.toThrow(/401/);
      await expect(attempt).rejects.not.toThrow(/cs_wrong/);
      expect(sim.requests()).toBe(1);
    }));

  it('maps polled orders to the same event ids webhooks give them', () =>
    withSimulator({}, async (sim) => {
      const { events } = await drain(sim);
      const order = events.find((e): e is Extract<EventDraft, { type: 'order.placed' }> => e.type === 'order.placed')!;
      expect(order.sourceEventId).toMatch(/^order\/7\d\d@2026-/);
      expect(order.data.currency).toBe('EUR');
      expect(order.data.lines.some((l) => l.name.includes('&amp;'))).toBe(false);
    }));

  it('refuses a cursor it did not write, with a way out', async () => {
    await expect(pollWooCommerce(contextFor(), '{"stream":"products"}', onePageBudget())).rejects.toThrow(/reset the instance cursor/);
  });
});
