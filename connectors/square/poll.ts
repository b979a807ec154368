// Incremental poll of customers (SearchCustomers), then orders (SearchOrders), filtered by updated_at: one page per
// call, resumable from its cursor. Square's cursor belongs to one query, so the query is rebuilt from the saved
// cursor exactly as it was. Each stream's next pass starts at Square's clock when the previous pass started, less
// an overlap, so that an object changed while a pass ran is read by the next one (same version, same event id).
import { z } from 'zod';
import { jsonCursor, type ConnectorContext, type EventDraft, type PollBudget, type PollPage } from '../sdk/index.js';
import { SquareClient, type SearchCustomersBody, type SearchOrdersBody, type SquareClientOptions } from './client.js';
import type { SquareSecrets, SquareSettings } from './config.js';
import { mapCustomer, mapOrder } from './mapping.js';

const STREAMS = ['customers', 'orders'] as const;
type Stream = (typeof STREAMS)[number];

export const OVERLAP_MS = 60_000;

const Time = z.iso.datetime({ offset: true }).nullable();

export const PollCursor = z.object({
  v: z.literal(1),
  stream: z.enum(STREAMS),
  /** Square's cursor within the current pass; null at its start. */
  cursor: z.string().max(2048).nullable(),
  /** Square's clock at the first page of the current pass. */
  passStartedAt: Time,
  /** Per stream: where its next pass starts (null: from the beginning). */
  since: z.object({ customers: Time, orders: Time }),
});
export type PollCursor = z.infer<typeof PollCursor>;
const cursorJson = jsonCursor(PollCursor, 'Square');

const START: PollCursor = { v: 1, stream: 'customers', cursor: null, passStartedAt: null, since: { customers: null, orders: null } };

export function readCursor(text: string | undefined): PollCursor {
  return cursorJson.read(text) ?? START;
}

const startAt = (since: string | null) => (since === null ? undefined : new Date(Date.parse(since) - OVERLAP_MS).toISOString());

export function customersQuery(settings: SquareSettings, cursor: PollCursor): SearchCustomersBody {
  const from = startAt(cursor.since.customers);
  return {
    limit: settings.customersPageSize,
    ...(cursor.cursor ? { cursor: cursor.cursor } : {}),
    query: { ...(from ? { filter: { updated_at: { start_at: from } } } : {}), sort: { field: 'CREATED_AT', order: 'ASC' } },
  };
}

export function ordersQuery(settings: SquareSettings, cursor: PollCursor): SearchOrdersBody {
  const from = startAt(cursor.since.orders);
  return {
    location_ids: settings.locationIds,
    limit: settings.ordersPageSize,
    ...(cursor.cursor ? { cursor: cursor.cursor } : {}),
    return_entries: false,
    query: {
      // DRAFT orders are not placed yet.
      filter: { state_filter: { states: ['OPEN', 'COMPLETED', 'CANCELED'] }, ...(from ? { date_time_filter: { updated_at: { start_at: from } } } : {}) },
      sort: { sort_field: 'UPDATED_AT', sort_order: 'ASC' },
    },
  };
}

export async function pollSquare(context: ConnectorContext<SquareSettings, SquareSecrets>, cursorText: string | undefined, _budget: PollBudget, options: SquareClientOptions = {}): Promise<PollPage> {
  const cursor = readCursor(cursorText);
  const client = new SquareClient(context.settings, context.secrets, options);
  const mapping = { instance: context.instance, now: context.now() };

  let events: EventDraft[];
  let page: { cursor?: string; serverTime?: number };
  if (cursor.stream === 'customers') {
    const result = await client.searchCustomers(customersQuery(context.settings, cursor));
    events = result.items.flatMap((c) => mapCustomer(c, mapping));
    page = result;
  } else {
    const result = await client.searchOrders(ordersQuery(context.settings, cursor));
    events = result.items.flatMap((o) => mapOrder(o, mapping));
    page = result;
  }
  const passStartedAt = cursor.passStartedAt ?? new Date(page.serverTime ?? context.now().getTime()).toISOString();

  if (page.cursor) return { events, nextCursor: cursorJson.write({ ...cursor, cursor: page.cursor, passStartedAt }), hasMore: true };
  const since = { ...cursor.since, [cursor.stream]: passStartedAt };
  const next: Stream = cursor.stream === 'customers' ? 'orders' : 'customers';
  const nextCursor: PollCursor = { v: 1, stream: next, cursor: null, passStartedAt: null, since };
  context.log.debug('square poll stream caught up', { stream: cursor.stream });
  return { events, nextCursor: cursorJson.write(nextCursor), hasMore: next === 'orders' };
}
