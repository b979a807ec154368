// Which WooCommerce webhook topics syncline reads, and how each is validated and mapped.
import {
  parseJsonBody,
  PayloadInvalid,
  topic,
  topicTable,
  type ConnectorContext,
  type EventDraft,
  type WebhookRequest,
} from '../sdk/index.js';
import type { WooCommerceSecrets, WooCommerceSettings } from './config.js';
import { mapCustomer, mapOrder, type MappingContext } from './mapping.js';
import { Customer, Order } from './schemas.js';
import { mapProduct, mapProductDelete, type ProductMappingContext } from './product-mapping.js';
import { Product, ProductDeleted } from './product-schemas.js';
import { isPing, wcHeader } from './webhook.js';

export const TOPICS = topicTable<[ProductMappingContext]>({
  vendor: 'WooCommerce',
  topics: {
    'customer.created': topic(Customer, mapCustomer),
    'customer.updated': topic(Customer, mapCustomer),
    'order.created': topic(Order, (order, context: MappingContext) => mapOrder(order, context, 'placed')),
    'order.updated': topic(Order, (order, context: MappingContext) => mapOrder(order, context, 'updated')),
    // The catalog: created, updated and restored (from the trash) carry the product; deleted (trashed) only its id.
    'product.created': topic(Product, mapProduct),
    'product.updated': topic(Product, mapProduct),
    'product.restored': topic(Product, mapProduct),
    'product.deleted': topic(ProductDeleted, mapProductDelete),
  },
  /**
   * A deleted account or order is shop housekeeping, not a person's erasure request; answering them with an error
   * would count towards the 5 failures after which WooCommerce disables a webhook.
   */
  acknowledged: ['customer.deleted', 'order.deleted', 'order.restored'],
  remedy: 'remove the webhook or add a mapping',
  unused: /^[a-z_]{1,60}\.[a-z0-9_]{1,120}$/,
  shown: /^[a-z0-9_.-]{1,80}$/,
});
const { printable } = TOPICS;

/** Scheme, host and path without a trailing slash: how we compare X-WC-Webhook-Source with the configured store. */
export function storeKey(url: string): string | undefined {
  if (!URL.canParse(url)) return undefined;
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`.toLowerCase();
}

export function parseWooCommerceWebhook(
  request: WebhookRequest,
  context: ConnectorContext<WooCommerceSettings, WooCommerceSecrets>,
): EventDraft[] {
  if (isPing(request)) return [];
  const name = wcHeader(request.headers, 'topic');
  if (name === undefined) throw new PayloadInvalid('WooCommerce webhook without an X-WC-Webhook-Topic header');
  const source = wcHeader(request.headers, 'source');
  if (source !== undefined && storeKey(source) !== storeKey(context.settings.storeUrl)) {
    throw new PayloadInvalid(`WooCommerce webhook from store ${printable(source)} reached the instance for ${context.settings.storeUrl}`);
  }
  const map = TOPICS.find(name);
  if (!map) return [];
  const deliveryId = wcHeader(request.headers, 'delivery-id');
  return map(parseJsonBody(request.rawBody, `WooCommerce ${name} payload`), {
    instance: context.instance,
    now: context.now(),
    ...(deliveryId !== undefined ? { deliveryId: deliveryId.slice(0, 128) } : {}),
  });
}
