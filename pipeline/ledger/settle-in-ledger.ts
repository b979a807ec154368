// After a merge batch, the event ledger learns what became of each message: settled messages are applied, and a
// message that failed on its last receive (SQS moves it to the DLQ next) is dead-lettered with the reason.
import * as z from 'zod';
import type { CanonicalEvent } from '../../core/events.js';
import type { Logger } from '../../connectors/sdk/index.js';
import type { EventLedger, LedgerEvent, MergeOutcome } from '../../core/ports.js';
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

/** Mutates `settlement`: a message whose applied record cannot be written fails, so a redelivery records it. */
export async function settleInLedger(
  deps: MergeAccounting & { log: Logger },
  messages: readonly { id: string; body: string; receiveCount?: number }[],
  events: ReadonlyMap<string, CanonicalEvent>,
  settlement: Settlement,
): Promise<void> {
  await Promise.all(
    messages.map(async (message) => {
      const event = events.get(message.id);
      const outcome = settlement.outcomes.get(message.id);
      if (!settlement.failed.has(message.id) && event && outcome) {
        try {
          await deps.ledger.applied(ledgerEvent(event), outcome);
        } catch (error) {
          deps.log.error('could not record an applied event; failing it so that its redelivery records it', {
            messageId: message.id,
            tenantId: event.tenantId,
            reason: (error as Error).message,
          });
          settlement.failed.add(message.id);
          settlement.reasons.set(message.id, `could not record it as applied: ${(error as Error).message}`);
        }
        return;
      }
      if (!settlement.failed.has(message.id) || (message.receiveCount ?? 1) < deps.maxReceiveCount) return;
      const key = event ? ledgerEvent(event) : eventOfPoison(message.body);
      const reason = settlement.reasons.get(message.id) ?? 'failed without a reason';
      if (!key) {
        // Never accepted through the ledgered queue either: only a hand-made or corrupted message has no event id.
        deps.log.error('dead letter names no tenant, instance and event id: it cannot be accounted', { messageId: message.id, reason });
        return;
      }
      try {
        await deps.ledger.deadLettered(key, reason);
      } catch (error) {
        // SQS dead-letters it anyway; the ledger keeps it "accepted", so the accounting shows it as in flight.
        deps.log.error('could not record a dead letter', {
          messageId: message.id,
          tenantId: key.tenantId,
          reason: (error as Error).message,
        });
      }
    }),
  );
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
