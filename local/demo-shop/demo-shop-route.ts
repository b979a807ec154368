// The demo shop of each website instance in the config (connector `website`): its pages with the site's write key.
import type { SynclineConfig } from '../../core/config.js';
import { renderDemoShop } from './demo-shop-page.js';

export function demoShopOf(config: SynclineConfig) {
  return (tenant: string, site: string, path: string, query: URLSearchParams): string | undefined => {
    const instance = config.tenants.find((t) => t.id === tenant)?.instances.find((i) => i.id === site);
    const writeKey = instance?.settings.writeKey;
    if (instance?.connector !== 'website' || typeof writeKey !== 'string') return undefined;
    return renderDemoShop({ tenant, site, writeKey }, path, query);
  };
}
