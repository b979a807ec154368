// The installed connectors, by name. An agency's own connector is added here (npm run connector:new does it).
import type { AnyConnector } from './sdk/index.js';
import { copernica } from './copernica/index.js';
import { shopify } from './shopify/index.js';

export const installedConnectors: Readonly<Record<string, AnyConnector>> = Object.freeze({
  [shopify.name]: shopify,
  [copernica.name]: copernica,
});
