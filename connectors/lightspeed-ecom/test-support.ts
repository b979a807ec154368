// Shared test fixtures for the Lightspeed eCom connector: settings, secrets, fixture files and signed requests.
import { readFileSync } from 'node:fs';
import { silentLogger } from '../sdk/contract-kit.js';
import type { ConnectorContext, WebhookRequest } from '../sdk/index.js';
import { LightspeedEcomSettings, type LightspeedEcomSecrets } from './config.js';
import { signEcomWebhook } from './webhook.js';

export const WEBHOOK_URL = 'https://hooks.syncline.example/webhooks/acme/webshop';
export const settings: LightspeedEcomSettings = LightspeedEcomSettings.parse({ language: 'nl', currency: 'EUR' });
export const secrets: LightspeedEcomSecrets = { apiKey: 'test-api-key', apiSecret: 'test-api-secret', webhookSecret: 'test-app-secret' };
export const wrongSecrets: LightspeedEcomSecrets = { ...secrets, webhookSecret: 'another-app-secret' };

export function fixtureText(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
}

export function fixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(fixtureText(name)) as T;
}

export const JSON_HEADERS = { 'content-type': 'application/json' };

export function signedRequest(body: string | object, headers: Record<string, string> = {}): WebhookRequest {
  const raw = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  return { method: 'POST', url: WEBHOOK_URL, headers: { ...JSON_HEADERS, ...signEcomWebhook(raw, secrets.webhookSecret!), ...headers }, rawBody: raw };
}

export function contextFor(
  s: LightspeedEcomSettings = settings,
  k: LightspeedEcomSecrets = secrets,
  now = new Date('2026-03-10T12:00:00Z'),
): ConnectorContext<LightspeedEcomSettings, LightspeedEcomSecrets> {
  return { tenantId: 'acme', instance: 'webshop', settings: s, secrets: k, now: () => now, log: silentLogger };
}
