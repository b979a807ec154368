// Which Shopify webhook topics syncline reads, and how each is validated and mapped.
import type { z } from 'zod';
import { parseJsonBody, parsePayload, PayloadInvalid, redactPersonalData, type ConnectorContext, type EventDraft, type WebhookRequest } from '../sdk/index.js';
import type { ShopifySecrets, ShopifySettings } from './config.js';
import {
  mapCheckout,
  mapCustomer,
  mapCustomersRedact,
  mapDataRequest,
  mapEmailConsent,
  mapOrder,
  mapShopRedact,
  utcTime,
  type Delivery,
  type MappingContext,
} from './mapping.js';
import {
  CheckoutPayload,
  CustomerPayload,
  CustomersDataRequestPayload,
  CustomersRedactPayload,
  EmailMarketingConsentPayload,
  OrderPayload,
  ShopRedactPayload,
} from './schemas.js';
import { shopifyHeader } from './webhook.js';

interface Topic<T> {
  schema: z.ZodType<T>;
  map(payload: T, delivery: Delivery, context: MappingContext): EventDraft[];
}
const topic = <T>(schema: z.ZodType<T>, map: Topic<T>['map']): Topic<unknown> => ({ schema, map }) as Topic<unknown>;

export const TOPICS: Readonly<Record<string, Topic<unknown>>> = {
  'customers/create': topic(CustomerPayload, mapCustomer),
  'customers/update': topic(CustomerPayload, mapCustomer),
  'orders/create': topic(OrderPayload, mapOrder),
  'checkouts/create': topic(CheckoutPayload, mapCheckout),
  'checkouts/update': topic(CheckoutPayload, mapCheckout),
  'customers/email_marketing_consent_update': topic(EmailMarketingConsentPayload, mapEmailConsent),
  'customers/redact': topic(CustomersRedactPayload, mapCustomersRedact),
  'customers/data_request': topic(CustomersDataRequestPayload, mapDataRequest),
  'shop/redact': topic(ShopRedactPayload, mapShopRedact),
};

/**
 * A header value fit for an error message (which is logged): Shopify topics are short lower-case paths, anything else
 * is shown escaped with personal data blanked; the quarantined delivery keeps the header as it came.
 */
const printable = (value: string) => (/^[a-z0-9_./-]{1,80}$/.test(value) ? value : redactPersonalData(JSON.stringify(value.slice(0, 80))));

export function parseShopifyWebhook(request: WebhookRequest, context: ConnectorContext<ShopifySettings, ShopifySecrets>): EventDraft[] {
  const name = shopifyHeader(request.headers, 'topic');
  if (name === undefined) throw new PayloadInvalid('Shopify webhook without an X-Shopify-Topic header');
  // Own keys only: a topic header of "toString" or "__proto__" must not find Object.prototype's members.
  const handler = Object.hasOwn(TOPICS, name) ? TOPICS[name] : undefined;
  if (!handler) {
    throw new PayloadInvalid(`Shopify topic ${printable(name)} is not one syncline reads (it reads ${Object.keys(TOPICS).join(', ')}); remove the subscription or add a mapping`);
  }
  const shop = shopifyHeader(request.headers, 'shop-domain');
  if (shop !== undefined && shop !== context.settings.shopDomain) {
    // One app secret signs every shop's webhooks: a valid signature does not prove the shop is this instance's.
    throw new PayloadInvalid(`Shopify webhook from shop ${printable(shop)} reached the instance for ${context.settings.shopDomain}`);
  }
  const triggeredAt = shopifyHeader(request.headers, 'triggered-at');
  const deliveryId = shopifyHeader(request.headers, 'event-id') ?? shopifyHeader(request.headers, 'webhook-id');
  const delivery: Delivery = {
    topic: name,
    ...(deliveryId !== undefined ? { deliveryId: deliveryId.slice(0, 128) } : {}),
    ...(triggeredAt !== undefined ? { triggeredAt: utcTime(triggeredAt, 'X-Shopify-Triggered-At') } : {}),
  };
  const what = `Shopify ${name} payload`;
  const payload = parsePayload(handler.schema, parseJsonBody(request.rawBody, what), what);
  return handler.map(payload, delivery, { instance: context.instance, now: context.now() });
}
