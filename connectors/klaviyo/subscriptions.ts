// Klaviyo's Webhooks API (/api/webhooks, system webhooks): one webhook carries every topic syncline reads. Klaviyo
// signs with the secret_key it is given at creation, so syncline generates the secret (stored first) and gives it
// again on every update; the API never returns it. Only Advanced KDP accounts and app partners may use this API
// (scopes webhooks:read and webhooks:write); for other accounts list answers 403 and doctor says so.
import {
  createVendorClient,
  parsePayload,
  type ConnectorContext,
  type WebhookSubscription,
  type WebhookSubscriptions,
} from '../sdk/index.js';
import * as z from 'zod';
import type { KlaviyoSecrets, KlaviyoSettings } from './config.js';

const JSON_API = 'application/vnd.api+json';

/** Topic ids of the e-mail metrics mapping.ts reads ("event:klaviyo.<metric slug>"). */
const SUBSCRIBED_TOPICS = [
  'event:klaviyo.received_email',
  'event:klaviyo.opened_email',
  'event:klaviyo.clicked_email',
  'event:klaviyo.bounced_email',
  'event:klaviyo.marked_email_as_spam',
  'event:klaviyo.unsubscribed_from_email_marketing',
  'event:klaviyo.subscribed_to_email_marketing',
] as const;

const Webhook = z
  .object({
    type: z.literal('webhook'),
    id: z.string(),
    attributes: z.object({ name: z.string().optional(), endpoint_url: z.string(), enabled: z.boolean().optional() }).loose(),
    relationships: z
      .object({ 'webhook-topics': z.object({ data: z.array(z.object({ id: z.string() }).loose()) }).loose() })
      .loose()
      .optional(),
  })
  .loose();
const Page = z.object({ data: z.array(Webhook), links: z.object({ next: z.string().nullish() }).loose().optional() }).loose();
const One = z.object({ data: Webhook }).loose();

const subscription = (w: z.infer<typeof Webhook>): WebhookSubscription => ({
  id: w.id,
  url: w.attributes.endpoint_url,
  topics: (w.relationships?.['webhook-topics']?.data ?? []).map((t) => t.id),
  active: w.attributes.enabled !== false,
  status: w.attributes.enabled === false ? 'disabled' : 'enabled',
});

function client(context: ConnectorContext<KlaviyoSettings, KlaviyoSecrets>) {
  return createVendorClient({
    vendor: 'Klaviyo',
    baseURL: context.settings.apiBaseUrl,
    headers: {
      authorization: `Klaviyo-API-Key ${context.secrets.apiKey}`,
      revision: context.settings.revision,
      accept: JSON_API,
      'content-type': JSON_API,
    },
  });
}

const topicsOf = (topics: string[]) => ({ 'webhook-topics': { data: topics.map((id) => ({ type: 'webhook-topic', id })) } });

export const klaviyoSubscriptions: WebhookSubscriptions<KlaviyoSettings, KlaviyoSecrets> = {
  topics: SUBSCRIBED_TOPICS,
  grouping: 'combined',
  signingSecret: { key: 'webhookSecret', issuedBy: 'syncline' },
  async list(context) {
    const http = client(context);
    const found: WebhookSubscription[] = [];
    let next: string | null | undefined = '/api/webhooks';
    while (next) {
      const response: { data: unknown } = await http.request<unknown>({
        method: 'GET',
        url: next,
        ...(next === '/api/webhooks' ? { params: { include: 'webhook-topics' } } : {}),
      });
      const page: z.infer<typeof Page> = parsePayload(Page, response.data, 'Klaviyo Get Webhooks response');
      found.push(...page.data.map(subscription));
      next = page.links?.next;
    }
    return found;
  },
  async create(context, target) {
    const response = await client(context).request<unknown>({
      method: 'POST',
      url: '/api/webhooks',
      data: {
        data: {
          type: 'webhook',
          attributes: {
            name: `syncline ${context.tenantId}/${context.instance}`,
            description: 'syncline: e-mail engagement and consent events',
            endpoint_url: target.url,
            secret_key: target.secret,
          },
          relationships: topicsOf(target.topics),
        },
      },
    });
    return { subscription: subscription(parsePayload(One, response.data, 'Klaviyo Create Webhook response').data) };
  },
  async update(context, id, target) {
    const response = await client(context).request<unknown>({
      method: 'PATCH',
      url: `/api/webhooks/${encodeURIComponent(id)}`,
      data: {
        data: {
          type: 'webhook',
          id,
          attributes: { endpoint_url: target.url, enabled: true, ...(target.secret !== undefined ? { secret_key: target.secret } : {}) },
          relationships: topicsOf(target.topics),
        },
      },
    });
    return { subscription: subscription(parsePayload(One, response.data, 'Klaviyo Update Webhook response').data) };
  },
};
