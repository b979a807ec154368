// The installed connectors, by name. An agency's own connector is added here: npm run connector:new prints the lines.
import type { AnyConnector } from './sdk/index.js';
import { copernica } from './copernica/index.js';
import { klaviyo } from './klaviyo/index.js';
import { lightspeedEcom } from './lightspeed-ecom/index.js';
import { lightspeedRetail } from './lightspeed-retail/index.js';
import { mailchimp } from './mailchimp/index.js';
import { selligent } from './selligent/index.js';
import { shopify } from './shopify/index.js';
import { square } from './square/index.js';
import { squeezely } from './squeezely/index.js';
import { woocommerce } from './woocommerce/index.js';

export const installedConnectors: Readonly<Record<string, AnyConnector>> = Object.freeze(
  Object.fromEntries([shopify, woocommerce, lightspeedEcom, lightspeedRetail, square, copernica, mailchimp, klaviyo, squeezely, selligent].map((connector) => [connector.name, connector])),
);
