// Incremental poll of products, customers, then orders: one REST page per call, resumable from its cursor.
//
// Products first, so that a first sync has the catalog before the orders whose lines it categorises at merge time.
// Products and orders: `modified_after` (GMT) with `orderby=modified&order=desc`, for the reason below.
//
// Orders: `modified_after` (GMT) with `orderby=modified&order=desc`. Descending on purpose: an order modified while
// a pass pages through moves to page 1, which shifts later orders onto pages not yet read (read twice, same event id,
// deduplicated) instead of onto a page already read (lost). Customers: the endpoint has no modified filter (WooCommerce
// source: WC_REST_Customers_V1_Controller::get_items), so a pass pages through all customers by id and keeps the ones
// modified since the last pass. Each stream's next pass starts at the store's clock when the previous pass started,
// less an overlap, so that a change saved while a pass ran is read by the next one.
import { incrementalStreams, type ConnectorContext } from '../sdk/index.js';
import { WooCommerceClient, type WooCommerceClientOptions } from './client.js';
import type { WooCommerceSecrets, WooCommerceSettings } from './config.js';
import { gmtTime, mapCustomer, mapOrder } from './mapping.js';
import { mapProduct } from './product-mapping.js';

/** Reads overlap by this much: WooCommerce times have whole seconds, and a save may commit after our pass started. */
export const OVERLAP_MS = 60_000;

/** `modified_after` as WooCommerce parses it with dates_are_gmt: no offset, whole seconds. */
export const modifiedAfter = (since: string) => new Date(Date.parse(since) - OVERLAP_MS).toISOString().slice(0, 19);

type Context = ConnectorContext<WooCommerceSettings, WooCommerceSecrets>;
const mappingOf = (context: Context) => ({ instance: context.instance, now: context.now() });

const streams = incrementalStreams({
  vendor: 'WooCommerce',
  paging: 'pages',
  nextPassFrom: 'passStart',
  client: (context: Context, _budget, options: WooCommerceClientOptions = {}) =>
    new WooCommerceClient(context.settings, context.secrets, options),
  // Customers switched off: products and orders (a saved cursor on customers goes on with products).
  enabled: (settings) => (settings?.pollCustomers === false ? ['products', 'orders'] : ['products', 'customers', 'orders']),
  streams: {
    /** The catalog (core/catalog/): products with their categories, tags, price and stock status. */
    async products(client, { since, position }, context) {
      const page = await client.products({
        page: position,
        per_page: context.settings.pageSize,
        orderby: 'modified',
        order: 'desc',
        ...(since !== null ? { modified_after: modifiedAfter(since) } : {}),
      });
      const mapping = mappingOf(context);
      return {
        events: page.items.flatMap((p) => mapProduct(p, mapping)),
        next: position < page.totalPages ? position + 1 : null,
        serverTime: page.serverTime,
      };
    },
    async customers(client, { since, position }, context) {
      const page = await client.customers({ page: position, per_page: context.settings.pageSize, orderby: 'id', order: 'asc' });
      const threshold = since === null ? undefined : Date.parse(since) - OVERLAP_MS;
      const changed = page.items.filter((c) => {
        const time = c.date_modified_gmt ?? c.date_created_gmt;
        return threshold === undefined || !time || Date.parse(gmtTime(time, 'date_modified_gmt')) >= threshold;
      });
      const mapping = mappingOf(context);
      return {
        events: changed.flatMap((c) => mapCustomer(c, mapping)),
        next: position < page.totalPages ? position + 1 : null,
        serverTime: page.serverTime,
      };
    },
    async orders(client, { since, position }, context) {
      const page = await client.orders({
        page: position,
        per_page: context.settings.pageSize,
        orderby: 'modified',
        order: 'desc',
        ...(since !== null ? { modified_after: modifiedAfter(since) } : {}),
      });
      const mapping = mappingOf(context);
      return {
        events: page.items.flatMap((o) => mapOrder(o, mapping, 'auto')),
        next: position < page.totalPages ? position + 1 : null,
        serverTime: page.serverTime,
      };
    },
  },
});

export const pollWooCommerce = streams.poll;
export const readCursor = streams.readCursor;
