// Which Shopify webhook topics syncline reads, and how each is validated and mapped.
import {
  parseJsonBodyExactIntegers,
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
  unused: /^[a-z_]{1,60}\/[a-z_]{1,60}$/,
});
// Header values in errors (which are logged) are shown escaped with personal data blanked; the quarantined delivery keeps them as they came.
const { printable } = TOPICS;

/** The mandatory compliance topics: their body names the shop too, and it must be this instance's (an erasure of the wrong shop cannot be undone). */
const PRIVACY_TOPICS = new Set(['customers/redact', 'customers/data_request', 'shop/redact']);

export function parseShopifyWebhook(request: WebhookRequest, context: ConnectorContext<ShopifySettings, ShopifySecrets>): EventDraft[] {
  const name = shopifyHeader(request.headers, 'topic');
  if (name === undefined) throw new PayloadInvalid('Shopify webhook without an X-Shopify-Topic header');
  const map = TOPICS.find(name);
  if (!map) return [];
  const expected = context.settings.shopDomain;
  // One app secret signs every shop's webhooks: a valid signature does not prove the shop is this instance's.
  const shop = shopifyHeader(request.headers, 'shop-domain');
  if (shop === undefined) throw new PayloadInvalid('Shopify webhook without an X-Shopify-Shop-Domain header');
  if (shop !== expected) throw new PayloadInvalid(`Shopify webhook from shop ${printable(shop)} reached the instance for ${expected}`);
  const triggeredAt = shopifyHeader(request.headers, 'triggered-at');
  const deliveryId = shopifyHeader(request.headers, 'event-id') ?? shopifyHeader(request.headers, 'webhook-id');
  const delivery: Delivery = {
    topic: name,
    ...(deliveryId !== undefined ? { deliveryId: deliveryId.slice(0, 128) } : {}),
    ...(triggeredAt !== undefined ? { triggeredAt: utcTime(triggeredAt, 'X-Shopify-Triggered-At') } : {}),
  };
  const what = `Shopify ${name} payload`;
  const body = parseJsonBodyExactIntegers(request.rawBody, what);
  if (PRIVACY_TOPICS.has(name)) {
    const named = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).shop_domain : undefined;
    if (named !== expected) {
      const shown = typeof named === 'string' ? `shop ${printable(named)}` : 'no shop';
      throw new PayloadInvalid(`Shopify ${name} names ${shown} in its body; this instance is for ${expected}`);
    }
  }
  return map(body, delivery, {
    instance: context.instance,
    now: context.now(),
    testOrders: context.settings.testOrders,
    giftAttributeWords: context.settings.giftAttributeWords,
  });
}
