// Which ad-platform audiences a profile change adds the person to or removes them from (Meta Custom Audiences, Google
// Customer Match): a person is in a segment's audience iff they granted `advertising` and are in the segment. Pure.
import * as z from 'zod';
import type { FieldValue, ProfileChange } from '../../core/destination.js';

/** One segment synced as one audience: `segment` as in the projected `segments` list (`lapsed`, a one-category rule id). */
export const AudienceMapping = z
  .object({
    segment: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a segment name as in the `segments` field (lapsed, loyal, a one-category rule id)'),
    audienceId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "the vendor's audience (user list) id"),
  })
  .strict();
export type AudienceMapping = z.infer<typeof AudienceMapping>;

/**
 * What the destination last learnt about the person, kept as its `remoteId` (push snapshot, pipeline/push-snapshot.ts):
 * a change carries only the fields that changed, so a consent granted again says nothing of the segments, and a
 * segment left says nothing of whether the person was ever added. An audience has no id for a person to keep instead.
 */
export interface AudienceState {
  /** The person's segments as of the last push (the `segments` list), whatever the consent. */
  segments: string[];
  /** Audience ids the person was added to and not removed from since. */
  held: string[];
  /**
   * The keys last sent, by name, as the vendor received them (hashed): a key that changed is removed from the audiences
   * holding the person under it, a phone number as well as an address (a change carries the old address only).
   */
  keys?: Record<string, string>;
}

export interface MembershipPlan {
  /** Audience ids to add the person's current keys to (joined, consent granted, or a key changed while in it). */
  add: string[];
  /** Audience ids to remove the person's current keys from (segment left, consent withdrawn). */
  remove: string[];
  /** Audience ids still holding the person under keys they no longer have, which must be removed there. */
  removePrevious: string[];
  /** Those old keys, by name, as last sent; absent when none changed or none was remembered (`change.previousEmail` then). */
  previousKeys?: Record<string, string>;
  /** The state to return as the push outcome's `remoteId` once the vendor accepted the plan. */
  state: AudienceState;
}

const PREFIX = 'audiences:';

export function audienceRemoteId(state: AudienceState): string {
  return `${PREFIX}${JSON.stringify({ s: state.segments, h: state.held, ...(state.keys ? { k: state.keys } : {}) })}`;
}

const Stored = z.object({ s: z.array(z.string()), h: z.array(z.string()), k: z.record(z.string(), z.string()).optional() });

/** Undefined for no remoteId or one this module did not write (nothing known: no audience is assumed to hold the person). */
export function readAudienceState(remoteId: string | undefined): AudienceState | undefined {
  if (remoteId === undefined || !remoteId.startsWith(PREFIX)) return undefined;
  try {
    const parsed = Stored.safeParse(JSON.parse(remoteId.slice(PREFIX.length)));
    if (!parsed.success) return undefined;
    return { segments: parsed.data.s, held: parsed.data.h, ...(parsed.data.k ? { keys: parsed.data.k } : {}) };
  } catch {
    return undefined;
  }
}

/** The boolean segment fields the projection sends next to the `segments` list (core/campaign/campaign-fields.ts). */
const SEGMENT_FIELDS: Readonly<Record<string, string>> = {
  segmentNew: 'new',
  segmentRepeat: 'repeat',
  segmentLoyal: 'loyal',
  segmentLapsed: 'lapsed',
  segmentEngaged: 'engaged',
  segmentUnengaged: 'unengaged',
};

function listOf(value: FieldValue): string[] {
  return typeof value === 'string' && value !== '' ? value.split(',') : [];
}

/** The person's segments now: the changed `segments` list, else what was known with any changed boolean applied. */
export function currentSegments(fields: Readonly<Record<string, FieldValue>>, known: readonly string[]): string[] {
  if ('segments' in fields) return listOf(fields.segments ?? null);
  const segments = new Set(known);
  for (const [field, name] of Object.entries(SEGMENT_FIELDS)) {
    if (!(field in fields)) continue;
    if (fields[field] === true) segments.add(name);
    else segments.delete(name);
  }
  return [...segments];
}

/** The person's keys at the vendor changed: every audience holding them is sent the new keys. */
const KEY_FIELDS = new Set(['email', 'phone']);

/**
 * The plan for one change. `matchable`: whether the person has a key the vendor can match (an e-mail address or phone
 * number); without one nobody is added, and the audiences are left as they were. `keys`: the person's keys as the
 * vendor will receive them, by name (e.g. `{ email: <hash>, phone: <hash> }`), remembered to find the ones that change.
 */
export function planMembership(
  change: ProfileChange,
  audiences: readonly AudienceMapping[],
  matchable: boolean,
  keys?: Readonly<Record<string, string>>,
): MembershipPlan {
  const before = readAudienceState(change.remoteId);
  const consented = change.consent.advertising === true;
  // A withdrawal with nothing remembered (the pipeline sends one only after a push with consent): every audience may
  // hold the person, so every configured one is told to remove them.
  const held = new Set(before?.held ?? (consented ? [] : audiences.map((a) => a.audienceId)));
  const segments = currentSegments(change.fields, before?.segments ?? []);
  const previousKeys =
    before?.keys && keys ? Object.fromEntries(Object.entries(before.keys).filter(([name, value]) => keys[name] !== value)) : {};
  const keysChanged = change.changed.some((field) => KEY_FIELDS.has(field)) || Object.keys(previousKeys).length > 0;
  const add: string[] = [];
  const remove: string[] = [];
  const after = new Set(held);
  for (const audienceId of new Set(audiences.map((a) => a.audienceId))) {
    // Two segments may share one audience: the person belongs while in either.
    const wanted = consented && audiences.some((a) => a.audienceId === audienceId && segments.includes(a.segment));
    if (wanted && matchable && (!held.has(audienceId) || keysChanged)) {
      add.push(audienceId);
      after.add(audienceId);
    } else if (!wanted && held.has(audienceId)) {
      remove.push(audienceId);
      after.delete(audienceId);
    }
  }
  // An audience no longer configured keeps whoever it holds: the instance settings no longer name it to remove from.
  const stale = change.previousEmail !== undefined || Object.keys(previousKeys).length > 0;
  const removePrevious = stale ? [...held].filter((id) => audiences.some((a) => a.audienceId === id)) : [];
  const state: AudienceState = { segments, held: [...after].sort(), ...(keys ? { keys: { ...keys } } : {}) };
  return { add, remove, removePrevious, ...(Object.keys(previousKeys).length > 0 ? { previousKeys } : {}), state };
}
