// Shared by the Shopify tests: fixtures as Shopify would deliver them, settings, secrets and a silent context.
import { contextFor as contextIn, fixturesOf, TEST_NOW } from '../sdk/testing/index.js';
import type { ConnectorContext, WebhookRequest } from '../sdk/index.js';
import { ShopifySettings, type ShopifySecrets } from './config.js';
import { signShopifyWebhook } from './webhook.js';

export const SHOP_DOMAIN = 'syncline-demo.myshopify.com';
export const WEBHOOK_URL = 'https://hooks.syncline.example/webhooks/acme/shop';
export const settings = ShopifySettings.parse({ shopDomain: SHOP_DOMAIN });
/** The access token matches the simulator's default, so the contract kit's poll tests can use these secrets. */
export const secrets: ShopifySecrets = { webhookSecret: 'test-app-client-secret', accessToken: 'shpat_simulated' };
export const wrongSecrets: ShopifySecrets = { ...secrets, webhookSecret: 'another-app-client-secret' };

const fixtures = fixturesOf('shopify');
export const fixtureText = fixtures.text;

export const fixture = fixtures.json;

/** The headers of every Shopify delivery besides the signature, topic and ids (golden fixtures name those in <name>.request.json). */
export const SHOPIFY_HEADERS: Record<string, string> = {
  'content-type': 'application/json',
  'x-shopify-shop-domain': SHOP_DOMAIN,
  'x-shopify-api-version': '2025-10',
  'x-shopify-triggered-at': '2025-11-04T15:15:27.877041743Z',
};

/** The headers Shopify sends besides the signature; the delivery id is derived from the topic so it is stable. */
export function deliveryHeaders(topic: string, delivery = `${topic.replace(/\W/g, '-')}-1`): Record<string, string> {
  return {
    ...SHOPIFY_HEADERS,
    'x-shopify-topic': topic,
    'x-shopify-webhook-id': `b54557e4-8a5f-4bf7-9d70-${delivery}`,
    'x-shopify-event-id': `98880550-7158-44d4-b7cd-${delivery}`,
  };
}

export function signedRequest(topic: string, body: string | object, headers: Record<string, string> = {}): WebhookRequest {
  const raw = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  return {
    method: 'POST',
    url: WEBHOOK_URL,
    headers: { ...deliveryHeaders(topic), ...signShopifyWebhook(raw, secrets.webhookSecret), ...headers },
    rawBody: raw,
  };
}

export function contextFor(
  s: ShopifySettings = settings,
  k: ShopifySecrets = secrets,
  now = TEST_NOW,
): ConnectorContext<ShopifySettings, ShopifySecrets> {
  return contextIn('shop', s, k, now);
}
