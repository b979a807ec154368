// The semantics every event ledger adapter must have, run against the in-memory and the DynamoDB adapter alike.
import { expect, it } from 'vitest';
import type { EventLedger, LedgerEvent, SettledOutcome } from '../../core/ports.js';

export function eventLedgerContract(make: () => EventLedger): void {
  const event = (sourceEventId: string, instance = 'shop', tenantId = 'acme'): LedgerEvent => ({ tenantId, instance, sourceEventId });
  // One event settled on its own; a merge batch settles many in one call (below).
  const wrap = (ledger: EventLedger) => ({
    accepted: (events: readonly LedgerEvent[]) => ledger.accepted(events),
    settled: (settlements: Parameters<EventLedger['settled']>[0]) => ledger.settled(settlements),
    count: (tenantId: string, instance: string) => ledger.count(tenantId, instance),
    applied: (e: LedgerEvent, outcome: SettledOutcome) => ledger.settled([{ ...e, state: 'applied', outcome }]),
    deadLettered: (e: LedgerEvent, reason: string) => ledger.settled([{ ...e, state: 'dead-lettered', reason }]),
  });

  it('counts an event accepted twice (a redelivered webhook, a repeated poll page) once', async () => {
    const ledger = wrap(make());
    await ledger.accepted([event('e1'), event('e2')]);
    await ledger.accepted([event('e1')]);
    await ledger.accepted([event('e2'), event('e2')]);
    expect(await ledger.count('acme', 'shop')).toMatchObject({ events: 2, accepted: 2, applied: 0, deadLettered: 0 });
  });

  it('moves an accepted event to applied with its outcome; a duplicate copy applied again keeps the first outcome', async () => {
    const ledger = wrap(make());
    await ledger.accepted([event('e1'), event('e2'), event('e3')]);
    await ledger.applied(event('e1'), 'applied');
    await ledger.applied(event('e2'), 'unidentified');
    await ledger.applied(event('e1'), 'duplicate');
    expect(await ledger.count('acme', 'shop')).toMatchObject({
      events: 3,
      accepted: 1,
      applied: 2,
      appliedBy: { applied: 1, unidentified: 1 },
      deadLettered: 0,
    });
  });

  it('lets the copy that did the work replace a duplicate that settled first (concurrent batches settle in either order)', async () => {
    const ledger = wrap(make());
    await ledger.accepted([event('e1')]);
    await ledger.applied(event('e1'), 'duplicate');
    await ledger.applied(event('e1'), 'applied');
    await ledger.applied(event('e1'), 'duplicate');
    expect(await ledger.count('acme', 'shop')).toMatchObject({ events: 1, applied: 1, appliedBy: { applied: 1 } });
  });

  it('dead-letters with the reason, and a replay that applies the event moves it to applied (a final state, not a sum)', async () => {
    const ledger = wrap(make());
    await ledger.accepted([event('e1'), event('e2')]);
    await ledger.deadLettered(event('e1'), 'merge failed: table not found');
    await ledger.deadLettered(event('e2'), 'merge failed:\n  table   not found');
    expect(await ledger.count('acme', 'shop')).toMatchObject({
      events: 2,
      accepted: 0,
      deadLettered: 2,
      deadLetterReasons: { 'merge failed: table not found': 2 },
    });

    await ledger.applied(event('e1'), 'applied');
    await ledger.applied(event('e1'), 'duplicate');
    expect(await ledger.count('acme', 'shop')).toMatchObject({
      events: 2,
      applied: 1,
      deadLettered: 1,
      deadLetterReasons: { 'merge failed: table not found': 1 },
    });
  });

  it('keeps applied final: a later dead letter of another copy and a late accepted record change nothing', async () => {
    const ledger = wrap(make());
    await ledger.applied(event('e1'), 'applied'); // the merge was quicker than the producer's record
    await ledger.accepted([event('e1')]);
    await ledger.deadLettered(event('e1'), 'a copy of it failed');
    expect(await ledger.count('acme', 'shop')).toEqual({
      events: 1,
      accepted: 0,
      applied: 1,
      appliedBy: { applied: 1 },
      deadLettered: 0,
      deadLetterReasons: {},
    });
  });

  it('counts an event applied or dead-lettered without an accepted record (queued by hand, or before accounting)', async () => {
    const ledger = wrap(make());
    await ledger.applied(event('e1'), 'erased');
    await ledger.deadLettered(event('e2'), 'not a canonical event');
    expect(await ledger.count('acme', 'shop')).toMatchObject({ events: 2, accepted: 0, applied: 1, deadLettered: 1 });
  });

  it('ends in one record, applied, whatever the order of concurrent records for the same event', async () => {
    const ledger = wrap(make());
    const writes = Array.from({ length: 24 }, (_, i) =>
      i % 3 === 0
        ? ledger.accepted([event('e1')])
        : i % 3 === 1
          ? ledger.deadLettered(event('e1'), 'failed')
          : ledger.applied(event('e1'), i < 12 ? 'applied' : 'duplicate'),
    );
    await Promise.all(writes);
    const counts = await ledger.count('acme', 'shop');
    expect(counts).toMatchObject({ events: 1, applied: 1, accepted: 0, deadLettered: 0 });
  });

  it('keeps tenants and instances apart, and tells when the oldest event still in flight was accepted', async () => {
    const ledger = wrap(make());
    await ledger.accepted([event('same'), event('same', 'pos'), event('same', 'shop', 'other')]);
    await ledger.applied(event('same', 'pos'), 'applied');
    const shop = await ledger.count('acme', 'shop');
    expect(shop).toMatchObject({ events: 1, accepted: 1 });
    expect(Date.parse(shop.oldestAcceptedAt ?? ''), 'an ISO time').toBeGreaterThan(0);
    expect(await ledger.count('acme', 'pos')).toMatchObject({ events: 1, applied: 1 });
    expect((await ledger.count('acme', 'pos')).oldestAcceptedAt).toBeUndefined();
    expect(await ledger.count('other', 'shop')).toMatchObject({ events: 1, accepted: 1 });
    expect(await ledger.count('nobody', 'shop')).toMatchObject({ events: 0 });
  });

  it("settles a batch's events of several instances in one call, each counted once, a copy that did the work over its duplicate", async () => {
    const ledger = wrap(make());
    await ledger.accepted([event('e1'), event('e2')]);
    await ledger.settled([
      { ...event('e1'), state: 'applied', outcome: 'duplicate' },
      { ...event('e1'), state: 'applied', outcome: 'applied' },
      { ...event('e2'), state: 'dead-lettered', reason: 'merge failed' },
      { ...event('e3', 'pos'), state: 'applied', outcome: 'unidentified' },
      { ...event('e4'), state: 'applied', outcome: 'unchanged' },
    ]);
    expect(await ledger.count('acme', 'shop')).toMatchObject({
      events: 3,
      accepted: 0,
      applied: 2,
      appliedBy: { applied: 1, unchanged: 1 },
      deadLettered: 1,
      deadLetterReasons: { 'merge failed': 1 },
    });
    expect(await ledger.count('acme', 'pos')).toMatchObject({ events: 1, applied: 1, appliedBy: { unidentified: 1 } });
  });
}
