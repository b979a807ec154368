// Shared by the Klaviyo tests: documented deliveries signed as Klaviyo signs them, settings and a silent context.
import { readFileSync } from 'node:fs';
import { silentLogger } from '../sdk/contract-kit.js';
import type { ConnectorContext, WebhookRequest } from '../sdk/index.js';
import { KlaviyoSettings, type KlaviyoSecrets } from './config.js';
import { signKlaviyoWebhook } from './webhook.js';

export const WEBHOOK_URL = 'https://hooks.syncline.example/webhooks/acme/klaviyo-us';
export const INSTANCE = 'klaviyo-us';
export const settings = KlaviyoSettings.parse({ listId: 'Y6nRLr' });
/** The API key matches the simulator's, so the contract kit can poll and push with these secrets. */
export const secrets: KlaviyoSecrets = { apiKey: 'pk_simulated_0123456789', webhookSecret: 'test-webhook-secret-0123456789' };
export const wrongSecrets: KlaviyoSecrets = { ...secrets, webhookSecret: 'another-webhook-secret-9876543210' };

export function fixtureText(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
}

export function signedRequest(body: string, now = new Date(), overrides: Record<string, string> = {}, secret = secrets.webhookSecret): WebhookRequest {
  return {
    method: 'POST',
    url: WEBHOOK_URL,
    headers: { 'content-type': 'application/json', ...signKlaviyoWebhook(body, secret, now), ...overrides },
    rawBody: Buffer.from(body),
  };
}

export function contextFor(s: KlaviyoSettings = settings, k: KlaviyoSecrets = secrets, now = new Date('2026-03-10T12:00:00Z')): ConnectorContext<KlaviyoSettings, KlaviyoSecrets> {
  return { tenantId: 'acme', instance: INSTANCE, settings: s, secrets: k, now: () => now, log: silentLogger };
}
