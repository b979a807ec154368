// Which WooCommerce webhook topics syncline reads, and how each is validated and mapped.
import { parseJsonBody, parsePayload, PayloadInvalid, redactPersonalData, type ConnectorContext, type EventDraft, type WebhookRequest } from '../sdk/index.js';
import type { WooCommerceSecrets, WooCommerceSettings } from './config.js';
import { mapCustomer, mapOrder, type MappingContext } from './mapping.js';
import { Customer, Order } from './schemas.js';
import { isPing, wcHeader } from './webhook.js';

type Handler = (body: unknown, context: MappingContext, what: string) => EventDraft[];

export const TOPICS: Readonly<Record<string, Handler>> = {
  'customer.created': (body, context, what) => mapCustomer(parsePayload(Customer, body, what), context),
  'customer.updated': (body, context, what) => mapCustomer(parsePayload(Customer, body, what), context),
  'order.created': (body, context, what) => mapOrder(parsePayload(Order, body, what), context, 'placed'),
  'order.updated': (body, context, what) => mapOrder(parsePayload(Order, body, what), context, 'updated'),
};

/**
 * Topics acknowledged without events. A deleted account or order is shop housekeeping, not a person's erasure
 * request; answering them with an error would count towards the 5 failures after which WooCommerce disables a webhook.
 */
const IGNORED = new Set(['customer.deleted', 'order.deleted', 'order.restored']);

const printable = (value: string) => (/^[a-z0-9_.-]{1,80}$/.test(value) ? value : redactPersonalData(JSON.stringify(value.slice(0, 80))));

/** Scheme, host and path without a trailing slash: how we compare X-WC-Webhook-Source with the configured store. */
export function storeKey(url: string): string | undefined {
  if (!URL.canParse(url)) return undefined;
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`.toLowerCase();
}

export function parseWooCommerceWebhook(request: WebhookRequest, context: ConnectorContext<WooCommerceSettings, WooCommerceSecrets>): EventDraft[] {
  if (isPing(request)) return [];
  const topic = wcHeader(request.headers, 'topic');
  if (topic === undefined) throw new PayloadInvalid('WooCommerce webhook without an X-WC-Webhook-Topic header');
  const source = wcHeader(request.headers, 'source');
  if (source !== undefined && storeKey(source) !== storeKey(context.settings.storeUrl)) {
    throw new PayloadInvalid(`WooCommerce webhook from store ${printable(source)} reached the instance for ${context.settings.storeUrl}`);
  }
  if (IGNORED.has(topic)) return [];
  // Own keys only: a topic header of "toString" or "__proto__" must not find Object.prototype's members.
  const handler = Object.hasOwn(TOPICS, topic) ? TOPICS[topic] : undefined;
  if (!handler) throw new PayloadInvalid(`WooCommerce topic ${printable(topic)} is not one syncline reads (it reads ${Object.keys(TOPICS).join(', ')}); remove the webhook or add a mapping`);
  const what = `WooCommerce ${topic} payload`;
  return handler(parseJsonBody(request.rawBody, what), { instance: context.instance, now: context.now() }, what);
}
