// Incremental poll of customers, then orders, by updated_at_min: one page per call, resumable from its cursor.
// A pass reads pages 1, 2, … of the records updated since the stream's high-water mark until a short page; the
// next pass starts at the highest updatedAt it saw.
import { z } from 'zod';
import { jsonCursor, mapLimited, type ConnectorContext, type EventDraft, type PollBudget, type PollPage } from '../sdk/index.js';
import { LightspeedEcomClient, type EcomClientOptions } from './client.js';
import type { LightspeedEcomSecrets, LightspeedEcomSettings } from './config.js';
import { mapCustomer, mapOrder, utcTime } from './mapping.js';

const STREAMS = ['customers', 'orders'] as const;
type Stream = (typeof STREAMS)[number];
const Time = z.iso.datetime({ offset: true }).nullable();

export const PollCursor = z.object({
  v: z.literal(1),
  stream: z.enum(STREAMS),
  /** The next page of the current pass (1-based). */
  page: z.number().int().min(1),
  /** Per stream: where its next pass starts (updated_at_min). */
  since: z.object({ customers: Time, orders: Time }),
  /** Highest updatedAt seen so far in the current pass. */
  highWater: Time,
});
export type PollCursor = z.infer<typeof PollCursor>;
const cursorJson = jsonCursor(PollCursor, 'Lightspeed eCom');

const START: PollCursor = { v: 1, stream: 'customers', page: 1, since: { customers: null, orders: null }, highWater: null };

export function readCursor(text: string | undefined): PollCursor {
  return cursorJson.read(text) ?? START;
}

const later = (a: string | null, b: string) => (a === null || b > a ? b : a);

export async function pollEcom(
  context: ConnectorContext<LightspeedEcomSettings, LightspeedEcomSecrets>,
  cursorText: string | undefined,
  _budget: PollBudget,
  options: EcomClientOptions = {},
): Promise<PollPage> {
  const cursor = readCursor(cursorText);
  const client = new LightspeedEcomClient(context.settings, context.secrets, options);
  const { pageSize: limit, concurrency } = context.settings;
  // `updated_at_min` is inclusive: records updated in the same second as the mark come again, with the same ids.
  const query = { page: cursor.page, limit, updatedSince: cursor.since[cursor.stream] };
  const mapping = { instance: context.instance, currency: context.settings.currency };

  let events: EventDraft[];
  let times: string[];
  let count: number;
  if (cursor.stream === 'customers') {
    const customers = await client.customers(query);
    events = customers.flatMap((c) => mapCustomer(c, mapping));
    times = customers.map((c) => utcTime(c.updatedAt, 'customer.updatedAt'));
    count = customers.length;
  } else {
    const orders = await client.orders(query);
    const lines = await mapLimited(orders, concurrency, (o) => client.orderProducts(o.id));
    events = orders.flatMap((o, i) => mapOrder(o, mapping, lines[i]));
    times = orders.map((o) => utcTime(o.updatedAt, 'order.updatedAt'));
    count = orders.length;
  }
  const highWater = times.reduce(later, cursor.highWater);

  if (count === limit) {
    return { events, nextCursor: cursorJson.write({ ...cursor, page: cursor.page + 1, highWater }), hasMore: true };
  }
  const since = { ...cursor.since, [cursor.stream]: highWater ?? cursor.since[cursor.stream] };
  const next: Stream = cursor.stream === 'customers' ? 'orders' : 'customers';
  context.log.debug('lightspeed-ecom poll stream caught up', { stream: cursor.stream, since: since[cursor.stream] });
  return { events, nextCursor: cursorJson.write({ v: 1, stream: next, page: 1, since, highWater: null }), hasMore: next === 'orders' };
}
