// The benchmark tenant: a shop that sends, a mail platform that engages and receives pushes.
import { SynclineConfig, type TenantConfig } from '../core/config.js';
import { TENANT } from './workload.js';

export function benchConfig(settings: { shop?: Record<string, unknown>; mail?: Record<string, unknown> } = {}): SynclineConfig {
  return SynclineConfig.parse({
    tenants: [
      {
        id: TENANT,
        sourcePriority: ['shop', 'mail'],
        instances: [
          { id: 'shop', connector: 'shopify', webhooks: true, settings: settings.shop ?? {} },
          { id: 'mail', connector: 'copernica', webhooks: true, push: true, settings: settings.mail ?? {} },
        ],
      },
    ],
  });
}

export function benchTenant(): TenantConfig {
  return benchConfig().tenants[0]!;
}
