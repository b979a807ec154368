// The push snapshot (PUSH#<destination>) holds the fields last sent and, under reserved keys, the destination's own
// id for the person, so that a later push or an erasure can address the person there by it, and the person's delivery
// log at that destination (core/delivery-log.ts), so that recording a delivery costs no write of its own.
import type { FieldValue } from '../core/destination.js';
import { DELIVERY_LOG_KEY } from '../core/delivery-log.js';

/** Not a field name: field names are identifiers without "@". */
const REMOTE_ID = '@remoteId';

export interface PushSnapshot {
  fields: Record<string, FieldValue>;
  remoteId?: string;
  /** The delivery log as stored (decodeDeliveryLog reads it). */
  deliveries?: string;
}

export function readSnapshot(stored: Record<string, FieldValue> | undefined): PushSnapshot | undefined {
  if (stored === undefined) return undefined;
  const { [REMOTE_ID]: remoteId, [DELIVERY_LOG_KEY]: deliveries, ...fields } = stored;
  return {
    fields,
    ...(typeof remoteId === 'string' ? { remoteId } : {}),
    ...(typeof deliveries === 'string' ? { deliveries } : {}),
  };
}

export function storedSnapshot(
  fields: Record<string, FieldValue>,
  remoteId: string | undefined,
  deliveries?: string,
): Record<string, FieldValue> {
  return {
    ...fields,
    ...(remoteId !== undefined ? { [REMOTE_ID]: remoteId } : {}),
    ...(deliveries !== undefined ? { [DELIVERY_LOG_KEY]: deliveries } : {}),
  };
}
