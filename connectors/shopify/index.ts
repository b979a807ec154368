// The Shopify connector: signed webhooks in (customers, orders, checkouts, consent, privacy), GraphQL Admin API poll.
import { defineConnector } from '../sdk/index.js';
import { ShopifySecrets, ShopifySettings } from './config.js';
import { pollShopify } from './poll.js';
import { shopifySubscriptions } from './subscriptions.js';
import { parseShopifyWebhook } from './topics.js';
import { verifyShopifyWebhook } from './webhook.js';

export { ShopifySecrets, ShopifySettings } from './config.js';

export const shopify = defineConnector<ShopifySettings, ShopifySecrets>({
  name: 'shopify',
  kind: 'shop',
  description:
    'Shopify: HMAC-signed webhooks for customers, orders, checkouts, e-mail consent and the privacy topics; incremental poll of customers and orders through the GraphQL Admin API',
  settingsSchema: ShopifySettings,
  secretsSchema: ShopifySecrets,
  verifyWebhook: (request, secrets) => verifyShopifyWebhook(request, secrets),
  parseWebhook: parseShopifyWebhook,
  poll: (context, cursor, budget) => pollShopify(context, cursor, budget),
  subscriptions: shopifySubscriptions,
});
