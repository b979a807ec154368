// The installed connectors, one line each: `npm run connector:new` prints the line to add for a new one. Each is a
// loader, so a Lambda handler loads only the connector a route or destination names (esbuild keeps every one lazy).
import type { AnyConnector } from './sdk/index.js';

export const installed: Readonly<Record<string, () => Promise<AnyConnector>>> = {
  shopify: () => import('./shopify/index.js').then((m) => m.shopify),
  woocommerce: () => import('./woocommerce/index.js').then((m) => m.woocommerce),
  'lightspeed-ecom': () => import('./lightspeed-ecom/index.js').then((m) => m.lightspeedEcom),
  'lightspeed-retail': () => import('./lightspeed-retail/index.js').then((m) => m.lightspeedRetail),
  square: () => import('./square/index.js').then((m) => m.square),
  copernica: () => import('./copernica/index.js').then((m) => m.copernica),
  mailchimp: () => import('./mailchimp/index.js').then((m) => m.mailchimp),
  klaviyo: () => import('./klaviyo/index.js').then((m) => m.klaviyo),
  squeezely: () => import('./squeezely/index.js').then((m) => m.squeezely),
  selligent: () => import('./selligent/index.js').then((m) => m.selligent),
  website: () => import('./website/index.js').then((m) => m.website),
  'meta-audiences': () => import('./meta-audiences/index.js').then((m) => m.metaAudiences),
  'google-customer-match': () => import('./google-customer-match/index.js').then((m) => m.googleCustomerMatch),
};

/** Loads one installed connector by name; each is loaded once per process. Undefined when none has that name. */
export async function loadConnector(name: string): Promise<AnyConnector | undefined> {
  const load = Object.hasOwn(installed, name) ? installed[name] : undefined;
  if (!load) return undefined;
  let loaded = cache.get(name);
  if (!loaded) {
    loaded = load().then((connector) => {
      if (connector.name !== name) throw new Error(`connectors/installed.ts registers "${connector.name}" under the name "${name}"`);
      return connector;
    });
    cache.set(name, loaded);
    loaded.catch(() => cache.delete(name));
  }
  return loaded;
}

const cache = new Map<string, Promise<AnyConnector>>();
