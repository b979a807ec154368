// Which Shopify webhook topics syncline reads, and how each is validated and mapped.
import {
  parseJsonBody,
  PayloadInvalid,
  topic,
  topicTable,
  type ConnectorContext,
  type EventDraft,
  type WebhookRequest,
} from '../sdk/index.js';
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

export const TOPICS = topicTable<[Delivery, MappingContext]>({
  vendor: 'Shopify',
  topics: {
    'customers/create': topic(CustomerPayload, mapCustomer),
    'customers/update': topic(CustomerPayload, mapCustomer),
    'orders/create': topic(OrderPayload, mapOrder),
    'checkouts/create': topic(CheckoutPayload, mapCheckout),
    'checkouts/update': topic(CheckoutPayload, mapCheckout),
    'customers/email_marketing_consent_update': topic(EmailMarketingConsentPayload, mapEmailConsent),
    'customers/redact': topic(CustomersRedactPayload, mapCustomersRedact),
    'customers/data_request': topic(CustomersDataRequestPayload, mapDataRequest),
    'shop/redact': topic(ShopRedactPayload, mapShopRedact),
  },
  remedy: 'remove the subscription or add a mapping',
});
// Header values in errors (which are logged) are shown escaped with personal data blanked; the quarantined delivery keeps them as they came.
const { printable } = TOPICS;

export function parseShopifyWebhook(request: WebhookRequest, context: ConnectorContext<ShopifySettings, ShopifySecrets>): EventDraft[] {
  const name = shopifyHeader(request.headers, 'topic');
  if (name === undefined) throw new PayloadInvalid('Shopify webhook without an X-Shopify-Topic header');
  const map = TOPICS.find(name)!; // Shopify has no acknowledged-only topics
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
  return map(parseJsonBody(request.rawBody, what), delivery, { instance: context.instance, now: context.now() });
}
