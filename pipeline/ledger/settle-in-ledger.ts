// After a merge batch, the event ledger learns what became of each message: settled messages are applied, and a
// message that failed on its last receive (SQS moves it to the DLQ next) is dead-lettered with the reason.
import * as z from 'zod';
import type { CanonicalEvent } from '../../core/events.js';
import type { Logger } from '../../connectors/sdk/index.js';
import type { EventLedger, LedgerEvent, LedgerSettlement, MergeOutcome } from '../../core/ports.js';
import { ledgerEvent } from './event-ledger.js';

export interface MergeAccounting {
  ledger: EventLedger;
  /** The changes queue's redrive maxReceiveCount (cdk/ and the local stack pass it as CHANGES_MAX_RECEIVE_COUNT). */
  maxReceiveCount: number;
}

interface Settlement {
  failed: Set<string>;
  reasons: Map<string, string>;
  outcomes: Map<string, MergeOutcome['status']>;
}

/**
 * A message received again (its first merge failed, or its Lambda died) is recorded as accepted before it is merged:
 * the webhook writes nothing, so this is what keeps a message that dies on its last receive in flight in the
 * accounting instead of unaccounted. A first receive needs no record: its outcome below says it was "in".
 */
export async function acceptRedelivered(
  deps: MergeAccounting,
  messages: readonly { id: string; receiveCount?: number }[],
  events: ReadonlyMap<string, CanonicalEvent>,
): Promise<void> {
  const again = messages.filter((m) => (m.receiveCount ?? 1) > 1 && events.has(m.id)).map((m) => ledgerEvent(events.get(m.id)!));
  if (again.length > 0) await deps.ledger.accepted(again);
}

/**
 * Mutates `settlement`: all of the batch's outcomes go in one ledger write; when it fails, every message it would have
 * settled as applied fails too, so that a redelivery records it.
 */
export async function settleInLedger(
  deps: MergeAccounting & { log: Logger },
  messages: readonly { id: string; body: string; receiveCount?: number }[],
  events: ReadonlyMap<string, CanonicalEvent>,
  settlement: Settlement,
): Promise<void> {
  const settlements: LedgerSettlement[] = [];
  const applied: string[] = [];
  for (const message of messages) {
    const event = events.get(message.id);
    const outcome = settlement.outcomes.get(message.id);
    if (!settlement.failed.has(message.id) && event && outcome) {
      settlements.push({ ...ledgerEvent(event), state: 'applied', outcome });
      applied.push(message.id);
      continue;
    }
    if (!settlement.failed.has(message.id) || (message.receiveCount ?? 1) < deps.maxReceiveCount) continue;
    const key = event ? ledgerEvent(event) : eventOfPoison(message.body);
    const reason = settlement.reasons.get(message.id) ?? 'failed without a reason';
    if (!key) {
      // Never accepted through the ledgered queue either: only a hand-made or corrupted message has no event id.
      deps.log.error('dead letter names no tenant, instance and event id: it cannot be accounted', { messageId: message.id, reason });
      continue;
    }
    settlements.push({ ...key, state: 'dead-lettered', reason });
  }
  if (settlements.length === 0) return;
  try {
    await deps.ledger.settled(settlements);
  } catch (error) {
    const reason = (error as Error).message;
    // SQS dead-letters the failed ones anyway; a redelivery records the applied ones (as duplicates of themselves).
    deps.log.error('could not record the batch in the ledger; failing its applied messages so that their redelivery records them', {
      messages: applied.length,
      deadLetters: settlements.length - applied.length,
      reason,
    });
    for (const id of applied) {
      settlement.failed.add(id);
      settlement.reasons.set(id, `could not record it as applied: ${reason}`);
    }
  }
}

const Slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/);
const PoisonKey = z.object({ tenantId: Slug, source: z.object({ instance: Slug }), sourceEventId: z.string().min(1).max(256) });

/** A message that is not a valid canonical event may still name its event: then its dead letter is accounted. */
function eventOfPoison(body: string): LedgerEvent | undefined {
  try {
    const parsed = PoisonKey.safeParse(JSON.parse(body));
    return parsed.success
      ? { tenantId: parsed.data.tenantId, instance: parsed.data.source.instance, sourceEventId: parsed.data.sourceEventId }
      : undefined;
  } catch {
    return undefined;
  }
}
