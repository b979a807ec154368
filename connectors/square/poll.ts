// Incremental poll of customers (SearchCustomers), then orders (SearchOrders), filtered by updated_at: one page per
// call, resumable from its cursor. Square's cursor belongs to one query, so the query is rebuilt from the saved
// cursor exactly as it was. Each stream's next pass starts at Square's clock when the previous pass started, less
// an overlap, so that an object changed while a pass ran is read by the next one (same version, same event id).
import { incrementalStreams, type ConnectorContext } from '../sdk/index.js';
import { SquareClient, type SearchCustomersBody, type SearchOrdersBody, type SquareClientOptions } from './client.js';
import type { SquareSecrets, SquareSettings } from './config.js';
import { mapCustomer, mapOrder } from './mapping.js';

export const OVERLAP_MS = 60_000;

const startAt = (since: string | null) => (since === null ? undefined : new Date(Date.parse(since) - OVERLAP_MS).toISOString());

export function customersQuery(settings: SquareSettings, since: string | null, cursor: string | null): SearchCustomersBody {
  const from = startAt(since);
  return {
    limit: settings.customersPageSize,
    ...(cursor ? { cursor } : {}),
    query: { ...(from ? { filter: { updated_at: { start_at: from } } } : {}), sort: { field: 'CREATED_AT', order: 'ASC' } },
  };
}

export function ordersQuery(settings: SquareSettings, since: string | null, cursor: string | null): SearchOrdersBody {
  const from = startAt(since);
  return {
    location_ids: settings.locationIds,
    limit: settings.ordersPageSize,
    ...(cursor ? { cursor } : {}),
    return_entries: false,
    query: {
      // DRAFT orders are not placed yet.
      filter: {
        state_filter: { states: ['OPEN', 'COMPLETED', 'CANCELED'] },
        ...(from ? { date_time_filter: { updated_at: { start_at: from } } } : {}),
      },
      sort: { sort_field: 'UPDATED_AT', sort_order: 'ASC' },
    },
  };
}

type Context = ConnectorContext<SquareSettings, SquareSecrets>;
const mappingOf = (context: Context) => ({ instance: context.instance, now: context.now() });

const streams = incrementalStreams({
  vendor: 'Square',
  paging: 'tokens',
  nextPassFrom: 'passStart',
  cursorKeys: { position: 'cursor' },
  client: (context: Context, _budget, options: SquareClientOptions = {}) => new SquareClient(context.settings, context.secrets, options),
  streams: {
    async customers(client, { since, position }, context) {
      const page = await client.searchCustomers(customersQuery(context.settings, since, position));
      const mapping = mappingOf(context);
      return { events: page.items.flatMap((c) => mapCustomer(c, mapping)), next: page.cursor, serverTime: page.serverTime };
    },
    async orders(client, { since, position }, context) {
      const page = await client.searchOrders(ordersQuery(context.settings, since, position));
      const mapping = mappingOf(context);
      return { events: page.items.flatMap((o) => mapOrder(o, mapping)), next: page.cursor, serverTime: page.serverTime };
    },
  },
});

export const pollSquare = streams.poll;
export const readCursor = streams.readCursor;
