// Starts everything `npm start` runs, in-process, and stops it again: used by the CLI, the demo and end-to-end tests.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { findProfile as findProfileIn, type ProfileQuery } from '../operator/profile-view.js';
import type { SynclineConfig } from '../core/config.js';
import type { SecretsProvider } from '../core/ports.js';
import type { Profile } from '../core/profile.js';
import { documentClient, dynamoClient, sqsClient } from '../lambdas/adapters/aws-clients.js';
import { DynamoProfileRepository } from '../lambdas/adapters/dynamo-profile-repository.js';
import { EnvOrFileSecrets } from '../lambdas/adapters/secrets.js';
import { tableNames } from '../lambdas/adapters/tables.js';
import { loadConfig } from '../lambdas/load-config.js';
import { createLogger } from '../lambdas/logger.js';
import { configureRuntime, runtime } from '../lambdas/runtime.js';
import type { SweepRun } from '../pipeline/sweep-campaigns.js';
import { createResources, startEmulators } from './emulators.js';
import { startQueuePoller, type QueuePoller, type QueuePollerOptions } from './queue-poller.js';
import { injectDynamoFaults, type DynamoFaultInjector, type DynamoFaultOptions } from './faults/dynamo-faults.js';
import type { Logger } from '../connectors/sdk/index.js';
import { startScheduler, type Scheduler } from './scheduler.js';
import { startLocalServer, type LocalServer } from './server.js';
import { startSimulators, type RunningSimulators, type SimulatorOptions } from './simulators.js';
import { removeLocalState, writeLocalState } from './state-file.js';
import { replayQuarantined } from '../pipeline/replay-quarantine.js';
import { runBackfill } from '../pipeline/backfill.js';
import { DynamoTenantStatsStore } from '../lambdas/adapters/dynamo-campaign-store.js';
import { DynamoQuarantineStore, DynamoStatusRecorder } from '../lambdas/adapters/dynamo-ops-store.js';
import { DynamoEventLedger } from '../lambdas/adapters/dynamo-event-ledger.js';
import { accountTenant, type TenantAccount } from '../pipeline/accounting.js';
import { CLI_SOURCE } from '../core/events.js';
import { startEventRate } from './status-page/event-rate.js';
import { createOperatorRoutes } from './status-page/routes.js';
import { rateKey } from './status-page/status-view.js';

export interface LocalStackOptions {
  configFile?: string;
  config?: SynclineConfig;
  port?: number;
  print?: (line: string) => void;
  /** Seconds before a failed message is received again; short locally so retries and the DLQ show quickly. */
  visibilityTimeout?: number;
  maxReceiveCount?: number;
  /** Use a DynamoDB Local that is already running (tests share one JVM) instead of starting one. */
  dynamoEndpoint?: string;
  /** Table names, when several stacks share one DynamoDB Local. */
  tables?: { profiles: string; ops: string };
  /** Run every poll once at start (default true). */
  pollAtStart?: boolean;
  /** The clock of the campaign rules (tests move it forward to make carts abandoned and customers lapse). */
  now?: () => Date;
  /** Where to write the endpoints and queue URLs for CLI tools (`npm run dlq`, `npm run quarantine`); removed at stop. */
  stateFile?: string;
  /** Where the handlers and consumers log (default: JSON lines on stdout/stderr at LOG_LEVEL, warn and up). */
  log?: Logger;
  /** Merge workers consuming the changes queue, each running 2 batches at a time (default 1; 0: the caller starts them). */
  mergeWorkers?: number;
  /** Faults the simulated vendors inject (fault tests and the soak). */
  simulatorFaults?: SimulatorOptions['faults'];
  /** Customers in the simulated shops' sample data (see SimulatorOptions). */
  sampleCustomers?: number;
  /** DynamoDB faults injected into the handlers' client (fault tests and the soak). */
  dynamoFaults?: DynamoFaultOptions;
}

export type MergeHandler = QueuePollerOptions['handler'];

export interface LocalStack {
  url: string;
  config: SynclineConfig;
  simulators: RunningSimulators;
  profiles: DynamoProfileRepository;
  queues: { changes: string; push: string; changesDlq: string; pushDlq: string };
  scheduler: Scheduler;
  /** The DynamoDB fault injector, when `dynamoFaults` was given. */
  dynamoFaults?: DynamoFaultInjector;
  /**
   * Starts another merge worker on the changes queue (by default with the merge Lambda's handler), stopped with the
   * stack: several workers on one queue and table, or a worker whose handler a test kills mid-batch.
   */
  startMergeWorker(options?: { handler?: MergeHandler; concurrency?: number }): QueuePoller;
  /** Runs the campaign sweep now (every tenant, or one), as its schedule does every `campaigns.sweepEveryMinutes`. */
  sweep(tenantId?: string): Promise<SweepRun[]>;
  findProfile(tenantId: string, query: { email?: string; id?: string }): Promise<Profile | undefined>;
  /** Messages visible or in flight per queue. */
  queueDepths(): Promise<Record<string, number>>;
  /** What `syncline accounting` reports: per tenant (every one, or one) and instance, in = applied + quarantined + dead-lettered. */
  accounting(tenantId?: string): Promise<TenantAccount[]>;
  /** Resolves once both queues are empty (or rejects after `timeoutMs`). */
  waitUntilIdle(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const print = options.print ?? (() => {});
  const log = options.log ?? createLogger('local', (process.env.LOG_LEVEL as 'info') ?? 'warn');
  const baseConfig = options.config ?? loadConfig(options.configFile);
  const cleanups: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  };

  try {
    const emulators = await startEmulators({ dynamo: options.dynamoEndpoint === undefined });
    cleanups.push(() => emulators.stop());
    if (options.dynamoEndpoint !== undefined) emulators.dynamoEndpoint = options.dynamoEndpoint;
    if (options.tables) {
      process.env.PROFILES_TABLE = options.tables.profiles;
      process.env.OPS_TABLE = options.tables.ops;
    }
    process.env.AWS_ENDPOINT_URL_DYNAMODB = emulators.dynamoEndpoint;
    process.env.AWS_ENDPOINT_URL_SQS = emulators.sqsEndpoint;
    process.env.AWS_REGION ??= 'eu-west-1';
    // The simulators listen on 127.0.0.1; in AWS the flag is unset and vendor calls to private addresses are refused.
    process.env.SYNCLINE_ALLOW_PRIVATE_VENDOR_URLS ??= '1';
    process.env.AWS_ACCESS_KEY_ID ??= 'local';
    process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
    print(`DynamoDB Local   ${emulators.dynamoEndpoint}`);
    print(`SQS emulator     ${emulators.sqsEndpoint}`);

    const maxReceiveCount = options.maxReceiveCount ?? 3;
    const resources = await createResources({ visibilityTimeout: options.visibilityTimeout ?? 5, maxReceiveCount });
    process.env.CHANGES_QUEUE_URL = resources.queues.changes.url;
    // The merge handler records a dead letter when a message fails on its last receive (the event ledger).
    process.env.CHANGES_MAX_RECEIVE_COUNT = String(maxReceiveCount);
    process.env.PUSH_QUEUE_URL = resources.queues.push.url;

    const simulators = await startSimulators(baseConfig, {
      ...(options.simulatorFaults ? { faults: options.simulatorFaults } : {}),
      ...(options.sampleCustomers !== undefined ? { sampleCustomers: options.sampleCustomers } : {}),
    });
    cleanups.push(() => simulators.stop());
    for (const line of simulators.describe()) print(line);

    const fileSecrets = new EnvOrFileSecrets();
    const secrets: SecretsProvider = {
      get: async (tenantId, instance) => simulators.secretsFor(tenantId, instance) ?? fileSecrets.get(tenantId, instance),
    };
    configureRuntime({ config: simulators.config, secrets, log, ...(options.now ? { now: options.now } : {}) });

    // The same modules Lambda loads, imported only now that the environment points at the emulators.
    const [{ handler: webhook }, { handler: merge }, { handler: push }, { handler: poll }, { handler: sweepHandler }] = await Promise.all([
      import('../lambdas/webhook.js'),
      import('../lambdas/merge.js'),
      import('../lambdas/push.js'),
      import('../lambdas/poll.js'),
      import('../lambdas/sweep.js'),
    ]);

    let dynamoFaults: DynamoFaultInjector | undefined;
    if (options.dynamoFaults) {
      // The racing second writer must not go through the injector itself.
      const secondWriter = new DynamoDBClient({});
      const injector = injectDynamoFaults(dynamoClient(), secondWriter, options.dynamoFaults);
      dynamoFaults = injector;
      cleanups.push(async () => {
        injector.detach();
        secondWriter.destroy();
      });
    }

    const sqs = sqsClient();
    const mergePollers: QueuePoller[] = [];
    const startMergeWorker = (worker: { handler?: MergeHandler; concurrency?: number } = {}): QueuePoller => {
      const poller = startQueuePoller({ sqs, queueUrl: resources.queues.changes.url, queueArn: resources.queues.changes.arn, handler: worker.handler ?? merge, batchSize: 10, visibilityTimeout: options.visibilityTimeout ?? 5, concurrency: worker.concurrency ?? 2, log });
      mergePollers.push(poller);
      return poller;
    };
    for (let i = 0; i < (options.mergeWorkers ?? 1); i++) startMergeWorker();
    const pushPoller = startQueuePoller({ sqs, queueUrl: resources.queues.push.url, queueArn: resources.queues.push.arn, handler: push, batchSize: 10, visibilityTimeout: options.visibilityTimeout ?? 5, concurrency: 1, log });
    const mergeStats = () =>
      mergePollers.reduce((sum, p) => {
        const s = p.stats();
        return { batches: sum.batches + s.batches, succeeded: sum.succeeded + s.succeeded, failed: sum.failed + s.failed };
      }, { batches: 0, succeeded: 0, failed: 0 });
    cleanups.push(async () => {
      await Promise.all([...mergePollers, pushPoller].map((p) => p.stop()));
    });

    const profiles = new DynamoProfileRepository(documentClient(), tableNames().profiles);
    const findProfile = (tenantId: string, query: ProfileQuery): Promise<Profile | undefined> => findProfileIn(profiles, tenantId, query);

    const queueUrls = {
      changes: resources.queues.changes.url,
      push: resources.queues.push.url,
      changesDlq: resources.queues.changesDlq.url,
      pushDlq: resources.queues.pushDlq.url,
    };
    const queueDepths = async () => {
      const depths: Record<string, number> = {};
      for (const [name, url] of Object.entries(queueUrls)) {
        const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
        depths[name] = Number(Attributes?.ApproximateNumberOfMessages ?? 0) + Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
      }
      return depths;
    };

    // The status page at `/` and the backfill route `syncline backfill` streams from.
    const statusReader = new DynamoStatusRecorder(documentClient(), tableNames().ops);
    const instanceKeys = simulators.config.tenants.flatMap((t) => t.instances.map((i) => ({ tenantId: t.id, instanceId: i.id })));
    const rate = startEventRate(async () => {
      const counts = new Map<string, number>();
      for (const { tenantId, instanceId } of instanceKeys) {
        const s = await statusReader.read(tenantId, instanceId);
        counts.set(rateKey(tenantId, instanceId), (s.webhook?.okCount ?? 0) + (s.poll?.okCount ?? 0));
      }
      return counts;
    });
    cleanups.push(async () => rate.stop());
    const operator = createOperatorRoutes({
      config: simulators.config,
      status: statusReader,
      profiles,
      stats: new DynamoTenantStatsStore(documentClient(), tableNames().ops),
      quarantine: { list: (tenantId, limit) => runtime().webhook.quarantine.list(tenantId, limit) },
      queueDepths,
      rate,
      replay: (tenantId, id) => replayQuarantined(runtime().webhook, tenantId, id),
      backfill: (tenantId, instanceId, backfillOptions) => runBackfill(runtime().poll, tenantId, instanceId, backfillOptions),
    });

    const accountingDeps = { ledger: new DynamoEventLedger(documentClient(), tableNames().ops), quarantine: new DynamoQuarantineStore(documentClient(), tableNames().ops) };
    const accounting = async (tenantId?: string) => {
      const tenants = simulators.config.tenants.filter((t) => tenantId === undefined || t.id === tenantId);
      return Promise.all(tenants.map((t) => accountTenant(accountingDeps, t, [CLI_SOURCE.instance])));
    };

    const server: LocalServer = await startLocalServer({
      operator,
      port: options.port ?? 3000,
      webhook,
      findProfile,
      status: async () => ({ queues: await queueDepths(), consumers: { merge: mergeStats(), push: pushPoller.stats() } }),
      accounting,
      // Here, not in the CLI: verifying a replay needs the instances' secrets, which only this process holds.
      quarantine: {
        list: (tenantId) => runtime().webhook.quarantine.list(tenantId, 1_000),
        replay: (tenantId, id) => replayQuarantined(runtime().webhook, tenantId, id),
      },
    });
    cleanups.push(() => server.close());
    if (options.stateFile) {
      const stateFile = options.stateFile;
      writeLocalState(stateFile, {
        pid: process.pid,
        startedAt: new Date().toISOString(),
        url: server.url,
        region: process.env.AWS_REGION ?? 'eu-west-1',
        dynamoEndpoint: emulators.dynamoEndpoint,
        sqsEndpoint: emulators.sqsEndpoint,
        tables: tableNames(),
        queues: queueUrls,
        config: simulators.config,
      });
      cleanups.push(async () => removeLocalState(stateFile));
    }
    print(`webhooks         POST ${server.url}/webhooks/{tenant}/{instance}`);
    print(`profiles         GET  ${server.url}/api/profiles/{tenant}?email=…`);
    print(`status           GET  ${server.url}/api/status`);
    print(`accounting       GET  ${server.url}/api/accounting[/{tenant}]`);
    print(`status page           ${server.url}/`);

    const scheduler = startScheduler(simulators.config, (input) => poll(input), log, { runAtStart: options.pollAtStart ?? true });
    cleanups.push(async () => scheduler.stop());
    // The campaign sweep's schedule (EventBridge Scheduler in AWS), one per tenant.
    const sweep = (tenantId?: string) => sweepHandler(tenantId ? { tenantId } : {});
    const sweepTimers = simulators.config.tenants.map((t) =>
      setInterval(() => void sweep(t.id).catch((error: Error) => log.error('scheduled sweep failed', { tenantId: t.id, reason: error.message })), t.campaigns.sweepEveryMinutes * 60_000),
    );
    cleanups.push(async () => sweepTimers.forEach(clearInterval));

    return {
      url: server.url,
      config: simulators.config,
      simulators,
      profiles,
      queues: queueUrls,
      scheduler,
      ...(dynamoFaults ? { dynamoFaults } : {}),
      startMergeWorker,
      sweep,
      findProfile,
      queueDepths,
      accounting,
      async waitUntilIdle(timeoutMs = 30_000) {
        const deadline = Date.now() + timeoutMs;
        let quietChecks = 0;
        while (Date.now() < deadline) {
          const depths = await queueDepths();
          quietChecks = depths.changes === 0 && depths.push === 0 ? quietChecks + 1 : 0;
          // Twice in a row: a merge may be about to enqueue a push.
          if (quietChecks >= 2) return;
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
        throw new Error(`queues not drained after ${timeoutMs} ms: ${JSON.stringify(await queueDepths())}`);
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
