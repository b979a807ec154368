// The stack a command works on: the local one (found through its state file) or a deployed stage (the user's AWS
// credentials, resources named `syncline-<stage>-…`). Reads go straight to DynamoDB and SQS in both cases; what needs
// the connector secrets (quarantine replay, backfill) runs inside the local stack, or in this process for a stage.
import { digestKeySecretName, fileDigestKey, secretsManagerDigestKey } from '../aws/digest-key.js';
import type { DigestKeySource } from '../core/identifier-digest.js';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SynclineConfig, TenantConfig } from '../core/config.js';
import type { CanonicalEvent } from '../core/events.js';
import type { ErasureReceiptStore, EventLedger, EventQueue, ProfileRepository, PushSnapshotStore, QuarantineEntry } from '../core/ports.js';
import type { TenantStats } from '../core/campaign/tenant-stats.js';
import { DynamoErasureReceipts } from '../aws/dynamo-erasure-receipts.js';
import { installedConnectors } from '../connectors/index.js';
import { DynamoCampaignContactLog, DynamoTenantStatsStore } from '../aws/dynamo-campaign-store.js';
import { DynamoCursorStore, DynamoPushSnapshotStore, DynamoQuarantineStore, DynamoStatusRecorder } from '../aws/dynamo-ops-store.js';
import { DynamoEventLedger } from '../aws/dynamo-event-ledger.js';
import { LedgeredEventQueue } from '../pipeline/ledger/ledgered-event-queue.js';
import { DynamoProfileRepository } from '../aws/dynamo-profile-repository.js';
import { SecretsManagerSecrets } from '../aws/secrets.js';
import { SqsMessageQueue } from '../aws/sqs-queue.js';
import { loadConfig } from '../lambdas/load-config.js';
import { createLogger } from '../lambdas/logger.js';
import { readLocalState } from '../local/state-file.js';
import { runBackfill, type BackfillOptions, type BackfillProgress } from '../pipeline/backfill/backfill.js';
import type { ResyncOptions, ResyncProgress } from '../pipeline/resync/run-resync.js';
import { queueStageResync } from './stage-resync.js';
import { createInstanceResolver } from '../pipeline/instances.js';
import { replayQuarantined, type ReplayOutcome } from '../pipeline/quarantine/replay-quarantine.js';
import type { StatusReader } from '../operator/instance-health.js';
import { connectInstance, InstanceNotConnectable, type ConnectOutcome } from '../pipeline/subscriptions/connect.js';
import { SecretsManagerSecretWriter } from '../aws/secret-writer.js';
import { operatorRoleName, resolveStage, type QueueUrls, type StageName } from '../operator/stage.js';
import { STSClient } from '@aws-sdk/client-sts';
import { operatorRoleCredentials } from '../aws/operator-role-credentials.js';
import type { GlobalOptions } from './args.js';
import { CommandFailed } from './errors.js';

export interface Target {
  /** "the local stack at http://127.0.0.1:3000" or "stage dev": for messages. */
  label: string;
  config: SynclineConfig;
  profiles: ProfileRepository;
  status: StatusReader;
  stats: { get(tenantId: string): Promise<TenantStats | undefined> };
  quarantine: {
    list(tenantId: string, limit?: number): Promise<QuarantineEntry[]>;
    countByInstance(tenantId: string): Promise<Map<string, number>>;
  };
  /** What became of each event (the accounting). */
  ledger: EventLedger;
  /** The push snapshots: what was last sent to each destination, and the delivery log there (`syncline profile`). */
  snapshots: Pick<PushSnapshotStore, 'get' | 'getMany'>;
  /** The campaign contact log (`syncline migrate` records since when every contact has its marker). */
  contacts: Pick<DynamoCampaignContactLog, 'recordMarkersFrom'>;
  erasures: Pick<ErasureReceiptStore, 'get' | 'list'>;
  sqs: SQSClient;
  /** Sends to the changes queue: a stage's operator role (the merge refuses other senders); locally `sqs` itself. */
  changesSender: SQSClient;
  queues: QueueUrls;
  /** The changes queue, where canonical events enter the merge (recorded as accepted in the ledger). */
  events: EventQueue;
  replayQuarantine(tenantId: string, id?: string): Promise<ReplayOutcome[]>;
  backfill(
    tenantId: string,
    instanceId: string,
    options: Pick<BackfillOptions, 'since' | 'restart' | 'onProgress'>,
  ): Promise<BackfillProgress>;
  /**
   * `syncline resync`: locally the stack runs it and streams its progress; on a stage a dry run runs here and a real
   * one is queued for the resync function (lambdas/resync.ts), whose job item is followed here until it completes.
   */
  resync(
    tenantId: string,
    instanceId: string,
    options: Pick<ResyncOptions, 'full' | 'dryRun' | 'restart' | 'batchSize' | 'onProgress'>,
  ): Promise<ResyncProgress>;
  /** Plans (or applies) an instance's webhook subscriptions where its secrets are: in the local stack, or here for a stage. */
  connect(tenantId: string, instanceId: string, url: string, apply: boolean): Promise<ConnectOutcome>;
  close(): void;
}

export class UnknownTenant extends Error {
  override readonly name = 'UnknownTenant';
}

export function requireTenant(target: Target, tenantId: string, instanceId?: string): TenantConfig {
  const tenant = target.config.tenants.find((t) => t.id === tenantId);
  const known = target.config.tenants.map((t) => t.id).join(', ');
  if (!tenant) throw new UnknownTenant(`unknown tenant "${tenantId}" on ${target.label} (configured: ${known})`);
  if (instanceId !== undefined && !tenant.instances.some((i) => i.id === instanceId)) {
    throw new UnknownTenant(
      `tenant "${tenantId}" has no instance "${instanceId}" (configured: ${tenant.instances.map((i) => i.id).join(', ')})`,
    );
  }
  return tenant;
}

export async function openTarget(options: GlobalOptions): Promise<Target> {
  return options.stage ? openStage(options.stage, options.configFile) : openLocal(options.stateFile, options.configFile);
}

function stores(db: DynamoDBDocumentClient, tables: { profiles: string; ops: string }, digestKey: DigestKeySource | undefined) {
  const keyed = digestKey ? { digestKey } : {};
  return {
    profiles: new DynamoProfileRepository(db, tables.profiles, keyed),
    status: new DynamoStatusRecorder(db, tables.ops),
    stats: new DynamoTenantStatsStore(db, tables.ops),
    quarantine: new DynamoQuarantineStore(db, tables.ops),
    ledger: new DynamoEventLedger(db, tables.ops),
    snapshots: new DynamoPushSnapshotStore(db, tables.ops),
    erasures: new DynamoErasureReceipts(db, tables.ops, keyed),
    contacts: new DynamoCampaignContactLog(db, tables.ops),
  };
}

const documentClientFor = (client: DynamoDBClient) =>
  DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false } });

async function openLocal(stateFile: string, configFile: string): Promise<Target> {
  const state = readLocalState(stateFile);
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  const dynamo = new DynamoDBClient({ endpoint: state.dynamoEndpoint, region: state.region, credentials, maxAttempts: 2 });
  const sqs = new SQSClient({ endpoint: state.sqsEndpoint, region: state.region, credentials, maxAttempts: 2 });
  const label = `the local stack at ${state.url}`;
  const base = stores(documentClientFor(dynamo), state.tables, state.digestKeyFile ? fileDigestKey(state.digestKeyFile) : undefined);
  const call = async (method: 'GET' | 'POST', path: string): Promise<Response> => {
    let response: Response;
    try {
      response = await fetch(`${state.url}${path}`, { method });
    } catch (error) {
      throw new CommandFailed(`${label} did not answer: ${(error as Error).message}`);
    }
    if (response.status === 400) {
      // The stack's refusals name what to fix.
      const body = (await response.json().catch(() => ({}))) as { error?: string };
      throw new CommandFailed(body.error ?? `${label} refused ${method} ${path}`);
    }
    if (!response.ok) throw new CommandFailed(`${label} answered ${response.status} to ${method} ${path}: ${await response.text()}`);
    return response;
  };
  return {
    label,
    // An older stack did not write its config: the file is the best guess then.
    config: state.config ?? loadConfig(configFile),
    ...base,
    sqs,
    changesSender: sqs,
    queues: state.queues,
    events: new LedgeredEventQueue(new SqsMessageQueue<CanonicalEvent>(sqs, state.queues.changes), base.ledger),
    // Inside the stack: verifying a replay needs the instances' secrets, which only that process holds.
    async replayQuarantine(tenantId, id) {
      const response = await call(
        'POST',
        `/api/quarantine/${encodeURIComponent(tenantId)}/replay${id ? `/${encodeURIComponent(id)}` : ''}`,
      );
      return (await response.json()) as ReplayOutcome[];
    },
    async backfill(tenantId, instanceId, options) {
      const query = new URLSearchParams();
      if (options.since) query.set('since', options.since.toISOString());
      if (options.restart) query.set('restart', '1');
      const response = await call('POST', `/api/backfill/${encodeURIComponent(tenantId)}/${encodeURIComponent(instanceId)}?${query}`);
      return readStream<BackfillProgress>(response, 'backfill', options.onProgress);
    },
    async resync(tenantId, instanceId, options) {
      const query = new URLSearchParams();
      if (options.full) query.set('full', '1');
      if (options.dryRun) query.set('dryRun', '1');
      if (options.restart) query.set('restart', '1');
      if (options.batchSize !== undefined) query.set('batchSize', String(options.batchSize));
      const response = await call('POST', `/api/resync/${encodeURIComponent(tenantId)}/${encodeURIComponent(instanceId)}?${query}`);
      return readStream<ResyncProgress>(response, 'resync', options.onProgress);
    },
    async connect(tenantId, instanceId, url, apply) {
      const query = new URLSearchParams({ url, ...(apply ? { apply: '1' } : {}) });
      const response = await call('POST', `/api/connect/${encodeURIComponent(tenantId)}/${encodeURIComponent(instanceId)}?${query}`);
      return (await response.json()) as ConnectOutcome;
    },
    close() {
      dynamo.destroy();
      sqs.destroy();
    },
  };
}

/** The local stack streams a backfill or a resync as NDJSON: progress lines, then `{ "result": … }` or `{ "error": … }`. */
async function readStream<P>(response: Response, what: string, onProgress?: (p: P) => void): Promise<P> {
  const decoder = new TextDecoder();
  let buffer = '';
  let last: P | undefined;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, newline).trim();
      buffer = buffer.slice(newline + 1);
      if (!line) continue;
      const message = JSON.parse(line) as { progress?: P; result?: P; error?: string };
      if (message.error !== undefined)
        throw new CommandFailed(`the ${what} stopped: ${message.error} (run it again to resume where it stopped)`);
      if (message.progress) onProgress?.(message.progress);
      if (message.result) last = message.result;
    }
  }
  if (!last) throw new CommandFailed(`the local stack ended the ${what} without a result (was it stopped?)`);
  return last;
}

async function openStage(stage: StageName, configFile: string): Promise<Target> {
  const config = loadConfig(configFile);
  const dynamo = new DynamoDBClient({});
  const sqs = new SQSClient({});
  const region = await sqs.config.region().catch(() => undefined);
  const resources = await resolveStage(
    stage,
    async (QueueName) => (await sqs.send(new GetQueueUrlCommand({ QueueName }))).QueueUrl,
    region ? `region ${region}` : 'the configured region',
  );
  const db = documentClientFor(dynamo);
  const log = createLogger('syncline-cli', 'warn');
  // The stack's identifier digest key: profiles are found by e-mail only under its keyed digests (issue 16 item 10).
  const base = stores(db, resources.tables, secretsManagerDigestKey(digestKeySecretName(stage)));
  // The merge takes changes only from the stage's producers: the CLI sends as the stage's operator role.
  const changesSender = new SQSClient({ credentials: operatorRoleCredentials(new STSClient({}), operatorRoleName(stage)) });
  const events = new LedgeredEventQueue(new SqsMessageQueue<CanonicalEvent>(changesSender, resources.queues.changes), base.ledger);
  // Replays and backfills run here, with the user's credentials: they need secretsmanager:GetSecretValue on
  // syncline/<stage>/… besides the table and queue rights.
  const secrets = new SecretsManagerSecrets(stage);
  const instances = createInstanceResolver({ config, connectors: installedConnectors, secrets, log });
  const writer = new SecretsManagerSecretWriter(stage);
  return {
    label: `stage ${stage}${region ? ` (${region})` : ''}`,
    config,
    ...base,
    sqs,
    changesSender,
    queues: resources.queues,
    events,
    replayQuarantine: (tenantId, id) =>
      replayQuarantined({ instances, events, quarantine: base.quarantine, status: base.status, log }, tenantId, id),
    backfill: (tenantId, instanceId, options) =>
      runBackfill({ instances, events, cursors: new DynamoCursorStore(db, resources.tables.ops), log }, tenantId, instanceId, options),
    resync: (tenantId, instanceId, options) =>
      queueStageResync(
        { config, instances, db, tables: resources.tables, profiles: base.profiles, status: base.status, log },
        tenantId,
        instanceId,
        options,
      ),
    async connect(tenantId, instanceId, url, apply) {
      try {
        return await connectInstance({ config, connectors: installedConnectors, secrets, writer, log }, tenantId, instanceId, url, {
          apply,
        });
      } catch (error) {
        if (error instanceof InstanceNotConnectable) throw new CommandFailed(error.message);
        throw error;
      }
    },
    close() {
      dynamo.destroy();
      sqs.destroy();
      changesSender.destroy();
    },
  };
}
