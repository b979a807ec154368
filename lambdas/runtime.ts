// Wires the pipeline's dependencies once per Lambda container (or local process) from the environment.
import { randomUUID } from 'node:crypto';
import type { SynclineConfig } from '../core/config.js';
import type { CanonicalEvent } from '../core/events.js';
import type { PushMessage, SecretsProvider } from '../core/ports.js';
import { loadConnector } from '../connectors/installed.js';
import type { AnyConnector, Logger } from '../connectors/sdk/index.js';
import { createInstanceResolver } from '../pipeline/instances.js';
import type { WebhookDeps } from '../pipeline/ingest-webhook.js';
import type { MergeBatchDeps } from '../pipeline/merge-batch.js';
import type { PollDeps } from '../pipeline/run-poll.js';
import type { PushDeps } from '../pipeline/push-profiles.js';
import type { SweepDeps } from '../pipeline/campaigns/sweep-campaigns.js';
import { cachedStats } from '../core/campaign/cached-stats.js';
import { DynamoCampaignContactLog, DynamoTenantStatsStore } from '../aws/dynamo-campaign-store.js';
import { documentClient, dynamoClient, sqsClient } from '../aws/aws-clients.js';
import { DynamoProfileRepository } from '../aws/dynamo-profile-repository.js';
import { DynamoEventLedger } from '../aws/dynamo-event-ledger.js';
import { LedgeredEventQueue } from '../pipeline/ledger/ledgered-event-queue.js';
import { DynamoErasureReceipts } from '../aws/dynamo-erasure-receipts.js';
import { DynamoCursorStore, DynamoPushSnapshotStore, DynamoQuarantineStore, DynamoStatusRecorder } from '../aws/dynamo-ops-store.js';
import { EnvOrFileSecrets, SecretsManagerSecrets } from '../aws/secrets.js';
import { SqsMessageQueue } from '../aws/sqs-queue.js';
import { tableNames } from '../aws/tables.js';
import { StsRoleAssumer } from '../aws/sts-role-assumer.js';
import type { RoleAssumer } from '../aws/tenant-credentials.js';
import { tenantScopedDynamo, type TenantScopedDynamo } from '../aws/tenant-scoped-dynamo.js';
import { loadConfig } from './load-config.js';
import { createLogger } from './logger.js';

export interface Runtime {
  webhook: WebhookDeps;
  poll: PollDeps;
  merge: MergeBatchDeps;
  push: PushDeps;
  sweep: SweepDeps;
}

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
let current: Runtime | undefined;
let currentConfig: SynclineConfig | undefined;
let scoped: { dynamo: TenantScopedDynamo | undefined; tenants: Map<string, Pick<Runtime, 'webhook' | 'poll'>> } | undefined;

export function configureRuntime(next: RuntimeOverrides): void {
  overrides = next;
  current = undefined;
  scoped = undefined;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

/** The changes queue's redrive maxReceiveCount; 5 is what cdk/ and createQueues use when nothing says otherwise. */
function changesMaxReceiveCount(env: NodeJS.ProcessEnv = process.env): number {
  const value = env.CHANGES_MAX_RECEIVE_COUNT;
  if (value === undefined || value === '') return 5;
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1)
    throw new Error(`CHANGES_MAX_RECEIVE_COUNT must be a whole number of receives ≥ 1, not "${value}"`);
  return count;
}

export function runtime(): Runtime {
  if (current) return current;
  const log = overrides.log ?? createLogger(process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'syncline');
  const config = overrides.config ?? loadConfig();
  currentConfig = config;
  const secrets =
    overrides.secrets ??
    (process.env.SYNCLINE_STAGE && process.env.AWS_LAMBDA_FUNCTION_NAME
      ? new SecretsManagerSecrets(process.env.SYNCLINE_STAGE)
      : new EnvOrFileSecrets());
  const instances = createInstanceResolver({ config, connectors: overrides.connectors ?? loadConnector, secrets, log });
  const names = tableNames();
  const db = documentClient();
  const sqs = sqsClient();
  const profiles = new DynamoProfileRepository(db, names.profiles);
  const status = new DynamoStatusRecorder(db, names.ops);
  const ledger = new DynamoEventLedger(db, names.ops);
  // Every producer's events are recorded as accepted once they are on the queue.
  const events = new LedgeredEventQueue(new SqsMessageQueue<CanonicalEvent>(sqs, required('CHANGES_QUEUE_URL')), ledger);
  const push = new SqsMessageQueue<PushMessage>(sqs, required('PUSH_QUEUE_URL'));
  const now = overrides.now ?? (() => new Date());
  const statsStore = new DynamoTenantStatsStore(db, names.ops);
  // One cache per container: merges and pushes read the stats constantly, the sweep writes them every few minutes.
  const stats = cachedStats(statsStore);
  const receipts = new DynamoErasureReceipts(db, names.ops);
  current = {
    webhook: { instances, events, quarantine: new DynamoQuarantineStore(db, names.ops), status, log },
    poll: { instances, events, cursors: new DynamoCursorStore(db, names.ops), status, log },
    merge: {
      instances,
      profiles,
      push,
      status,
      log,
      newProfileId: randomUUID,
      stats,
      now,
      accounting: { ledger, maxReceiveCount: changesMaxReceiveCount() },
    },
    push: {
      instances,
      profiles,
      snapshots: new DynamoPushSnapshotStore(db, names.ops),
      status,
      log,
      stats,
      contacts: new DynamoCampaignContactLog(db, names.ops),
      receipts,
      now,
    },
    sweep: { instances, profiles, stats, push, log, now, receipts },
  };
  return current;
}

/**
 * The webhook and poll dependencies of one tenant. With SYNCLINE_TENANT_DATA_ROLE_ARN set (the stack sets it on these
 * two functions, whose tenant comes from the route or the schedule), their ops-table stores sign with credentials
 * that IAM confines to keys starting with `T#<tenantId>#`; elsewhere they are runtime()'s.
 */
export function tenantRuntime(tenantId: string): Pick<Runtime, 'webhook' | 'poll'> {
  const base = runtime();
  scoped ??= {
    dynamo: tenantScopedDynamo(() => overrides.roleAssumer ?? new StsRoleAssumer(() => dynamoClient().config.credentials())),
    tenants: new Map(),
  };
  // A tenant id from a URL that is not configured gets a 404 before any store is used: no client, no cache entry.
  if (!scoped.dynamo || !currentConfig?.tenants.some((t) => t.id === tenantId)) return base;
  let deps = scoped.tenants.get(tenantId);
  if (!deps) {
    const db = scoped.dynamo.documentClientFor(tenantId);
    const ops = tableNames().ops;
    const status = new DynamoStatusRecorder(db, ops);
    // The ledger's "accepted" records are this tenant's ops items too: written with the tenant's credentials.
    const events = new LedgeredEventQueue(
      new SqsMessageQueue<CanonicalEvent>(sqsClient(), required('CHANGES_QUEUE_URL')),
      new DynamoEventLedger(db, ops),
    );
    deps = {
      webhook: { ...base.webhook, events, quarantine: new DynamoQuarantineStore(db, ops), status },
      poll: { ...base.poll, events, cursors: new DynamoCursorStore(db, ops), status },
    };
    scoped.tenants.set(tenantId, deps);
  }
  return deps;
}
