// Incremental poll of customers, then orders: one REST page per call, resumable from its cursor.
//
// Orders: `modified_after` (GMT) with `orderby=modified&order=desc`. Descending on purpose: an order modified while
// a pass pages through moves to page 1, which shifts later orders onto pages not yet read (read twice, same event id,
// deduplicated) instead of onto a page already read (lost). Customers: the endpoint has no modified filter (WooCommerce
// source: WC_REST_Customers_V1_Controller::get_items), so a pass pages through all customers by id and keeps the ones
// modified since the last pass. Each stream's next pass starts at the store's clock when the previous pass started,
// less an overlap, so that a change saved while a pass ran is read by the next one.
import { z } from 'zod';
import { jsonCursor, type ConnectorContext, type EventDraft, type PollBudget, type PollPage } from '../sdk/index.js';
import { WooCommerceClient, type WooCommerceClientOptions } from './client.js';
import type { WooCommerceSecrets, WooCommerceSettings } from './config.js';
import { gmtTime, mapCustomer, mapOrder } from './mapping.js';

const STREAMS = ['customers', 'orders'] as const;
type Stream = (typeof STREAMS)[number];

/** Reads overlap by this much: WooCommerce times have whole seconds, and a save may commit after our pass started. */
export const OVERLAP_MS = 60_000;

const Time = z.iso.datetime({ offset: true }).nullable();

/** The saved cursor, as JSON. Opaque to the pipeline. */
export const PollCursor = z.object({
  v: z.literal(1),
  stream: z.enum(STREAMS),
  /** The next page of the current pass. */
  page: z.number().int().min(1),
  /** The store's clock at the first page of the current pass: the next pass of this stream starts there. */
  passStartedAt: Time,
  /** Per stream: where its next pass starts (null: from the beginning). */
  since: z.object({ customers: Time, orders: Time }),
});
export type PollCursor = z.infer<typeof PollCursor>;
const cursorJson = jsonCursor(PollCursor, 'WooCommerce');

const start = (stream: Stream): PollCursor => ({ v: 1, stream, page: 1, passStartedAt: null, since: { customers: null, orders: null } });

export function readCursor(text: string | undefined, settings: WooCommerceSettings): PollCursor {
  const first = settings.pollCustomers ? 'customers' : 'orders';
  const saved = cursorJson.read(text);
  if (saved === undefined) return start(first);
  // Customers switched off since the cursor was saved: go on with orders.
  if (!settings.pollCustomers && saved.stream === 'customers') return { ...saved, stream: 'orders', page: 1, passStartedAt: null };
  return saved;
}

/** `modified_after` as WooCommerce parses it with dates_are_gmt: no offset, whole seconds. */
export const modifiedAfter = (since: string) => new Date(Date.parse(since) - OVERLAP_MS).toISOString().slice(0, 19);

export async function pollWooCommerce(
  context: ConnectorContext<WooCommerceSettings, WooCommerceSecrets>,
  cursorText: string | undefined,
  _budget: PollBudget,
  options: WooCommerceClientOptions = {},
): Promise<PollPage> {
  const { settings } = context;
  const cursor = readCursor(cursorText, settings);
  const client = new WooCommerceClient(settings, context.secrets, options);
  const mapping = { instance: context.instance, now: context.now() };
  const since = cursor.since[cursor.stream];
  const base = { page: cursor.page, per_page: settings.pageSize };

  let events: EventDraft[];
  let totalPages: number;
  let serverTime: number | undefined;
  if (cursor.stream === 'customers') {
    const page = await client.customers({ ...base, orderby: 'id', order: 'asc' });
    const threshold = since === null ? undefined : Date.parse(since) - OVERLAP_MS;
    const changed = page.items.filter((c) => {
      const time = c.date_modified_gmt ?? c.date_created_gmt;
      return threshold === undefined || !time || Date.parse(gmtTime(time, 'date_modified_gmt')) >= threshold;
    });
    events = changed.flatMap((c) => mapCustomer(c, mapping));
    ({ totalPages, serverTime } = page);
  } else {
    const page = await client.orders({ ...base, orderby: 'modified', order: 'desc', ...(since !== null ? { modified_after: modifiedAfter(since) } : {}) });
    events = page.items.flatMap((o) => mapOrder(o, mapping, 'auto'));
    ({ totalPages, serverTime } = page);
  }
  const passStartedAt = cursor.passStartedAt ?? new Date(serverTime ?? context.now().getTime()).toISOString();

  if (cursor.page < totalPages) {
    return { events, nextCursor: cursorJson.write({ ...cursor, page: cursor.page + 1, passStartedAt }), hasMore: true };
  }
  // The stream is exhausted: its next pass starts where this one started; then read the other stream.
  const nextSince = { ...cursor.since, [cursor.stream]: passStartedAt };
  const next: Stream = cursor.stream === 'customers' || !settings.pollCustomers ? 'orders' : 'customers';
  const nextCursor: PollCursor = { v: 1, stream: next, page: 1, passStartedAt: null, since: nextSince };
  context.log.debug('woocommerce poll stream caught up', { stream: cursor.stream, pages: totalPages });
  return { events, nextCursor: cursorJson.write(nextCursor), hasMore: cursor.stream === 'customers' };
}
