// The event ledger: what became of every event that entered the changes queue, so that nothing is lost unnoticed.
// Records are written per call (a producer's send, a merge batch), each naming its events by (tenant, instance, source
// event id); an event's state is what its records fold to: accepted → applied | dead-lettered, and dead-lettered →
// applied when a replay from the DLQ merges it. Events are keyed, never added up: a redelivered, retried or replayed
// event adds a record, folds to one state and can never count twice.
import { type CanonicalEvent } from '../../core/events.js';
import type { InstanceLedger, LedgerEvent, LedgerState, SettledOutcome } from '../../core/ports.js';

/** What one record says of one event. */
export interface LedgerRecord {
  state: LedgerState;
  outcome?: SettledOutcome;
  reason?: string;
  acceptedAt?: string;
}

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

/**
 * One more record of an event onto what the earlier ones said: the transitions both adapters share, so a record's
 * order matters only for which dead-letter reason is shown. Applied is final, except that the copy that did the work
 * replaces a duplicate that settled first; accepted never moves a settled event back; acceptedAt is the first seen.
 */
export function foldRecord(known: LedgerRecord | undefined, next: LedgerRecord): LedgerRecord {
  const acceptedAt = [known?.acceptedAt, next.acceptedAt].filter((t): t is string => t !== undefined).sort()[0];
  const at = acceptedAt !== undefined ? { acceptedAt } : {};
  if (!known) return { ...next, ...at };
  if (next.state === 'accepted') return { ...known, ...at };
  if (known.state === 'applied' && !(next.state === 'applied' && known.outcome === 'duplicate' && next.outcome !== 'duplicate'))
    return { ...known, ...at };
  return { ...next, ...at };
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
