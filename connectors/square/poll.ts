// Incremental poll of customers (SearchCustomers), the catalog (SearchCatalogObjects, before the orders so their lines
// find their categories), orders (SearchOrders) and, when switched on, loyalty (SearchLoyaltyEvents), each filtered by
// its change time: one page per call, resumable from its cursor. Square's cursor belongs to one query, so the query is rebuilt from the saved
// cursor exactly as it was. Each stream's next pass starts at Square's clock when the previous pass started, less
// an overlap, so that an object changed while a pass ran is read by the next one (same version, same event id).
import { incrementalStreams, VendorRejected, type ConnectorContext } from '../sdk/index.js';
import {
  SquareClient,
  type SearchCatalogBody,
  type SearchCustomersBody,
  type SearchLoyaltyEventsBody,
  type SearchOrdersBody,
  type SquareClientOptions,
} from './client.js';
import { mapCatalogPage } from './catalog-mapping.js';
import { loyaltyIdentifiers, mapLoyaltyAccount } from './loyalty-mapping.js';
import type { SquareSecrets, SquareSettings } from './config.js';
import { mapCustomer, mapOrder, orderCustomerId } from './mapping.js';
import type { LoyaltyAccount } from './schemas.js';

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

/** SearchCatalogObjects takes up to 1000 per page. */
const CATALOG_PAGE = 200;
/** SearchLoyaltyEvents: 30 per page at most (its default). */
const LOYALTY_PAGE = 30;

export function catalogQuery(since: string | null, cursor: string | null): SearchCatalogBody {
  const from = startAt(since);
  return {
    object_types: ['ITEM', 'CATEGORY'],
    include_deleted_objects: true,
    include_related_objects: true,
    ...(from ? { begin_time: from } : {}),
    limit: CATALOG_PAGE,
    ...(cursor ? { cursor } : {}),
  };
}

export function loyaltyEventsQuery(since: string | null, cursor: string | null): SearchLoyaltyEventsBody {
  const from = startAt(since);
  return {
    limit: LOYALTY_PAGE,
    ...(cursor ? { cursor } : {}),
    query: {
      filter: {
        type_filter: { types: ['ACCUMULATE_POINTS'] },
        ...(from ? { date_time_filter: { created_at: { start_at: from } } } : {}),
      },
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
  enabled: (settings) => [
    'customers' as const,
    ...(settings?.catalog === false ? [] : ['catalog' as const]),
    'orders' as const,
    ...(settings?.loyalty === true ? ['loyalty' as const] : []),
  ],
  streams: {
    async customers(client, { since, position }, context) {
      const page = await client.searchCustomers(customersQuery(context.settings, since, position));
      const mapping = mappingOf(context);
      return { events: page.items.flatMap((c) => mapCustomer(c, mapping)), next: page.cursor, serverTime: page.serverTime };
    },
    /** The catalog (core/catalog/): items with their categories, one product per variation; deleted ones too. */
    async catalog(client, { since, position }, context) {
      try {
        const page = await client.searchCatalog(catalogQuery(since, position));
        return { events: mapCatalogPage(page.items, page.related, context.now()), next: page.cursor, serverTime: page.serverTime };
      } catch (error) {
        // A token without ITEMS_READ (Square answers 403 INSUFFICIENT_SCOPES): customers and orders still sync, the
        // catalog waits, from where it was, for the permission (or `catalog: false`).
        if (!(error instanceof VendorRejected && error.status === 403)) throw error;
        context.log.warn('Square catalog not read: the access token lacks ITEMS_READ (grant it, or set catalog: false)', {
          connector: 'square',
          status: 403,
        });
        return { events: [], next: null, keepMark: true };
      }
    },
    async orders(client, { since, position }, context) {
      const page = await client.searchOrders(ordersQuery(context.settings, since, position));
      const mapping = mappingOf(context);
      return { events: page.items.flatMap((o) => mapOrder(o, mapping)), next: page.cursor, serverTime: page.serverTime };
    },
    /**
     * Points collected at the register: each account they went to (its phone number, customer and points), and each
     * order they were collected on that names no customer itself (orders that do are read by the orders stream).
     */
    async loyalty(client, { since, position }, context) {
      const page = await client.searchLoyaltyEvents(loyaltyEventsQuery(since, position));
      const mapping = mappingOf(context);
      const accountIds = [...new Set(page.items.map((e) => e.loyalty_account_id))];
      const accounts = new Map<string, LoyaltyAccount>();
      for (const id of accountIds) {
        const account = await client.loyaltyAccount(id);
        if (account) accounts.set(id, account);
      }
      const accountOfOrder = new Map<string, string>();
      for (const e of page.items) {
        const orderId = e.accumulate_points?.order_id;
        if (orderId && accounts.has(e.loyalty_account_id)) accountOfOrder.set(orderId, e.loyalty_account_id);
      }
      const orders = await client.retrieveOrders([...accountOfOrder.keys()]);
      const events = [
        ...[...accounts.values()].flatMap((a) => mapLoyaltyAccount(a, mapping)),
        ...orders
          .filter((o) => orderCustomerId(o) === undefined && context.settings.locationIds.includes(o.location_id))
          .flatMap((o) => mapOrder(o, mapping, loyaltyIdentifiers(accounts.get(accountOfOrder.get(o.id)!)!, mapping))),
      ];
      return { events, next: page.cursor, serverTime: page.serverTime };
    },
  },
});

export const pollSquare = streams.poll;
export const readCursor = streams.readCursor;
