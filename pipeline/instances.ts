// Binds configured connector instances to their connector, validated settings and secrets.
import { findInstance, type InstanceConfig, type SynclineConfig, type TenantConfig } from '../core/config.js';
import { UnknownInstance } from '../core/errors.js';
import type { SecretsProvider } from '../core/ports.js';
// The SDK's parts, not its index: the index re-exports the HTTP client, and with it axios.
import { ConfigInvalid } from '../connectors/sdk/errors.js';
import type { AnyConnector, ConnectorContext, Logger } from '../connectors/sdk/index.js';

export interface BoundInstance {
  tenant: TenantConfig;
  instance: InstanceConfig;
  connector: AnyConnector;
  context: ConnectorContext<unknown, unknown>;
}

export interface InstanceResolver {
  resolve(tenantId: string, instanceId: string): Promise<BoundInstance>;
  /** Instances of a tenant that receive pushes. */
  destinations(tenantId: string): Promise<BoundInstance[]>;
  tenant(tenantId: string): TenantConfig;
  readonly config: SynclineConfig;
}

/** The installed connectors by name, or a loader that loads the one named (what Lambda handlers pass). */
export type ConnectorSource = Readonly<Record<string, AnyConnector>> | ((name: string) => Promise<AnyConnector | undefined>);

export function createInstanceResolver(options: {
  config: SynclineConfig;
  connectors: ConnectorSource;
  secrets: SecretsProvider;
  log: Logger;
  now?: () => Date;
}): InstanceResolver {
  const { config, connectors, secrets, log } = options;
  const cache = new Map<string, Promise<BoundInstance>>();

  async function bind(tenantId: string, instanceId: string): Promise<BoundInstance> {
    const found = findInstance(config, tenantId, instanceId);
    if (!found) throw new UnknownInstance(`no connector instance "${instanceId}" is configured for tenant "${tenantId}"`);
    const connector = typeof connectors === 'function' ? await connectors(found.instance.connector) : connectors[found.instance.connector];
    if (!connector)
      throw new ConfigInvalid(`instance "${instanceId}" names connector "${found.instance.connector}", which is not installed`);
    const settings = connector.settingsSchema.safeParse(found.instance.settings);
    if (!settings.success)
      throw new ConfigInvalid(
        `settings of ${tenantId}/${instanceId} are invalid: ${settings.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    const rawSecrets = await secrets.get(tenantId, instanceId);
    // Never echo the secret: only which keys are wrong.
    const parsedSecrets = connector.secretsSchema.safeParse(rawSecrets ?? {});
    if (!parsedSecrets.success)
      throw new ConfigInvalid(
        `secret of ${tenantId}/${instanceId} is missing or incomplete: ${parsedSecrets.error.issues.map((i) => i.path.join('.') || '(root)').join(', ')}`,
      );
    return {
      ...found,
      connector,
      context: {
        tenantId,
        instance: instanceId,
        settings: settings.data,
        secrets: parsedSecrets.data,
        now: options.now ?? (() => new Date()),
        log,
      },
    };
  }

  return {
    config,
    resolve(tenantId, instanceId) {
      const key = `${tenantId}/${instanceId}`;
      let bound = cache.get(key);
      if (!bound) {
        bound = bind(tenantId, instanceId);
        cache.set(key, bound);
        // A failed binding (e.g. a secret not yet set) is retried on the next call.
        bound.catch(() => cache.delete(key));
      }
      return bound;
    },
    async destinations(tenantId) {
      const tenant = this.tenant(tenantId);
      return Promise.all(tenant.instances.filter((i) => i.push).map((i) => this.resolve(tenantId, i.id)));
    },
    tenant(tenantId) {
      const tenant = config.tenants.find((t) => t.id === tenantId);
      if (!tenant) throw new UnknownInstance(`tenant "${tenantId}" is not configured`);
      return tenant;
    },
  };
}
