// Applies one canonical event to a profile. A join: idempotent, commutative and associative, so duplicates,
// retries and out-of-order delivery all end in the same profile.
import { eventKey, type CanonicalEvent, type EventOf } from '../events.js';
import type { FieldValue } from '../destination.js';
import type { ActivityRecord, CartRecord, ConsentRecord, FieldRecord, OrderRecord, Profile, Provenance } from '../profile.js';
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
 * `unseen`: the caller has just checked that `key` is not in `profile.recentEvents` (the merge's duplicate check), so
 * the dedup cache is not searched a second time (up to 100 strings, each a cache miss on a large heap).
 */
export function applyEvent(profile: Profile, event: ProfileEvent, priority: number, key = eventKey(event), unseen = false): Profile {
  const next: Profile = { ...profile };
  const prov = provenanceOf(event, priority);
  const at = prov.at;
  if (at < next.firstSeenAt) next.firstSeenAt = at;
  if (at > next.lastSeenAt) next.lastSeenAt = at;
  next.recentEvents = unseen ? append(next.recentEvents, key) : remember(next.recentEvents, key);

  switch (event.type) {
    case 'customer.upserted':
      applyCustomer(next, event, prov);
      break;
    case 'order.placed':
    case 'order.updated': {
      const { data } = event;
      const orderKey = `${event.source.instance}/${data.orderId}`;
      const placedAt = utc(data.placedAt);
      const current = next.orders[orderKey];
      if (current === undefined && beforeHorizon(next.orderArchive, orderKey, placedAt)) break;
      // What `{ ...prov, ...data, placedAt, lines }` built (same properties in the same order), without a spread
      // followed by more properties: V8 (Node 20) gives every object so built a hidden class of its own (see withPrefix).
      const record = withPrefix(prov, data) as OrderRecord;
      record.placedAt = placedAt;
      record.lines = capLines(data.lines);
      const winner = latest(current, record) ?? record;
      if (winner === current) break;
      next.orders = { ...next.orders, [orderKey]: winner };
      boundOrders(next);
      break;
    }
    case 'cart.updated':
    case 'checkout.abandoned': {
      const { data } = event;
      const cartKey = `${event.source.instance}/${data.cartId}`;
      const record = capCart(withPrefix(prov, data) as CartRecord);
      const current = next.carts[cartKey];
      const winner = latest(current, record) ?? record;
      if (winner === current) break;
      next.carts = { ...next.carts, [cartKey]: winner };
      boundCarts(next);
      break;
    }
    case 'consent.changed': {
      // The provenance's four properties, then the consent's (the order the spreads gave; see withPrefix).
      const record: ConsentRecord = {
        source: prov.source,
        at: prov.at,
        eventId: prov.eventId,
        priority: prov.priority,
        granted: event.data.granted,
      };
      if (event.data.method) record.method = event.data.method;
      if (event.data.implied) record.implied = true;
      const winner = joinConsent(next.consent[event.data.purpose], record);
      if (winner !== next.consent[event.data.purpose]) {
        // A copy onto `{}`: a purpose the person had no record of is a property the copy did not bring (see withPrefix).
        next.consent = plainCopy(next.consent);
        next.consent[event.data.purpose] = winner;
      }
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

/**
 * `{ ...prov, ...data }`, built by Object.assign into a fresh object. In V8 of Node 20, an object literal that spreads
 * one object and then defines a property the spread did not bring (a second spread's, or a named one) gets a hidden
 * class (map) of its own: a new map and descriptor array per record (~4.6 µs for an order-like record against ~0.15 µs
 * for this), and every later read of such records goes through a megamorphic lookup. Objects built by Object.assign
 * onto `{}` share their maps. The same own properties in the same order, with the same values.
 */
function withPrefix(prov: Provenance, data: object): Provenance {
  return Object.hasOwn(data, '__proto__') ? { ...prov, ...data } : Object.assign({}, prov, data);
}

/**
 * A copy of `source` onto `{}` (its own enumerable properties, in order), which later properties may be added to without
 * a hidden class per object (see withPrefix). Object.assign sets where a spread defines: they differ only for an own
 * `__proto__` key (JSON.parse makes one; the event schema strips it), copied by the spread here.
 */
export function plainCopy<T extends object>(source: T): T {
  return Object.hasOwn(source, '__proto__') ? { ...source } : Object.assign({}, source);
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
  return recent.includes(key) ? (recent as string[]) : append(recent, key);
}

/** `recent` with `key` (known to be absent) appended, the oldest dropped past the limit: one exactly sized copy. */
function append(recent: readonly string[], key: string): string[] {
  if (recent.length < RECENT_EVENTS_LIMIT) return recent.concat(key);
  // Full: a slice and a concat made two copies of the 100 keys (the first one garbage at once).
  const from = recent.length - RECENT_EVENTS_LIMIT + 1;
  const copy = new Array<string>(RECENT_EVENTS_LIMIT);
  for (let i = from; i < recent.length; i++) copy[i - from] = recent[i]!;
  copy[RECENT_EVENTS_LIMIT - 1] = key;
  return copy;
}

function applyCustomer(profile: Profile, event: EventOf<'customer.upserted'>, prov: Provenance): void {
  // A copy onto `{}`: a field the person did not have yet is a property the copy did not bring (see withPrefix).
  profile.fields = plainCopy(profile.fields);
  const data = event.data as Readonly<Record<string, unknown>> & EventOf<'customer.upserted'>['data'];
  // The person's own fields in the payload's order, then the address flattened (as a spread of the rest and the six
  // address fields would order them), without building that intermediate object.
  for (const name of Object.keys(data)) {
    if (name === 'address' || name === 'createdAt' || name === 'attributes') continue;
    const value = data[name] as FieldValue | undefined;
    if (value !== undefined) setField(profile, name, fieldRecord(prov, value));
  }
  const { address, attributes } = data;
  if (address !== undefined) {
    setField(profile, 'addressLine1', fieldRecord(prov, address?.line1 ?? null));
    setField(profile, 'addressLine2', fieldRecord(prov, address?.line2 ?? null));
    setField(profile, 'city', fieldRecord(prov, address?.city ?? null));
    setField(profile, 'postalCode', fieldRecord(prov, address?.postalCode ?? null));
    setField(profile, 'region', fieldRecord(prov, address?.region ?? null));
    setField(profile, 'country', fieldRecord(prov, address?.country ?? null));
  }
  if (attributes === undefined) return;
  for (const name of Object.keys(attributes)) setField(profile, customFieldName(name), fieldRecord(prov, attributes[name] as FieldValue));
  boundCustomAttributes(profile);
}

/** A field's record: the provenance's four properties, then the value (the order a spread of `prov` gave). */
function fieldRecord(prov: Provenance, value: FieldValue): FieldRecord {
  return { source: prov.source, at: prov.at, eventId: prov.eventId, priority: prov.priority, value: capFieldValue(value) };
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
    if (holdsKey(list, record.key)) continue;
    let low = 0;
    let high = list.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (newer(list[mid]!, record)) low = mid + 1;
      else high = mid;
    }
    if (low >= ACTIVITY_LIMIT) continue;
    if (records.length === 1) {
      // One record (every activity event): one exactly sized copy (see remember), no intermediate slices.
      const size = Math.min(list.length + 1, ACTIVITY_LIMIT);
      const copy = new Array<ActivityRecord>(size);
      for (let i = 0; i < low; i++) copy[i] = list[i]!;
      copy[low] = record;
      for (let i = low + 1; i < size; i++) copy[i] = list[i - 1]!;
      list = copy;
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

function holdsKey(list: readonly ActivityRecord[], key: string): boolean {
  for (let i = 0; i < list.length; i++) if (list[i]!.key === key) return true;
  return false;
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
  for (const k of Object.keys(data)) {
    const v = data[k];
    if (v !== undefined) out[k] = capText(String(v));
  }
  return out;
}
