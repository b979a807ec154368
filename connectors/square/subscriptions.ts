// Square's Webhook Subscriptions API (/v2/webhooks/subscriptions): one subscription carries every event type syncline
// reads. Square issues the signature key when the subscription is created (and only then shows it), so connect
// stores it in the instance's secret; when that key is lost, update has Square issue a new one. Subscriptions belong
// to the application, not the seller: the API takes the application's personal access token, not an OAuth token.
import { randomUUID } from 'node:crypto';
import {
  createVendorClient,
  parsePayload,
  type ConnectorContext,
  type WebhookSubscription,
  type WebhookSubscriptions,
} from '../sdk/index.js';
import * as z from 'zod';
import { apiBase, type SquareSecrets, type SquareSettings } from './config.js';

/** The event types parseWebhook maps (EVENT_TYPES in topics.ts); the acknowledged ones are not subscribed. */
const SUBSCRIBED_EVENT_TYPES = ['customer.created', 'customer.updated'] as const;

const Subscription = z
  .object({
    id: z.string(),
    name: z.string().optional(),
    enabled: z.boolean().optional(),
    event_types: z.array(z.string()).optional(),
    notification_url: z.string(),
    signature_key: z.string().optional(),
  })
  .loose();
const One = z.object({ subscription: Subscription });
const Page = z.object({ subscriptions: z.array(Subscription).optional(), cursor: z.string().optional() });

const subscription = (s: z.infer<typeof Subscription>): WebhookSubscription => ({
  id: s.id,
  url: s.notification_url,
  topics: s.event_types ?? [],
  active: s.enabled !== false,
  status: s.enabled === false ? 'disabled' : 'enabled',
});

function client(context: ConnectorContext<SquareSettings, SquareSecrets>) {
  return createVendorClient({
    vendor: 'Square',
    baseURL: apiBase(context.settings),
    headers: {
      authorization: `Bearer ${context.secrets.accessToken}`,
      'square-version': context.settings.squareVersion,
      'content-type': 'application/json',
      accept: 'application/json',
    },
  });
}

export const squareSubscriptions: WebhookSubscriptions<SquareSettings, SquareSecrets> = {
  topics: SUBSCRIBED_EVENT_TYPES,
  grouping: 'combined',
  signingSecret: { key: 'signatureKey', issuedBy: 'vendor' },
  // Square signs the notification URL with the body: the verifier reads it from this setting (webhook.ts).
  urlSetting: 'notificationUrl',
  async list(context) {
    const http = client(context);
    const found: WebhookSubscription[] = [];
    let cursor: string | undefined;
    do {
      const params = { include_disabled: true, limit: 100, ...(cursor ? { cursor } : {}) };
      const response = await http.request<unknown>({ method: 'GET', url: '/v2/webhooks/subscriptions', params });
      const page = parsePayload(Page, response.data, 'Square ListWebhookSubscriptions response');
      found.push(...(page.subscriptions ?? []).map(subscription));
      cursor = page.cursor;
    } while (cursor);
    return found;
  },
  async create(context, target) {
    const response = await client(context).request<unknown>({
      method: 'POST',
      url: '/v2/webhooks/subscriptions',
      data: {
        idempotency_key: randomUUID(),
        subscription: {
          name: `syncline ${context.tenantId}/${context.instance}`.slice(0, 64),
          event_types: target.topics,
          notification_url: target.url,
          api_version: context.settings.squareVersion,
        },
      },
    });
    const created = parsePayload(One, response.data, 'Square CreateWebhookSubscription response').subscription;
    return { subscription: subscription(created), ...(created.signature_key ? { issuedSecret: created.signature_key } : {}) };
  },
  async update(context, id, target) {
    const http = client(context);
    const path = `/v2/webhooks/subscriptions/${encodeURIComponent(id)}`;
    const response = await http.request<unknown>({
      method: 'PUT',
      url: path,
      data: { subscription: { enabled: true, event_types: target.topics, notification_url: target.url } },
    });
    const updated = subscription(parsePayload(One, response.data, 'Square UpdateWebhookSubscription response').subscription);
    if (target.secret !== undefined) return { subscription: updated };
    // The key is shown only at creation: without it, deliveries cannot be verified, so Square issues a new one.
    const rotated = await http.request<unknown>({ method: 'POST', url: `${path}/signature-key`, data: { idempotency_key: randomUUID() } });
    const key = parsePayload(
      z.object({ signature_key: z.string() }),
      rotated.data,
      'Square UpdateWebhookSubscriptionSignatureKey response',
    );
    return { subscription: updated, issuedSecret: key.signature_key };
  },
};
