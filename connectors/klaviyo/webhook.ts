// Klaviyo system webhooks: hex HMAC-SHA256 of the raw body followed by Klaviyo-Timestamp, replay window, webhook id check.
import {
  hmacWebhook,
  parseJsonBody,
  parsePayload,
  SignatureInvalid,
  type ConnectorContext,
  type EventDraft,
  type WebhookRequest,
} from '../sdk/index.js';
import type { KlaviyoSecrets, KlaviyoSettings } from './config.js';
import { klaviyoEventToDrafts, klaviyoTimeToIso, topicSlug } from './mapping.js';
import { SystemWebhook } from './schemas.js';

const signature = hmacWebhook<KlaviyoSecrets>({
  vendor: 'Klaviyo',
  header: 'Klaviyo-Signature',
  encoding: 'hex',
  // The timestamp is signed exactly as it appears in its header, after the body.
  signs: (request) => [request.rawBody, request.headers['klaviyo-timestamp'] ?? ''],
  secret: (secrets) => secrets.webhookSecret,
  mismatch: 'Klaviyo webhook signature does not match the body and timestamp (wrong secret or altered request)',
});

export function verifyKlaviyoWebhook(request: WebhookRequest, secrets: KlaviyoSecrets, settings: KlaviyoSettings, now: Date): void {
  const timestamp = request.headers['klaviyo-timestamp'];
  const webhookId = request.headers['klaviyo-webhook-id'];
  if (!request.headers['klaviyo-signature'] || !timestamp)
    throw new SignatureInvalid('Klaviyo webhook without Klaviyo-Signature and Klaviyo-Timestamp');
  signature.verify(request, secrets, undefined);
  const sentAt = Date.parse(timestamp);
  if (Number.isNaN(sentAt)) throw new SignatureInvalid('Klaviyo-Timestamp is not a date');
  if (Math.abs(now.getTime() - sentAt) > settings.webhookMaxAgeSeconds * 1000) {
    throw new SignatureInvalid(`Klaviyo webhook sent more than ${settings.webhookMaxAgeSeconds} s from now: a replay or a clock problem`);
  }
  if (!webhookId) throw new SignatureInvalid('Klaviyo webhook without Klaviyo-Webhook-Id');
  if (settings.webhookIds && !settings.webhookIds.includes(webhookId))
    throw new SignatureInvalid('Klaviyo webhook id is not one this instance subscribed');
  let bodyId: unknown;
  try {
    bodyId = (JSON.parse(request.rawBody.toString('utf8')) as { meta?: { klaviyo_webhook_id?: unknown } }).meta?.klaviyo_webhook_id;
  } catch {
    return; // authentic but not JSON: parseWebhook reports it as PayloadInvalid
  }
  // Klaviyo: "If these values do not match, this indicates potential malicious activity."
  if (bodyId !== webhookId) throw new SignatureInvalid('meta.klaviyo_webhook_id does not match the Klaviyo-Webhook-Id header');
}

export function parseKlaviyoWebhook(request: WebhookRequest, context: ConnectorContext<KlaviyoSettings, KlaviyoSecrets>): EventDraft[] {
  const delivery = parsePayload(SystemWebhook, parseJsonBody(request.rawBody, 'Klaviyo webhook'), 'Klaviyo webhook');
  const fallback = klaviyoTimeToIso(delivery.meta.timestamp) ?? context.now().toISOString();
  return delivery.data.flatMap((item) => {
    const event = item.payload.data;
    const attributes = event.attributes;
    const occurredAt =
      klaviyoTimeToIso(attributes.datetime) ??
      (attributes.timestamp !== undefined ? new Date(attributes.timestamp * 1000).toISOString() : fallback);
    const profileId = event.relationships?.profile?.data?.id;
    return klaviyoEventToDrafts(
      {
        id: event.id,
        metric: topicSlug(item.topic),
        occurredAt,
        properties: attributes.event_properties ?? {},
        ...(profileId ? { profileId } : {}),
      },
      context.instance,
    );
  });
}

/** The headers Klaviyo sends with a signed delivery (tests and the local demo sign with it). */
export function signKlaviyoWebhook(rawBody: Buffer | string, secret: string, now: Date, webhookId?: string): Record<string, string> {
  const timestamp = now.toUTCString();
  let id = webhookId;
  if (id === undefined) {
    try {
      id = String((JSON.parse(rawBody.toString()) as { meta?: { klaviyo_webhook_id?: unknown } }).meta?.klaviyo_webhook_id ?? '');
    } catch {
      id = '';
    }
  }
  return {
    ...signature.sign(secret, rawBody, timestamp),
    'klaviyo-timestamp': timestamp,
    'klaviyo-webhook-id': id,
  };
}
