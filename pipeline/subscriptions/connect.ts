// `syncline connect` and the subscription part of `syncline doctor`, wherever the instance's secrets are (inside the
// local stack, or in the CLI for a deployed stage): read the vendor's subscriptions with the instance's credentials,
// plan, and (when applying) create or correct them and store the signing secret in the instance's secret.
import { randomBytes } from 'node:crypto';
import { findInstance, type SynclineConfig } from '../../core/config.js';
import type { SecretsProvider } from '../../core/ports.js';
import type { AnyConnector, ConnectorContext, Logger, WebhookSubscription } from '../../connectors/sdk/index.js';
import { failureReason, VendorRejected } from '../../connectors/sdk/index.js';
import { planSubscriptions, type PlannedChange } from './plan.js';

/** Where connect stores a signing secret: merged into the instance's secret, the other keys kept. */
export interface SecretWriter {
  /** Where the secret lives, for messages: `secrets.local.json "acme/shop"`, `syncline/dev/acme/shop`. */
  describe(tenantId: string, instanceId: string): string;
  merge(tenantId: string, instanceId: string, values: Record<string, string>): Promise<void>;
}

export interface ConnectDeps {
  config: SynclineConfig;
  connectors: Readonly<Record<string, AnyConnector>>;
  secrets: SecretsProvider;
  writer: SecretWriter;
  log: Logger;
}

export type ConnectOutcome =
  /** The vendor has no subscription API in syncline: subscribe by hand. */
  | { kind: 'manual'; connector: string; url: string; secret: string }
  /** The instance's secret is missing or lacks keys (named, never shown). */
  | { kind: 'secret-missing'; connector: string; secret: string; missing: string[] }
  /** The vendor refused the request (`status` 401/403: the credentials) or could not be reached. */
  | { kind: 'vendor-failed'; connector: string; status?: number; reason: string }
  | {
      kind: 'planned' | 'applied';
      connector: string;
      url: string;
      changes: PlannedChange[];
      /** The subscriptions the vendor holds now (after the changes, when applied). */
      subscriptions: WebhookSubscription[];
      /** The secret key stored in the instance's secret, when it changed. */
      storedSecret?: { key: string; where: string };
      /** The setting that must equal the subscription's URL (the vendor signs it), and its configured value. */
      urlSetting?: { name: string; value?: string };
    };

export class InstanceNotConnectable extends Error {
  override readonly name = 'InstanceNotConnectable';
}

/** A placeholder for a vendor-issued key not issued yet: lets the credentials be checked before the vendor issues it. */
const NOT_YET_ISSUED = 'not-yet-issued';

export async function connectInstance(
  deps: ConnectDeps,
  tenantId: string,
  instanceId: string,
  url: string,
  options: { apply: boolean },
): Promise<ConnectOutcome> {
  const found = findInstance(deps.config, tenantId, instanceId);
  if (!found) throw new InstanceNotConnectable(`tenant "${tenantId}" has no instance "${instanceId}"`);
  const { instance } = found;
  const connector = deps.connectors[instance.connector];
  if (!connector) throw new InstanceNotConnectable(`connector "${instance.connector}" is not installed`);
  if (!instance.webhooks)
    throw new InstanceNotConnectable(`${tenantId}/${instanceId} does not take webhooks: set "webhooks": true for it in the config first`);
  const where = deps.writer.describe(tenantId, instanceId);
  const api = connector.subscriptions;
  if (!api) return { kind: 'manual', connector: connector.name, url, secret: where };

  const raw = ((await deps.secrets.get(tenantId, instanceId)) ?? {}) as Record<string, unknown>;
  const key = api.signingSecret?.key;
  const held = key !== undefined && typeof raw[key] === 'string' && raw[key] !== '' ? (raw[key] as string) : undefined;
  // A secret syncline gives the vendor is made here once, and kept: subscriptions already signing with it stay valid.
  const secret = api.signingSecret?.issuedBy === 'syncline' ? (held ?? randomBytes(32).toString('base64url')) : held;
  const filled = key === undefined ? raw : { ...raw, [key]: secret ?? NOT_YET_ISSUED };
  const parsedSecrets = connector.secretsSchema.safeParse(filled);
  const settings = connector.settingsSchema.safeParse(instance.settings);
  if (!settings.success) throw new InstanceNotConnectable(`settings of ${tenantId}/${instanceId} are invalid: run syncline config check`);
  if (!parsedSecrets.success)
    return {
      kind: 'secret-missing',
      connector: connector.name,
      secret: where,
      missing: [...new Set(parsedSecrets.error.issues.map((i) => i.path.join('.') || '(the whole secret)'))],
    };
  const context: ConnectorContext<unknown, unknown> = {
    tenantId,
    instance: instanceId,
    settings: settings.data,
    secrets: parsedSecrets.data,
    now: () => new Date(),
    log: deps.log,
  };

  const configuredUrl = api.urlSetting === undefined ? undefined : (instance.settings as Record<string, unknown>)[api.urlSetting];
  const urlSetting =
    api.urlSetting === undefined
      ? {}
      : { urlSetting: { name: api.urlSetting, ...(typeof configuredUrl === 'string' ? { value: configuredUrl } : {}) } };
  try {
    const existing = await api.list(context);
    const changes = planSubscriptions({
      url,
      topics: api.topics,
      grouping: api.grouping,
      existing,
      secretKnown: held !== undefined || key === undefined,
    });
    if (!options.apply || changes.every((c) => c.action === 'keep'))
      return { kind: 'planned', connector: connector.name, url, changes, subscriptions: existing, ...urlSetting };

    let storedSecret: { key: string; where: string } | undefined;
    const store = async (value: string) => {
      await deps.writer.merge(tenantId, instanceId, { [key!]: value });
      storedSecret = { key: key!, where };
    };
    // A secret syncline generates is stored before any vendor holds it: a crash after the vendor's create must not
    // leave a subscription signing with a secret nobody kept.
    if (key !== undefined && secret !== undefined && secret !== held) await store(secret);
    let issued: string | undefined;
    for (const change of changes) {
      const target = { url, topics: change.topics, ...(secret !== undefined || issued !== undefined ? { secret: issued ?? secret! } : {}) };
      if (change.action === 'keep') continue;
      const result = change.action === 'create' ? await api.create(context, target) : await api.update(context, change.id, target);
      // A vendor-issued secret cannot be stored first: it is stored as soon as it is shown (the next connect has the
      // vendor issue a new one when this write is lost).
      if (key !== undefined && result.issuedSecret !== undefined && result.issuedSecret !== held) await store(result.issuedSecret);
      issued = result.issuedSecret ?? issued;
      deps.log.info('webhook subscription changed', {
        tenantId,
        instance: instanceId,
        action: change.action,
        topics: change.topics.join(','),
      });
    }
    return {
      kind: 'applied',
      connector: connector.name,
      url,
      changes,
      subscriptions: await api.list(context),
      ...(storedSecret ? { storedSecret } : {}),
      ...urlSetting,
    };
  } catch (error) {
    if (error instanceof InstanceNotConnectable) throw error;
    const status = error instanceof VendorRejected ? error.status : undefined;
    return {
      kind: 'vendor-failed',
      connector: connector.name,
      ...(status ? { status } : {}),
      reason: failureReason(connector.name, error).reason,
    };
  }
}
