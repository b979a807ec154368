// The push snapshot (PUSH#<destination>) holds the fields last sent and, under a reserved key, the destination's own
// id for the person, so that a later push or an erasure can address the person there by it.
import type { FieldValue } from '../core/destination.js';

/** Not a field name: field names are identifiers without "@". */
const REMOTE_ID = '@remoteId';

export interface PushSnapshot {
  fields: Record<string, FieldValue>;
  remoteId?: string;
}

export function readSnapshot(stored: Record<string, FieldValue> | undefined): PushSnapshot | undefined {
  if (stored === undefined) return undefined;
  const { [REMOTE_ID]: remoteId, ...fields } = stored;
  return { fields, ...(typeof remoteId === 'string' ? { remoteId } : {}) };
}

export function storedSnapshot(fields: Record<string, FieldValue>, remoteId: string | undefined): Record<string, FieldValue> {
  return remoteId === undefined ? fields : { ...fields, [REMOTE_ID]: remoteId };
}
