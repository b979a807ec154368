// Applies one canonical event to a profile. A join: idempotent, commutative and associative, so duplicates,
// retries and out-of-order delivery all end in the same profile.
import { eventKey, type CanonicalEvent, type EventOf } from '../events.js';
import type { FieldValue } from '../destination.js';
import type { ActivityRecord, FieldRecord, Profile, Provenance } from '../profile.js';
import { latest, provenanceOf, utc } from './provenance.js';

const ACTIVITY_LIMIT = 200;
export const RECENT_EVENTS_LIMIT = 100;

/** Event types that change a profile; erasure and access requests are handled by the merge service. */
export type ProfileEvent = Exclude<CanonicalEvent, { type: 'erasure.requested' | 'access.requested' }>;

export function isProfileEvent(event: CanonicalEvent): event is ProfileEvent {
  return event.type !== 'erasure.requested' && event.type !== 'access.requested';
}

export function hasSeen(profile: Profile, event: CanonicalEvent): boolean {
  return profile.recentEvents.includes(eventKey(event));
}

/**
 * Returns a new profile with the event applied; the input is not modified. Copy-on-write: only the collection the
 * event touches is copied, so unchanged records keep their identity (contentChanged relies on it).
 */
export function applyEvent(profile: Profile, event: ProfileEvent, priority: number): Profile {
  const next: Profile = { ...profile };
  const at = utc(event.occurredAt);
  const prov = provenanceOf(event, priority);
  if (at < next.firstSeenAt) next.firstSeenAt = at;
  if (at > next.lastSeenAt) next.lastSeenAt = at;
  next.recentEvents = [...next.recentEvents.filter((k) => k !== eventKey(event)), eventKey(event)].slice(-RECENT_EVENTS_LIMIT);

  switch (event.type) {
    case 'customer.upserted':
      applyCustomer(next, event, prov);
      break;
    case 'order.placed':
    case 'order.updated': {
      const { data } = event;
      const key = `${event.source.instance}/${data.orderId}`;
      const record = { ...prov, ...data, placedAt: utc(data.placedAt) };
      next.orders = { ...next.orders, [key]: latest(next.orders[key], record) ?? record };
      break;
    }
    case 'cart.updated':
    case 'checkout.abandoned': {
      const { data } = event;
      const key = `${event.source.instance}/${data.cartId}`;
      const record = { ...prov, ...data };
      next.carts = { ...next.carts, [key]: latest(next.carts[key], record) ?? record };
      break;
    }
    case 'consent.changed': {
      const record = { ...prov, granted: event.data.granted, ...(event.data.method ? { method: event.data.method } : {}) };
      next.consent = { ...next.consent, [event.data.purpose]: latest(next.consent[event.data.purpose], record) ?? record };
      break;
    }
    case 'product.viewed':
      addActivity(next, { key: eventKey(event), at, kind: event.type, detail: compact(event.data) });
      break;
    case 'search.performed':
      addActivity(next, { key: eventKey(event), at, kind: event.type, detail: compact(event.data) });
      break;
    case 'email.engaged':
      addActivity(next, { key: eventKey(event), at, kind: event.type, detail: compact(event.data) });
      break;
    case 'survey.answered':
      addActivity(next, { key: eventKey(event), at, kind: event.type, detail: compact(event.data) });
      break;
  }
  return next;
}

function applyCustomer(profile: Profile, event: EventOf<'customer.upserted'>, prov: Provenance): void {
  profile.fields = { ...profile.fields };
  const { address, createdAt: _createdAt, ...person } = event.data;
  const values: Record<string, FieldValue | undefined> = { ...person };
  if (address !== undefined) {
    values.addressLine1 = address?.line1 ?? null;
    values.addressLine2 = address?.line2 ?? null;
    values.city = address?.city ?? null;
    values.postalCode = address?.postalCode ?? null;
    values.region = address?.region ?? null;
    values.country = address?.country ?? null;
  }
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) continue;
    setField(profile, name, { ...prov, value });
  }
}

function setField(profile: Profile, name: string, record: FieldRecord): void {
  profile.fields[name] = latest(profile.fields[name], record) ?? record;
}

/** Keeps the newest entries; the order is total (time, then key) so any arrival order keeps the same set. */
export function addActivity(profile: Profile, ...records: ActivityRecord[]): void {
  const byKey = new Map(profile.activity.map((r) => [r.key, r]));
  for (const r of records) if (!byKey.has(r.key)) byKey.set(r.key, r);
  profile.activity = [...byKey.values()]
    .sort((a, b) => (a.at !== b.at ? (a.at < b.at ? 1 : -1) : a.key < b.key ? 1 : a.key > b.key ? -1 : 0))
    .slice(0, ACTIVITY_LIMIT);
}

/**
 * Whether `after` (from applyEvent on `before`) differs in content; the dedup cache (recentEvents) does not count.
 * Cheap: copy-on-write keeps unchanged records identical, so references are compared, not serialisations.
 */
export function contentChanged(before: Profile, after: Profile): boolean {
  if (before.firstSeenAt !== after.firstSeenAt || before.lastSeenAt !== after.lastSeenAt) return true;
  if (
    before.identifiers !== after.identifiers ||
    before.refusedIdentifiers !== after.refusedIdentifiers ||
    before.mergedFrom !== after.mergedFrom
  )
    return true;
  return (
    recordsDiffer(before.fields, after.fields) ||
    recordsDiffer(before.orders, after.orders) ||
    recordsDiffer(before.carts, after.carts) ||
    recordsDiffer(before.consent, after.consent) ||
    before.activity.length !== after.activity.length ||
    before.activity.some((record, i) => record !== after.activity[i])
  );
}

function recordsDiffer(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>): boolean {
  if (a === b) return false;
  const keys = Object.keys(b);
  return keys.length !== Object.keys(a).length || keys.some((key) => a[key] !== b[key]);
}

function compact(data: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(data)) if (v !== undefined) out[k] = v;
  return out;
}
