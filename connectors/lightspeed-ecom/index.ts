// The Lightspeed eCom (C-Series) connector: signed customers and orders webhooks, a poll of customers and orders
// (with their order products) by updated_at_min, and erasure of the customer account.
import { defineConnector } from '../sdk/index.js';
import { LightspeedEcomSecrets, LightspeedEcomSettings } from './config.js';
import { eraseEcomCustomers } from './erase.js';
import { pollEcom } from './poll.js';
import { lightspeedEcomSubscriptions } from './subscriptions.js';
import { parseEcomWebhook, verifyEcomWebhook } from './webhook.js';

export { LightspeedEcomSecrets, LightspeedEcomSettings } from './config.js';

export const lightspeedEcom = defineConnector<LightspeedEcomSettings, LightspeedEcomSecrets>({
  name: 'lightspeed-ecom',
  kind: 'shop',
  description:
    'Lightspeed eCom (C-Series): signed customers and orders webhooks (created/updated) and products webhooks (created/updated/deleted); poll of the catalog (products with variants and categories), customers and orders with their products by updated_at_min; customer deletion for erasure',
  settingsSchema: LightspeedEcomSettings,
  secretsSchema: LightspeedEcomSecrets,
  verifyWebhook: (request, secrets) => verifyEcomWebhook(request, secrets),
  parseWebhook: parseEcomWebhook,
  poll: (context, cursor, budget) => pollEcom(context, cursor, budget),
  erase: (context, subjects) => eraseEcomCustomers(context, subjects),
  subscriptions: lightspeedEcomSubscriptions,
});
