// Incremental poll of customers, then orders, by updated_at: one GraphQL page per call, resumable from its cursor.
import { incrementalStreams, type ConnectorContext } from '../sdk/index.js';
import { ShopifyClient, type ShopifyClientOptions } from './client.js';
import type { ShopifySecrets, ShopifySettings } from './config.js';
import { mapCustomerNode, mapOrderNode } from './graphql-mapping.js';
import { utcTime } from './mapping.js';
import { mapProductNode } from './product-mapping.js';

/**
 * `>=`, not `>`: a record updated in the same second as the high-water mark but after the last read would
 * otherwise be skipped for good. The boundary records come again on the next pass, with the same event ids.
 */
export const updatedSince = (since: string | null) => (since === null ? null : `updated_at:>='${since}'`);

type Context = ConnectorContext<ShopifySettings, ShopifySecrets>;

const streams = incrementalStreams({
  vendor: 'Shopify',
  paging: 'tokens',
  nextPassFrom: 'highWater',
  client: (context: Context, budget, options: ShopifyClientOptions = {}) =>
    new ShopifyClient(context.settings, context.secrets, { deadline: budget.deadline, ...options }),
  streams: {
    async customers(client, { since, position }, context) {
      const page = await client.customers({ first: context.settings.pageSize, after: position, query: updatedSince(since) });
      const mapping = { instance: context.instance, now: context.now() };
      return {
        events: page.nodes.flatMap((node) => mapCustomerNode(node, mapping)),
        marks: page.nodes.map((node) => utcTime(node.updatedAt, 'updatedAt')),
        next: page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null,
      };
    },
    async orders(client, { since, position }, context) {
      const page = await client.orders({ first: context.settings.pageSize, after: position, query: updatedSince(since) });
      const mapping = {
        instance: context.instance,
        now: context.now(),
        testOrders: context.settings.testOrders,
        giftAttributeWords: context.settings.giftAttributeWords,
      };
      return {
        events: page.nodes.flatMap((node) => mapOrderNode(node, mapping)),
        marks: page.nodes.map((node) => utcTime(node.updatedAt, 'updatedAt')),
        next: page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null,
      };
    },
    /** The catalog (core/catalog/): products with their type, collections, tags, variants' prices and stock. */
    async products(client, { since, position }, context) {
      const page = await client.products({ first: context.settings.pageSize, after: position, query: updatedSince(since) });
      const mapping = { instance: context.instance, now: context.now() };
      return {
        events: page.nodes.flatMap((node) => mapProductNode(node, mapping)),
        marks: page.nodes.map((node) => utcTime(node.updatedAt, 'updatedAt')),
        next: page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null,
      };
    },
  },
});

export const pollShopify = streams.poll;
export const readCursor = streams.readCursor;
