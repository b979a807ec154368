// The event ledger in memory, for pipeline tests: records folded by the same transitions as the DynamoDB adapter.
import type { EventLedger, InstanceLedger, LedgerEvent, LedgerSettlement } from '../../core/ports.js';
import { emptyInstanceLedger, foldRecord, shortReason, tally, type LedgerRecord } from '../../pipeline/ledger/event-ledger.js';

export class InMemoryEventLedger implements EventLedger {
  readonly records = new Map<string, LedgerRecord & { tenantId: string; instance: string }>();
  /** Calls that wrote, as the DynamoDB adapter counts its writes: one per call. */
  writes = 0;

  constructor(private readonly now: () => Date = () => new Date()) {}

  private fold(e: LedgerEvent, next: LedgerRecord): void {
    // The tenant, then eventKey's `<instance>/<sourceEventId>`.
    const key = `${e.tenantId}|${e.instance}/${e.sourceEventId}`;
    this.records.set(key, { tenantId: e.tenantId, instance: e.instance, ...foldRecord(this.records.get(key), next) });
  }

  async accepted(events: readonly LedgerEvent[]): Promise<void> {
    if (events.length > 0) this.writes++;
    for (const e of events) this.fold(e, { state: 'accepted', acceptedAt: this.now().toISOString() });
  }

  async settled(settlements: readonly LedgerSettlement[]): Promise<void> {
    if (settlements.length > 0) this.writes++;
    const acceptedAt = this.now().toISOString();
    for (const s of settlements)
      this.fold(
        s,
        s.state === 'applied'
          ? { state: 'applied', outcome: s.outcome, acceptedAt }
          : { state: 'dead-lettered', reason: shortReason(s.reason), acceptedAt },
      );
  }

  async count(tenantId: string, instance: string): Promise<InstanceLedger> {
    const counts = emptyInstanceLedger();
    for (const r of this.records.values()) if (r.tenantId === tenantId && r.instance === instance) tally(counts, r);
    return counts;
  }
}
