// The lite clients (what the Lambda bundles send with, cdk/handler-bundle.ts) against the SDK's on the emulators: the
// same answers and the same errors for the same requests, and the SDK's retry behaviour against a misbehaving server.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConditionalCheckFailedException as SdkConditionalCheckFailed } from '@aws-sdk/client-dynamodb';
import * as sdk from '@aws-sdk/lib-dynamodb';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useEmulators } from '../../test/support/emulators.js';
import { batchGet, batchPut } from '../dynamo-batch.js';
import { SqsMessageQueue } from '../sqs-queue.js';
import { ConditionalCheckFailedException, DynamoDBClient, TransactionCanceledException } from './client-dynamodb.js';
import * as lite from './lib-dynamodb.js';
import { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from './client-secrets-manager.js';
import { SQSClient } from './client-sqs.js';

const env = useEmulators();
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const OPTIONS = { marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false } };
const liteDb = () =>
  lite.DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: env.dynamoEndpoint, region: 'eu-west-1', credentials }), OPTIONS);
const sdkDb = () => sdk.DynamoDBDocumentClient.from(env.dynamo, OPTIONS);
const table = () => env.tables.profiles;

/** An answer without the per-request metadata (request ids, attempts). */
const body = ({ $metadata: _, ...rest }: { $metadata?: unknown }) => rest;

/** Every kind of value a profile item carries: nested maps and lists, string and number sets, binary, null, undefined. */
const item = (pk: string) => ({
  pk,
  sk: 'P',
  version: 3,
  price: 12.5,
  big: 9007199254740991,
  negative: -0.001,
  name: 'Zoë "quoted" ✓',
  empty: '',
  on: true,
  none: null,
  skipped: undefined,
  tags: new Set(['a', 'b']),
  sizes: new Set([38, 39.5]),
  blob: new Uint8Array([0, 1, 2, 250, 255]),
  nested: { list: [1, 'two', { three: [new Uint8Array([3])] }], map: { deep: { deeper: 'x' } }, emptyList: [], emptyMap: {} },
});

describe('lite document client on DynamoDB Local, beside the SDK', () => {
  it('writes and reads every value type as the SDK does', async () => {
    const [l, s] = [liteDb(), sdkDb()];
    await l.send(new lite.PutCommand({ TableName: table(), Item: item('lite') }));
    await s.send(new sdk.PutCommand({ TableName: table(), Item: item('sdk') }));
    const key = (pk: string) => ({ TableName: table(), Key: { pk, sk: 'P' }, ConsistentRead: true });
    const readBySdk = await s.send(new sdk.GetCommand(key('lite')));
    const readByLite = await l.send(new lite.GetCommand(key('sdk')));
    expect(readBySdk.Item, 'the lite write read by the SDK').toEqual({ ...item('lite'), skipped: undefined });
    expect({ ...readByLite.Item, pk: 'lite' }, 'the SDK write read by the lite client').toEqual(readBySdk.Item);
    expect(readByLite.Item?.blob).toBeInstanceOf(Uint8Array);
  });

  it('answers updates, queries, scans and deletes as the SDK does', async () => {
    const [l, s] = [liteDb(), sdkDb()];
    for (let i = 0; i < 5; i++) await s.send(new sdk.PutCommand({ TableName: table(), Item: { pk: 'q', sk: `S${i}`, n: i } }));
    const update = (pk: string) => ({
      TableName: table(),
      Key: { pk, sk: 'U' },
      UpdateExpression: 'ADD #n :one SET #s = :s',
      ExpressionAttributeNames: { '#n': 'n', '#s': 'set' },
      ExpressionAttributeValues: { ':one': 1, ':s': new Set(['x']) },
      ReturnValues: 'ALL_NEW' as const,
    });
    const updatedByLite = await l.send(new lite.UpdateCommand(update('u1')));
    const updatedBySdk = await s.send(new sdk.UpdateCommand(update('u2')));
    expect(updatedByLite.Attributes).toEqual({ pk: 'u1', sk: 'U', n: 1, set: new Set(['x']) });
    expect({ ...updatedByLite.Attributes, pk: 'u2' }).toEqual(updatedBySdk.Attributes);
    const query = { TableName: table(), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'q' }, Limit: 2 };
    const [lq, sq] = [await l.send(new lite.QueryCommand(query)), await s.send(new sdk.QueryCommand(query))];
    expect(body(lq)).toEqual(body(sq));
    expect(lq.LastEvaluatedKey).toEqual({ pk: 'q', sk: 'S1' });
    const next = { ...query, ExclusiveStartKey: lq.LastEvaluatedKey };
    expect(body(await l.send(new lite.QueryCommand(next)))).toEqual(body(await s.send(new sdk.QueryCommand(next))));
    const scan = { TableName: table(), FilterExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'q' } };
    expect((await l.send(new lite.ScanCommand(scan))).Items?.length).toBe((await s.send(new sdk.ScanCommand(scan))).Items?.length);
    const removed = await l.send(new lite.DeleteCommand({ TableName: table(), Key: { pk: 'q', sk: 'S0' }, ReturnValues: 'ALL_OLD' }));
    expect(removed.Attributes).toEqual({ pk: 'q', sk: 'S0', n: 0 });
  });

  it('throws a failed condition as the SDK does: same name, the old item in AttributeValues, instanceof both ways', async () => {
    const [l, s] = [liteDb(), sdkDb()];
    await s.send(new sdk.PutCommand({ TableName: table(), Item: { pk: 'c', sk: 'P', version: 2, blob: new Uint8Array([7]) } }));
    const put = {
      TableName: table(),
      Item: { pk: 'c', sk: 'P', version: 3 },
      ConditionExpression: 'version = :v',
      ExpressionAttributeValues: { ':v': 1 },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    };
    const fromLite = await l.send(new lite.PutCommand(put)).catch((error: unknown) => error);
    const fromSdk = await s.send(new sdk.PutCommand(put)).catch((error: unknown) => error);
    expect(fromLite).toBeInstanceOf(ConditionalCheckFailedException);
    expect(fromLite, "the SDK's class recognises the lite error").toBeInstanceOf(SdkConditionalCheckFailed);
    expect(fromSdk, "the lite class recognises the SDK's error").toBeInstanceOf(ConditionalCheckFailedException);
    const { name, $fault, Item } = fromLite as InstanceType<typeof ConditionalCheckFailedException>;
    const expected = fromSdk as SdkConditionalCheckFailed;
    expect({ name, $fault, Item }).toEqual({ name: expected.name, $fault: expected.$fault, Item: expected.Item });
    expect(Item).toEqual({ pk: { S: 'c' }, sk: { S: 'P' }, version: { N: '2' }, blob: { B: new Uint8Array([7]) } });
  });

  it('throws a cancelled transaction with its CancellationReasons as the SDK does', async () => {
    const [l, s] = [liteDb(), sdkDb()];
    await s.send(new sdk.PutCommand({ TableName: table(), Item: { pk: 't', sk: 'P', version: 5 } }));
    const transaction = {
      TransactItems: [
        { Put: { TableName: table(), Item: { pk: 't2', sk: 'P', version: 1 }, ConditionExpression: 'attribute_not_exists(pk)' } },
        {
          Update: {
            TableName: table(),
            Key: { pk: 't', sk: 'P' },
            UpdateExpression: 'SET version = :next',
            ConditionExpression: 'version = :v',
            ExpressionAttributeValues: { ':v': 4, ':next': 5 },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
          },
        },
      ],
    };
    const fromLite = await l.send(new lite.TransactWriteCommand(transaction)).catch((error: unknown) => error);
    const fromSdk = await s.send(new sdk.TransactWriteCommand(transaction)).catch((error: unknown) => error);
    expect(fromLite).toBeInstanceOf(TransactionCanceledException);
    const reasons = (error: unknown) => (error as { CancellationReasons?: unknown }).CancellationReasons;
    expect(reasons(fromLite)).toEqual(reasons(fromSdk));
    expect(reasons(fromLite)).toEqual([
      { Code: 'None' },
      {
        Code: 'ConditionalCheckFailed',
        Item: { pk: { S: 't' }, sk: { S: 'P' }, version: { N: '5' } },
        Message: 'The conditional request failed',
      },
    ]);
  });

  it('batch-writes and batch-reads more than one request holds, through the adapters’ batch helpers', async () => {
    const items = Array.from({ length: 60 }, (_, i) => ({ pk: `b${i}`, sk: 'P', n: i, blob: new Uint8Array([i]) }));
    await batchPut(liteDb() as unknown as sdk.DynamoDBDocumentClient, table(), items);
    const keys = items.map(({ pk, sk }) => ({ pk, sk }));
    const byLite = await batchGet(liteDb() as unknown as sdk.DynamoDBDocumentClient, table(), keys, { consistentRead: true });
    const bySdk = await batchGet(sdkDb(), table(), keys, { consistentRead: true });
    const sorted = (found: Record<string, unknown>[]) => [...found].sort((a, b) => Number(a.n) - Number(b.n));
    expect(sorted(byLite)).toEqual(items);
    expect(sorted(bySdk)).toEqual(items);
  });
});

describe('lite SQS client on the SQS emulator', () => {
  it('sends a batch through SqsMessageQueue that the SDK receives unchanged', async () => {
    const sqs = new SQSClient({ endpoint: env.sqsEndpoint, region: 'eu-west-1', credentials });
    const messages = Array.from({ length: 12 }, (_, i) => ({ i, text: `Zoë ${i} \u{1F600}` }));
    await new SqsMessageQueue(sqs as unknown as import('@aws-sdk/client-sqs').SQSClient, env.queues.push.url).send(messages);
    const received: unknown[] = [];
    for (let i = 0; i < 10 && received.length < messages.length; i++) {
      const { Messages } = await env.sqs.send(new ReceiveMessageCommand({ QueueUrl: env.queues.push.url, MaxNumberOfMessages: 10 }));
      received.push(...(Messages ?? []).map((m) => JSON.parse(m.Body!)));
    }
    expect(received.sort((a, b) => (a as { i: number }).i - (b as { i: number }).i)).toEqual(messages);
  });
});

describe('lite transport against a misbehaving server', () => {
  let server: Server;
  let endpoint: string;
  const answers: { status: number; body: string }[] = [];
  const targets: string[] = [];
  const bodies: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      targets.push(String(req.headers['x-amz-target']));
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      req.on('end', () => {
        bodies.push(text);
        const answer = answers.shift() ?? { status: 200, body: '{}' };
        res.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'r-1' });
        res.end(answer.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const throttled = {
    status: 400,
    body: '{"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException","message":"slow down"}',
  };

  it('retries throttling and 5xx answers as the SDK does, up to 4 attempts for DynamoDB', async () => {
    answers.push(throttled, { status: 503, body: '' }, { status: 200, body: '{"Item":{"pk":{"S":"x"}}}' });
    const db = lite.DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint, region: 'eu-west-1', credentials }));
    const result = await db.send(new lite.GetCommand({ TableName: 't', Key: { pk: 'x' } }));
    expect(result.Item).toEqual({ pk: 'x' });
    expect(result.$metadata).toMatchObject({ attempts: 3, httpStatusCode: 200, requestId: 'r-1' });

    answers.push(throttled, throttled, throttled, throttled);
    const error = await db.send(new lite.GetCommand({ TableName: 't', Key: { pk: 'x' } })).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ProvisionedThroughputExceededException', message: 'slow down', $fault: 'client' });
    expect((error as { $metadata: { attempts: number } }).$metadata.attempts).toBe(4);
  }, 30_000);

  it('sends ConsistentRead as asked: true strongly consistent, false or absent eventually consistent (half the read units)', async () => {
    const db = lite.DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint, region: 'eu-west-1', credentials }));
    bodies.length = 0;
    await db.send(new lite.GetCommand({ TableName: 't', Key: { pk: 'x' }, ConsistentRead: true }));
    await batchGet(db as unknown as sdk.DynamoDBDocumentClient, 't', [{ pk: 'x', sk: 'ID' }], { consistentRead: false });
    await batchGet(db as unknown as sdk.DynamoDBDocumentClient, 't', [{ pk: 'x', sk: 'ID' }], { consistentRead: true });
    const sent = bodies.map((b) => JSON.parse(b) as { ConsistentRead?: boolean; RequestItems?: { t: { ConsistentRead?: boolean } } });
    expect(sent.map((b) => b.ConsistentRead ?? b.RequestItems?.t.ConsistentRead)).toEqual([true, false, true]);
  });

  it('does not retry a failed condition or a validation error', async () => {
    answers.push({ status: 400, body: '{"__type":"com.amazon.coral.validate#ValidationException","message":"bad key"}' });
    const before = targets.length;
    const db = lite.DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint, region: 'eu-west-1', credentials }));
    await expect(db.send(new lite.GetCommand({ TableName: 't', Key: { pk: 'x' } }))).rejects.toMatchObject({ name: 'ValidationException' });
    expect(targets.length - before).toBe(1);
    expect(targets.at(-1)).toBe('DynamoDB_20120810.GetItem');
  });

  it('reads a secret with GetSecretValue and names a missing one ResourceNotFoundException', async () => {
    const secrets = new SecretsManagerClient({ endpoint, region: 'eu-west-1', credentials });
    answers.push({ status: 200, body: '{"Name":"syncline/dev/acme/shop","SecretString":"{\\"token\\":\\"t\\"}"}' });
    expect((await secrets.send(new GetSecretValueCommand({ SecretId: 'syncline/dev/acme/shop' }))).SecretString).toBe('{"token":"t"}');
    expect(targets.at(-1)).toBe('secretsmanager.GetSecretValue');
    answers.push({
      status: 400,
      body: '{"__type":"ResourceNotFoundException","Message":"Secrets Manager can\'t find the specified secret."}',
    });
    await expect(secrets.send(new GetSecretValueCommand({ SecretId: 'nope' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
  });
});
