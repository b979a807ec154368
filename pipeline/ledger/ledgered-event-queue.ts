// The changes queue as every producer sees it (webhooks, polls, backfills, quarantine replays, erasure requests): an
// event that was sent is recorded as accepted in the event ledger, so no way into the merge can skip the accounting.
import { ledgerEvent } from './event-ledger.js';
import type { CanonicalEvent } from '../../core/events.js';
import type { EventLedger, EventQueue } from '../../core/ports.js';

export class LedgeredEventQueue implements EventQueue {
  constructor(
    private readonly queue: EventQueue,
    private readonly ledger: EventLedger,
  ) {}

  /**
   * Records after the send: an event the queue refused is not "in". A failure between the two leaves the caller with
   * an error (a webhook answers 5xx and the vendor retries); a merge that is quicker than the record creates it itself.
   */
  async send(events: readonly CanonicalEvent[]): Promise<void> {
    await this.queue.send(events);
    await this.ledger.accepted(events.map(ledgerEvent));
  }
}
