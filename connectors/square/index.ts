// The Square connector: signed customer webhooks in, incremental poll of customers, the catalog, orders and (when on)
// loyalty (Customers, Catalog, Orders and Loyalty APIs).
import { defineConnector } from '../sdk/index.js';
import { SquareSecrets, SquareSettings } from './config.js';
import { pollSquare } from './poll.js';
import { squareSubscriptions } from './subscriptions.js';
import { parseSquareWebhook } from './topics.js';
import { verifySquareWebhook } from './webhook.js';

export { SquareSecrets, SquareSettings } from './config.js';

export const square = defineConnector<SquareSettings, SquareSecrets>({
  name: 'square',
  kind: 'pos',
  description:
    'Square: webhooks signed over notification URL + body (customer.created/updated; order and payment events acknowledged), incremental poll of customers, catalog (items and categories), orders and, with loyalty on, loyalty accounts and the sales points were collected on, via SearchCustomers, SearchCatalogObjects, SearchOrders and SearchLoyaltyEvents',
  settingsSchema: SquareSettings,
  secretsSchema: SquareSecrets,
  verifyWebhook: (request, secrets, settings) => verifySquareWebhook(request, secrets, settings),
  parseWebhook: parseSquareWebhook,
  poll: (context, cursor, budget) => pollSquare(context, cursor, budget),
  subscriptions: squareSubscriptions,
});
