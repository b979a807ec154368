// Shopify's webhook subscriptions through the GraphQL Admin API (webhookSubscriptions, webhookSubscriptionCreate,
// webhookSubscriptionUpdate): one subscription per topic. Shopify signs every delivery with the app's client secret,
// so there is no per-subscription secret to store. The privacy topics (customers/redact, customers/data_request,
// shop/redact) are mandatory compliance webhooks that Shopify takes only from the app's configuration (Partner
// Dashboard or shopify.app.toml), not through this API: they are left out here (fixtures/SOURCES.md).
import { parsePayload, VendorRejected, type ConnectorContext, type WebhookSubscription, type WebhookSubscriptions } from '../sdk/index.js';
import * as z from 'zod';
import { ShopifyClient } from './client.js';
import type { ShopifySecrets, ShopifySettings } from './config.js';

/** The topics connect subscribes, in Shopify's webhook names (the X-Shopify-Topic header). */
export const SUBSCRIBED_TOPICS = [
  'customers/create',
  'customers/update',
  'orders/create',
  'checkouts/create',
  'checkouts/update',
  'customers/email_marketing_consent_update',
  'products/create',
  'products/update',
  'products/delete',
] as const;

/** `customers/email_marketing_consent_update` ↔ the GraphQL enum `CUSTOMERS_EMAIL_MARKETING_CONSENT_UPDATE`. */
export const topicEnum = (topic: string) => topic.toUpperCase().replace('/', '_');
const topicName = (value: string) => value.toLowerCase().replace('_', '/');

const LIST = `query SynclineWebhookSubscriptions($first: Int!, $after: String) {
  webhookSubscriptions(first: $first, after: $after) {
    nodes { id topic uri }
    pageInfo { hasNextPage endCursor }
  }
}`;
const CREATE = `mutation SynclineWebhookSubscriptionCreate($topic: WebhookSubscriptionTopic!, $webhookSubscription: WebhookSubscriptionInput!) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: $webhookSubscription) {
    webhookSubscription { id topic uri }
    userErrors { field message }
  }
}`;
const UPDATE = `mutation SynclineWebhookSubscriptionUpdate($id: ID!, $webhookSubscription: WebhookSubscriptionInput!) {
  webhookSubscriptionUpdate(id: $id, webhookSubscription: $webhookSubscription) {
    webhookSubscription { id topic uri }
    userErrors { field message }
  }
}`;

const Node = z.object({ id: z.string(), topic: z.string(), uri: z.string() });
const ListData = z.object({
  webhookSubscriptions: z.object({
    nodes: z.array(Node),
    pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullish() }),
  }),
});
const Payload = z.object({
  webhookSubscription: Node.nullish(),
  userErrors: z.array(z.object({ field: z.array(z.string()).nullish(), message: z.string() })),
});

/** Shopify removes a subscription that keeps failing, so one that is listed is delivering. */
const subscription = (node: z.infer<typeof Node>): WebhookSubscription => ({
  id: node.id,
  url: node.uri,
  topics: [topicName(node.topic)],
  active: true,
  status: 'active',
});

async function mutate(
  context: ConnectorContext<ShopifySettings, ShopifySecrets>,
  field: 'webhookSubscriptionCreate' | 'webhookSubscriptionUpdate',
  query: string,
  variables: Record<string, unknown>,
) {
  const data = await new ShopifyClient(context.settings, context.secrets).query(field, query, variables);
  const payload = parsePayload(z.object({ [field]: Payload }), data, `Shopify ${field} response`)[field] as z.infer<typeof Payload>;
  if (payload.userErrors.length > 0 || !payload.webhookSubscription)
    throw new VendorRejected(
      `Shopify refused ${field}: ${payload.userErrors.map((e) => `${(e.field ?? []).join('.')} ${e.message}`.trim()).join('; ')}`,
    );
  return { subscription: subscription(payload.webhookSubscription) };
}

export const shopifySubscriptions: WebhookSubscriptions<ShopifySettings, ShopifySecrets> = {
  topics: SUBSCRIBED_TOPICS,
  grouping: 'per-topic',
  async list(context) {
    const client = new ShopifyClient(context.settings, context.secrets);
    const found: WebhookSubscription[] = [];
    let after: string | null = null;
    for (;;) {
      const data = await client.query('webhookSubscriptions query', LIST, { first: 100, after });
      const page = parsePayload(ListData, data, 'Shopify webhookSubscriptions page').webhookSubscriptions;
      found.push(...page.nodes.map(subscription));
      if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) return found;
      after = page.pageInfo.endCursor;
    }
  },
  create: (context, target) =>
    mutate(context, 'webhookSubscriptionCreate', CREATE, {
      topic: topicEnum(target.topics[0]!),
      webhookSubscription: { uri: target.url, format: 'JSON' },
    }),
  update: (context, id, target) => mutate(context, 'webhookSubscriptionUpdate', UPDATE, { id, webhookSubscription: { uri: target.url } }),
};
