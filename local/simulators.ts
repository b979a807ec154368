// Simulated vendors for instances whose settings say `"apiBaseUrl": "simulator"`: started in-process with generated
// secrets, so `npm start` works on one machine with no vendor account. A connector has a simulator when its
// simulator.ts exports one (defineSimulator); it is found here by that convention, never through connectors/index.ts,
// so simulator code stays out of the Lambda bundles.
import type { InstanceConfig, SynclineConfig } from '../core/config.js';
import type { CopernicaSimulator } from '../connectors/copernica/simulator.js';
import type { ShopifySimulator } from '../connectors/shopify/simulator.js';
import type { SimulatorFaults } from '../connectors/sdk/simulator-kit.js';
import type { SimulatorDefinition } from '../connectors/sdk/define-simulator.js';
import { CONNECTOR_NAME } from '../connectors/sdk/index.js';

export interface SimulatorOptions {
  /** Faults a simulated vendor injects into its answers (fault tests and the soak); none by default. */
  faults?: (tenantId: string, instance: string) => SimulatorFaults | undefined;
  /** Customers in each simulated shop's sample data, which polls read (default 25 for Shopify, 10 for WooCommerce). */
  sampleCustomers?: number;
  /** The local server's URL once it listens: vendors whose callbacks are set in a dashboard post to it. */
  webhookBase?: () => string | undefined;
}

export const SIMULATOR = 'simulator';

interface Running {
  tenantId: string;
  instance: string;
  settings: Record<string, unknown>;
  /** Fills the settings that follow from the webhook URL into the config's instance settings, once it is known. */
  fillWebhookSettings(): void;
  secrets: Record<string, unknown>;
  handle: unknown;
  stop(): Promise<void>;
}

export interface RunningSimulators {
  /** The config with every "simulator" base URL replaced by the running simulator's. */
  config: SynclineConfig;
  secretsFor(tenantId: string, instance: string): Record<string, unknown> | undefined;
  shopify(tenantId: string, instance: string): ShopifySimulator | undefined;
  copernica(tenantId: string, instance: string): CopernicaSimulator | undefined;
  /** Any connector's running simulator, typed by the caller (its simulator.ts names the handle's type). */
  handle<Handle>(tenantId: string, instance: string): Handle | undefined;
  /**
   * Called once the local server listens (`webhookBase` answers): fills each simulated instance's webhook-URL-derived
   * settings (SimulatorDefinition.webhookSettings) into `config`, in place, before any delivery or poll binds it.
   */
  webhooksListening(): void;
  describe(): string[];
  stop(): Promise<void>;
}

/** The `simulator` export of connectors/<name>/simulator.ts, or undefined when the connector has none. */
export async function simulatorOf(connector: string): Promise<SimulatorDefinition | undefined> {
  if (!CONNECTOR_NAME.test(connector)) return undefined;
  let module: { simulator?: SimulatorDefinition };
  try {
    const specifier = `../connectors/${connector}/simulator.js`;
    module = (await import(/* @vite-ignore */ specifier)) as { simulator?: SimulatorDefinition };
  } catch (error) {
    const notFound =
      (error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' &&
      String((error as Error).message).includes(`connectors/${connector}/simulator`);
    if (notFound) return undefined;
    throw error;
  }
  return module.simulator?.connector === connector ? module.simulator : undefined;
}

export async function startSimulators(config: SynclineConfig, options: SimulatorOptions = {}): Promise<RunningSimulators> {
  const running: Running[] = [];
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
        const simulator = await simulatorOf(instance.connector);
        if (!simulator) throw new Error(`${key}: connector "${instance.connector}" has no simulator; give its real apiBaseUrl`);
        const faults = options.faults?.(tenant.id, instance.id);
        const base = options.webhookBase;
        const webhookUrl =
          instance.webhooks && base
            ? () => {
                const url = base();
                return url === undefined
                  ? undefined
                  : `${url}/webhooks/${encodeURIComponent(tenant.id)}/${encodeURIComponent(instance.id)}`;
              }
            : undefined;
        const sim = await simulator.start({ settings: instance.settings, faults, sampleCustomers: options.sampleCustomers, webhookUrl });
        const settings = { ...instance.settings, ...sim.settings };
        const configured = instance.settings;
        running.push({
          tenantId: tenant.id,
          instance: instance.id,
          settings: sim.settings,
          fillWebhookSettings: () => {
            const url = webhookUrl?.();
            if (url === undefined || !simulator.webhookSettings) return;
            for (const [key, value] of Object.entries(simulator.webhookSettings(url))) if (!(key in configured)) settings[key] = value;
          },
          secrets: sim.secrets,
          handle: sim.handle,
          stop: () => sim.stop(),
        });
        instances.push({ ...instance, settings });
      }
      tenants.push({ ...tenant, instances });
    }
  } catch (error) {
    await Promise.allSettled(running.map((r) => r.stop()));
    throw error;
  }
  const find = (tenantId: string, instance: string) => running.find((r) => r.tenantId === tenantId && r.instance === instance);
  const handleOf = (connector: string, tenantId: string, instance: string) => {
    const found = find(tenantId, instance);
    const configured = config.tenants.find((t) => t.id === tenantId)?.instances.find((i) => i.id === instance);
    return found && configured?.connector === connector ? found.handle : undefined;
  };
  return {
    config: { ...config, tenants },
    secretsFor: (tenantId, instance) => find(tenantId, instance)?.secrets,
    shopify: (tenantId, instance) => handleOf('shopify', tenantId, instance) as ShopifySimulator | undefined,
    copernica: (tenantId, instance) => handleOf('copernica', tenantId, instance) as CopernicaSimulator | undefined,
    handle: <Handle>(tenantId: string, instance: string) => find(tenantId, instance)?.handle as Handle | undefined,
    webhooksListening: () => {
      for (const r of running) r.fillWebhookSettings();
    },
    describe: () => running.map((r) => `simulated ${r.instance.padEnd(9)} ${String(r.settings.apiBaseUrl)}  (tenant ${r.tenantId})`),
    stop: async () => {
      await Promise.allSettled(running.map((r) => r.stop()));
    },
  };
}
