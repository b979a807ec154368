// Applies one canonical event to a profile. A join: idempotent, commutative and associative, so duplicates,
// retries and out-of-order delivery all end in the same profile.
import { eventKey, type CanonicalEvent, type EventOf } from '../events.js';
import type { FieldValue } from '../destination.js';
import type { ActivityRecord, ConsentRecord, FieldRecord, OrderRecord, Profile, Provenance } from '../profile.js';
import { joinConsent } from './consent.js';
import { beforeHorizon, boundCarts, boundOrders, capCart, capFieldValue, capLines, capText } from './bounds.js';
import { boundCustomAttributes, customFieldName } from './custom-attributes.js';
import { latest, provenanceOf, utc } from './provenance.js';

const ACTIVITY_LIMIT = 200;
export const RECENT_EVENTS_LIMIT = 100;

/** Event types that change a profile; erasure and access requests are handled by the merge service. */
export type ProfileEvent = Exclude<CanonicalEvent, { type: 'erasure.requested' | 'access.requested' }>;

export function isProfileEvent(event: CanonicalEvent): event is ProfileEvent {
  return event.type !== 'erasure.requested' && event.type !== 'access.requested';
}

/**
 * Returns a new profile with the event applied; the input is not modified. Copy-on-write: only the collection the
 * event touches is copied, so unchanged records keep their identity (contentChanged relies on it).
 */
export function applyEvent(profile: Profile, event: ProfileEvent, priority: number, key = eventKey(event)): Profile {
  const next: Profile = { ...profile };
  const prov = provenanceOf(event, priority);
  const at = prov.at;
  if (at < next.firstSeenAt) next.firstSeenAt = at;
  if (at > next.lastSeenAt) next.lastSeenAt = at;
  next.recentEvents = remember(next.recentEvents, key);

  switch (event.type) {
    case 'customer.upserted':
      applyCustomer(next, event, prov);
      break;
    case 'order.placed':
    case 'order.updated': {
      const { data } = event;
      const orderKey = `${event.source.instance}/${data.orderId}`;
      const placedAt = utc(data.placedAt);
      if (next.orders[orderKey] === undefined && beforeHorizon(next.orderArchive, orderKey, placedAt)) break;
      const record: OrderRecord = { ...prov, ...data, placedAt, lines: capLines(data.lines) };
      const winner = latest(next.orders[orderKey], record) ?? record;
      if (winner === next.orders[orderKey]) break;
      next.orders = { ...next.orders, [orderKey]: winner };
      boundOrders(next);
      break;
    }
    case 'cart.updated':
    case 'checkout.abandoned': {
      const { data } = event;
      const cartKey = `${event.source.instance}/${data.cartId}`;
      const record = capCart({ ...prov, ...data });
      const winner = latest(next.carts[cartKey], record) ?? record;
      if (winner === next.carts[cartKey]) break;
      next.carts = { ...next.carts, [cartKey]: winner };
      boundCarts(next);
      break;
    }
    case 'consent.changed': {
      const record: ConsentRecord = {
        ...prov,
        granted: event.data.granted,
        ...(event.data.method ? { method: event.data.method } : {}),
        ...(event.data.implied ? { implied: true } : {}),
      };
      const winner = joinConsent(next.consent[event.data.purpose], record);
      if (winner !== next.consent[event.data.purpose]) next.consent = { ...next.consent, [event.data.purpose]: winner };
      break;
    }
    case 'product.viewed':
    case 'search.performed':
    case 'email.engaged':
    case 'survey.answered':
      addActivity(next, { key, at, kind: event.type, detail: activityDetail(event.data) });
      break;
  }
  return next;
}

/** The profile with the event remembered as seen and nothing else changed: an echo of syncline's own write (echoes.ts). */
export function acknowledgeEvent(profile: Profile, event: CanonicalEvent): Profile {
  return { ...profile, recentEvents: remember(profile.recentEvents, eventKey(event)) };
}

/**
 * Appends to the bounded dedup cache; a key already there stays where it is (only membership is ever read). Built by
 * concat, which sizes the copy exactly: a copy grown by push carries ~60 % spare slots, which every garbage collection
 * that keeps the profile copies too.
 */
function remember(recent: readonly string[], key: string): string[] {
  if (recent.includes(key)) return recent as string[];
  const kept = recent.length >= RECENT_EVENTS_LIMIT ? recent.slice(recent.length - RECENT_EVENTS_LIMIT + 1) : recent;
  return kept.concat(key);
}

function applyCustomer(profile: Profile, event: EventOf<'customer.upserted'>, prov: Provenance): void {
  profile.fields = { ...profile.fields };
  const { address, createdAt: _createdAt, attributes, ...person } = event.data;
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
    setField(profile, name, { ...prov, value: capFieldValue(value) });
  }
  if (attributes === undefined) return;
  for (const [name, value] of Object.entries(attributes))
    setField(profile, customFieldName(name), { ...prov, value: capFieldValue(value) });
  boundCustomAttributes(profile);
}

function setField(profile: Profile, name: string, record: FieldRecord): void {
  profile.fields[name] = latest(profile.fields[name], record) ?? record;
}

/** Newest first by time, then the larger key: a total order, so any arrival order keeps the same set. */
function newer(a: ActivityRecord, b: ActivityRecord): boolean {
  return a.at !== b.at ? a.at > b.at : a.key > b.key;
}

/** Keeps the newest ACTIVITY_LIMIT entries, sorted newest first; inserts in place rather than sorting per add. */
export function addActivity(profile: Profile, ...records: ActivityRecord[]): void {
  let list = profile.activity;
  let copied = false;
  for (const record of records) {
    if (list.some((r) => r.key === record.key)) continue;
    let low = 0;
    let high = list.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (newer(list[mid]!, record)) low = mid + 1;
      else high = mid;
    }
    if (low >= ACTIVITY_LIMIT) continue;
    if (records.length === 1) {
      // One record (every activity event): an exactly sized copy (see remember) in one pass.
      list = list.slice(0, low).concat(record, list.slice(low, ACTIVITY_LIMIT - 1));
      break;
    }
    if (!copied) {
      list = [...list];
      copied = true;
    }
    list.splice(low, 0, record);
    if (list.length > ACTIVITY_LIMIT) list.length = ACTIVITY_LIMIT;
  }
  profile.activity = list;
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

/** Activity details are text: a website's numbers (price, result count) are kept as their decimal text, capped. */
function activityDetail(data: Record<string, string | number | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(data)) if (v !== undefined) out[k] = capText(String(v));
  return out;
}
