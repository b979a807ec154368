// The installed connectors, by name. An agency's own connector is added here (npm run connector:new says how).
import type { AnyConnector } from './sdk/index.js';
import { copernica } from './copernica/index.js';
import { klaviyo } from './klaviyo/index.js';
import { mailchimp } from './mailchimp/index.js';
import { shopify } from './shopify/index.js';

export const installedConnectors: Readonly<Record<string, AnyConnector>> = Object.freeze(
  Object.fromEntries([shopify, copernica, mailchimp, klaviyo].map((connector) => [connector.name, connector])),
);
