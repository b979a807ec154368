// Shared by the Square tests: fixtures as Square delivers them, settings, secrets and a silent context.
import { readFileSync } from 'node:fs';
import { silentLogger } from '../sdk/contract-kit.js';
import type { WebhookFixture } from '../sdk/contract-kit.js';
import type { EventType } from '../../core/events.js';
import type { ConnectorContext, WebhookRequest } from '../sdk/index.js';
import { SquareSettings, type SquareSecrets } from './config.js';
import { signSquareWebhook } from './webhook.js';

export const WEBHOOK_URL = 'https://hooks.syncline.example/webhooks/acme/square';
export const settings = SquareSettings.parse({ locationIds: ['L1AMSTERDAM0', 'L2UTRECHT00'] });
export const secrets: SquareSecrets = { accessToken: 'EAAAsimulated', signatureKey: 'test-signature-key' };
export const wrongSecrets: SquareSecrets = { ...secrets, signatureKey: 'another-signature-key' };

export function fixtureText(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
}

export function fixture(name: string): Record<string, unknown> {
  return JSON.parse(fixtureText(name)) as Record<string, unknown>;
}

/** Headers Square sends besides the signature. */
export const deliveryHeaders = (): Record<string, string> => ({
  'content-type': 'application/json',
  'user-agent': 'Square Connect v2',
  'square-initial-delivery-timestamp': '2022-11-09T21:23:26.125Z',
  'square-retry-number': '0',
});

export function webhookFixture(name: string, file: string, events: EventType[]): WebhookFixture {
  return { name, body: fixtureText(file), headers: deliveryHeaders(), expect: { events: events.length, types: events } };
}

export function signedRequest(body: string | object, url = WEBHOOK_URL, key = secrets.signatureKey): WebhookRequest {
  const raw = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  return { method: 'POST', url, headers: { ...deliveryHeaders(), ...signSquareWebhook(url, raw, key) }, rawBody: raw };
}

export function contextFor(s: SquareSettings = settings, k: SquareSecrets = secrets, now = new Date('2026-03-10T12:00:00Z')): ConnectorContext<SquareSettings, SquareSecrets> {
  return { tenantId: 'acme', instance: 'pos', settings: s, secrets: k, now: () => now, log: silentLogger };
}
