// Which Square event types syncline reads, and how each is validated and mapped.
import { parseJsonBody, parsePayload, PayloadInvalid, type ConnectorContext, type EventDraft, type WebhookRequest } from '../sdk/index.js';
import type { SquareSecrets, SquareSettings } from './config.js';
import { mapCustomer, type MappingContext } from './mapping.js';
import { CustomerObject, EventNotification } from './schemas.js';

type Handler = (event: EventNotification, context: MappingContext) => EventDraft[];

const customer: Handler = (event, context) => mapCustomer(parsePayload(CustomerObject, event.data.object, `Square ${event.type} data.object`).customer, context);

export const EVENT_TYPES: Readonly<Record<string, Handler>> = {
  'customer.created': customer,
  'customer.updated': customer,
};

/**
 * Acknowledged without events:
 * - `order.created` / `order.updated` carry only `{order_id, version, location_id, state, created_at}`: no customer,
 *   no lines, no total. parseWebhook cannot call the API, and a canonical order needs a person, a currency and a
 *   total, so we do not invent one; the poll (SearchOrders by updated_at) reads the full order within one interval.
 * - `payment.*`: the order it pays for is read by the poll as well.
 * - `customer.deleted`: a seller deleting (or merging) a profile is housekeeping, not the person's erasure request.
 * - `webhooks.test_notification`: the Developer Dashboard's test event.
 */
const ACKNOWLEDGED = new Set(['order.created', 'order.updated', 'order.fulfillment.updated', 'payment.created', 'payment.updated', 'customer.deleted', 'webhooks.test_notification']);

const printable = (value: string) => (/^[A-Za-z0-9_.-]{1,80}$/.test(value) ? value : JSON.stringify(value.slice(0, 80)));

export function parseSquareWebhook(request: WebhookRequest, context: ConnectorContext<SquareSettings, SquareSecrets>): EventDraft[] {
  const event = parsePayload(EventNotification, parseJsonBody(request.rawBody, 'Square event notification'), 'Square event notification');
  if (context.settings.merchantId !== undefined && event.merchant_id !== context.settings.merchantId) {
    throw new PayloadInvalid(`Square event for merchant ${printable(event.merchant_id)} reached the instance for ${context.settings.merchantId}`);
  }
  if (ACKNOWLEDGED.has(event.type)) return [];
  const handler = EVENT_TYPES[event.type];
  if (!handler) throw new PayloadInvalid(`Square event type ${printable(event.type)} is not one syncline reads (it reads ${Object.keys(EVENT_TYPES).join(', ')}); remove it from the subscription`);
  return handler(event, { instance: context.instance, now: context.now() });
}
