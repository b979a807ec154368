// Shared by the Square tests: fixtures as Square delivers them, settings, secrets and a silent context.
import { contextFor as contextIn, fixturesOf, TEST_NOW } from '../sdk/testing/index.js';
import type { ConnectorContext, WebhookRequest } from '../sdk/index.js';
import { SquareSettings, type SquareSecrets } from './config.js';
import { signSquareWebhook } from './webhook.js';

export const WEBHOOK_URL = 'https://hooks.syncline.example/webhooks/acme/square';
export const settings = SquareSettings.parse({ locationIds: ['L1AMSTERDAM0', 'L2UTRECHT00'], notificationUrl: WEBHOOK_URL });
export const secrets: SquareSecrets = { accessToken: 'EAAAsimulated', signatureKey: 'test-signature-key' };
export const wrongSecrets: SquareSecrets = { ...secrets, signatureKey: 'another-signature-key' };

const fixtures = fixturesOf('square');
export const fixtureText = fixtures.text;

export const fixture = (name: string) => fixtures.json(name);

/** Headers Square sends besides the signature. */
export const deliveryHeaders = (): Record<string, string> => ({
  'content-type': 'application/json',
  'user-agent': 'Square Connect v2',
  'square-initial-delivery-timestamp': '2022-11-09T21:23:26.125Z',
  'square-retry-number': '0',
});

export function signedRequest(body: string | object, url = WEBHOOK_URL, key = secrets.signatureKey): WebhookRequest {
  const raw = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  return { method: 'POST', url, headers: { ...deliveryHeaders(), ...signSquareWebhook(url, raw, key) }, rawBody: raw };
}

export function contextFor(
  s: SquareSettings = settings,
  k: SquareSecrets = secrets,
  now = TEST_NOW,
): ConnectorContext<SquareSettings, SquareSecrets> {
  return contextIn('pos', s, k, now);
}
