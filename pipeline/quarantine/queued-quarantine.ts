// Quarantine through the changes queue, for a route whose function may not write the table (POST /collect): the entry
// travels as a message beside the events, and the merge, which drains that queue and may write, keeps it.
import * as z from 'zod';
import type { MessageQueue, QuarantineEntry, QuarantineStore } from '../../core/ports.js';

const QueuedEntry = z.object({
  quarantine: z.object({
    id: z.string().min(1).max(64),
    tenantId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/),
    instance: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/),
    receivedAt: z.iso.datetime({ offset: true }),
    reason: z.string().max(2_000),
    request: z.object({
      method: z.string(),
      url: z.string(),
      headers: z.record(z.string(), z.string()),
      bodyBase64: z.string(),
    }),
  }),
});
export type QueuedQuarantine = z.infer<typeof QueuedEntry>;

/** The QuarantineStore's `put`, as a message on the changes queue. */
export function quarantineViaQueue(queue: MessageQueue<QueuedQuarantine>): Pick<QuarantineStore, 'put'> {
  return { put: (entry) => queue.send([{ quarantine: entry }]) };
}

/** The entry a changes message carries, or undefined when the message is something else (an event, or poison). */
export function queuedQuarantineEntry(body: string): QuarantineEntry | undefined {
  // Cheap test first: nearly every message is an event, and parsing it twice would cost the merge.
  if (!body.startsWith('{"quarantine":')) return undefined;
  try {
    const parsed = QueuedEntry.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data.quarantine : undefined;
  } catch {
    return undefined;
  }
}
