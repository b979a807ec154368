// The push snapshot (PUSH#<destination>) holds the fields last sent and, under reserved keys, the destination's own
// id for the person, so that a later push or an erasure can address the person there by it, the person's delivery
// log at that destination (core/delivery-log.ts), so that recording a delivery costs no write of its own, and what a
// push under way is writing (core/pending-push.ts), so that its callback is known as our echo at no read of its own.
import type { FieldValue } from '../core/destination.js';
import { DELIVERY_LOG_KEY } from '../core/delivery-log.js';
import { NOTHING_PENDING, PENDING_KEY } from '../core/pending-push.js';

/** Not a field name: field names are identifiers without "@". */
const REMOTE_ID = '@remoteId';

export interface PushSnapshot {
  /** The fields the destination confirmed (never those of a push under way). */
  fields: Record<string, FieldValue>;
  remoteId?: string;
  /** The delivery log as stored (decodeDeliveryLog reads it). */
  deliveries?: string;
}

export function readSnapshot(stored: Record<string, FieldValue> | undefined): PushSnapshot | undefined {
  if (stored === undefined) return undefined;
  const { [REMOTE_ID]: remoteId, [DELIVERY_LOG_KEY]: deliveries, [PENDING_KEY]: _pending, ...fields } = stored;
  return {
    fields,
    ...(typeof remoteId === 'string' ? { remoteId } : {}),
    ...(typeof deliveries === 'string' ? { deliveries } : {}),
  };
}

/** The item to store; `pending` (core/pending-push.ts encodePending) only before a vendor call, nothing under way otherwise. */
export function storedSnapshot(
  fields: Record<string, FieldValue>,
  remoteId: string | undefined,
  deliveries?: string,
  pending?: string,
): Record<string, FieldValue> {
  return {
    ...fields,
    ...(remoteId !== undefined ? { [REMOTE_ID]: remoteId } : {}),
    ...(deliveries !== undefined ? { [DELIVERY_LOG_KEY]: deliveries } : {}),
    [PENDING_KEY]: pending ?? NOTHING_PENDING,
  };
}
