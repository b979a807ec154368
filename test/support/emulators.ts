// Vitest helper: real DynamoDB Local and SQS emulators for one test file, with tables and queues named for that file.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createQueues, createTables, startEmulators, type Emulators, type QueueNames, type QueueRef } from '../../local/emulators.js';
import type { TableNames } from '../../aws/tables.js';
import { DynamoDBClient as LiteDynamoDBClient } from '../../aws/lite/client-dynamodb.js';
import { DynamoDBDocumentClient as LiteDocumentClient } from '../../aws/lite/lib-dynamodb.js';

export interface TestEmulatorOptions {
  /** Start DynamoDB Local (a JVM, ~3–5 s on 2 cores): default true. */
  dynamo?: boolean;
  /** Start the SQS emulator (in-process, milliseconds): default true. */
  sqs?: boolean;
  visibilityTimeout?: number;
  maxReceiveCount?: number;
}

export interface TestEmulators {
  dynamoEndpoint: string;
  sqsEndpoint: string;
  tables: TableNames;
  queues: Record<keyof QueueNames, QueueRef>;
  /** Clients bound to the emulators explicitly (independent of the environment). */
  dynamo: DynamoDBClient;
  db: DynamoDBDocumentClient;
  sqs: SQSClient;
  /** The running emulators (start time, JVM pid), for tests of the emulators themselves. */
  started: Emulators;
  /** A fresh name with this file's prefix, for extra tables or queues. */
  unique(name: string): string;
}

const ENV = [
  'AWS_ENDPOINT_URL_DYNAMODB',
  'AWS_ENDPOINT_URL_SQS',
  'AWS_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'PROFILES_TABLE',
  'OPS_TABLE',
  'CHANGES_QUEUE_URL',
  'PUSH_QUEUE_URL',
  'CHANGES_MAX_RECEIVE_COUNT',
] as const;

/**
 * Call at the top of a test file. Starts the emulators in beforeAll and stops them in afterAll; the returned object
 * is filled in by then. Sets the AWS_* variables (fake credentials, eu-west-1), PROFILES_TABLE / OPS_TABLE and
 * CHANGES_QUEUE_URL / PUSH_QUEUE_URL, so that code reading the environment (aws-clients, the runtime) uses them; the
 * previous values come back afterwards. Set SYNCLINE_TEST_DYNAMO_ENDPOINT to reuse a DynamoDB Local that is already
 * running (e.g. from a global setup) instead of starting a JVM per file.
 */
export function useEmulators(options: TestEmulatorOptions = {}): TestEmulators {
  const prefix = `t${randomBytes(4).toString('hex')}`;
  const context = { unique: (name: string) => `${prefix}-${name}` } as TestEmulators;
  let emulators: Emulators | undefined;
  const saved = new Map<string, string | undefined>();

  beforeAll(async () => {
    for (const name of ENV) saved.set(name, process.env[name]);
    const shared = process.env.SYNCLINE_TEST_DYNAMO_ENDPOINT;
    const wantDynamo = options.dynamo !== false;
    emulators = await startEmulators({ dynamo: wantDynamo && !shared, sqs: options.sqs !== false });
    const dynamoEndpoint = wantDynamo ? (shared ?? emulators.dynamoEndpoint) : '';
    const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
    Object.assign(process.env, {
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    });

    context.started = emulators;
    context.dynamoEndpoint = dynamoEndpoint;
    context.sqsEndpoint = emulators.sqsEndpoint;
    if (dynamoEndpoint) {
      process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamoEndpoint;
      context.dynamo = new DynamoDBClient({ endpoint: dynamoEndpoint, region: 'eu-west-1', credentials });
      context.db = DynamoDBDocumentClient.from(context.dynamo, { marshallOptions: { removeUndefinedValues: true } });
      // SYNCLINE_TEST_LITE_AWS=1: `db` is the Lambda bundles' document client (aws/lite/), so a test file written
      // against the SDK's runs its reads and writes through the client that deploys (cdk/handler-bundle.ts).
      if (process.env.SYNCLINE_TEST_LITE_AWS === '1')
        context.db = LiteDocumentClient.from(new LiteDynamoDBClient({ endpoint: dynamoEndpoint, region: 'eu-west-1', credentials }), {
          marshallOptions: { removeUndefinedValues: true },
        }) as unknown as DynamoDBDocumentClient;
      context.tables = await createTables(context.dynamo, { profiles: context.unique('profiles'), ops: context.unique('ops') });
      process.env.PROFILES_TABLE = context.tables.profiles;
      process.env.OPS_TABLE = context.tables.ops;
    }
    if (emulators.sqsEndpoint) {
      process.env.AWS_ENDPOINT_URL_SQS = emulators.sqsEndpoint;
      context.sqs = new SQSClient({ endpoint: emulators.sqsEndpoint, region: 'eu-west-1', credentials });
      const names = {
        changes: context.unique('changes'),
        changesDlq: context.unique('changes-dlq'),
        push: context.unique('push'),
        pushDlq: context.unique('push-dlq'),
      };
      context.queues = await createQueues(context.sqs, names, {
        visibilityTimeout: options.visibilityTimeout ?? 30,
        maxReceiveCount: options.maxReceiveCount ?? 5,
      });
      process.env.CHANGES_QUEUE_URL = context.queues.changes.url;
      process.env.PUSH_QUEUE_URL = context.queues.push.url;
      process.env.CHANGES_MAX_RECEIVE_COUNT = String(options.maxReceiveCount ?? 5);
    }
  });

  afterAll(async () => {
    context.dynamo?.destroy();
    context.sqs?.destroy();
    await emulators?.stop();
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  return context;
}
