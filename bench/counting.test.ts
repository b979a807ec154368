import { describe, expect, it } from 'vitest';
import { BatchGetCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ReceiveMessageCommand, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { countDynamo, countSqs, itemKind } from './counting.js';

describe('write units by item kind', () => {
  it('labels an item by its partition type and sort key head, never by a tenant, profile id or digest', () => {
    expect(itemKind({ pk: 'T#acme#P#3f2a', sk: 'PROFILE' })).toBe('P/PROFILE');
    expect(itemKind({ pk: 'T#acme#H#3f2a', sk: 'B#digest' })).toBe('H/B');
    expect(itemKind({ pk: 'T#acme#P#3f2a', sk: 'PUSH#mail' })).toBe('P/PUSH');
    expect(itemKind({ pk: 'T#acme#Q', sk: '2026-01-01T00:00:00Z#id' })).toBe('Q/<time>');
    expect(itemKind(undefined)).toBe('?/');
  });
});

describe('read units as billed', () => {
  /** A client whose every request answers `result`, counted like the real one. */
  const counted = (result: Record<string, unknown>) => {
    const client = { send: async () => result } as unknown as DynamoDBDocumentClient;
    return { client, counts: countDynamo(client).counts };
  };
  const small = { pk: 'T#acme#I#d1', sk: 'ID', profileId: 'p1' };
  const large = { pk: 'T#acme#P#p1', sk: 'PROFILE', doc: 'x'.repeat(5_000) };

  it('counts an eventually consistent read at half a unit per 4 KB and a strongly consistent one at a whole unit', async () => {
    const strong = counted({ Item: large });
    await strong.client.send(new GetCommand({ TableName: 't', Key: { pk: large.pk, sk: 'PROFILE' }, ConsistentRead: true }));
    expect(strong.counts.readUnits).toBe(2);
    expect(strong.counts.eventualReadUnits).toBe(0);
    expect(strong.counts.readsBy).toEqual({ 'Get P/PROFILE': { requests: 1, units: 2 } });

    const eventual = counted({ Item: large });
    await eventual.client.send(new GetCommand({ TableName: 't', Key: { pk: large.pk, sk: 'PROFILE' } }));
    expect(eventual.counts.readUnits).toBe(1);
    expect(eventual.counts.eventualReadUnits).toBe(1);
    expect(eventual.counts.readsBy).toEqual({ 'Get P/PROFILE eventual': { requests: 1, units: 1 } });
  });

  it('prices each key of a BatchGetItem by its consistency, a key not found included', async () => {
    const keys = [small, { pk: 'T#acme#I#d2', sk: 'ID' }].map(({ pk, sk }) => ({ pk, sk }));
    const strong = counted({ Responses: { t: [small] } });
    await strong.client.send(new BatchGetCommand({ RequestItems: { t: { Keys: keys, ConsistentRead: true } } }));
    expect(strong.counts.readsBy).toEqual({ 'BatchGet I/ID': { requests: 1, units: 2 } });

    const eventual = counted({ Responses: { t: [small] } });
    await eventual.client.send(new BatchGetCommand({ RequestItems: { t: { Keys: keys, ConsistentRead: false } } }));
    expect(eventual.counts.readsBy).toEqual({ 'BatchGet I/ID eventual': { requests: 1, units: 1 } });
    expect(eventual.counts.eventualReadUnits).toBe(1);
  });

  it('counts a Query of a global secondary index as eventually consistent whatever it asks', async () => {
    const { client, counts } = counted({ Items: [small] });
    await client.send(
      new QueryCommand({ TableName: 't', IndexName: 'tenant-profiles', KeyConditionExpression: 'x = :x', ConsistentRead: true }),
    );
    await client.send(
      new QueryCommand({
        TableName: 't',
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'T#acme#P#p1' },
        ConsistentRead: true,
      }),
    );
    expect(counts.readsBy).toEqual({
      'Query ?/tenant-profiles eventual': { requests: 1, units: 0.5 },
      'Query P/': { requests: 1, units: 1 },
    });
    expect(counts.readUnits).toBe(1.5);
  });
});

describe('index write units', () => {
  it('counts the KEYS_ONLY indexes an item enters (1), moves in (2) or leaves (1), and nothing when its keys stay', async () => {
    const client = { send: async () => ({}) } as unknown as DynamoDBDocumentClient;
    const { counts } = countDynamo(client);
    const profile = (dueAt?: string, live = true) => ({
      pk: 'T#acme#P#p1',
      sk: 'PROFILE',
      version: 1,
      ...(live ? { tenantProfiles: 'T#acme#P' } : {}),
      ...(dueAt ? { tenantDue: 'T#acme#D', dueAt } : {}),
    });
    const put = (item: Record<string, unknown>) => client.send(new PutCommand({ TableName: 't', Item: item }));
    await put(profile('2026-03-01T10:00:00.000Z'));
    expect(counts.indexWriteUnits, 'a new live profile with a due time enters both indexes').toBe(2);
    await put(profile('2026-03-01T10:00:00.000Z'));
    expect(counts.indexWriteUnits, 'same keys: no index write').toBe(2);
    await put(profile('2026-03-02T10:00:00.000Z'));
    expect(counts.indexWriteUnits, 'a new due time moves its entry: delete and put').toBe(4);
    await put(profile(undefined, false));
    expect(counts.indexWriteUnits, 'a tombstone leaves both indexes').toBe(6);
    expect(counts.writeUnitsBy).toMatchObject({ 'Index tenant-profiles': 2, 'Index tenant-due': 4 });
    expect(counts.indexChanges).toEqual({
      'tenant-profiles': { entered: 1, moved: 0, left: 1 },
      'tenant-due': { entered: 1, moved: 1, left: 1 },
    });
  });

  it('prices the sweep’s reschedule by the profile item it last read (an update bills the whole item) and its index move', async () => {
    const item = {
      pk: 'T#acme#P#p1',
      sk: 'PROFILE',
      version: 3,
      doc: 'x'.repeat(1500),
      tenantDue: 'T#acme#D',
      dueAt: '2026-03-01T10:00:00.000Z',
    };
    const client = {
      send: async (command: unknown) => (command instanceof BatchGetCommand ? { Responses: { t: [item] } } : {}),
    } as unknown as DynamoDBDocumentClient;
    const { counts } = countDynamo(client);
    const reschedule = (expression: string) =>
      client.send(
        new UpdateCommand({
          TableName: 't',
          Key: { pk: item.pk, sk: 'PROFILE' },
          UpdateExpression: expression,
          ExpressionAttributeNames: { '#tenant': 'tenantDue', '#due': 'dueAt' },
        }),
      );
    await client.send(new BatchGetCommand({ RequestItems: { t: { Keys: [{ pk: item.pk, sk: 'PROFILE' }], ConsistentRead: true } } }));
    await reschedule('SET #tenant = :tenant, #due = :due');
    expect(counts.writeUnitsBy, 'a 1.5 KB item: two units, and the due entry moves').toEqual({
      'Update P/PROFILE': 2,
      'Index tenant-due': 2,
    });
    await reschedule('REMOVE #tenant, #due');
    expect(counts.writeUnitsBy['Index tenant-due'], 'nothing due any more: the entry leaves the index').toBe(3);
    expect(counts.writeUnits).toBe(7);
    expect(counts.indexChanges).toEqual({ 'tenant-due': { entered: 0, moved: 1, left: 1 } });
  });
});

describe('SQS requests', () => {
  it('counts requests per queue and the profile syncs that single and packed push messages carry', async () => {
    const client = { send: async () => ({ Messages: [] }) } as unknown as SQSClient;
    const { counts } = countSqs(client);
    const queueUrl = 'http://localhost:9324/000000000000/syncline-push';
    const bodies = [
      { kind: 'syncs', tenantId: 'acme', profiles: [{ profileId: 'a', version: 2 }, { profileId: 'b' }, { profileId: 'c' }] },
      { kind: 'sync', tenantId: 'acme', profileId: 'd' },
      { kind: 'erase', tenantId: 'acme', subject: { profileId: 'e', identifiers: [] } },
    ];
    await client.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: bodies.map((b, i) => ({ Id: String(i), MessageBody: JSON.stringify(b) })),
      }),
    );
    await client.send(new ReceiveMessageCommand({ QueueUrl: queueUrl }));
    expect(counts.syncsSent).toBe(4);
    expect(counts.sentByQueue).toEqual({ 'syncline-push': 3 });
    expect(counts.requestsByQueue).toEqual({ 'syncline-push SendMessageBatch': 1, 'syncline-push ReceiveMessage': 1 });
    expect(counts.emptyReceives).toBe(1);
  });
});
