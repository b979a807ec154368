// Shared test fixtures for the Lightspeed eCom connector: settings, secrets, fixture files and signed requests.
import { contextFor as contextIn, fixturesOf, TEST_NOW } from '../sdk/testing/index.js';
import type { ConnectorContext, WebhookRequest } from '../sdk/index.js';
import { LightspeedEcomSettings, type LightspeedEcomSecrets } from './config.js';
import { signEcomWebhook } from './webhook.js';

export const WEBHOOK_URL = 'https://hooks.syncline.example/webhooks/acme/webshop';
export const settings: LightspeedEcomSettings = LightspeedEcomSettings.parse({ language: 'nl', currency: 'EUR' });
export const secrets: LightspeedEcomSecrets = { apiKey: 'test-api-key', apiSecret: 'test-api-secret', webhookSecret: 'test-app-secret' };
export const wrongSecrets: LightspeedEcomSecrets = { ...secrets, webhookSecret: 'another-app-secret' };

const fixtures = fixturesOf('lightspeed-ecom');
export const fixtureText = fixtures.text;

export const fixture = fixtures.json;

export const JSON_HEADERS = { 'content-type': 'application/json' };

export function signedRequest(body: string | object, headers: Record<string, string> = {}): WebhookRequest {
  const raw = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  return {
    method: 'POST',
    url: WEBHOOK_URL,
    headers: { ...JSON_HEADERS, ...signEcomWebhook(raw, secrets.webhookSecret!), ...headers },
    rawBody: raw,
  };
}

export function contextFor(
  s: LightspeedEcomSettings = settings,
  k: LightspeedEcomSecrets = secrets,
  now = TEST_NOW,
): ConnectorContext<LightspeedEcomSettings, LightspeedEcomSecrets> {
  return contextIn('webshop', s, k, now);
}
