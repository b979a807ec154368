import { describe, expect, it, vi } from 'vitest';
import type { QuarantineEntry } from '../core/ports.js';
import { createTables } from '../local/emulators.js';
import { useEmulators } from '../test/support/emulators.js';
import { documentClient } from './aws-clients.js';
import type { MetricRecord } from '../lambdas/logger.js';
import { DynamoCursorStore, DynamoPushSnapshotStore, DynamoQuarantineStore, DynamoStatusRecorder } from './dynamo-ops-store.js';
import { pendingSnapshotInstance } from '../core/merge/echoes.js';
import { encodePending } from '../core/pending-push.js';
import { storedSnapshot } from '../pipeline/push-snapshot.js';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { opsKeys, TTL_ATTRIBUTE } from './tables.js';

const env = useEmulators({ sqs: false });
const DAY = 24 * 60 * 60 * 1000;

function entry(tenantId: string, id: string, receivedAt: string): QuarantineEntry {
  return {
    id,
    tenantId,
    instance: 'shop',
    receivedAt,
    reason: 'payload invalid: customer.email',
    request: {
      method: 'POST',
      url: `/webhooks/${tenantId}/shop`,
      headers: { 'content-type': 'application/json' },
      bodyBase64: Buffer.from('{"id":1}').toString('base64'),
    },
  };
}

describe('DynamoDB Local under the adapters', () => {
  it('answers on the endpoint from AWS_ENDPOINT_URL_DYNAMODB without an endpoint in the client config', async () => {
    // documentClient() configures no endpoint: the SDK itself must read the variable the helper set.
    const cursors = new DynamoCursorStore(documentClient(), env.tables.ops);
    await cursors.put('acme', 'env-check', 'c-1');
    expect(await new DynamoCursorStore(env.db, env.tables.ops).get('acme', 'env-check')).toBe('c-1');
  });

  it('creates the tables again without error', async () => {
    await expect(createTables(env.dynamo, env.tables)).resolves.toEqual(env.tables);
  });
});

describe('DynamoCursorStore', () => {
  it('saves and reads a poll cursor per tenant and instance', async () => {
    const cursors = new DynamoCursorStore(env.db, env.tables.ops);
    expect(await cursors.get('acme', 'shop')).toBeUndefined();
    await cursors.put('acme', 'shop', 'page-1');
    await cursors.put('acme', 'shop', 'page-2');
    await cursors.put('other', 'shop', 'other-page');
    expect(await cursors.get('acme', 'shop')).toBe('page-2');
    expect(await cursors.get('other', 'shop')).toBe('other-page');
  });
});

describe('DynamoQuarantineStore', () => {
  it('lists quarantined deliveries newest first, up to the limit', async () => {
    const store = new DynamoQuarantineStore(env.db, env.tables.ops);
    for (const [id, at] of [
      ['q1', '2026-03-01T10:00:00.000Z'],
      ['q3', '2026-03-01T12:00:00.000Z'],
      ['q2', '2026-03-01T11:00:00.000Z'],
    ] as const)
      await store.put(entry('listing', id, at));
    await store.put(entry('listing-other', 'q9', '2026-03-01T13:00:00.000Z'));

    expect((await store.list('listing')).map((e) => e.id)).toEqual(['q3', 'q2', 'q1']);
    expect((await store.list('listing', 2)).map((e) => e.id)).toEqual(['q3', 'q2']);
    expect(await store.list('listing')).toContainEqual(entry('listing', 'q1', '2026-03-01T10:00:00.000Z'));
  });

  it('filters expired quarantine items that DynamoDB Local has not deleted', async () => {
    const longAgo = new Date(Date.now() - 31 * DAY);
    await new DynamoQuarantineStore(env.db, env.tables.ops, { now: () => longAgo }).put(entry('expiry', 'old', longAgo.toISOString()));
    const store = new DynamoQuarantineStore(env.db, env.tables.ops);
    await store.put(entry('expiry', 'new', new Date().toISOString()));

    // The expired item is still stored (DynamoDB Local ignores TTL) but no longer listed.
    expect(await new DynamoQuarantineStore(env.db, env.tables.ops, { now: () => longAgo }).list('expiry')).toHaveLength(2);
    expect((await store.list('expiry')).map((e) => e.id)).toEqual(['new']);
  });

  it('counts live quarantined deliveries per instance for the accounting, skipping expired ones and other tenants', async () => {
    const longAgo = new Date(Date.now() - 31 * DAY);
    await new DynamoQuarantineStore(env.db, env.tables.ops, { now: () => longAgo }).put(entry('counting', 'old', longAgo.toISOString()));
    const store = new DynamoQuarantineStore(env.db, env.tables.ops);
    await store.put(entry('counting', 'a', '2026-03-04T10:00:00.000Z'));
    await store.put({ ...entry('counting', 'b', '2026-03-04T11:00:00.000Z'), instance: 'pos' });
    await store.put({ ...entry('counting', 'c', '2026-03-04T12:00:00.000Z'), instance: 'pos' });
    await store.put(entry('counting-other', 'd', '2026-03-04T12:00:00.000Z'));
    expect(Object.fromEntries(await store.countByInstance('counting'))).toEqual({ shop: 1, pos: 2 });
    expect(await store.countByInstance('nobody')).toEqual(new Map());
  });

  it('keeps a delivery and its redelivery after a 503 as one quarantine entry', async () => {
    const store = new DynamoQuarantineStore(env.db, env.tables.ops);
    await store.put(entry('redelivered', 'same-delivery', '2026-03-01T10:00:00.000Z'));
    await store.put(entry('redelivered', 'same-delivery', '2026-03-01T10:00:05.000Z'));
    await store.put(entry('redelivered', 'another-delivery', '2026-03-01T10:00:06.000Z'));

    expect((await store.list('redelivered')).map((e) => [e.id, e.receivedAt])).toEqual([
      ['another-delivery', '2026-03-01T10:00:06.000Z'],
      ['same-delivery', '2026-03-01T10:00:00.000Z'],
    ]);
  });

  it('removes a quarantined delivery by its id alone', async () => {
    const store = new DynamoQuarantineStore(env.db, env.tables.ops);
    await store.put(entry('removal', 'keep', '2026-03-02T10:00:00.000Z'));
    await store.put(entry('removal', 'drop', '2026-03-02T11:00:00.000Z'));
    await store.remove('removal', 'drop');
    await store.remove('removal', 'never-existed');
    expect((await store.list('removal')).map((e) => e.id)).toEqual(['keep']);
  });
});

describe('DynamoPushSnapshotStore', () => {
  it('replaces a snapshot and removes all snapshots of a profile, and only those', async () => {
    const snapshots = new DynamoPushSnapshotStore(env.db, env.tables.ops);
    await snapshots.put('acme', 'p1', 'copernica', { email: 'a@example.org', score: 3, vip: true, city: null });
    await snapshots.put('acme', 'p1', 'copernica', { email: 'a@example.org', score: 4 });
    expect(await snapshots.get('acme', 'p1', 'copernica')).toEqual({ email: 'a@example.org', score: 4 });

    // More instances than one BatchWriteItem takes.
    for (let i = 0; i < 30; i++) await snapshots.put('acme', 'p1', `dest-${i}`, { n: i });
    await snapshots.put('acme', 'p2', 'copernica', { n: 2 });
    await snapshots.put('other', 'p1', 'copernica', { n: 3 });

    await snapshots.removeAll('acme', 'p1');
    expect(await snapshots.get('acme', 'p1', 'copernica')).toBeUndefined();
    expect(await snapshots.get('acme', 'p1', 'dest-29')).toBeUndefined();
    expect(await snapshots.get('acme', 'p2', 'copernica'), 'another profile').toEqual({ n: 2 });
    expect(await snapshots.get('other', 'p1', 'copernica'), 'another tenant').toEqual({ n: 3 });
  });

  it('keeps the pending state of a push in the snapshot item, small or deflated, and an erasure removes a pending item of the older layout left behind (issue 22)', async () => {
    const snapshots = new DynamoPushSnapshotStore(env.db, env.tables.ops);
    const confirmed = { consentEmailMarketing: false, firstName: 'Anna' };
    const long = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`field${i}`, `value ${i} of a long profile`]));
    const small = storedSnapshot(confirmed, 'm-1', undefined, encodePending(confirmed, { ...confirmed, consentEmailMarketing: true }));
    const large = storedSnapshot(long, undefined, undefined, encodePending(long, { ...long, field1: 'changed' }));
    await snapshots.putMany('acme', [
      { profileId: 'q1', instance: 'mailchimp', fields: small },
      { profileId: 'q2', instance: 'mailchimp', fields: large },
      { profileId: 'q3', instance: 'mailchimp', fields: storedSnapshot(confirmed, 'm-3') },
      { profileId: 'q2', instance: pendingSnapshotInstance('mailchimp'), fields: { consentEmailMarketing: true } },
    ]);
    expect(await snapshots.get('acme', 'q1', 'mailchimp')).toEqual(small);
    expect(await snapshots.get('acme', 'q2', 'mailchimp')).toEqual(large);
    expect(await snapshots.get('acme', 'q3', 'mailchimp'), 'nothing under way').toEqual({
      ...confirmed,
      '@remoteId': 'm-3',
      '@pending': false,
    });
    await snapshots.removeAll('acme', 'q2');
    expect(await snapshots.get('acme', 'q2', pendingSnapshotInstance('mailchimp'))).toBeUndefined();
    expect(await snapshots.get('acme', 'q2', 'mailchimp')).toBeUndefined();
  });

  it('lets an item that holds only a delivery log expire, and reads none once expired (DynamoDB Local never deletes)', async () => {
    let now = Date.parse('2026-03-03T10:00:00.000Z');
    const snapshots = new DynamoPushSnapshotStore(env.db, env.tables.ops, { now: () => new Date(now) });
    const expiresAt = Math.floor(now / 1000) + 90 * 86_400;
    await snapshots.putMany('acme', [
      { profileId: 'l1', instance: 'mailchimp', fields: { '@deliveries': '[]' }, expiresAt },
      { profileId: 'l2', instance: 'mailchimp', fields: { email: 'kept@example.org' } },
    ]);
    const { Item } = await env.db.send(new GetCommand({ TableName: env.tables.ops, Key: opsKeys.pushSnapshot('acme', 'l1', 'mailchimp') }));
    expect(Item?.[TTL_ATTRIBUTE], 'DynamoDB TTL deletes it in AWS').toBe(expiresAt);
    expect(await snapshots.get('acme', 'l1', 'mailchimp')).toEqual({ '@deliveries': '[]' });
    now += 91 * DAY;
    expect(await snapshots.get('acme', 'l1', 'mailchimp')).toBeUndefined();
    const keys = [
      { profileId: 'l1', instance: 'mailchimp' },
      { profileId: 'l2', instance: 'mailchimp' },
    ];
    expect([...(await snapshots.getMany('acme', keys)).keys()], 'a snapshot without TTL stays').toEqual(['l2/mailchimp']);
  });
});

describe('DynamoStatusRecorder', () => {
  it('counts outcomes per stage without losing concurrent records', async () => {
    const at = new Date('2026-03-03T09:00:00.000Z');
    const status = new DynamoStatusRecorder(env.db, env.tables.ops, () => at);
    await Promise.all(Array.from({ length: 20 }, () => status.record('acme', 'shop', 'webhook', 'ok')));
    await status.record('acme', 'shop', 'webhook', 'error');
    await status.record('acme', 'shop', 'poll', 'ok', 250);

    expect(await status.read('acme', 'shop')).toEqual({
      webhook: { okCount: 20, okLastAt: at.toISOString(), errorCount: 1, errorLastAt: at.toISOString() },
      poll: { okCount: 250, okLastAt: at.toISOString() },
    });
    expect(await status.read('other', 'shop')).toEqual({});
  });

  it('writes at most once a minute per instance and stage in steady traffic, an outcome change at once, every count as a metric', async () => {
    let now = Date.parse('2026-03-03T10:00:00.000Z');
    const metrics: MetricRecord[] = [];
    const status = new DynamoStatusRecorder(env.db, env.tables.ops, () => new Date(now), { metrics: (m) => metrics.push(m) });
    const sent = vi.spyOn(env.db, 'send');
    for (let i = 0; i < 30; i++) {
      await status.record('steady', 'shop', 'webhook', 'ok', 2);
      now += 1_000;
    }
    const updates = () => sent.mock.calls.filter(([c]) => c.constructor.name === 'UpdateCommand').length;
    expect(updates(), 'one write for 30 deliveries within the minute').toBe(1);
    expect((await status.read('steady', 'shop')).webhook, 'the first delivery is written at once').toMatchObject({ okCount: 2 });

    await status.record('steady', 'shop', 'webhook', 'error');
    expect(updates(), 'a failure is written at once, with the counts waiting').toBe(2);
    expect((await status.read('steady', 'shop')).webhook).toEqual({
      okCount: 60,
      okLastAt: new Date(now - 1_000).toISOString(),
      errorCount: 1,
      errorLastAt: new Date(now).toISOString(),
    });
    now += 60_000;
    await status.record('steady', 'shop', 'webhook', 'error');
    expect(updates(), 'a minute later the same outcome is written again').toBe(3);
    expect(metrics).toHaveLength(32);
    expect(metrics[0]).toEqual({
      dimensions: { tenantId: 'steady', instance: 'shop', stage: 'webhook' },
      metrics: { okCount: 2 },
      time: new Date(Date.parse('2026-03-03T10:00:00.000Z')),
    });
    sent.mockRestore();
  });

  it("adds a push batch's delivery counts to the push stage's own write, with no write of their own", async () => {
    const at = new Date('2026-03-03T11:00:00.000Z');
    const metrics: MetricRecord[] = [];
    const status = new DynamoStatusRecorder(env.db, env.tables.ops, () => at, { metrics: (m) => metrics.push(m) });
    const sent = vi.spyOn(env.db, 'send');
    const updates = () => sent.mock.calls.filter(([c]) => c.constructor.name === 'UpdateCommand').length;
    status.deliveries('acme', 'mailchimp', { delivered: 3, 'skipped-consent': 2, rejected: 1 });
    expect(updates(), 'counted, not written').toBe(0);
    await status.record('acme', 'mailchimp', 'push', 'ok', 3);
    await status.record('acme', 'mailchimp', 'push', 'error', 1);
    status.deliveries('acme', 'mailchimp', { retrying: 2 });
    await status.record('acme', 'mailchimp', 'push', 'error', 2);
    expect(updates(), 'the ok and the error writes the push makes anyway').toBe(2);
    expect((await status.read('acme', 'mailchimp')).push).toMatchObject({
      okCount: 3,
      errorCount: 1,
      deliveredCount: 3,
      skippedConsentCount: 2,
      rejectedCount: 1,
    });
    expect(metrics.filter((m) => 'deliveredCount' in m.metrics || 'retryingCount' in m.metrics).map((m) => m.metrics)).toEqual([
      { deliveredCount: 3, skippedConsentCount: 2, rejectedCount: 1 },
      { retryingCount: 2 },
    ]);
    sent.mockRestore();
  });
});
