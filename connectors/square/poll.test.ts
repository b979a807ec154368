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
  it('searches customers, then orders of the configured locations, with the bodies Square documents', () =>
    withSimulator({}, async (sim) => {
      await drain(sim);
      const searches = sim.searches();
      expect(searches.map((s) => `${s.endpoint}:${s.body.cursor ? 'cursor' : 'start'}`)).toEqual([
        'customers:start',
        'customers:cursor',
        'orders:start',
        'orders:cursor',
      ]);
      expect(searches.every((s) => s.squareVersion === '2025-01-23')).toBe(true);
      expect(searches[0]?.body).toEqual({ limit: 3, query: { sort: { field: 'CREATED_AT', order: 'ASC' } } });
      expect(searches[2]?.body).toEqual({
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
      const [customers, orders] = sim.searches().slice(seen);
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

  it('refuses a cursor it did not write, with a way out', async () => {
    await expect(pollSquare(contextFor(), '{"stream":"payments"}', onePageBudget())).rejects.toThrow(/reset the instance cursor/);
  });
});
