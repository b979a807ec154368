// Wires the pipeline's dependencies once per Lambda container (or local process) from the environment.
import { randomUUID } from 'node:crypto';
import type { SynclineConfig } from '../core/config.js';
import type { CanonicalEvent } from '../core/events.js';
import type { PushMessage, SecretsProvider } from '../core/ports.js';
import { installedConnectors } from '../connectors/index.js';
import type { AnyConnector, Logger } from '../connectors/sdk/index.js';
import { createInstanceResolver } from '../pipeline/instances.js';
import type { WebhookDeps } from '../pipeline/ingest-webhook.js';
import type { MergeBatchDeps } from '../pipeline/merge-batch.js';
import type { PollDeps } from '../pipeline/run-poll.js';
import type { PushDeps } from '../pipeline/push-profiles.js';
import type { SweepDeps } from '../pipeline/sweep-campaigns.js';
import { cachedStats } from '../core/campaign/ports.js';
import { DynamoCampaignContactLog, DynamoErasureAudit, DynamoTenantStatsStore } from './adapters/dynamo-campaign-store.js';
import { documentClient, sqsClient } from './adapters/aws-clients.js';
import { DynamoProfileRepository } from './adapters/dynamo-profile-repository.js';
import { DynamoErasureReceipts } from './adapters/dynamo-erasure-receipts.js';
import { DynamoCursorStore, DynamoPushSnapshotStore, DynamoQuarantineStore, DynamoStatusRecorder } from './adapters/dynamo-ops-store.js';
import { EnvOrFileSecrets, SecretsManagerSecrets } from './adapters/secrets.js';
import { SqsMessageQueue } from './adapters/sqs-queue.js';
import { tableNames } from './adapters/tables.js';
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
}

let overrides: RuntimeOverrides = {};
let current: Runtime | undefined;

export function configureRuntime(next: RuntimeOverrides): void {
  overrides = next;
  current = undefined;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

export function runtime(): Runtime {
  if (current) return current;
  const log = overrides.log ?? createLogger(process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'syncline');
  const config = overrides.config ?? loadConfig();
  const secrets = overrides.secrets ?? (process.env.SYNCLINE_STAGE && process.env.AWS_LAMBDA_FUNCTION_NAME ? new SecretsManagerSecrets(process.env.SYNCLINE_STAGE) : new EnvOrFileSecrets());
  const instances = createInstanceResolver({ config, connectors: overrides.connectors ?? installedConnectors, secrets, log });
  const names = tableNames();
  const db = documentClient();
  const sqs = sqsClient();
  const profiles = new DynamoProfileRepository(db, names.profiles);
  const status = new DynamoStatusRecorder(db, names.ops);
  const events = new SqsMessageQueue<CanonicalEvent>(sqs, required('CHANGES_QUEUE_URL'));
  const push = new SqsMessageQueue<PushMessage>(sqs, required('PUSH_QUEUE_URL'));
  const now = overrides.now ?? (() => new Date());
  const statsStore = new DynamoTenantStatsStore(db, names.ops);
  // One cache per container: merges and pushes read the stats constantly, the sweep writes them every few minutes.
  const stats = cachedStats(statsStore);
  const receipts = new DynamoErasureReceipts(db, names.ops);
  current = {
    webhook: { instances, events, quarantine: new DynamoQuarantineStore(db, names.ops), status, log },
    poll: { instances, events, cursors: new DynamoCursorStore(db, names.ops), status, log },
    merge: { instances, profiles, push, status, log, newProfileId: randomUUID, stats, now },
    push: {
      instances,
      profiles,
      snapshots: new DynamoPushSnapshotStore(db, names.ops),
      status,
      log,
      stats,
      contacts: new DynamoCampaignContactLog(db, names.ops),
      audit: new DynamoErasureAudit(db, names.ops),
      receipts,
      now,
    },
    sweep: { instances, profiles, stats, push, log, now, receipts },
  };
  return current;
}
