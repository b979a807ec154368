// The erasure receipt store on DynamoDB Local, and the in-memory one held to the same behaviour.
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { ErasureSubject } from '../core/destination.js';
import { subjectDigest, type DestinationErasure } from '../core/erasure/receipts.js';
import type { ErasureReceiptStore } from '../core/ports.js';
import { InMemoryErasureReceipts } from '../test/support/in-memory-erasure-receipts.js';
import { useEmulators } from '../test/support/emulators.js';
import { DynamoErasureReceipts } from './dynamo-erasure-receipts.js';
import { opsKeys } from './tables.js';

const env = useEmulators({ sqs: false });

const subject = (profileId: string, email = 'erik@erase.example'): ErasureSubject => ({
  profileId,
  email,
  identifiers: [
    { type: 'email', value: email },
    { type: 'customerId:shopify', value: '191167' },
  ],
});
const confirmed = (instance: string, at: string): DestinationErasure => ({
  instance,
  connector: 'copernica',
  status: 'confirmed',
  attempts: 1,
  firstAttemptAt: at,
  lastAttemptAt: at,
  confirmedAt: at,
});
const failed = (instance: string, at: string, attempts = 1): DestinationErasure => ({
  instance,
  connector: 'mailchimp',
  status: 'failed',
  reason: 'Mailchimp unavailable: HTTP 503',
  attempts,
  firstAttemptAt: at,
  lastAttemptAt: at,
});

let seq = 0;
const stores: [string, () => ErasureReceiptStore][] = [
  ['in memory', () => new InMemoryErasureReceipts()],
  ['on DynamoDB Local', () => new DynamoErasureReceipts(env.db, env.tables.ops)],
];

describe.each(stores)('erasure receipts %s', (_name, store) => {
  const tenant = () => `acme-${++seq}`;

  it('opens a receipt once: a retry gets it as it stands, with what each destination said', async () => {
    const receipts = store();
    const t = tenant();
    const first = await receipts.open(t, 'req-1', subject('p-1'), '2026-11-01T10:00:00.000Z');
    expect(first).toMatchObject({
      tenantId: t,
      requestId: 'req-1',
      profileId: 'p-1',
      state: 'open',
      destinations: {},
      identifierTypes: ['customerId', 'email'],
    });
    expect(first.identifierDigests).toHaveLength(2);
    await receipts.record(t, 'req-1', first.subjectDigest, confirmed('copernica', '2026-11-01T10:00:01.000Z'), '2026-11-01T10:00:01.000Z');
    await receipts.record(t, 'req-1', first.subjectDigest, failed('mailchimp', '2026-11-01T10:00:02.000Z'), '2026-11-01T10:00:02.000Z');

    const again = await receipts.open(t, 'req-1', subject('p-1'), '2026-11-01T10:05:00.000Z');
    expect(again.requestedAt, 'the first opening counts').toBe('2026-11-01T10:00:00.000Z');
    expect(again.destinations.copernica?.status).toBe('confirmed');
    expect(again.destinations.mailchimp).toMatchObject({ status: 'failed', reason: 'Mailchimp unavailable: HTTP 503' });

    expect(await receipts.pending(t)).toEqual([
      {
        tenantId: t,
        requestId: 'req-1',
        subjectDigest: first.subjectDigest,
        subject: subject('p-1'),
        requestedAt: '2026-11-01T10:00:00.000Z',
        lastTriedAt: '2026-11-01T10:00:02.000Z',
      },
    ]);
  });

  it('combines the subjects of one request per destination, the worst status winning', async () => {
    const receipts = store();
    const t = tenant();
    const a = await receipts.open(t, 'shop/redact:954889', subject('p-a', 'a@example.com'), '2026-11-01T10:00:00.000Z');
    const b = await receipts.open(t, 'shop/redact:954889', subject('p-b', 'b@example.com'), '2026-11-01T10:00:01.000Z');
    await receipts.record(
      t,
      'shop/redact:954889',
      a.subjectDigest,
      confirmed('copernica', '2026-11-01T10:00:02.000Z'),
      '2026-11-01T10:00:02.000Z',
    );
    await receipts.record(
      t,
      'shop/redact:954889',
      b.subjectDigest,
      failed('copernica', '2026-11-01T10:00:03.000Z'),
      '2026-11-01T10:00:03.000Z',
    );
    await receipts.close(t, 'shop/redact:954889', a.subjectDigest, 'settled', '2026-11-01T10:00:04.000Z');

    const receipt = await receipts.get(t, 'shop/redact:954889');
    expect(receipt).toMatchObject({
      requestId: 'shop/redact:954889',
      requestedAt: '2026-11-01T10:00:00.000Z',
      updatedAt: '2026-11-01T10:00:04.000Z',
      state: 'open',
    });
    expect(receipt!.subjects.map((s) => s.profileId).sort()).toEqual(['p-a', 'p-b']);
    expect(receipt!.destinations).toEqual([expect.objectContaining({ instance: 'copernica', status: 'failed', attempts: 2 })]);
  });

  it('forgets the subject when a receipt closes, and a late touch or record does not bring it back', async () => {
    const receipts = store();
    const t = tenant();
    const opened = await receipts.open(t, 'req-2', subject('p-2'), '2026-11-01T10:00:00.000Z');
    await receipts.record(t, 'req-2', opened.subjectDigest, confirmed('copernica', '2026-11-01T10:00:01.000Z'), '2026-11-01T10:00:01.000Z');
    await receipts.close(t, 'req-2', opened.subjectDigest, 'settled', '2026-11-01T10:00:01.000Z');
    await receipts.touch(t, 'req-2', opened.subjectDigest, '2026-11-01T11:00:00.000Z');
    expect(await receipts.pending(t)).toEqual([]);
    expect((await receipts.open(t, 'req-2', subject('p-2'), '2026-11-01T12:00:00.000Z')).state, 'a redelivery finds it settled').toBe(
      'settled',
    );
    expect(await receipts.pending(t), 'reopening a closed receipt keeps nothing').toEqual([]);
    expect((await receipts.get(t, 'req-2'))?.state).toBe('settled');
  });

  it('never turns a confirmation back into a failure (a late, concurrent redelivery that failed)', async () => {
    const receipts = store();
    const t = tenant();
    const opened = await receipts.open(t, 'req-c', subject('p-c'), '2026-11-01T10:00:00.000Z');
    await receipts.record(t, 'req-c', opened.subjectDigest, confirmed('copernica', '2026-11-01T10:00:02.000Z'), '2026-11-01T10:00:02.000Z');
    await receipts.record(
      t,
      'req-c',
      opened.subjectDigest,
      { ...failed('copernica', '2026-11-01T10:00:03.000Z'), connector: 'copernica' },
      '2026-11-01T10:00:03.000Z',
    );
    expect((await receipts.get(t, 'req-c'))!.destinations).toEqual([confirmed('copernica', '2026-11-01T10:00:02.000Z')]);
    await receipts.close(
      t,
      'req-c',
      opened.subjectDigest,
      'failed-permanently',
      '2026-11-01T10:00:04.000Z',
      'retries stopped 14 days after the request',
    );
    expect((await receipts.get(t, 'req-c'))!.subjects[0]).toMatchObject({
      state: 'failed-permanently',
      closedReason: 'retries stopped 14 days after the request',
    });
  });

  it('lists a tenant’s requests newest first, and none of another tenant', async () => {
    const receipts = store();
    const t = tenant();
    const other = tenant();
    await receipts.open(t, 'older', subject('p-3'), '2026-11-01T09:00:00.000Z');
    await receipts.open(t, 'newer#1', subject('p-4'), '2026-11-02T09:00:00.000Z');
    await receipts.open(other, 'theirs', subject('p-5'), '2026-11-03T09:00:00.000Z');
    expect((await receipts.list(t)).map((r) => r.requestId)).toEqual(['newer#1', 'older']);
    expect((await receipts.list(t, 1)).map((r) => r.requestId)).toEqual(['newer#1']);
    expect(await receipts.get(t, 'newer'), 'a prefix of a request id is another request').toBeUndefined();
    expect(await receipts.get(other, 'older')).toBeUndefined();
    expect((await receipts.pending(other)).map((p) => p.requestId)).toEqual(['theirs']);
  });
});

describe('erasure receipts on DynamoDB', () => {
  it('keeps receipts under the tenant’s key prefix without personal data, and the subject only in the pending item', async () => {
    const receipts = new DynamoErasureReceipts(env.db, env.tables.ops);
    const opened = await receipts.open('keys', 'gdpr#7', subject('p-9'), '2026-11-01T10:00:00.000Z');
    expect(opened.subjectDigest).toBe(subjectDigest('keys', 'p-9'));
    const items = async (pk: string) =>
      (
        await env.db.send(
          new QueryCommand({ TableName: env.tables.ops, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk } }),
        )
      ).Items ?? [];
    const [receipt] = await items(opsKeys.erasureReceiptPartition('keys'));
    expect(receipt).toMatchObject({ pk: 'T#keys#ERASURE', sk: `gdpr%237#${opened.subjectDigest}` });
    expect(JSON.stringify(receipt), 'no address or customer id in the receipt').not.toMatch(/erik|erase\.example|191167/);
    const [pending] = await items(opsKeys.erasurePendingPartition('keys'));
    expect(pending).toMatchObject({
      pk: 'T#keys#ERASURE-PENDING',
      subject: subject('p-9'),
      ttl: Math.floor(Date.parse('2026-11-01T10:00:00.000Z') / 1000) + 60 * 24 * 60 * 60,
    });
  });
});
