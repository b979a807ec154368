// The event ledger on DynamoDB Local: the shared semantics, plus its keys, TTL and what it does with expired records.
import { deflateRawSync } from 'node:zlib';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it, vi } from 'vitest';
import { queryItems } from './dynamo-query.js';
import { eventLedgerContract } from '../test/support/event-ledger-contract.js';
import { LEDGER_RETENTION_DAYS } from '../pipeline/ledger/event-ledger.js';
import { useEmulators } from '../test/support/emulators.js';
import { DEFLATE_DICTIONARY } from './deflate-dictionary.js';
import { DynamoEventLedger } from './dynamo-event-ledger.js';
import { TTL_ATTRIBUTE } from './tables.js';

const env = useEmulators({ sqs: false });
let tenants = 0;

describe('the DynamoDB event ledger', () => {
  // Each test gets tenants of its own in the one table: the contract's tenants are renamed per test.
  eventLedgerContract(() => {
    const ledger = new DynamoEventLedger(env.db, env.tables.ops);
    const prefix = `t${++tenants}-`;
    const rename = <T extends { tenantId: string }>(e: T): T => ({ ...e, tenantId: prefix + e.tenantId });
    return {
      accepted: (events) => ledger.accepted(events.map(rename)),
      settled: (settlements) => ledger.settled(settlements.map(rename)),
      count: (tenantId, instance) => ledger.count(prefix + tenantId, instance),
    };
  });

  it(`keeps a call's events in one item under its tenant and instance, expiring ${LEDGER_RETENTION_DAYS} days after it was written`, async () => {
    let now = new Date('2026-11-01T00:00:00Z');
    const ledger = new DynamoEventLedger(env.db, env.tables.ops, { now: () => now });
    const e = { tenantId: 'ttl-shop', instance: 'shop', sourceEventId: 'orders/create#5001' };
    await ledger.accepted([e]);
    now = new Date('2026-11-10T00:00:00Z');
    const sent = vi.spyOn(env.db, 'send');
    await ledger.settled([
      { ...e, state: 'dead-lettered', reason: 'merge failed' },
      ...Array.from({ length: 9 }, (_, i) => ({
        ...e,
        sourceEventId: `orders/create#${i}`,
        state: 'applied' as const,
        outcome: 'applied' as const,
      })),
    ]);
    expect(sent, 'ten settled events: one write').toHaveBeenCalledTimes(1);
    sent.mockRestore();
    const items = await queryItems(env.db, {
      TableName: env.tables.ops,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': 'T#ttl-shop#LEDGER#shop' },
    });
    expect(items).toHaveLength(2);
    expect(items[1]).toMatchObject({
      at: '2026-11-10T00:00:00.000Z',
      events: { 'orders/create#5001': { s: 'dead-lettered', r: 'merge failed' } },
    });
    expect(items[1]?.[TTL_ATTRIBUTE]).toBe(Date.parse('2026-11-10T00:00:00Z') / 1000 + LEDGER_RETENTION_DAYS * 86_400);
    expect(await ledger.count('ttl-shop', 'shop')).toMatchObject({ events: 10, applied: 9, deadLettered: 1 });

    now = new Date(Date.parse('2026-11-10T00:00:00Z') + (LEDGER_RETENTION_DAYS + 1) * 86_400_000);
    expect(await ledger.count('ttl-shop', 'shop'), 'DynamoDB Local keeps expired items: the count skips them').toMatchObject({
      events: 0,
      deadLettered: 0,
    });
  });

  it('deflates a batch whose item would pass one write unit, and counts it back', async () => {
    const ledger = new DynamoEventLedger(env.db, env.tables.ops);
    await ledger.settled(
      Array.from({ length: 60 }, (_, i) => ({
        tenantId: 'zip-shop',
        instance: 'shop',
        sourceEventId: `orders/create/${7000 + i}/bench-${i}`,
        state: 'applied' as const,
        outcome: 'applied' as const,
      })),
    );
    const items = await queryItems(env.db, {
      TableName: env.tables.ops,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': 'T#zip-shop#LEDGER#shop' },
    });
    expect(items).toHaveLength(1);
    expect(items[0]!.events, 'no map when deflated').toBeUndefined();
    expect((items[0]!.eventsd as Uint8Array).length).toBeLessThan(1024);
    expect(await ledger.count('zip-shop', 'shop')).toMatchObject({ events: 60, applied: 60 });
  });

  it('counts a batch item deflated with dictionary 1, before dictionaries carried a version', async () => {
    const now = new Date('2026-11-01T00:00:00Z');
    const ledger = new DynamoEventLedger(env.db, env.tables.ops, { now: () => now });
    const events = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`orders/create/${8000 + i}`, { s: 'applied', o: 'applied' }]));
    await env.db.send(
      new PutCommand({
        TableName: env.tables.ops,
        Item: {
          pk: 'T#v1-shop#LEDGER#shop',
          sk: 'B#2026-10-31T00:00:00.000Z#v1',
          at: '2026-10-31T00:00:00.000Z',
          eventsd: deflateRawSync(JSON.stringify(events), { dictionary: DEFLATE_DICTIONARY }),
          [TTL_ATTRIBUTE]: Date.parse('2026-11-20T00:00:00Z') / 1000,
        },
      }),
    );
    expect(await ledger.count('v1-shop', 'shop')).toMatchObject({ events: 30, applied: 30 });
  });

  it('still counts the items of the earlier layout, one per event, until they expire', async () => {
    const now = new Date('2026-11-01T00:00:00Z');
    const ledger = new DynamoEventLedger(env.db, env.tables.ops, { now: () => now });
    const expires = Date.parse('2026-11-20T00:00:00Z') / 1000;
    await env.db.send(
      new PutCommand({
        TableName: env.tables.ops,
        Item: {
          pk: 'T#legacy-shop#LEDGER#shop',
          sk: 'e1',
          state: 'accepted',
          acceptedAt: '2026-10-31T00:00:00.000Z',
          [TTL_ATTRIBUTE]: expires,
        },
      }),
    );
    await ledger.settled([{ tenantId: 'legacy-shop', instance: 'shop', sourceEventId: 'e1', state: 'applied', outcome: 'applied' }]);
    expect(await ledger.count('legacy-shop', 'shop')).toMatchObject({ events: 1, accepted: 0, applied: 1 });
  });
});
