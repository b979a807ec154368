// Which Square event types syncline reads, and how each is validated and mapped.
import {
  parseJsonBody,
  parsePayload,
  PayloadInvalid,
  topicTable,
  type ConnectorContext,
  type EventDraft,
  type TopicHandler,
  type WebhookRequest,
} from '../sdk/index.js';
import type { SquareSecrets, SquareSettings } from './config.js';
import { mapCustomer, type MappingContext } from './mapping.js';
import { CustomerObject, EventNotification } from './schemas.js';

const customer: TopicHandler<[EventNotification, MappingContext]> = (_body, _what, event, context) =>
  mapCustomer(parsePayload(CustomerObject, event.data.object, `Square ${event.type} data.object`).customer, context);

/**
 * Read: customer.created and customer.updated. Acknowledged without events:
 * - `order.created` / `order.updated` carry only `{order_id, version, location_id, state, created_at}`: no customer,
 *   no lines, no total. parseWebhook cannot call the API, and a canonical order needs a person, a currency and a
 *   total, so we do not invent one; the poll (SearchOrders by updated_at) reads the full order within one interval.
 * - `payment.*`: the order it pays for is read by the poll as well.
 * - `customer.deleted`: a seller deleting (or merging) a profile is housekeeping, not the person's erasure request.
 * - `catalog.version.updated`: says only that the catalog changed (`updated_at`), not what; the poll's catalog stream
 *   (SearchCatalogObjects with begin_time) reads the changed items within one interval.
 * - `loyalty.*`: the poll's loyalty stream reads the accounts and the orders points were collected on.
 * - `webhooks.test_notification`: the Developer Dashboard's test event.
 */
export const EVENT_TYPES = topicTable<[EventNotification, MappingContext]>({
  vendor: 'Square',
  noun: 'event type',
  topics: { 'customer.created': customer, 'customer.updated': customer },
  acknowledged: [
    'order.created',
    'order.updated',
    'order.fulfillment.updated',
    'payment.created',
    'payment.updated',
    'customer.deleted',
    'catalog.version.updated',
    'loyalty.account.created',
    'loyalty.account.updated',
    'loyalty.event.created',
    'webhooks.test_notification',
  ],
  remedy: 'remove it from the subscription',
  unused: /^[a-z_]{1,60}(\.[a-z_]{1,60}){1,3}$/,
  shown: /^[A-Za-z0-9_.-]{1,80}$/,
});
const { printable } = EVENT_TYPES;

export function parseSquareWebhook(request: WebhookRequest, context: ConnectorContext<SquareSettings, SquareSecrets>): EventDraft[] {
  const event = parsePayload(EventNotification, parseJsonBody(request.rawBody, 'Square event notification'), 'Square event notification');
  if (context.settings.merchantId !== undefined && event.merchant_id !== context.settings.merchantId) {
    throw new PayloadInvalid(
      `Square event for merchant ${printable(event.merchant_id)} reached the instance for ${context.settings.merchantId}`,
    );
  }
  const map = EVENT_TYPES.find(event.type);
  return map ? map(event, event, { instance: context.instance, now: context.now() }) : [];
}
