// A push under way, recorded in the push snapshot item itself (issue 22; layout of issue 15, stop 31). Before the
// vendor call the push rewrites the person's snapshot item with, under a reserved key, the fields it is about to write
// (only those that differ from the confirmed snapshot); after the call it writes the item again without them. A
// callback that answers the write before the snapshot is stored finds the pending fields in the same item the merge
// reads anyway (core/merge/echoes.ts): two writes per pushed person and no read of its own, where a separate pending
// item cost three writes (put, put, delete) and a second key in every echo read. There is no removal step to fail:
// the next write of the item (a later push, a failed call's log entry) replaces a pending state a crash left behind.
import * as z from 'zod';
import type { FieldValue } from './destination.js';

/**
 * Not a field name (field names carry no "@"). Its value: the pending fields as JSON (those set, those left out), or
 * `false` when no push is under way. Every item written since this layout carries the key, so its absence says the
 * item may have a separate pending item of the older layout (`<instance>@pending`) beside it.
 */
export const PENDING_KEY = '@pending';

/** Nothing under way: the value an item of this layout carries between pushes. */
export const NOTHING_PENDING = false;

const Pending = z.object({
  /** Fields set (a field may be set to null). */
  s: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  /** Fields left out of what is written. */
  u: z.array(z.string()).optional(),
});

/** What a push is about to write (`outgoing`), as the fields that differ from the confirmed snapshot (`confirmed`). */
export function encodePending(
  confirmed: Readonly<Record<string, FieldValue>> | undefined,
  outgoing: Readonly<Record<string, FieldValue>>,
): string {
  const set: Record<string, FieldValue> = {};
  for (const [key, value] of Object.entries(outgoing))
    if (confirmed === undefined || !(key in confirmed) || confirmed[key] !== value) set[key] = value;
  const unset = Object.keys(confirmed ?? {}).filter((key) => !(key in outgoing));
  return JSON.stringify({ s: set, ...(unset.length > 0 ? { u: unset } : {}) });
}

/**
 * The fields a push under way is writing, in full (the confirmed fields with the pending ones over them), or undefined
 * when none is: `fields` are the item's confirmed fields, `pending` its PENDING_KEY value. An unreadable value counts
 * as nothing pending (only syncline writes it).
 */
export function pendingFields(
  fields: Readonly<Record<string, FieldValue>>,
  pending: FieldValue | undefined,
): Record<string, FieldValue> | undefined {
  if (typeof pending !== 'string') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(pending);
  } catch {
    return undefined;
  }
  const result = Pending.safeParse(parsed);
  if (!result.success) return undefined;
  const full: Record<string, FieldValue> = { ...fields, ...result.data.s };
  for (const key of result.data.u ?? []) delete full[key];
  return full;
}

/** Whether the stored snapshot was written with this layout (so no separate pending item of the older one applies). */
export function hasPendingLayout(stored: Readonly<Record<string, FieldValue>>): boolean {
  return PENDING_KEY in stored;
}
