import { describe, expect, it } from 'vitest';
import { onePageBudget } from '../sdk/contract-kit.js';
import { drainPoll, withVendor } from '../sdk/testing/index.js';
import { VendorRejected, type EventDraft } from '../sdk/index.js';
import { OVERLAP_MS, pollSquare, readCursor } from './poll.js';
import {
  generateSampleSeller,
  SAMPLE_LOCATIONS,
  startSquareSimulator,
  type SquareSimulator,
  type SquareSimulatorOptions,
} from './simulator.js';
import { contextFor, secrets } from './test-support.js';

const withSimulator = (options: Partial<SquareSimulatorOptions>, run: (sim: SquareSimulator) => Promise<void>) =>
  withVendor(
    startSquareSimulator({
      ...generateSampleSeller({ customers: 5, orders: 6 }),
      locationIds: SAMPLE_LOCATIONS,
      settings: { customersPageSize: 3, ordersPageSize: 3 },
      ...options,
    }),
    run,
  );

const drain = (sim: SquareSimulator, from?: string) =>
  drainPoll((cursor) => pollSquare(contextFor(sim.settings, sim.secrets), cursor, onePageBudget(), { minDelayMs: 1 }), from);

describe('Square poll', () => {
  it('searches customers, the catalog, then orders of the configured locations, with the bodies Square documents', () =>
    withSimulator({}, async (sim) => {
      await drain(sim);
      const searches = sim.searches();
      expect(searches.map((s) => `${s.endpoint}:${s.body.cursor ? 'cursor' : 'start'}`)).toEqual([
        'customers:start',
        'customers:cursor',
        'catalog:start',
        'orders:start',
        'orders:cursor',
      ]);
      expect(searches.every((s) => s.squareVersion === '2025-01-23')).toBe(true);
      expect(searches[0]?.body).toEqual({ limit: 3, query: { sort: { field: 'CREATED_AT', order: 'ASC' } } });
      expect(searches[2]?.body).toEqual({
        object_types: ['ITEM', 'CATEGORY'],
        include_deleted_objects: true,
        include_related_objects: true,
        limit: 200,
      });
      expect(searches[3]?.body).toEqual({
        location_ids: SAMPLE_LOCATIONS,
        limit: 3,
        return_entries: false,
        query: {
          filter: { state_filter: { states: ['OPEN', 'COMPLETED', 'CANCELED'] } },
          sort: { sort_field: 'UPDATED_AT', sort_order: 'ASC' },
        },
      });
    }));

  it("starts the next pass at Square's clock when the last one started, less the overlap, filtering on updated_at", () =>
    withSimulator({}, async (sim) => {
      const { cursor } = await drain(sim);
      const { since } = readCursor(cursor);
      const seen = sim.searches().length;
      await drain(sim, cursor);
      const [customers, catalog, orders] = sim.searches().slice(seen);
      expect(catalog?.body).toMatchObject({ begin_time: new Date(Date.parse(since.catalog!) - OVERLAP_MS).toISOString() });
      expect(customers?.body).toMatchObject({
        query: { filter: { updated_at: { start_at: new Date(Date.parse(since.customers!) - OVERLAP_MS).toISOString() } } },
      });
      expect(orders?.body).toMatchObject({
        query: {
          filter: { date_time_filter: { updated_at: { start_at: new Date(Date.parse(since.orders!) - OVERLAP_MS).toISOString() } } },
        },
      });
    }));

  it('reads a customer changed after the last pass, under its new version', () =>
    withSimulator({}, async (sim) => {
      const { cursor } = await drain(sim);
      const id = generateSampleSeller({ customers: 5, orders: 6 }).customers[1]!.id;
      sim.touchCustomer(id, { family_name: 'Nieuwenhuis' });
      const again = await drain(sim, cursor);
      const customer = again.events.find((e): e is Extract<EventDraft, { type: 'customer.upserted' }> => e.type === 'customer.upserted')!;
      expect(customer.data.lastName).toBe('Nieuwenhuis');
      expect(customer.sourceEventId).toBe(`customer/${id}@v2`);
    }));

  it('sends a saved Square cursor with the very query it belongs to', () =>
    withSimulator({}, async (sim) => {
      const first = await pollSquare(contextFor(sim.settings, sim.secrets), undefined, onePageBudget());
      const saved = readCursor(first.nextCursor);
      expect(saved.cursor).toEqual(expect.any(String));
      // The simulator, like Square, refuses a cursor with another query: this succeeds only if the query is rebuilt.
      const second = await pollSquare(contextFor(sim.settings, sim.secrets), first.nextCursor, onePageBudget());
      expect(second.events.length).toBeGreaterThan(0);
    }));

  it('rides out a 429 with Retry-After and a 500 before answering', () =>
    withSimulator({ faults: { rateLimitFirst: 1, failNext: 1 } }, async (sim) => {
      const page = await pollSquare(contextFor(sim.settings, sim.secrets), undefined, onePageBudget(), { minDelayMs: 1 });
      expect(page.events.length).toBeGreaterThanOrEqual(3);
      expect(sim.requests()).toBe(3);
    }));

  it('sends the access token as a bearer token and fails without retrying when Square refuses it', () =>
    withSimulator({}, async (sim) => {
      const attempt = pollSquare(contextFor(sim.settings, { ...secrets, accessToken: 'EAAAwrong' }), undefined, onePageBudget());
      await expect(attempt).rejects.toBeInstanceOf(VendorRejected);
      await expect(attempt).rejects.toThrow(/401/);
      await expect(attempt).rejects.not.toThrow(/EAAAwrong/);
      expect(sim.requests()).toBe(1);
    }));

  it('without ITEMS_READ still reads customers and orders, and reads the whole catalog once the seller grants it', () =>
    withSimulator({ scopes: ['CUSTOMERS_READ', 'ORDERS_READ'] }, async (sim) => {
      const first = await drain(sim);
      const kinds = (events: readonly EventDraft[]) => new Set(events.map((e) => e.type));
      expect(kinds(first.events)).toContain('order.placed');
      expect(kinds(first.events)).toContain('customer.upserted');
      expect(kinds(first.events)).not.toContain('product.upserted');
      sim.grantScopes(['CUSTOMERS_READ', 'ORDERS_READ', 'ITEMS_READ']);
      const second = await drain(sim, first.cursor);
      // The catalog's mark stayed at its start: the first pass with the permission reads every product, not only
      // those changed since the refused pass.
      expect(second.events.filter((e) => e.type === 'product.upserted').length).toBeGreaterThan(0);
    }));

  it('skips anonymous sales and drafts, and maps the rest with amounts in euros', () =>
    withSimulator({}, async (sim) => {
      const { events } = await drain(sim);
      const orders = events.filter(
        (e): e is Extract<EventDraft, { type: 'order.placed' | 'order.updated' }> =>
          e.type === 'order.placed' || e.type === 'order.updated',
      );
      const seller = generateSampleSeller({ customers: 5, orders: 6 });
      const named = seller.orders.filter((o) => o.state !== 'DRAFT' && o.tenders?.some((t) => t.customer_id));
      expect(orders.map((o) => o.data.orderId).sort()).toEqual(named.map((o) => o.id).sort());
      expect(orders.every((o) => o.data.currency === 'EUR' && o.data.total < 100)).toBe(true);
    }));

  it('reads the catalog as one product per variation, named in the order lines, with its category; a deleted item is deleted', () =>
    withSimulator({}, async (sim) => {
      const { events, cursor } = await drain(sim);
      const products = events.filter((e): e is Extract<EventDraft, { type: 'product.upserted' }> => e.type === 'product.upserted');
      expect(products.map((p) => [p.data.productId, p.data.category, p.data.price])).toEqual([
        ['ITMVAR01CAPPUCCINO', 'Koffie', 3.5],
        ['ITMVAR02APPELTAART', 'Gebak', 4.75],
        ['ITMVAR03BONEN', 'Koffie', 24],
      ]);
      const sold = events.find((e): e is Extract<EventDraft, { type: 'order.placed' }> => e.type === 'order.placed')!;
      expect(products.map((p) => p.data.productId)).toContain(sold.data.lines[0]!.productId);

      const cake = generateSampleSeller().catalog.find((o) => o.id === 'ITEM02APPELTAART')!;
      sim.addCatalogObject({ ...cake, is_deleted: true, updated_at: new Date().toISOString(), version: 2 });
      const again = await drain(sim, cursor);
      expect(again.events.filter((e) => e.type.startsWith('product.')).map((e) => [e.type, e.sourceEventId])).toEqual([
        ['product.deleted', 'catalog/ITMVAR02APPELTAART@v2'],
      ]);
    }));

  it('with loyalty on, gives a sale without a customer the identifiers of the loyalty account that collected points on it', () =>
    withSimulator({ settings: { customersPageSize: 3, ordersPageSize: 3 } }, async (sim) => {
      const at = new Date().toISOString();
      sim.addLoyaltyAccount({
        id: 'LOYALTYACCOUNT0001',
        mapping: { id: 'MAPPING0001', phone_number: '+31612345678' },
        program_id: 'PROGRAM0001',
        balance: 42,
        lifetime_points: 60,
        customer_id: 'CUSTLOYALTY0001',
        created_at: at,
        updated_at: at,
      });
      sim.addOrder({
        id: 'ORDERANONYMOUSLOYALTY01',
        location_id: SAMPLE_LOCATIONS[0]!,
        state: 'COMPLETED',
        created_at: at,
        updated_at: at,
        version: 1,
        total_money: { amount: 700, currency: 'EUR' },
        line_items: [
          {
            uid: 'l1',
            name: 'Cappuccino',
            quantity: '2',
            catalog_object_id: 'ITMVAR01CAPPUCCINO',
            base_price_money: { amount: 350, currency: 'EUR' },
          },
        ],
        tenders: [{ type: 'CARD' }],
      });
      sim.addLoyaltyEvent({
        id: 'LOYALTYEVENT0001',
        type: 'ACCUMULATE_POINTS',
        created_at: at,
        loyalty_account_id: 'LOYALTYACCOUNT0001',
        location_id: SAMPLE_LOCATIONS[0]!,
        source: 'SQUARE',
        accumulate_points: { loyalty_program_id: 'PROGRAM0001', points: 7, order_id: 'ORDERANONYMOUSLOYALTY01' },
      });
      const context = contextFor({ ...sim.settings, loyalty: true }, sim.secrets);
      const { events } = await drainPoll((cursor) => pollSquare(context, cursor, onePageBudget(), { minDelayMs: 1 }));
      expect(sim.searches().at(-1)?.body).toEqual({ limit: 30, query: { filter: { type_filter: { types: ['ACCUMULATE_POINTS'] } } } });
      const account = events.find((e) => e.sourceEventId.startsWith('loyalty-account/'))!;
      expect(account.identifiers).toEqual([
        { type: 'customerId:pos', value: 'CUSTLOYALTY0001' },
        { type: 'phone', value: '+31612345678' },
        { type: 'loyaltyId', value: 'LOYALTYACCOUNT0001' },
      ]);
      expect(account.type === 'customer.upserted' && account.data.attributes).toEqual({ loyalty_points: 42, loyalty_lifetime_points: 60 });
      const sale = events.filter((e) => e.type === 'order.placed' && e.data.orderId === 'ORDERANONYMOUSLOYALTY01');
      expect(sale, 'once: the orders stream passes over it (no customer), the loyalty stream reads it').toHaveLength(1);
      expect(sale[0]!.identifiers).toEqual(account.identifiers);
    }));

  it('refuses a cursor it did not write, with a way out', async () => {
    await expect(pollSquare(contextFor(), '{"stream":"payments"}', onePageBudget())).rejects.toThrow(/reset the instance cursor/);
  });
});
