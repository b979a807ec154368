// The event ledger in memory, for pipeline tests: the same transitions as the DynamoDB adapter.
import type { EventLedger, InstanceLedger, LedgerEvent, LedgerState, SettledOutcome } from '../../core/ports.js';
import { emptyInstanceLedger, shortReason, tally } from '../../pipeline/ledger/event-ledger.js';

interface MemoryRecord {
  tenantId: string;
  instance: string;
  state: LedgerState;
  outcome?: SettledOutcome;
  reason?: string;
  acceptedAt: string;
}

export class InMemoryEventLedger implements EventLedger {
  readonly records = new Map<string, MemoryRecord>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  private key(e: LedgerEvent): string {
    // The tenant, then eventKey's `<instance>/<sourceEventId>`.
    return `${e.tenantId}|${e.instance}/${e.sourceEventId}`;
  }

  private record(e: LedgerEvent): MemoryRecord {
    const existing = this.records.get(this.key(e));
    if (existing) return existing;
    const created: MemoryRecord = { tenantId: e.tenantId, instance: e.instance, state: 'accepted', acceptedAt: this.now().toISOString() };
    this.records.set(this.key(e), created);
    return created;
  }

  async accepted(events: readonly LedgerEvent[]): Promise<void> {
    for (const e of events) this.record(e);
  }

  async applied(e: LedgerEvent, outcome: SettledOutcome): Promise<void> {
    const record = this.record(e);
    // Applied is final, except that the copy that did the work replaces a duplicate that settled first.
    if (record.state === 'applied' && !(record.outcome === 'duplicate' && outcome !== 'duplicate')) return;
    record.state = 'applied';
    record.outcome = outcome;
  }

  async deadLettered(e: LedgerEvent, reason: string): Promise<void> {
    const record = this.record(e);
    if (record.state === 'applied') return;
    record.state = 'dead-lettered';
    record.reason = shortReason(reason);
  }

  async count(tenantId: string, instance: string): Promise<InstanceLedger> {
    const counts = emptyInstanceLedger();
    for (const r of this.records.values()) if (r.tenantId === tenantId && r.instance === instance) tally(counts, r);
    return counts;
  }
}
