// Shared by the WooCommerce tests: fixtures as WooCommerce delivers them, settings, secrets and a silent context.
import { contextFor as contextIn, fixturesOf, TEST_NOW } from '../sdk/testing/index.js';
import type { ConnectorContext, WebhookRequest } from '../sdk/index.js';
import { WooCommerceSettings, type WooCommerceSecrets } from './config.js';
import { signWooCommerceWebhook } from './webhook.js';

const STORE_URL = 'https://example.com/';
export const WEBHOOK_URL = 'https://hooks.syncline.example/webhooks/acme/woo';
export const settings = WooCommerceSettings.parse({ storeUrl: STORE_URL });
/** The consumer key matches the simulator's default, so the contract kit's poll tests can use these secrets. */
export const secrets: WooCommerceSecrets = {
  consumerKey: 'ck_simulated',
  consumerSecret: 'cs_simulated',
  webhookSecret: 'test-webhook-secret',
};
export const wrongSecrets: WooCommerceSecrets = { ...secrets, webhookSecret: 'another-webhook-secret' };

const fixtures = fixturesOf('woocommerce');
export const fixtureText = fixtures.text;

export const fixture = (name: string) => fixtures.json(name);

/** The headers of every WC_Webhook::deliver() besides the signature and topic (golden fixtures name the topic in <name>.request.json). */
export const WOO_HEADERS: Record<string, string> = {
  'content-type': 'application/json',
  'user-agent': 'WooCommerce/9.8.1 Hookshot (WordPress/6.8)',
  'x-wc-webhook-source': STORE_URL,
  'x-wc-webhook-id': '142',
  'x-wc-webhook-delivery-id': 'a8e1d9d1c7b34b4f9d1e2f3a4b5c6d7e',
};

/** The headers WC_Webhook::deliver() sends besides the signature. */
export function deliveryHeaders(topic: string, delivery = 'a8e1d9d1c7b34b4f9d1e2f3a4b5c6d7e'): Record<string, string> {
  const [resource = '', event = ''] = topic.split('.');
  return {
    ...WOO_HEADERS,
    'x-wc-webhook-topic': topic,
    'x-wc-webhook-resource': resource,
    'x-wc-webhook-event': event,
    'x-wc-webhook-delivery-id': delivery,
  };
}

export function signedRequest(topic: string, body: string | object, headers: Record<string, string> = {}): WebhookRequest {
  const raw = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  return {
    method: 'POST',
    url: WEBHOOK_URL,
    headers: { ...deliveryHeaders(topic), ...signWooCommerceWebhook(raw, secrets.webhookSecret), ...headers },
    rawBody: raw,
  };
}

export function contextFor(
  s: WooCommerceSettings = settings,
  k: WooCommerceSecrets = secrets,
  now = TEST_NOW,
): ConnectorContext<WooCommerceSettings, WooCommerceSecrets> {
  return contextIn('woo', s, k, now);
}
