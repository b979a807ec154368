// The simulated shop's webhook subscriptions: the GraphQL Admin API's webhookSubscriptions query and its create and
// update mutations with Shopify's documented errors, and deliveries signed as Shopify signs them (HMAC of the body
// with the app's client secret) to every subscription of a topic.
import { signShopifyWebhook } from './webhook.js';
import { SUBSCRIBED_TOPICS, topicEnum } from './subscriptions.js';

interface Subscription {
  id: string;
  topic: string;
  uri: string;
}

/** The topics the simulated shop lets an app subscribe to (the compliance topics are not among them, as in Shopify). */
const TOPICS = new Set(SUBSCRIBED_TOPICS.map(topicEnum).concat(['ORDERS_UPDATED', 'PRODUCTS_CREATE', 'APP_UNINSTALLED']));
// Shopify takes only HTTPS endpoints; the simulator also takes the local stack on the loopback address.
const ACCEPTED_URI = /^(https:\/\/[^/\s]+|http:\/\/(127\.0\.0\.1|localhost)(:\d+)?)(\/\S*)?$/;

export interface DeliveryOutcome {
  uri: string;
  status: number;
}

export interface SimulatedShopifySubscriptions {
  /** What webhookSubscriptions answers, for tests. */
  list(): Subscription[];
  /** POSTs `payload` to every subscription of `topic` (`customers/create`), signed with the app's client secret. */
  deliver(topic: string, payload: unknown): Promise<DeliveryOutcome[]>;
  /** The GraphQL answer when the query is a subscription operation, else undefined. */
  answer(query: string, variables: Record<string, unknown>): unknown;
}

const userError = (field: string[], message: string) => ({ field, message });
const invalidVariable = (name: string, value: unknown, type: string) => ({
  errors: [
    {
      message: `Variable $${name} of type ${type} was provided invalid value`,
      extensions: {
        code: 'INVALID_VARIABLE',
        value,
        problems: [{ path: [], explanation: `Expected "${String(value)}" to be one of the enum values` }],
      },
    },
  ],
});

export function simulatedShopifySubscriptions(shopDomain: string, webhookSecret: () => string): SimulatedShopifySubscriptions {
  const subscriptions: Subscription[] = [];
  let nextId = 1_000_000;
  let deliveries = 0;

  function create(variables: Record<string, unknown>) {
    const topic = String(variables.topic ?? '');
    if (!TOPICS.has(topic)) return invalidVariable('topic', topic, 'WebhookSubscriptionTopic!');
    const uri = String((variables.webhookSubscription as { uri?: unknown } | undefined)?.uri ?? '');
    const fail = (e: ReturnType<typeof userError>) => ({
      data: { webhookSubscriptionCreate: { webhookSubscription: null, userErrors: [e] } },
    });
    if (!ACCEPTED_URI.test(uri))
      return fail(userError(['webhookSubscription', 'callbackUrl'], 'Address protocol http:// is not supported'));
    if (subscriptions.some((s) => s.topic === topic && s.uri === uri))
      return fail(userError(['webhookSubscription', 'callbackUrl'], 'Address for this topic has already been taken'));
    const created = { id: `gid://shopify/WebhookSubscription/${nextId++}`, topic, uri };
    subscriptions.push(created);
    return { data: { webhookSubscriptionCreate: { webhookSubscription: { ...created }, userErrors: [] } } };
  }

  function update(variables: Record<string, unknown>) {
    const fail = (e: ReturnType<typeof userError>) => ({
      data: { webhookSubscriptionUpdate: { webhookSubscription: null, userErrors: [e] } },
    });
    const found = subscriptions.find((s) => s.id === variables.id);
    if (!found) return fail(userError(['id'], 'Webhook subscription does not exist'));
    const uri = String((variables.webhookSubscription as { uri?: unknown } | undefined)?.uri ?? found.uri);
    if (!ACCEPTED_URI.test(uri))
      return fail(userError(['webhookSubscription', 'callbackUrl'], 'Address protocol http:// is not supported'));
    if (subscriptions.some((s) => s !== found && s.topic === found.topic && s.uri === uri))
      return fail(userError(['webhookSubscription', 'callbackUrl'], 'Address for this topic has already been taken'));
    found.uri = uri;
    return { data: { webhookSubscriptionUpdate: { webhookSubscription: { ...found }, userErrors: [] } } };
  }

  function list(variables: Record<string, unknown>) {
    const first = Number(variables.first ?? 0);
    if (!Number.isInteger(first) || first < 1 || first > 250)
      return { errors: [{ message: 'The first argument must be between 1 and 250', extensions: { code: 'BAD_REQUEST' } }] };
    const start = typeof variables.after === 'string' ? Number(Buffer.from(variables.after, 'base64url').toString('utf8')) : 0;
    const nodes = subscriptions.slice(start, start + first);
    const end = start + nodes.length;
    return {
      data: {
        webhookSubscriptions: {
          nodes: nodes.map((s) => ({ ...s })),
          pageInfo: {
            hasNextPage: end < subscriptions.length,
            endCursor: nodes.length ? Buffer.from(String(end)).toString('base64url') : null,
          },
        },
      },
    };
  }

  return {
    list: () => subscriptions.map((s) => ({ ...s })),
    answer(query, variables) {
      if (/\bwebhookSubscriptionCreate\s*\(/.test(query)) return create(variables);
      if (/\bwebhookSubscriptionUpdate\s*\(/.test(query)) return update(variables);
      if (/\{\s*webhookSubscriptions\s*\(/.test(query)) return list(variables);
      return undefined;
    },
    async deliver(topic, payload) {
      const raw = JSON.stringify(payload);
      const outcomes: DeliveryOutcome[] = [];
      for (const s of subscriptions.filter((x) => x.topic === topicEnum(topic))) {
        const id = `sim-${++deliveries}`;
        const response = await fetch(s.uri, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-shopify-topic': topic,
            'x-shopify-shop-domain': shopDomain,
            'x-shopify-api-version': '2025-10',
            'x-shopify-webhook-id': id,
            'x-shopify-event-id': id,
            'x-shopify-triggered-at': new Date().toISOString(),
            ...signShopifyWebhook(raw, webhookSecret()),
          },
          body: raw,
        });
        await response.arrayBuffer();
        outcomes.push({ uri: s.uri, status: response.status });
      }
      return outcomes;
    },
  };
}
