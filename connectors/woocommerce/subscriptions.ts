// WooCommerce's webhooks through the REST API v3 (/wp-json/wc/v3/webhooks): one webhook per topic, status active,
// paused (by an admin) or disabled (by WooCommerce, after repeated failed deliveries). WooCommerce signs with the
// secret it is given, so syncline generates the secret and gives every webhook of the instance the same one; the
// API never returns it, so each create and update sends it again.
import {
  createVendorClient,
  parsePayload,
  type ConnectorContext,
  type WebhookSubscription,
  type WebhookSubscriptions,
} from '../sdk/index.js';
import * as z from 'zod';
import { restBaseUrl, type WooCommerceSecrets, type WooCommerceSettings } from './config.js';

/** The topics connect subscribes (TOPICS in topics.ts without the acknowledged-only ones). */
const SUBSCRIBED_TOPICS = [
  'customer.created',
  'customer.updated',
  'order.created',
  'order.updated',
  'product.created',
  'product.updated',
  'product.deleted',
  'product.restored',
] as const;

const Webhook = z
  .object({ id: z.number(), name: z.string().optional(), status: z.string(), topic: z.string(), delivery_url: z.string() })
  .loose();

const subscription = (webhook: z.infer<typeof Webhook>): WebhookSubscription => ({
  id: String(webhook.id),
  url: webhook.delivery_url,
  topics: [webhook.topic],
  active: webhook.status === 'active',
  status: webhook.status,
});

function client(context: ConnectorContext<WooCommerceSettings, WooCommerceSecrets>) {
  const { consumerKey, consumerSecret } = context.secrets;
  return createVendorClient({
    vendor: 'WooCommerce',
    baseURL: restBaseUrl(context.settings),
    headers: { authorization: `Basic ${Buffer.from(`${consumerKey}:${consumerSecret}`).toString('base64')}`, accept: 'application/json' },
  });
}

export const wooCommerceSubscriptions: WebhookSubscriptions<WooCommerceSettings, WooCommerceSecrets> = {
  topics: SUBSCRIBED_TOPICS,
  grouping: 'per-topic',
  signingSecret: { key: 'webhookSecret', issuedBy: 'syncline' },
  async list(context) {
    const http = client(context);
    const found: WebhookSubscription[] = [];
    for (let page = 1; ; page++) {
      const response = await http.request<unknown>({ method: 'GET', url: '/webhooks', params: { page, per_page: 100 } });
      found.push(...parsePayload(z.array(Webhook), response.data, 'WooCommerce webhooks page').map(subscription));
      if (page >= Number(response.headers['x-wp-totalpages'] ?? 1)) return found;
    }
  },
  async create(context, target) {
    const [topic] = target.topics;
    const response = await client(context).request<unknown>({
      method: 'POST',
      url: '/webhooks',
      data: {
        name: `syncline ${context.tenantId}/${context.instance} ${topic}`,
        topic,
        delivery_url: target.url,
        secret: target.secret,
        status: 'active',
      },
    });
    return { subscription: subscription(parsePayload(Webhook, response.data, 'WooCommerce webhook')) };
  },
  async update(context, id, target) {
    const response = await client(context).request<unknown>({
      method: 'PUT',
      url: `/webhooks/${encodeURIComponent(id)}`,
      data: { delivery_url: target.url, secret: target.secret, status: 'active' },
    });
    return { subscription: subscription(parsePayload(Webhook, response.data, 'WooCommerce webhook')) };
  },
};
