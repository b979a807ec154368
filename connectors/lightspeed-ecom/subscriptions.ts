// Lightspeed eCom's webhooks resource (/{language}/webhooks.json): one webhook per item group and action, JSON format,
// in the shop language the API answers in. Lightspeed eCom signs every delivery with the app secret (x-signature),
// not with a secret per webhook, so connect stores no secret. Unconfirmed against the reference (see
// fixtures/SOURCES.md): the field names and that a webhook can be inactive (isActive) come from client libraries.
import {
  createVendorClient,
  parsePayload,
  type ConnectorContext,
  type WebhookSubscription,
  type WebhookSubscriptions,
} from '../sdk/index.js';
import * as z from 'zod';
import { apiRoot, type LightspeedEcomSecrets, type LightspeedEcomSettings } from './config.js';

/** `itemGroup.itemAction` of the webhooks parseWebhook reads. */
const SUBSCRIBED_TOPICS = [
  'customers.created',
  'customers.updated',
  'orders.created',
  'orders.updated',
  'products.created',
  'products.updated',
  'products.deleted',
] as const;

const Webhook = z
  .object({
    id: z.number(),
    isActive: z.boolean(),
    itemGroup: z.string(),
    itemAction: z.string(),
    language: z.string().optional(),
    format: z.string().optional(),
    address: z.string(),
  })
  .loose();

const subscription = (w: z.infer<typeof Webhook>): WebhookSubscription => ({
  id: String(w.id),
  url: w.address,
  topics: [`${w.itemGroup}.${w.itemAction}`],
  // A webhook delivering XML would not parse: it counts as not active.
  active: w.isActive && (w.format ?? 'json') === 'json',
  status: w.isActive ? ((w.format ?? 'json') === 'json' ? 'active' : `active, format ${w.format}`) : 'inactive',
});

function client(context: ConnectorContext<LightspeedEcomSettings, LightspeedEcomSecrets>) {
  const basic = Buffer.from(`${context.secrets.apiKey}:${context.secrets.apiSecret}`).toString('base64');
  return createVendorClient({
    vendor: 'Lightspeed eCom',
    baseURL: apiRoot(context.settings),
    headers: { authorization: `Basic ${basic}`, accept: 'application/json' },
  });
}

const body = (context: ConnectorContext<LightspeedEcomSettings, LightspeedEcomSecrets>, url: string, topic: string) => {
  const [itemGroup, itemAction] = topic.split('.');
  return { webhook: { isActive: true, itemGroup, itemAction, language: context.settings.language, format: 'json', address: url } };
};

export const lightspeedEcomSubscriptions: WebhookSubscriptions<LightspeedEcomSettings, LightspeedEcomSecrets> = {
  topics: SUBSCRIBED_TOPICS,
  grouping: 'per-topic',
  async list(context) {
    const http = client(context);
    const found: WebhookSubscription[] = [];
    for (let page = 1; ; page++) {
      const response = await http.request<unknown>({ method: 'GET', url: '/webhooks.json', params: { page, limit: 250 } });
      const webhooks = parsePayload(z.object({ webhooks: z.array(Webhook) }), response.data, 'Lightspeed eCom webhooks').webhooks;
      found.push(...webhooks.map(subscription));
      if (webhooks.length < 250) return found;
    }
  },
  async create(context, target) {
    const response = await client(context).request<unknown>({
      method: 'POST',
      url: '/webhooks.json',
      data: body(context, target.url, target.topics[0]!),
    });
    return { subscription: subscription(parsePayload(z.object({ webhook: Webhook }), response.data, 'Lightspeed eCom webhook').webhook) };
  },
  async update(context, id, target) {
    const response = await client(context).request<unknown>({
      method: 'PUT',
      url: `/webhooks/${encodeURIComponent(id)}.json`,
      data: body(context, target.url, target.topics[0]!),
    });
    return { subscription: subscription(parsePayload(z.object({ webhook: Webhook }), response.data, 'Lightspeed eCom webhook').webhook) };
  },
};
