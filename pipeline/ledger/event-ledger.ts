// The event ledger: what became of every event that entered the changes queue, so that nothing is lost unnoticed.
// One record per event (tenant, instance, source event id), whose state moves accepted → applied | dead-lettered, and
// dead-lettered → applied when a replay from the DLQ merges it. Records are keyed, never added up: a redelivered,
// retried or replayed event changes its one record and can never count twice.
import { type CanonicalEvent } from '../../core/events.js';
import type { InstanceLedger, LedgerEvent, LedgerState, SettledOutcome } from '../../core/ports.js';

/**
 * Days a record is kept after its last change. Longer than an event can wait anywhere (4 days on the changes queue,
 * 14 in its DLQ) and than quarantine keeps a delivery (30 days), so a month's accounting is complete.
 */
export const LEDGER_RETENTION_DAYS = 35;

export function ledgerEvent(event: Pick<CanonicalEvent, 'tenantId' | 'source' | 'sourceEventId'>): LedgerEvent {
  return { tenantId: event.tenantId, instance: event.source.instance, sourceEventId: event.sourceEventId };
}

/** Reasons are kept short: they are grouped and printed, and an error message may be long. */
export function shortReason(reason: string): string {
  const oneLine = reason.replace(/\s+/g, ' ').trim();
  return oneLine.length > 200 ? `${oneLine.slice(0, 199)}…` : oneLine || 'no reason given';
}

export function emptyInstanceLedger(): InstanceLedger {
  return { events: 0, accepted: 0, applied: 0, appliedBy: {}, deadLettered: 0, deadLetterReasons: {} };
}

/** Adds one record to a tally; both adapters count through this, so they cannot disagree on what a state means. */
export function tally(
  into: InstanceLedger,
  record: { state: LedgerState; outcome?: SettledOutcome; reason?: string; acceptedAt?: string },
): void {
  into.events++;
  if (record.state === 'applied') {
    into.applied++;
    const outcome = record.outcome ?? 'applied';
    into.appliedBy[outcome] = (into.appliedBy[outcome] ?? 0) + 1;
  } else if (record.state === 'dead-lettered') {
    into.deadLettered++;
    const reason = record.reason ?? 'no reason given';
    into.deadLetterReasons[reason] = (into.deadLetterReasons[reason] ?? 0) + 1;
  } else {
    into.accepted++;
    if (record.acceptedAt && (!into.oldestAcceptedAt || record.acceptedAt < into.oldestAcceptedAt))
      into.oldestAcceptedAt = record.acceptedAt;
  }
}
