// The event ledger on DynamoDB Local: the shared semantics, plus its keys, TTL and what it does with expired records.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { eventLedgerContract } from '../test/support/event-ledger-contract.js';
import { LEDGER_RETENTION_DAYS } from '../pipeline/ledger/event-ledger.js';
import { useEmulators } from '../test/support/emulators.js';
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
      applied: (e, outcome) => ledger.applied(rename(e), outcome),
      deadLettered: (e, reason) => ledger.deadLettered(rename(e), reason),
      count: (tenantId, instance) => ledger.count(prefix + tenantId, instance),
    };
  });

  it(`keys each event under its tenant and instance and expires it ${LEDGER_RETENTION_DAYS} days after its last change`, async () => {
    let now = new Date('2026-11-01T00:00:00Z');
    const ledger = new DynamoEventLedger(env.db, env.tables.ops, { now: () => now });
    const e = { tenantId: 'ttl-shop', instance: 'shop', sourceEventId: 'orders/create#5001' };
    await ledger.accepted([e]);
    now = new Date('2026-11-10T00:00:00Z');
    await ledger.deadLettered(e, 'merge failed');
    const { Item } = await env.db.send(
      new GetCommand({ TableName: env.tables.ops, Key: { pk: 'T#ttl-shop#LEDGER#shop', sk: 'orders/create#5001' } }),
    );
    expect(Item).toMatchObject({ state: 'dead-lettered', reason: 'merge failed', acceptedAt: '2026-11-01T00:00:00.000Z' });
    expect(Item?.[TTL_ATTRIBUTE]).toBe(Date.parse('2026-11-10T00:00:00Z') / 1000 + LEDGER_RETENTION_DAYS * 86_400);

    now = new Date(Date.parse('2026-11-10T00:00:00Z') + (LEDGER_RETENTION_DAYS + 1) * 86_400_000);
    expect(await ledger.count('ttl-shop', 'shop'), 'DynamoDB Local keeps expired items: the count skips them').toMatchObject({
      events: 0,
      deadLettered: 0,
    });
  });
});
