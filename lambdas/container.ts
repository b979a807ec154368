// What every handler's wiring shares, built once per Lambda container (or local process): the overrides the local
// runtime and tests set, and the config, log, clock, clients and stores several handlers use. Each handler module
// wires the rest of its own dependencies, so its bundle holds only what it uses (issue 15: lean functions).
import type { SynclineConfig } from '../core/config.js';
import type { PushMessage, SecretsProvider } from '../core/ports.js';
import type { Profile } from '../core/profile.js';
import type { AnyConnector, Logger } from '../connectors/sdk/index.js';
import { cachedStats } from '../core/campaign/cached-stats.js';
import { nextDueAt } from '../core/campaign/due-time.js';
import { DynamoTenantStatsStore } from '../aws/dynamo-campaign-store.js';
import { documentClient, sqsClient } from '../aws/aws-clients.js';
import { digestKeyFromEnvironment } from '../aws/digest-key.js';
import { DynamoProfileRepository } from '../aws/dynamo-profile-repository.js';
import { DynamoEventLedger } from '../aws/dynamo-event-ledger.js';
import { DynamoStatusRecorder } from '../aws/dynamo-ops-store.js';
import { SqsMessageQueue } from '../aws/sqs-queue.js';
import { tableNames } from '../aws/tables.js';
import type { RoleAssumer } from '../aws/tenant-credentials.js';
import { createInstanceResolver, type InstanceResolver } from '../pipeline/instances.js';
import { loadDeployedConfig } from './deployed-config.js';
import { createLogger } from './logger.js';

/** What the local runtime and tests may replace; in AWS everything comes from the environment. */
export interface RuntimeOverrides {
  config?: SynclineConfig;
  secrets?: SecretsProvider;
  connectors?: Readonly<Record<string, AnyConnector>>;
  log?: Logger;
  /** The clock of the campaign rules (segments, abandoned-cart windows, contacts): tests move it forward. */
  now?: () => Date;
  /** sts:AssumeRole for tenant-scoped credentials (SYNCLINE_TENANT_DATA_ROLE_ARN); tests pass a fake STS. */
  roleAssumer?: RoleAssumer;
}

let overrides: RuntimeOverrides = {};
const built = new Map<string, unknown>();

export function configureRuntime(next: RuntimeOverrides): void {
  overrides = next;
  built.clear();
}

export function runtimeOverrides(): RuntimeOverrides {
  return overrides;
}

/** Built on first use and kept until the next configureRuntime. */
export function once<T>(key: string, build: () => T): T {
  if (!built.has(key)) built.set(key, build());
  return built.get(key) as T;
}

export function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

/** The instances of a handler that reads tenants' config only (merge, sweep): it binds none, so it loads no connector. */
export function tenantsOnly(handler: string): InstanceResolver {
  const { config, log } = shared();
  const none = async (name: string) => {
    throw new Error(`the ${handler} function loads no connector (asked for "${name}")`);
  };
  return createInstanceResolver({ config, connectors: none, secrets: { get: none }, log });
}

export function shared() {
  return once('shared', () => {
    const log = overrides.log ?? createLogger(process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'syncline');
    const config = overrides.config ?? loadDeployedConfig();
    const names = tableNames();
    const db = documentClient();
    const now = overrides.now ?? (() => new Date());
    const campaigns = new Map(config.tenants.map((t) => [t.id, t.campaigns]));
    // Every profile the merge commits has a due item for when its campaign fields next change by the clock (the sweep's).
    const dueAt = (profile: Profile) => {
      const rules = campaigns.get(profile.tenantId);
      return rules ? nextDueAt(profile, rules, now()) : undefined;
    };
    // The stage's identifier digest key (issue 16 item 10), read on first use: profiles' index items and erasure receipts.
    const digestKey = digestKeyFromEnvironment();
    return {
      log,
      config,
      names,
      db,
      now,
      digestKey,
      profiles: new DynamoProfileRepository(db, names.profiles, { dueAt, dueNow: now, ...(digestKey ? { digestKey } : {}) }),
      status: new DynamoStatusRecorder(db, names.ops),
      ledger: new DynamoEventLedger(db, names.ops),
      push: new SqsMessageQueue<PushMessage>(sqsClient(), required('PUSH_QUEUE_URL')),
      // One cache per container: merges and pushes read the stats constantly, the sweep writes them every few minutes.
      stats: cachedStats(new DynamoTenantStatsStore(db, names.ops)),
    };
  });
}
