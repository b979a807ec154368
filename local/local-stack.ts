// Starts everything `npm start` runs, in-process, and stops it again: used by the CLI, the demo and end-to-end tests.
import { QUEUE_BATCHING } from '../cdk/handlers.js';
import { randomBytes } from 'node:crypto';
import { digestKeyFromEnvironment } from '../aws/digest-key.js';
import { ensureDigestKeyFile } from './digest-key-file.js';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { findProfile as findProfileIn, type ProfileQuery } from '../operator/profile-view.js';
import type { SynclineConfig } from '../core/config.js';
import type { SecretsProvider } from '../core/ports.js';
import type { Profile } from '../core/profile.js';
import { documentClient, dynamoClient, sqsClient } from '../aws/aws-clients.js';
import { DynamoDueItems } from '../aws/dynamo-due-items.js';
import { DynamoProfileRepository } from '../aws/dynamo-profile-repository.js';
import { EnvOrFileSecrets } from '../aws/secrets.js';
import { tableNames } from '../aws/tables.js';
import { loadConfig, requireValidConfig } from '../lambdas/load-config.js';
import { createLogger } from '../lambdas/logger.js';
import { configureRuntime, runtime } from '../lambdas/runtime.js';
import type { SweepRun } from '../pipeline/campaigns/sweep-campaigns.js';
import { createResources, startEmulators } from './emulators.js';
import { startQueuePoller, type QueuePoller, type QueuePollerOptions } from './queue-poller.js';
import { injectDynamoFaults, type DynamoFaultInjector, type DynamoFaultOptions } from './faults/dynamo-faults.js';
import type { Logger } from '../connectors/sdk/index.js';
import { installedConnectors } from '../connectors/index.js';
import { startScheduler, type Scheduler } from './scheduler.js';
import { startLocalServer, type LocalServer } from './server.js';
import { SIMULATOR, simulatorOf, startSimulators, type RunningSimulators, type SimulatorOptions } from './simulators.js';
import { removeLocalState, writeLocalState } from './state-file.js';
import { replayQuarantined } from '../pipeline/quarantine/replay-quarantine.js';
import { runBackfill } from '../pipeline/backfill/backfill.js';
import { DynamoCampaignContactLog, DynamoTenantStatsStore } from '../aws/dynamo-campaign-store.js';
import { DynamoPushSnapshotStore, DynamoQuarantineStore, DynamoStatusRecorder } from '../aws/dynamo-ops-store.js';
import { DynamoEventLedger } from '../aws/dynamo-event-ledger.js';
import { accountTenant, type TenantAccount } from '../pipeline/ledger/accounting.js';
import { CLI_SOURCE } from '../core/events.js';
import { startEventRate } from './status-page/event-rate.js';
import { createOperatorRoutes } from './status-page/routes.js';
import { localConnect, type LocalConnect } from './local-connect.js';
import { createResyncRunner } from './resync-runner.js';
import { rateKey } from './status-page/status-view.js';
import { demoShopOf } from './demo-shop/demo-shop-route.js';
import { SURVEY_SECRET_INSTANCE } from '../core/campaign/survey/survey-config.js';

export interface LocalStackOptions {
  configFile?: string;
  config?: SynclineConfig;
  port?: number;
  print?: (line: string) => void;
  /** Seconds before a failed message is received again; short locally so retries and the DLQ show quickly. */
  visibilityTimeout?: number;
  maxReceiveCount?: number;
  /**
   * Seconds the SQS emulator holds the merge's push messages, as cdk/handlers.ts PUSH_DELAY_SECONDS does in AWS
   * (default 0: pushed as soon as merged, which tests and `npm start` expect; the benchmark passes the deployed value).
   */
  pushDelaySeconds?: number;
  /** Use a DynamoDB Local that is already running (tests share one JVM) instead of starting one. */
  dynamoEndpoint?: string;
  /** Table names, when several stacks share one DynamoDB Local. */
  tables?: { profiles: string; ops: string };
  /** Run every poll once at start (default true). */
  pollAtStart?: boolean;
  /** Run each tenant's campaign sweep every `sweepEveryMinutes` (default true; the benchmark runs it on its own clock). */
  scheduledSweeps?: boolean;
  /** The clock of the campaign rules (tests move it forward to make carts abandoned and customers lapse). */
  now?: () => Date;
  /** Where to write the endpoints and queue URLs for CLI tools (`npm run dlq`, `npm run quarantine`); removed at stop. */
  stateFile?: string;
  /** Where the handlers and consumers log (default: JSON lines on stdout/stderr at LOG_LEVEL, warn and up). */
  log?: Logger;
  /**
   * Merge workers consuming the changes queue, each running up to MERGE_CONCURRENCY batches at a time (default 1; 0:
   * the caller starts them).
   */
  mergeWorkers?: number;
  /** Faults the simulated vendors inject (fault tests and the soak). */
  simulatorFaults?: SimulatorOptions['faults'];
  /** Customers in the simulated shops' sample data (see SimulatorOptions). */
  sampleCustomers?: number;
  /** DynamoDB faults injected into the handlers' client (fault tests and the soak). */
  dynamoFaults?: DynamoFaultOptions;
}

export type MergeHandler = QueuePollerOptions['handler'];

export interface MergeWorkerOptions {
  handler?: MergeHandler;
  concurrency?: number;
}

type PollerStats = ReturnType<QueuePoller['stats']>;
export interface ConsumerStats {
  merge: PollerStats;
  push: PollerStats;
}

export interface LocalStack {
  url: string;
  config: SynclineConfig;
  simulators: RunningSimulators;
  profiles: DynamoProfileRepository;
  queues: { changes: string; push: string; changesDlq: string; pushDlq: string };
  scheduler: Scheduler;
  /** The DynamoDB fault injector, when `dynamoFaults` was given. */
  dynamoFaults?: DynamoFaultInjector;
  /** Process id of the DynamoDB Local JVM this stack started (none with `dynamoEndpoint`): the bench reads its CPU time. */
  dynamoPid?: number;
  /** Batches and messages the queue consumers handled so far (what `/api/status` shows under `consumers`). */
  consumerStats(): ConsumerStats;
  /**
   * Starts another merge worker on the changes queue (by default with the merge Lambda's handler), stopped with the
   * stack: several workers on one queue and table, or a worker whose handler a test kills mid-batch.
   */
  startMergeWorker(options?: MergeWorkerOptions): QueuePoller;
  /** Runs the campaign sweep now (every tenant, or one), as its schedule does every `campaigns.sweepEveryMinutes`. */
  sweep(tenantId?: string): Promise<SweepRun[]>;
  findProfile(tenantId: string, query: { email?: string; id?: string }): Promise<Profile | undefined>;
  /** Messages visible or in flight per queue. */
  queueDepths(): Promise<Record<string, number>>;
  /** What `syncline accounting` reports: per tenant (every one, or one) and instance, in = applied + quarantined + dead-lettered. */
  accounting(tenantId?: string): Promise<TenantAccount[]>;
  /** Resolves once both queues are empty, delayed messages included (or rejects after `timeoutMs`). */
  waitUntilIdle(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Batches a merge worker runs at once. cdk/syncline-stack.ts lets Lambda run 10; here every batch shares one Node
 * thread with the server, the SQS emulator and the push on 2 cores, so 10 brought no throughput (events per CPU second
 * 28 against 29-32 with 2, load ~15) and stretched a batch from 0.4-0.6 s to 2.8 s: past the 2 s visibility timeout of
 * test/end-to-end.test.ts, whose poll test then dead-lettered 40 redelivered messages (measured at stop 31).
 */
const MERGE_CONCURRENCY = 2;

type Cleanups = (() => Promise<void>)[];
type Print = (line: string) => void;
type Emulators = Awaited<ReturnType<typeof startEmulators>>;
type Resources = Awaited<ReturnType<typeof createResources>>;
type Handlers = Awaited<ReturnType<typeof importHandlers>>;
type QueueUrls = LocalStack['queues'];

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const print = options.print ?? (() => {});
  const log = options.log ?? createLogger('local', (process.env.LOG_LEVEL as 'info') ?? 'warn');
  // The config is checked before any emulator starts: a typo stops `npm start` at once, with every problem listed.
  const baseConfig = options.config ? requireValidConfig(options.config, 'the config given') : loadConfig(options.configFile);
  await requireSimulators(baseConfig);
  const cleanups: Cleanups = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  };

  try {
    const emulators = await startEmulatorsForHandlers(options, cleanups, print);
    const resources = await createQueuesForHandlers(options);
    // A fresh ops table holds no contact without its marker: the push may skip the contact log of a person without one.
    if (resources.created.includes(tableNames().ops))
      await new DynamoCampaignContactLog(documentClient(), tableNames().ops).recordMarkersFrom(
        baseConfig.tenants.map((t) => t.id),
        new Date(0),
      );
    // A fresh profiles table holds no profile on the tenant-due index: the sweep reads due items only.
    if (resources.created.includes(tableNames().profiles))
      await new DynamoDueItems(documentClient(), tableNames().profiles).recordConverted(
        baseConfig.tenants.map((t) => t.id),
        new Date(0),
      );
    // Simulated vendors whose callbacks are set in a dashboard (Copernica) post to the server once it listens.
    let serverUrl: string | undefined;
    const simulators = await startVendorSimulators(baseConfig, options, cleanups, print, () => serverUrl);
    const secrets = configureLocalRuntime(simulators, log, options);
    const connect = localConnect(simulators.config, secrets, log, () => configureLocalRuntime(simulators, log, options));
    const handlers = await importHandlers();
    const dynamoFaults = options.dynamoFaults ? attachDynamoFaults(options.dynamoFaults, cleanups) : undefined;

    const sqs = sqsClient();
    const consumers = startConsumers(sqs, resources, handlers.merge, handlers.push, options, log, cleanups);
    const digestKey = digestKeyFromEnvironment();
    const profiles = new DynamoProfileRepository(documentClient(), tableNames().profiles, digestKey ? { digestKey } : {});
    const findProfile = (tenantId: string, query: ProfileQuery): Promise<Profile | undefined> => findProfileIn(profiles, tenantId, query);
    const queueUrls = queueUrlsOf(resources);
    const queueDepths = () => readQueueDepths(sqs, queueUrls);
    const operator = operatorRoutes(simulators.config, profiles, queueDepths, connect, cleanups);
    const accounting = accountingOf(simulators.config);

    const status = async () => ({ queues: await queueDepths(), consumers: consumers.stats() });
    const server = await startServer(
      {
        operator,
        port: options.port ?? 3000,
        webhook: handlers.webhook,
        collect: handlers.collect,
        personalize: handlers.personalize,
        demoShop: demoShopOf(simulators.config),
        survey: handlers.survey,
        findProfile,
        status,
        accounting,
      },
      cleanups,
    );
    serverUrl = server.url;
    // Settings that follow from the webhook URL (Square's notificationUrl) are known now: filled before anything binds.
    simulators.webhooksListening();
    // The survey's answer links in pushed mails point here (in AWS: the stage's API URL).
    process.env.SYNCLINE_PUBLIC_URL = server.url;
    if (options.stateFile) keepStateFile(options.stateFile, server.url, emulators, queueUrls, simulators.config, cleanups);
    printRoutes(print, server.url);
    const { scheduler, sweep } = startSchedules(simulators.config, handlers, log, options, cleanups);

    return {
      url: server.url,
      config: simulators.config,
      simulators,
      profiles,
      queues: queueUrls,
      scheduler,
      ...(dynamoFaults ? { dynamoFaults } : {}),
      ...(emulators.dynamoPid !== undefined ? { dynamoPid: emulators.dynamoPid } : {}),
      consumerStats: consumers.stats,
      startMergeWorker: consumers.startMergeWorker,
      sweep,
      findProfile,
      queueDepths,
      accounting,
      waitUntilIdle: (timeoutMs = 30_000) => waitUntilIdle(queueDepths, timeoutMs),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The emulators, and the environment that points the AWS SDK and the handlers at them. */
async function startEmulatorsForHandlers(options: LocalStackOptions, cleanups: Cleanups, print: Print): Promise<Emulators> {
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
  // Identifier index keys are HMACs under a key of this machine's, as under the stage's secret in AWS (issue 16 item 10).
  process.env.SYNCLINE_DIGEST_KEY_FILE ??= ensureDigestKeyFile();
  print(`DynamoDB Local   ${emulators.dynamoEndpoint}`);
  print(`SQS emulator     ${emulators.sqsEndpoint}`);
  return emulators;
}

/** Tables and queues on the emulators; the handlers find the queues through the environment, as in Lambda. */
async function createQueuesForHandlers(options: LocalStackOptions): Promise<Resources> {
  const maxReceiveCount = options.maxReceiveCount ?? 3;
  const resources = await createResources({ visibilityTimeout: options.visibilityTimeout ?? 5, maxReceiveCount });
  process.env.CHANGES_QUEUE_URL = resources.queues.changes.url;
  // The merge handler records a dead letter when a message fails on its last receive (the event ledger).
  process.env.CHANGES_MAX_RECEIVE_COUNT = String(maxReceiveCount);
  process.env.PUSH_QUEUE_URL = resources.queues.push.url;
  process.env.PUSH_DELAY_SECONDS = String(options.pushDelaySeconds ?? 0);
  return resources;
}

/** Every instance that asks for a simulated vendor names a connector that has one. */
async function requireSimulators(config: SynclineConfig): Promise<void> {
  for (const tenant of config.tenants) {
    for (const instance of tenant.instances) {
      if (instance.settings.apiBaseUrl === SIMULATOR && !(await simulatorOf(instance.connector))) {
        throw new Error(`${tenant.id}/${instance.id}: connector "${instance.connector}" has no simulator; give its real apiBaseUrl`);
      }
    }
  }
}

async function startVendorSimulators(
  baseConfig: SynclineConfig,
  options: LocalStackOptions,
  cleanups: Cleanups,
  print: Print,
  webhookBase: () => string | undefined,
): Promise<RunningSimulators> {
  const simulators = await startSimulators(baseConfig, {
    webhookBase,
    ...(options.simulatorFaults ? { faults: options.simulatorFaults } : {}),
    ...(options.sampleCustomers !== undefined ? { sampleCustomers: options.sampleCustomers } : {}),
  });
  cleanups.push(() => simulators.stop());
  for (const line of simulators.describe()) print(line);
  return simulators;
}

/**
 * The handlers' runtime: the simulators' config and secrets, with the keys of the environment or file secret over
 * them (a simulated vendor's signing key that `syncline connect` stored), else the environment or file alone.
 */
function configureLocalRuntime(simulators: RunningSimulators, log: Logger, options: LocalStackOptions): SecretsProvider {
  const fileSecrets = new EnvOrFileSecrets();
  // Without a stored survey key the local stack makes one per start: its answer links stop working at the next start.
  const localSurveyKey = { signingKey: randomBytes(32).toString('base64url') };
  const secrets: SecretsProvider = {
    get: async (tenantId, instance) => {
      const simulated = simulators.secretsFor(tenantId, instance) ?? (instance === SURVEY_SECRET_INSTANCE ? localSurveyKey : undefined);
      const stored = (await fileSecrets.get(tenantId, instance)) as Record<string, unknown> | undefined;
      return simulated ? { ...simulated, ...stored } : stored;
    },
  };
  configureRuntime({ config: simulators.config, secrets, log, ...(options.now ? { now: options.now } : {}) });
  return secrets;
}

/** The same modules Lambda loads, imported only once the environment points at the emulators. */
async function importHandlers() {
  const [
    { handler: webhook },
    { handler: merge },
    { handler: push },
    { handler: poll },
    { handler: sweep },
    { handler: personalize },
    { handler: survey },
    { handler: collect },
  ] = await Promise.all([
    import('../lambdas/webhook.js'),
    import('../lambdas/merge.js'),
    import('../lambdas/push.js'),
    import('../lambdas/poll.js'),
    import('../lambdas/sweep.js'),
    import('../lambdas/personalize.js'),
    import('../lambdas/survey-answer.js'),
    import('../lambdas/collect.js'),
  ]);
  return { webhook, merge, push, poll, sweep, personalize, survey, collect };
}

function attachDynamoFaults(faults: DynamoFaultOptions, cleanups: Cleanups): DynamoFaultInjector {
  // The racing second writer must not go through the injector itself.
  const secondWriter = new DynamoDBClient({});
  const injector = injectDynamoFaults(dynamoClient(), secondWriter, faults);
  cleanups.push(async () => {
    injector.detach();
    secondWriter.destroy();
  });
  return injector;
}

/** The queue consumers Lambda's event source mappings would be: merge workers on the changes queue, one push poller. */
function startConsumers(
  sqs: SQSClient,
  resources: Resources,
  merge: MergeHandler,
  push: QueuePollerOptions['handler'],
  options: LocalStackOptions,
  log: Logger,
  cleanups: Cleanups,
) {
  const mergePollers: QueuePoller[] = [];
  const startMergeWorker = (worker: MergeWorkerOptions = {}): QueuePoller => {
    const poller = startQueuePoller({
      sqs,
      queueUrl: resources.queues.changes.url,
      queueArn: resources.queues.changes.arn,
      handler: worker.handler ?? merge,
      batchSize: QUEUE_BATCHING.merge.batchSize,
      visibilityTimeout: options.visibilityTimeout ?? 5,
      concurrency: worker.concurrency ?? MERGE_CONCURRENCY,
      log,
    });
    mergePollers.push(poller);
    return poller;
  };
  for (let i = 0; i < (options.mergeWorkers ?? 1); i++) startMergeWorker();
  const pushPoller = startQueuePoller({
    sqs,
    queueUrl: resources.queues.push.url,
    queueArn: resources.queues.push.arn,
    handler: push,
    batchSize: QUEUE_BATCHING.push.batchSize,
    visibilityTimeout: options.visibilityTimeout ?? 5,
    concurrency: 1,
    log,
  });
  const mergeStats = () =>
    mergePollers.reduce(
      (sum, p) => {
        const s = p.stats();
        return { batches: sum.batches + s.batches, succeeded: sum.succeeded + s.succeeded, failed: sum.failed + s.failed };
      },
      { batches: 0, succeeded: 0, failed: 0 },
    );
  cleanups.push(async () => {
    await Promise.all([...mergePollers, pushPoller].map((p) => p.stop()));
  });
  return { startMergeWorker, stats: () => ({ merge: mergeStats(), push: pushPoller.stats() }) };
}

function queueUrlsOf(resources: Resources): QueueUrls {
  return {
    changes: resources.queues.changes.url,
    push: resources.queues.push.url,
    changesDlq: resources.queues.changesDlq.url,
    pushDlq: resources.queues.pushDlq.url,
  };
}

/** Messages visible or in flight per queue. */
async function readQueueDepths(sqs: SQSClient, queueUrls: QueueUrls): Promise<Record<string, number>> {
  const depths: Record<string, number> = {};
  for (const [name, url] of Object.entries(queueUrls)) {
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
      }),
    );
    depths[name] =
      Number(Attributes?.ApproximateNumberOfMessages ?? 0) +
      Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0) +
      Number(Attributes?.ApproximateNumberOfMessagesDelayed ?? 0);
  }
  return depths;
}

/** The status page at `/` and the backfill route `syncline backfill` streams from. */
function operatorRoutes(
  config: SynclineConfig,
  profiles: DynamoProfileRepository,
  queueDepths: () => Promise<Record<string, number>>,
  connect: LocalConnect,
  cleanups: Cleanups,
) {
  const statusReader = new DynamoStatusRecorder(documentClient(), tableNames().ops);
  const instanceKeys = config.tenants.flatMap((t) => t.instances.map((i) => ({ tenantId: t.id, instanceId: i.id })));
  const rate = startEventRate(async () => {
    const counts = new Map<string, number>();
    for (const { tenantId, instanceId } of instanceKeys) {
      const s = await statusReader.read(tenantId, instanceId);
      counts.set(rateKey(tenantId, instanceId), (s.webhook?.okCount ?? 0) + (s.poll?.okCount ?? 0));
    }
    return counts;
  });
  cleanups.push(async () => rate.stop());
  // The resync runs here, beside the push: it pushes with the push handler's dependencies (and secrets).
  const resyncRunner = createResyncRunner(() => ({ push: runtime().push, cursors: runtime().poll.cursors, log: runtime().push.log }));
  cleanups.push(() => resyncRunner.stop());
  return createOperatorRoutes({
    config,
    status: statusReader,
    profiles,
    stats: new DynamoTenantStatsStore(documentClient(), tableNames().ops),
    snapshots: new DynamoPushSnapshotStore(documentClient(), tableNames().ops),
    connectors: installedConnectors,
    quarantine: { list: (tenantId, limit) => runtime().webhook.quarantine.list(tenantId, limit) },
    queueDepths,
    rate,
    replay: (tenantId, id) => replayQuarantined(runtime().webhook, tenantId, id),
    backfill: (tenantId, instanceId, backfillOptions) => runBackfill(runtime().poll, tenantId, instanceId, backfillOptions),
    connect,
    resync: resyncRunner,
    resyncRunner,
  });
}

/** What `syncline accounting` reports, per tenant (every one, or one). */
function accountingOf(config: SynclineConfig): LocalStack['accounting'] {
  const accountingDeps = {
    ledger: new DynamoEventLedger(documentClient(), tableNames().ops),
    quarantine: new DynamoQuarantineStore(documentClient(), tableNames().ops),
  };
  return async (tenantId?: string) => {
    const tenants = config.tenants.filter((t) => tenantId === undefined || t.id === tenantId);
    return Promise.all(tenants.map((t) => accountTenant(accountingDeps, t, [CLI_SOURCE.instance])));
  };
}

/** The local HTTP server: webhooks, profiles, status, accounting, the status page and the quarantine routes. */
async function startServer(routes: Omit<Parameters<typeof startLocalServer>[0], 'quarantine'>, cleanups: Cleanups): Promise<LocalServer> {
  const server = await startLocalServer({
    ...routes,
    // Here, not in the CLI: verifying a replay needs the instances' secrets, which only this process holds.
    quarantine: {
      list: (tenantId) => runtime().webhook.quarantine.list(tenantId, 1_000),
      replay: (tenantId, id) => replayQuarantined(runtime().webhook, tenantId, id),
    },
  });
  cleanups.push(() => server.close());
  return server;
}

/** The endpoints and queue URLs for CLI tools (`npm run dlq`, `npm run quarantine`); removed at stop. */
function keepStateFile(
  stateFile: string,
  url: string,
  emulators: Emulators,
  queueUrls: QueueUrls,
  config: SynclineConfig,
  cleanups: Cleanups,
): void {
  writeLocalState(stateFile, {
    pid: process.pid,
    startedAt: new Date().toISOString(),
    url,
    region: process.env.AWS_REGION ?? 'eu-west-1',
    dynamoEndpoint: emulators.dynamoEndpoint,
    sqsEndpoint: emulators.sqsEndpoint,
    tables: tableNames(),
    queues: queueUrls,
    config,
    ...(process.env.SYNCLINE_DIGEST_KEY_FILE ? { digestKeyFile: process.env.SYNCLINE_DIGEST_KEY_FILE } : {}),
  });
  cleanups.push(async () => removeLocalState(stateFile));
}

function printRoutes(print: Print, url: string): void {
  print(`webhooks         POST ${url}/webhooks/{tenant}/{instance}`);
  print(`personalize      GET  ${url}/personalize/{tenant}/{site}?anonymousId=…`);
  print(`profiles         GET  ${url}/api/profiles/{tenant}?email=…`);
  print(`status           GET  ${url}/api/status`);
  print(`accounting       GET  ${url}/api/accounting[/{tenant}]`);
  print(`survey answers   GET  ${url}/r/{tenant}/{token}`);
  print(`status page           ${url}/`);
}

/** The poll schedules and the campaign sweep's schedule (EventBridge Scheduler in AWS), one per tenant. */
function startSchedules(config: SynclineConfig, handlers: Handlers, log: Logger, options: LocalStackOptions, cleanups: Cleanups) {
  const scheduler = startScheduler(config, (input) => handlers.poll(input), log, { runAtStart: options.pollAtStart ?? true });
  cleanups.push(async () => scheduler.stop());
  const sweep = (tenantId?: string) => handlers.sweep(tenantId ? { tenantId } : {});
  const sweepTimers = (options.scheduledSweeps === false ? [] : config.tenants).map((t) =>
    setInterval(
      () => void sweep(t.id).catch((error: Error) => log.error('scheduled sweep failed', { tenantId: t.id, reason: error.message })),
      t.campaigns.sweepEveryMinutes * 60_000,
    ),
  );
  cleanups.push(async () => sweepTimers.forEach(clearInterval));
  return { scheduler, sweep };
}

/** Resolves once both queues are empty (or rejects after `timeoutMs`). */
async function waitUntilIdle(queueDepths: () => Promise<Record<string, number>>, timeoutMs: number): Promise<void> {
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
}
