// Simulated vendors for instances whose settings say `"apiBaseUrl": "simulator"`: started in-process with generated
// secrets, so `npm start` works on one machine with no vendor account.
import { randomBytes } from 'node:crypto';
import type { InstanceConfig, SynclineConfig } from '../core/config.js';
import { startCopernicaSimulator, type CopernicaSimulator } from '../connectors/copernica/simulator.js';
import { generateSampleShop, startShopifySimulator, type ShopifySimulator } from '../connectors/shopify/simulator.js';
import { generateSampleStore, startWooCommerceSimulator } from '../connectors/woocommerce/simulator.js';
import type { SimulatorFaults } from '../connectors/sdk/contract-kit.js';

export interface SimulatorOptions {
  /** Faults a simulated vendor injects into its answers (fault tests and the soak); none by default. */
  faults?: (tenantId: string, instance: string) => SimulatorFaults | undefined;
  /** Customers in each simulated shop's sample data, which polls read (default 25 for Shopify, 10 for WooCommerce). */
  sampleCustomers?: number;
}

export const SIMULATOR = 'simulator';

interface Running {
  tenantId: string;
  instance: string;
  settings: Record<string, unknown>;
  secrets: Record<string, unknown>;
  stop(): Promise<void>;
}

export interface RunningSimulators {
  /** The config with every "simulator" base URL replaced by the running simulator's. */
  config: SynclineConfig;
  secretsFor(tenantId: string, instance: string): Record<string, unknown> | undefined;
  shopify(tenantId: string, instance: string): ShopifySimulator | undefined;
  copernica(tenantId: string, instance: string): CopernicaSimulator | undefined;
  describe(): string[];
  stop(): Promise<void>;
}

export async function startSimulators(config: SynclineConfig, options: SimulatorOptions = {}): Promise<RunningSimulators> {
  const running: Running[] = [];
  const shopifySims = new Map<string, ShopifySimulator>();
  const copernicaSims = new Map<string, CopernicaSimulator>();
  const tenants = [];
  try {
    for (const tenant of config.tenants) {
      const instances: InstanceConfig[] = [];
      for (const instance of tenant.instances) {
        if (instance.settings.apiBaseUrl !== SIMULATOR) {
          instances.push(instance);
          continue;
        }
        const key = `${tenant.id}/${instance.id}`;
        const faults = options.faults?.(tenant.id, instance.id);
        if (instance.connector === 'shopify') {
          const shop = generateSampleShop({ customers: options.sampleCustomers ?? 25 });
          const sim = await startShopifySimulator({ ...shop, shopDomain: String(instance.settings.shopDomain ?? 'demo-shop.myshopify.com'), ...(faults ? { faults } : {}) });
          shopifySims.set(key, sim);
          // Each run gets its own webhook secret, as an app would from the Partner dashboard.
          running.push({ tenantId: tenant.id, instance: instance.id, settings: { ...sim.settings }, secrets: { ...sim.secrets, webhookSecret: randomBytes(24).toString('base64url') }, stop: () => sim.stop() });
        } else if (instance.connector === 'copernica') {
          const sim = await startCopernicaSimulator(faults ? { faults } : {});
          copernicaSims.set(key, sim);
          running.push({ tenantId: tenant.id, instance: instance.id, settings: { ...sim.settings }, secrets: { ...sim.secrets }, stop: () => sim.stop() });
        } else if (instance.connector === 'woocommerce') {
          const sim = await startWooCommerceSimulator({ ...generateSampleStore({ customers: options.sampleCustomers ?? 10 }), secrets: { webhookSecret: randomBytes(24).toString('base64url') }, ...(faults ? { faults } : {}) });
          running.push({ tenantId: tenant.id, instance: instance.id, settings: { ...sim.settings }, secrets: { ...sim.secrets }, stop: () => sim.stop() });
        } else {
          throw new Error(`${key}: connector "${instance.connector}" has no simulator; give its real apiBaseUrl`);
        }
        const simulated = running.at(-1)!;
        instances.push({ ...instance, settings: { ...instance.settings, ...simulated.settings } });
      }
      tenants.push({ ...tenant, instances });
    }
  } catch (error) {
    await Promise.allSettled(running.map((r) => r.stop()));
    throw error;
  }
  const find = (tenantId: string, instance: string) => running.find((r) => r.tenantId === tenantId && r.instance === instance);
  return {
    config: { ...config, tenants },
    secretsFor: (tenantId, instance) => find(tenantId, instance)?.secrets,
    shopify: (tenantId, instance) => shopifySims.get(`${tenantId}/${instance}`),
    copernica: (tenantId, instance) => copernicaSims.get(`${tenantId}/${instance}`),
    describe: () => running.map((r) => `simulated ${r.instance.padEnd(9)} ${String(r.settings.apiBaseUrl)}  (tenant ${r.tenantId})`),
    stop: async () => {
      await Promise.allSettled(running.map((r) => r.stop()));
    },
  };
}
