// The Lightspeed Retail (X-Series, formerly Vend) connector: signed customer.update and sale.update webhooks, a
// poll of the API 2.0 change feed of customers, products (the catalog) and sales, and erasure of the customer record.
import { defineConnector } from '../sdk/index.js';
import { LightspeedRetailSecrets, LightspeedRetailSettings } from './config.js';
import { eraseRetailCustomers } from './erase.js';
import { CUSTOMER_ATTRIBUTES } from './mapping.js';
import { pollRetail } from './poll.js';
import { parseRetailWebhook, verifyRetailWebhook } from './webhook.js';

export { LightspeedRetailSecrets, LightspeedRetailSettings } from './config.js';

export const lightspeedRetail = defineConnector<LightspeedRetailSettings, LightspeedRetailSecrets>({
  name: 'lightspeed-retail',
  kind: 'pos',
  description:
    'Lightspeed Retail (X-Series): HMAC-signed customer.update and sale.update webhooks; poll of the API 2.0 customers, products (catalog: type, categories, price) and sales change feed (after=<version>); customer deletion for erasure',
  settingsSchema: LightspeedRetailSettings,
  secretsSchema: LightspeedRetailSecrets,
  verifyWebhook: (request, secrets) => verifyRetailWebhook(request, secrets),
  parseWebhook: parseRetailWebhook,
  poll: (context, cursor, budget) => pollRetail(context, cursor, budget),
  erase: (context, subjects) => eraseRetailCustomers(context, subjects),
  customAttributes: { customer: CUSTOMER_ATTRIBUTES },
});
