// Shared test fixtures for the Lightspeed Retail connector: settings, secrets, fixture files and signed requests.
import { contextFor as contextIn, fixturesOf, TEST_NOW } from '../sdk/testing/index.js';
import type { ConnectorContext, WebhookRequest } from '../sdk/index.js';
import { LightspeedRetailSettings, type LightspeedRetailSecrets } from './config.js';
import { signRetailWebhook } from './webhook.js';

export const WEBHOOK_URL = 'https://hooks.syncline.example/webhooks/acme/store';
export const settings: LightspeedRetailSettings = LightspeedRetailSettings.parse({ domainPrefix: 'syncline-demo', currency: 'NZD' });
export const secrets: LightspeedRetailSecrets = { accessToken: 'lsxs_test_access_token', clientSecret: 'test-client-secret' };
export const wrongSecrets: LightspeedRetailSecrets = { ...secrets, clientSecret: 'another-client-secret' };

const fixtures = fixturesOf('lightspeed-retail');
export const fixtureText = fixtures.text;

export const fixture = fixtures.json;

export const FORM_HEADERS = { 'content-type': 'application/x-www-form-urlencoded' };

/** A delivery as Lightspeed sends it: `payload` holding the JSON, plus whatever other form fields are given. */
export function formBody(payload: unknown, fields: Record<string, string> = {}): string {
  return new URLSearchParams({ payload: typeof payload === 'string' ? payload : JSON.stringify(payload), ...fields }).toString();
}

export function signedRequest(body: string, headers: Record<string, string> = {}): WebhookRequest {
  const raw = Buffer.from(body);
  return {
    method: 'POST',
    url: WEBHOOK_URL,
    headers: { ...FORM_HEADERS, ...signRetailWebhook(raw, secrets.clientSecret), ...headers },
    rawBody: raw,
  };
}

export function contextFor(
  s: LightspeedRetailSettings = settings,
  k: LightspeedRetailSecrets = secrets,
  now = TEST_NOW,
): ConnectorContext<LightspeedRetailSettings, LightspeedRetailSecrets> {
  return contextIn('store', s, k, now);
}
