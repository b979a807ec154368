// Shared by the Klaviyo tests: documented deliveries signed as Klaviyo signs them, settings and a silent context.
import { contextFor as contextIn, fixturesOf, TEST_NOW } from '../sdk/testing/index.js';
import type { ConnectorContext, WebhookRequest } from '../sdk/index.js';
import { KlaviyoSettings, type KlaviyoSecrets } from './config.js';
import { signKlaviyoWebhook } from './webhook.js';

export const WEBHOOK_URL = 'https://hooks.syncline.example/webhooks/acme/klaviyo-us';
export const INSTANCE = 'klaviyo-us';
export const settings = KlaviyoSettings.parse({ listId: 'Y6nRLr' });
/** The API key matches the simulator's, so the contract kit can poll and push with these secrets. */
export const secrets: KlaviyoSecrets = { apiKey: 'pk_simulated_0123456789', webhookSecret: 'test-webhook-secret-0123456789' };
export const wrongSecrets: KlaviyoSecrets = { ...secrets, webhookSecret: 'another-webhook-secret-9876543210' };

const fixtures = fixturesOf('klaviyo');
export const fixtureText = fixtures.text;

export function signedRequest(
  body: string,
  now = new Date(),
  overrides: Record<string, string> = {},
  secret = secrets.webhookSecret,
): WebhookRequest {
  return {
    method: 'POST',
    url: WEBHOOK_URL,
    headers: { 'content-type': 'application/json', ...signKlaviyoWebhook(body, secret, now), ...overrides },
    rawBody: Buffer.from(body),
  };
}

export function contextFor(
  s: KlaviyoSettings = settings,
  k: KlaviyoSecrets = secrets,
  now = TEST_NOW,
): ConnectorContext<KlaviyoSettings, KlaviyoSecrets> {
  return contextIn(INSTANCE, s, k, now);
}
