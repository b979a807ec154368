// The syncline stack of one stage (dev or prod): HTTP API, the five functions, queues, tables, schedules, alarms, and the
// grants on the stage's secrets. Nothing in it grows per tenant except the schedules, which live in nested stacks.
import { ArnFormat, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { SynclineConfig } from '../core/config.js';
import { HANDLER_NAMES, MEMORY_MB, PUSH_DELAY_SECONDS, QUEUE_BATCHING, type HandlerName } from './handlers.js';
import { Analytics } from './constructs/analytics.js';
import { DataTables } from './constructs/data-tables.js';
import { HandlerFunction, type CodeMode } from './constructs/handler-function.js';
import { IdentifierDigestKey } from './constructs/identifier-digest-key.js';
import { Monitoring } from './constructs/monitoring.js';
import { Schedules } from './constructs/schedules.js';
import { RESYNC_EVERY_MINUTES, ResyncSchedule } from './constructs/resync-schedule.js';
import { ANY_TENANT_KEYS, grantKeyed } from './constructs/table-access.js';
import { TenantDataAccess } from './constructs/tenant-data-access.js';
import { TENANT_DATA_ROLE_VARIABLE } from '../aws/tenant-credentials.js';
import { WebhookApi, WEBHOOK_ROUTE } from './constructs/webhook-api.js';
import { addPersonalizeRoute } from './constructs/personalize-route.js';
import { addCollectRoutes } from './constructs/collect-route.js';
import { secretPrefix } from '../aws/secrets.js';
import { SURVEY_SECRET_INSTANCE } from '../core/campaign/survey/survey-config.js';
import { dueItemKeys, TENANT_DUE_INDEX, TENANT_PROFILES_INDEX } from '../aws/tables.js';
import { WorkQueue } from './constructs/work-queue.js';
import { QueueProducers } from './constructs/queue-producers.js';
import { operatorRoleName } from '../operator/stage.js';

export const STAGES = ['dev', 'prod'] as const;
export type StageName = (typeof STAGES)[number];

export interface SynclineStackProps extends StackProps {
  stage: StageName;
  /** The validated syncline.config.json: tenants and connector instances. */
  config: SynclineConfig;
  /** `bundle` (esbuild, the config file copied into each bundle) for synth/deploy; `stub` for fast unit tests. */
  code: CodeMode;
  /**
   * Delete the tables (and log groups) when the stack is deleted. Only a dev stage may ask for it;
   * by default everything holding data is retained.
   */
  destroyDataOnRemoval?: boolean;
  alarmEmail?: string;
}

/** Receives of a changes message before it moves to the DLQ; the merge function records the dead letter on the last one. */
const CHANGES_MAX_RECEIVE_COUNT = 5;

/** Function sizing. Queue visibility timeouts derive from the consumers' timeouts. */
const FUNCTIONS: Record<HandlerName, { timeout: Duration; memorySize: number; description: string }> = {
  // Vendors wait for the answer (Shopify gives up after 5 s), and the HTTP API allows at most 30 s.
  webhook: { timeout: Duration.seconds(10), memorySize: MEMORY_MB.webhook, description: 'verify, parse and queue vendor webhooks' },
  // The handler stops paging 10 s before its deadline and saves the cursor; the next run resumes from it.
  poll: { timeout: Duration.minutes(5), memorySize: MEMORY_MB.poll, description: 'poll a vendor API page by page into the changes queue' },
  merge: { timeout: Duration.seconds(60), memorySize: MEMORY_MB.merge, description: 'merge canonical events into profiles' },
  // Vendor APIs rate-limit (429 + Retry-After), and p-retry waits inside the invocation.
  push: { timeout: Duration.minutes(2), memorySize: MEMORY_MB.push, description: 'push changed profiles to destinations' },
  // Reads the due profiles every run, and every profile of a tenant twice when its stats are recounted (daily by
  // default): the longest Lambda allows.
  sweep: {
    timeout: Duration.minutes(15),
    memorySize: MEMORY_MB.sweep,
    description: 'campaign sweep: tenant stats and time-dependent fields',
  },
  // Pushes a tenant's profiles to one destination at the vendor's pace; stops a minute before this and the next
  // scheduled run (every RESYNC_EVERY_MINUTES, longer than this) continues after the last page.
  resync: {
    timeout: Duration.minutes(RESYNC_EVERY_MINUTES - 1),
    memorySize: MEMORY_MB.resync,
    description: 'resync jobs: every consenting profile to a destination',
  },
  // A page waits for it: two reads and a projection, or nothing.
  personalize: {
    timeout: Duration.seconds(5),
    memorySize: MEMORY_MB.personalize,
    description: "answer a website visitor's segments and suggestions",
  },
  // A person waits on the answer: one secret read (cached) and one queue send.
  survey: {
    timeout: Duration.seconds(10),
    memorySize: MEMORY_MB.survey,
    description: 'one-click survey answers from e-mails to the changes queue',
  },
  // Pages' beacons: parse a batch of ≤ 64 KiB and one SendMessageBatch; no table, no secret.
  collect: {
    timeout: Duration.seconds(5),
    memorySize: MEMORY_MB.collect,
    description: 'website tracking batches (syncline.js) to the changes queue',
  },
};

/** Page views of every shop's visitors, personalize calls and survey clicks together: far above the webhooks' budget. */
const SITE_THROTTLE: Record<StageName, { rateLimit: number; burstLimit: number }> = {
  dev: { rateLimit: 50, burstLimit: 100 },
  prod: { rateLimit: 1000, burstLimit: 2000 },
};

export class SynclineStack extends Stack {
  readonly functions: Record<HandlerName, lambda.Function>;
  readonly api: WebhookApi;
  readonly changes: WorkQueue;
  readonly push: WorkQueue;
  readonly tables: DataTables;
  readonly analytics: Analytics;
  readonly schedules: Schedules;
  readonly resyncSchedule: ResyncSchedule;
  readonly monitoring: Monitoring;
  readonly tenantData: TenantDataAccess;
  readonly digestKey: IdentifierDigestKey;
  readonly producers: QueueProducers;

  constructor(scope: Construct, id: string, props: SynclineStackProps) {
    super(scope, id, { description: `syncline (${props.stage}): multi-tenant customer-data sync`, ...props });
    const { stage, config } = props;
    if (!STAGES.includes(stage)) throw new Error(`stage must be one of ${STAGES.join(', ')}, not "${stage}"`);
    if (props.destroyDataOnRemoval && stage !== 'dev')
      throw new Error(`only the dev stage may destroy its data on removal; ${stage} retains it`);
    const prefix = `syncline-${stage}`;
    const removalPolicy = props.destroyDataOnRemoval ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
    const logRetention = stage === 'prod' ? logs.RetentionDays.THREE_MONTHS : logs.RetentionDays.TWO_WEEKS;

    this.tables = new DataTables(this, 'Tables', { namePrefix: prefix, removalPolicy });
    // Whole-tenant analytics read an export with Athena, never the table (issue 20, docs/deploy.md "Analytics").
    this.analytics = new Analytics(this, 'Analytics', { namePrefix: prefix, profilesTable: this.tables.profiles, removalPolicy });
    this.changes = new WorkQueue(this, 'ChangesQueue', {
      queueName: `${prefix}-changes`,
      consumerTimeout: FUNCTIONS.merge.timeout,
      maxReceiveCount: CHANGES_MAX_RECEIVE_COUNT,
    });
    this.push = new WorkQueue(this, 'PushQueue', {
      queueName: `${prefix}-push`,
      consumerTimeout: FUNCTIONS.push.timeout,
      maxReceiveCount: 5,
    });
    this.functions = this.createFunctions(stage, prefix, props.code, logRetention, removalPolicy);
    this.tenantData = this.grantLeastPrivilege(stage);
    // Webhook, poll, survey and collect send to the changes queue, and so does the CLI through the operator role; the
    // merge knows their role ids and refuses what anyone else sent (cdk/constructs/queue-producers.ts).
    const { webhook, poll, survey, collect } = this.functions;
    this.producers = new QueueProducers(this, 'ChangesProducers', {
      queue: this.changes.queue,
      functions: { webhook, poll, survey, collect },
      consumer: this.functions.merge,
      operatorRoleName: operatorRoleName(stage),
      description: `syncline ${stage}: the CLI's sends to the changes queue (erase, backfill, replays), for the stage's operators`,
    });
    const { merge, push, sweep } = this.functions;
    this.digestKey = new IdentifierDigestKey(this, 'IdentifierDigestKey', {
      stage,
      readers: [merge, push, sweep, this.functions.personalize],
      removalPolicy,
    });
    this.connectQueues();

    this.api = new WebhookApi(this, 'Webhooks', {
      apiName: `${prefix}-webhooks`,
      webhookFunction: this.functions.webhook,
      surveyFunction: this.functions.survey,
      // Paths of no configured tenant (junk, scans) share the small default; each tenant has its own budget (README).
      throttle: stage === 'prod' ? { rateLimit: 20, burstLimit: 40 } : { rateLimit: 5, burstLimit: 10 },
      tenantThrottle: stage === 'prod' ? { rateLimit: 200, burstLimit: 400 } : { rateLimit: 20, burstLimit: 40 },
      siteThrottle: SITE_THROTTLE[stage],
      tenantIds: config.tenants.filter((t) => t.instances.some((i) => i.webhooks)).map((t) => t.id),
      logRetention,
      removalPolicy,
    });
    this.api.addRouteBudget(
      [...addPersonalizeRoute(this.api.api, this.functions.personalize), ...addCollectRoutes(this.api.api, this.functions.collect)],
      SITE_THROTTLE[stage],
    );
    // The answer links the push writes into mails point at this API; the push function has no other tie to it.
    this.functions.push.addEnvironment('SYNCLINE_PUBLIC_URL', this.api.baseUrl);
    this.schedules = new Schedules(this, 'Schedules', {
      groupName: prefix,
      config,
      pollFunction: this.functions.poll,
      sweepFunction: this.functions.sweep,
    });
    this.resyncSchedule = new ResyncSchedule(this, 'ResyncSchedule', {
      group: this.schedules.group,
      resyncFunction: this.functions.resync,
    });
    this.monitoring = this.monitor(prefix, props.alarmEmail);
    this.addOutputs();
  }

  /** One function per handler, each with the runtime contract of lambdas/runtime.ts in its environment. */
  private createFunctions(
    stage: StageName,
    prefix: string,
    code: CodeMode,
    logRetention: logs.RetentionDays,
    removalPolicy: RemovalPolicy,
  ): Record<HandlerName, lambda.Function> {
    // Every handler builds all ports, so every function gets every name.
    const environment = {
      SYNCLINE_STAGE: stage,
      PROFILES_TABLE: this.tables.profiles.tableName,
      OPS_TABLE: this.tables.ops.tableName,
      CHANGES_QUEUE_URL: this.changes.queue.queueUrl,
      PUSH_QUEUE_URL: this.push.queue.queueUrl,
      CHANGES_MAX_RECEIVE_COUNT: String(CHANGES_MAX_RECEIVE_COUNT),
      PUSH_DELAY_SECONDS: String(PUSH_DELAY_SECONDS),
      LOG_LEVEL: stage === 'prod' ? 'info' : 'debug',
    };
    const make = (name: HandlerName) =>
      new HandlerFunction(this, `${name[0]!.toUpperCase()}${name.slice(1)}`, {
        handler: name,
        functionName: `${prefix}-${name}`,
        code,
        environment,
        logRetention,
        removalPolicy,
        ...FUNCTIONS[name],
      }).function;
    return Object.fromEntries(HANDLER_NAMES.map((name) => [name, make(name)])) as Record<HandlerName, lambda.Function>;
  }

  /**
   * Least privilege per function, and every DynamoDB grant confined by dynamodb:LeadingKeys (cdk/constructs/table-access.ts).
   * webhook and poll serve one tenant per invocation (route, schedule): they reach the ops table only through the
   * TenantDataAccess role, whose sessions are tagged with that tenant and may touch only `T#<tenant>#…` keys.
   * merge, push and sweep take batches that mix tenants (SQS, the sweep walks every tenant): their grants reach
   * any tenant's keys but nothing outside `T#…`, and which tenant a key belongs to is the code's job (RELIABILITY.md).
   */
  private grantLeastPrivilege(stage: StageName): TenantDataAccess {
    const { webhook, poll, merge, push, sweep, personalize, survey, collect, resync } = this.functions;
    const { profiles, ops } = this.tables;
    const tenantData = new TenantDataAccess(this, 'TenantDataAccess', {
      tables: [ops], // quarantine, cursors, status; neither function touches profiles
      assumers: [webhook.role!, poll.role!],
      description: `syncline ${stage}: one tenant's ops items, for webhook and poll sessions tagged with that tenant`,
    });
    for (const fn of [webhook, poll]) fn.addEnvironment(TENANT_DATA_ROLE_VARIABLE, tenantData.role.roleArn);

    // Webhook, poll, survey and collect send to the changes queue: this.producers (constructor).
    this.grantSecretReads(stage, [webhook, poll, push, personalize, resync]);
    // The survey function sends answers and reads the tenants' survey keys only, none of the connector secrets.
    this.grantSurveyKeyReads(stage, survey);
    // Collect: events and its quarantine entries both go onto the changes queue (the merge keeps the entries), so it
    // needs no table grant at all.

    // Includes ConditionCheckItem for TransactWriteItems; the index lists a tenant's profiles (whole-source erasure).
    grantKeyed(merge, [profiles], 'readWrite', ANY_TENANT_KEYS, [TENANT_PROFILES_INDEX.name]);
    this.push.queue.grantSendMessages(merge);
    grantKeyed(merge, [ops], 'readWrite', ANY_TENANT_KEYS); // tenant stats (read), status, event ledger (applied, dead-lettered)

    grantKeyed(push, [profiles], 'read', ANY_TENANT_KEYS);
    grantKeyed(push, [ops], 'readWrite', ANY_TENANT_KEYS); // snapshots, contact log, erasure receipts, status

    // A tenant's profiles by index (the daily stats) and the profiles due: by their due items (Query, BatchGetItem),
    // moved on by BatchWriteItem confined to the due partitions (`T#<tenant>#DUE`, aws/dynamo-due-items.ts); by the
    // tenant-due index until `syncline migrate` converted the tenant, taken off it by UpdateItem (drop both with the
    // index in a later deploy).
    grantKeyed(sweep, [profiles], 'readUpdate', ANY_TENANT_KEYS, [TENANT_PROFILES_INDEX.name, TENANT_DUE_INDEX.name]);
    grantKeyed(sweep, [profiles], 'batchWrite', dueItemKeys.partition('*'));
    grantKeyed(sweep, [ops], 'readWrite', ANY_TENANT_KEYS); // tenant stats
    this.push.queue.grantSendMessages(sweep); // syncs of profiles whose campaign fields changed

    // A resync reads a tenant's live profiles by the tenant-profiles index (and counts them there), writes push
    // snapshots, its job item and status to ops; it pushes with the connector secrets (above). No queue, no profile write.
    grantKeyed(resync, [profiles], 'read', ANY_TENANT_KEYS, [TENANT_PROFILES_INDEX.name]);
    grantKeyed(resync, [ops], 'readWrite', ANY_TENANT_KEYS);

    // Reads only: identifier items and profiles, the tenant stats item, and the site's customer-token secret.
    grantKeyed(personalize, [profiles, ops], 'read', ANY_TENANT_KEYS);
    return tenantData;
  }

  /**
   * The connector secrets `syncline/<stage>/<tenant>/<instance>` (aws/secrets.ts) are created by the operator, not the
   * stack (docs/deploy.md), so that their number does not count against the stack's resources; the functions that
   * verify webhooks, poll or push may read them by the stage's name prefix, and only read them (GetSecretValue).
   */
  private grantSecretReads(stage: StageName, readers: readonly lambda.Function[]): void {
    const stageSecrets = this.formatArn({
      service: 'secretsmanager',
      resource: 'secret',
      resourceName: `${secretPrefix(stage)}*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    for (const fn of readers) {
      fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [stageSecrets] }));
      Validations.of(fn.role!).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:${secretPrefix(stage)}*]`,
        reason: `Connector secrets are created per instance by the operator under ${secretPrefix(stage)}<tenant>/<instance> (their ARNs end in a random suffix and are not in the stack): this function may read only this stage's syncline secrets, and reads the one of the instance it serves.`,
      });
    }
  }

  /** `syncline/<stage>/<tenant>/survey` (pipeline/survey/survey-secret.ts), any tenant: the route's tenant is in its URL. */
  private grantSurveyKeyReads(stage: StageName, reader: lambda.Function): void {
    const surveyKeys = this.formatArn({
      service: 'secretsmanager',
      resource: 'secret',
      resourceName: `${secretPrefix(stage)}*/${SURVEY_SECRET_INSTANCE}-??????`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    reader.addToRolePolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [surveyKeys] }));
    Validations.of(reader.role!).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:${secretPrefix(stage)}*/${SURVEY_SECRET_INSTANCE}-??????]`,
      reason: `The survey keys are created per tenant by the operator as ${secretPrefix(stage)}<tenant>/${SURVEY_SECRET_INSTANCE} (Secrets Manager adds a random 6-character suffix): this function may read only those, of this stage.`,
    });
  }

  /** Retries of scheduled runs, and the queues' event sources of merge and push. */
  private connectQueues(): void {
    const { poll, merge, push, sweep } = this.functions;
    // Scheduled runs are not retried by Lambda: the next poll resumes from the last saved cursor, the next sweep redoes all.
    poll.configureAsyncInvoke({ retryAttempts: 0 });
    sweep.configureAsyncInvoke({ retryAttempts: 0 });
    this.functions.resync.configureAsyncInvoke({ retryAttempts: 0 });

    // Event sources (cdk/handlers.ts QUEUE_BATCHING says why each is sized so). Batch items fail individually
    // (reportBatchItemFailures), so a batch is never re-merged whole.
    for (const [fn, queue, batching] of [
      [merge, this.changes.queue, QUEUE_BATCHING.merge],
      [push, this.push.queue, QUEUE_BATCHING.push],
    ] as const) {
      fn.addEventSource(
        new SqsEventSource(queue, {
          reportBatchItemFailures: true,
          batchSize: batching.batchSize,
          maxBatchingWindow: Duration.seconds(batching.windowSeconds),
          maxConcurrency: batching.maxConcurrency,
        }),
      );
    }
  }

  private monitor(prefix: string, alarmEmail: string | undefined): Monitoring {
    return new Monitoring(this, 'Monitoring', {
      namePrefix: prefix,
      functions: this.functions,
      queues: [
        { name: 'changes', queue: this.changes, maxAge: Duration.minutes(15) },
        // Destinations may be down for a while: vendors' outages are retried for up to an hour before anyone is woken.
        { name: 'push', queue: this.push, maxAge: Duration.hours(1) },
      ],
      api: this.api.api,
      sweepLogs: this.functions.sweep.logGroup,
      ...(alarmEmail ? { alarmEmail } : {}),
    });
  }

  /**
   * The webhook base URL and the alarm topic. One output per webhook URL would count against CloudFormation's 200 outputs
   * per stack: `syncline webhooks` prints every instance's URL from the base URL instead.
   */
  private addOutputs(): void {
    new CfnOutput(this, 'WebhookBaseUrl', {
      value: this.api.baseUrl,
      description: `POST ${WEBHOOK_ROUTE} below this URL (syncline webhooks --base-url <this> lists them)`,
    });
    new CfnOutput(this, 'AnalyticsBucket', {
      value: this.analytics.bucket.bucketName,
      description: 'export the profiles table here (prefix exports/), decoded layout under layout/ (docs/deploy.md)',
    });
    new CfnOutput(this, 'AnalyticsWorkGroup', { value: this.analytics.workGroup.name, description: 'Athena workgroup of analytics/*.sql' });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.monitoring.topic.topicArn, description: 'subscribe to receive syncline alarms' });
  }
}
