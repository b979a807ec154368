// Incremental poll of customers, then orders, by updated_at: one GraphQL page per call, resumable from its cursor.
import { z } from 'zod';
import { jsonCursor, type ConnectorContext, type EventDraft, type PollBudget, type PollPage } from '../sdk/index.js';
import { ShopifyClient, type ShopifyClientOptions } from './client.js';
import type { ShopifySecrets, ShopifySettings } from './config.js';
import { mapCustomerNode, mapOrderNode } from './graphql-mapping.js';
import { utcTime } from './mapping.js';

const STREAMS = ['customers', 'orders'] as const;
type Stream = (typeof STREAMS)[number];

const Time = z.iso.datetime({ offset: true }).nullable();

/** The saved cursor, as JSON. Opaque to the pipeline. */
export const PollCursor = z.object({
  v: z.literal(1),
  /** The stream this pass is reading. */
  stream: z.enum(STREAMS),
  /** GraphQL endpoint cursor within the current pass; null at its start. */
  after: z.string().nullable(),
  /** Per stream: the high-water mark of its last finished pass, where the next pass starts. */
  since: z.object({ customers: Time, orders: Time }),
  /** Highest updatedAt seen so far in the current pass. */
  highWater: Time,
});
export type PollCursor = z.infer<typeof PollCursor>;
const cursorJson = jsonCursor(PollCursor, 'Shopify');

const START: PollCursor = { v: 1, stream: 'customers', after: null, since: { customers: null, orders: null }, highWater: null };

export function readCursor(text: string | undefined): PollCursor {
  return cursorJson.read(text) ?? START;
}

/**
 * `>=`, not `>`: a record updated in the same second as the high-water mark but after the last read would
 * otherwise be skipped for good. The boundary records come again on the next pass, with the same event ids.
 */
export const updatedSince = (since: string | null) => (since === null ? null : `updated_at:>='${since}'`);

const later = (a: string | null, b: string) => (a === null || b > a ? b : a);

export async function pollShopify(
  context: ConnectorContext<ShopifySettings, ShopifySecrets>,
  cursorText: string | undefined,
  budget: PollBudget,
  options: ShopifyClientOptions = {},
): Promise<PollPage> {
  const cursor = readCursor(cursorText);
  const client = new ShopifyClient(context.settings, context.secrets, { deadline: budget.deadline, ...options });
  const variables = { first: context.settings.pageSize, after: cursor.after, query: updatedSince(cursor.since[cursor.stream]) };
  const mapping = { instance: context.instance, now: context.now() };

  let events: EventDraft[];
  let times: string[];
  let pageInfo: { hasNextPage: boolean; endCursor?: string | null | undefined };
  if (cursor.stream === 'customers') {
    const page = await client.customers(variables);
    events = page.nodes.flatMap((node) => mapCustomerNode(node, mapping));
    times = page.nodes.map((node) => utcTime(node.updatedAt, 'updatedAt'));
    pageInfo = page.pageInfo;
  } else {
    const page = await client.orders(variables);
    events = page.nodes.flatMap((node) => mapOrderNode(node, mapping));
    times = page.nodes.map((node) => utcTime(node.updatedAt, 'updatedAt'));
    pageInfo = page.pageInfo;
  }
  const highWater = times.reduce(later, cursor.highWater);

  if (pageInfo.hasNextPage && pageInfo.endCursor) {
    return { events, nextCursor: cursorJson.write({ ...cursor, after: pageInfo.endCursor, highWater }), hasMore: true };
  }
  // The stream is exhausted: its next pass starts at the high-water mark; then read the other stream.
  const since = { ...cursor.since, [cursor.stream]: highWater ?? cursor.since[cursor.stream] };
  const next: Stream = cursor.stream === 'customers' ? 'orders' : 'customers';
  const nextCursor: PollCursor = { v: 1, stream: next, after: null, since, highWater: null };
  context.log.debug('shopify poll stream caught up', { stream: cursor.stream, since: since[cursor.stream] });
  return { events, nextCursor: cursorJson.write(nextCursor), hasMore: next === 'orders' };
}
