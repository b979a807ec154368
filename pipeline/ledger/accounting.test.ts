// The accounting through the pipeline with in-memory ports: webhooks in (good, duplicate, quarantined, poison), the
// merge with a queue that redelivers and dead-letters like SQS, a DLQ replay after the fix; in = applied +
// quarantined + dead-lettered per tenant and instance at every settled point.
import { describe, expect, it } from 'vitest';
import { SynclineConfig } from '../../core/config.js';
import type { CanonicalEvent } from '../../core/events.js';
import { InMemoryProfileRepository } from '../../core/identity/in-memory-profile-repository.js';
import type { PushMessage } from '../../core/ports.js';
import { fakeConnector, signFake } from '../../test/support/fake-connector.js';
import { MemoryQuarantine, MemoryQueue, MemoryStatus, memoryLogger } from '../../test/support/memory-ports.js';
import { accountTenant, type TenantAccount } from './accounting.js';
import { InMemoryEventLedger } from '../../test/support/in-memory-event-ledger.js';
import { ingestWebhook } from '../ingest-webhook.js';
import { createInstanceResolver } from '../instances.js';
import { LedgeredEventQueue } from './ledgered-event-queue.js';
import { mergeBatch, type QueuedMessage } from '../merge-batch.js';
import { delegatingProfiles } from '../../test/support/delegating-profiles.js';

const MAX_RECEIVES = 2;
const POISON = 'poison@example.com';

function setup() {
  const config = SynclineConfig.parse({
    tenants: [
      {
        id: 'acme',
        instances: [
          { id: 'crm', connector: 'fake', webhooks: true },
          { id: 'quiet', connector: 'fake' },
        ],
      },
      { id: 'other', instances: [{ id: 'crm', connector: 'fake', webhooks: true }] },
    ],
  });
  const log = memoryLogger();
  const instances = createInstanceResolver({
    config,
    connectors: { fake: fakeConnector().connector },
    secrets: { get: async () => ({ secret: 'shh' }) },
    log,
  });
  const ledger = new InMemoryEventLedger();
  const queue = new MemoryQueue<CanonicalEvent>();
  const quarantine = new MemoryQuarantine();
  const fault = { broken: true };
  // The fault: writes of the poison person's profile fail until "the fix".
  const real = new InMemoryProfileRepository();
  const profiles = delegatingProfiles(real, {
    commit: async (t, commit) => {
      if (fault.broken && commit.puts.some((p) => p.profile.identifiers.some((i) => i.value === POISON)))
        throw new Error('profiles table unavailable for this item');
      return real.commit(t, commit);
    },
  });
  // As the runtime wires them: polls and other producers record what they send; a webhook only sends.
  const events = new LedgeredEventQueue(queue, ledger);
  const webhook = { instances, events: queue, quarantine, status: new MemoryStatus(), log };
  const merge = {
    instances,
    profiles,
    push: new MemoryQueue<PushMessage>(),
    status: new MemoryStatus(),
    log,
    accounting: { ledger, maxReceiveCount: MAX_RECEIVES },
  };
  const post = (tenant: string, fields: Record<string, unknown>) => {
    const body = JSON.stringify({ at: '2026-10-01T10:00:00Z', ...fields });
    return ingestWebhook(webhook, tenant, 'crm', {
      method: 'POST',
      url: `https://hooks.example/webhooks/${tenant}/crm`,
      headers: signFake(body),
      rawBody: Buffer.from(body),
    });
  };

  // SQS, shortly: a failed message comes back with its receive count up, and after MAX_RECEIVES goes to the DLQ.
  let next = 0;
  const waiting: QueuedMessage[] = [];
  const dlq: QueuedMessage[] = [];
  const enqueue = (bodies: readonly string[]) => waiting.push(...bodies.map((body) => ({ id: `m${next++}`, body, receiveCount: 0 })));
  const drain = async () => {
    enqueue(queue.sent.splice(0).map((e) => JSON.stringify(e)));
    while (waiting.length > 0) {
      const batch = waiting.splice(0, 10).map((m) => ({ ...m, receiveCount: (m.receiveCount ?? 0) + 1 }));
      const { failedIds } = await mergeBatch(merge, batch);
      for (const m of batch) if (failedIds.includes(m.id)) (m.receiveCount! >= MAX_RECEIVES ? dlq : waiting).push(m);
    }
  };
  const replayDlq = () => enqueue(dlq.splice(0).map((m) => m.body));
  const account = (tenantId: string) => accountTenant({ ledger, quarantine }, config.tenants.find((t) => t.id === tenantId)!);
  return { post, drain, enqueue, replayDlq, dlq, queue, events, account, fault, log, ledger, merge };
}

/** The invariant, and the row of one instance. */
function row(account: TenantAccount, instance: string) {
  for (const i of account.instances)
    expect(i.in, `${i.tenantId}/${i.instanceId}: in = applied + quarantined + dead-lettered + in flight`).toBe(
      i.applied + i.quarantined + i.deadLettered + i.inFlight,
    );
  return account.instances.find((i) => i.instanceId === instance)!;
}

describe('accounting through the pipeline', () => {
  it('balances good, duplicate, quarantined and dead-lettered deliveries, and moves dead letters to applied on replay', async () => {
    const { post, drain, replayDlq, dlq, queue, events, account, fault } = setup();
    const statuses = [
      await post('acme', { id: '1', email: 'anna@example.com', consent: true }), // two events
      await post('acme', { id: '2', email: 'bob@example.com' }),
      await post('acme', { id: '2', email: 'bob@example.com' }), // the vendor redelivers: same events
      await post('acme', { id: '3' }), // authentic but invalid: quarantined
      await post('acme', { id: '4', email: POISON }),
      await post('other', { id: '1', email: 'anna@example.com' }),
    ].map((r) => r.statusCode);
    expect(statuses).toEqual([202, 202, 202, 422, 202, 202]);
    // An event nobody can be found by: settled as "unidentified", counted, not dropped.
    await events.send([
      {
        tenantId: 'acme',
        source: { connector: 'fake', instance: 'crm' },
        sourceEventId: 'anonymous-1',
        occurredAt: '2026-10-01T10:00:00Z',
        receivedAt: '2026-10-01T10:00:01Z',
        identifiers: [],
        type: 'search.performed',
        data: { query: 'shoes' },
      },
    ]);

    const queued = queue.sent.length;
    const before = row(await account('acme'), 'crm');
    expect(before, 'nothing merged yet: the webhooks’ events are on the queue, the polled one is in the ledger').toMatchObject({
      in: 2,
      applied: 0,
      quarantined: 1,
      deadLettered: 0,
      inFlight: 1,
    });
    expect((await account('acme')).balanced).toBe(false);

    await drain();
    expect(queued, 'the redelivered webhook was queued again').toBe(7);
    const settled = await account('acme');
    expect(row(settled, 'crm')).toMatchObject({
      in: 6,
      applied: 4,
      appliedBy: { applied: 3, unidentified: 1 },
      quarantined: 1,
      deadLettered: 1,
      deadLetterReasons: { 'lane could not be written: profiles table unavailable for this item': 1 },
      inFlight: 0,
    });
    expect(row(settled, 'quiet')).toMatchObject({ in: 0, inFlight: 0 });
    expect(settled.balanced).toBe(true);
    expect(settled.totals).toEqual({ in: 6, applied: 4, quarantined: 1, deadLettered: 1, inFlight: 0 });
    expect(row(await account('other'), 'crm'), 'the other tenant counts its own').toMatchObject({
      in: 1,
      applied: 1,
      quarantined: 0,
      deadLettered: 0,
      inFlight: 0,
    });
    expect(dlq).toHaveLength(1);

    fault.broken = false;
    replayDlq();
    const replaying = row(await account('acme'), 'crm');
    expect(replaying, 'a replayed dead letter stays dead-lettered until the merge settles it').toMatchObject({
      deadLettered: 1,
      inFlight: 0,
    });
    await drain();
    const replayed = await account('acme');
    expect(row(replayed, 'crm')).toMatchObject({ in: 6, applied: 5, quarantined: 1, deadLettered: 0, inFlight: 0, deadLetterReasons: {} });
    expect(replayed.balanced).toBe(true);
  });

  it('accounts a dead letter that is not a valid event but names it, and logs one that names nothing', async () => {
    const { drain, enqueue, dlq, account, log } = setup();
    const invalid = {
      tenantId: 'acme',
      source: { connector: 'fake', instance: 'crm' },
      sourceEventId: 'broken-1',
      type: 'customer.upserted',
      identifiers: 'none',
    };
    enqueue([JSON.stringify(invalid), '{"tenantId":"acme"']);
    await drain();
    expect(dlq).toHaveLength(2);
    const crm = row(await account('acme'), 'crm');
    expect(crm).toMatchObject({ in: 1, deadLettered: 1, inFlight: 0 });
    expect(Object.keys(crm.deadLetterReasons)[0]).toMatch(/^not a canonical event: /);
    expect(
      log.lines.some((l) => l.includes('it cannot be accounted')),
      'the unaccountable one is logged',
    ).toBe(true);
  });

  it('records a merge batch with one ledger write, and a redelivered message as accepted before it is merged', async () => {
    const { post, drain, enqueue, queue, account, ledger, merge } = setup();
    for (let i = 0; i < 10; i++) await post('other', { id: String(i), email: `p${i}@example.com` });
    expect(ledger.writes, 'the webhooks wrote nothing').toBe(0);
    await drain();
    expect(ledger.writes, 'ten events in one batch: one write').toBe(1);
    expect(row(await account('other'), 'crm')).toMatchObject({ in: 10, applied: 10, inFlight: 0 });

    // A message on its second receive whose merge dies before it settles: it is in the ledger, in flight.
    await post('other', { id: 'late', email: 'late@example.com' });
    const body = JSON.stringify(queue.sent.splice(0)[0]);
    const dying = { ...merge, push: { send: async () => Promise.reject(new Error('the Lambda timed out')) } };
    await mergeBatch({ ...dying, accounting: { ...merge.accounting, maxReceiveCount: 5 } }, [{ id: 'x', body, receiveCount: 2 }]);
    expect(row(await account('other'), 'crm'), 'not lost from the accounting').toMatchObject({ in: 11, applied: 10, inFlight: 1 });
    enqueue([body]);
    await drain();
    expect(row(await account('other'), 'crm')).toMatchObject({ in: 11, applied: 11, inFlight: 0 });
  });
});
