// The WooCommerce connector: signed webhooks for customers, orders and products, incremental poll through the REST API v3.
import { defineConnector } from '../sdk/index.js';
import { WooCommerceSecrets, WooCommerceSettings } from './config.js';
import { pollWooCommerce } from './poll.js';
import { wooCommerceSubscriptions } from './subscriptions.js';
import { parseWooCommerceWebhook } from './topics.js';
import { verifyWooCommerceWebhook } from './webhook.js';

export { WooCommerceSecrets, WooCommerceSettings } from './config.js';

export const woocommerce = defineConnector<WooCommerceSettings, WooCommerceSecrets>({
  name: 'woocommerce',
  kind: 'shop',
  description:
    'WooCommerce: HMAC-signed webhooks for customers and orders (created/updated) and products (created/updated/deleted/restored); incremental poll of products, customers and orders through the REST API v3',
  settingsSchema: WooCommerceSettings,
  secretsSchema: WooCommerceSecrets,
  verifyWebhook: (request, secrets) => verifyWooCommerceWebhook(request, secrets),
  parseWebhook: parseWooCommerceWebhook,
  poll: (context, cursor, budget) => pollWooCommerce(context, cursor, budget),
  subscriptions: wooCommerceSubscriptions,
});
