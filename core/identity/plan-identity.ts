// Identity resolution: which profile an event belongs to, which profiles it proves to be one person, and which
// identifiers are dropped from matching because they would break the tenant's rules (core/identity/rules.ts): a shared
// family e-mail must not fuse a household, a placeholder value must not fuse strangers.
import type { TenantConfig } from '../config.js';
import { identifierKey, normaliseIdentifier, uniqueIdentifiers, type Identifier } from '../identifiers.js';
import { describeLimit, describeMatchRule, isBlockedValue, limitOf, priorityOf, type IdentityRules } from './rules.js';
import { joinProfiles, survivorOf, unionIdentifiers } from './join-profiles.js';
import type { IdentityJournalEntry, Profile, ProfileIdentifier, RefusedIdentifier } from '../profile.js';
import { REFUSED_LIMIT } from '../merge/bounds.js';
import { plainCopy } from '../merge/merge-event.js';

export interface IdentityPlan {
  /** The profile the event lands on, already joined with the absorbed ones. */
  profile: Profile;
  /** Existing profiles merged into `profile`: they become tombstones. */
  absorbed: Profile[];
  /** Identifiers of the event new to the profile. */
  attached: ProfileIdentifier[];
  refused: RefusedIdentifier[];
  /** Refused identifiers that another profile holds: the index counts the profiles sharing a value. */
  shared: Identifier[];
}

export interface IdentityContext {
  /** identifierKeys that may never join two profiles, whoever holds them (an unmerge replaying history). */
  split?: ReadonlySet<string>;
}

/**
 * What the index and the profiles say about an event's identifiers. An event names one to three identifiers, so each
 * array is in the order of the event's identifiers rather than a Map built per event.
 */
export interface KnownIdentifiers {
  /** Live profiles the event's identifiers point at (tombstones already followed), one object per profile id. */
  candidates: Profile[];
  /** identifierKey of each identifier. */
  keys: string[];
  /** Per identifier: the id of the live profile holding it. */
  owners: (string | undefined)[];
  /** Per identifier: the holder's record of it (its first sighting). */
  held: (ProfileIdentifier | undefined)[];
  /** Per identifier: how many profiles carry the value (the holder and those refused it). */
  sharedBy: number[];
}

/** Normalised, without placeholders (built-in and the tenant's blocked values) and types the tenant does not match on. */
export function normaliseEventIdentifiers(ids: readonly Identifier[], tenant: TenantConfig): Identifier[] {
  if (ids.length === 1) {
    // Most events carry one identifier: a one-slot array, not one grown by push and then copied.
    const id = normaliseIdentifier(ids[0]!);
    return id !== undefined && priorityOf(tenant.identity, id.type) !== undefined && !isBlockedValue(tenant.identity, id) ? [id] : [];
  }
  const kept: Identifier[] = [];
  for (const raw of ids) {
    const id = normaliseIdentifier(raw);
    if (id !== undefined && priorityOf(tenant.identity, id.type) !== undefined && !isBlockedValue(tenant.identity, id)) kept.push(id);
  }
  // Most events carry one or two identifiers: what uniqueIdentifiers returns for them (sorted by key, the last of equal
  // keys), without its map and sort.
  if (kept.length === 2) {
    const a = identifierKey(kept[0]!);
    const b = identifierKey(kept[1]!);
    return a === b ? [kept[1]!] : a < b ? kept : [kept[1]!, kept[0]!];
  }
  return uniqueIdentifiers(kept);
}

const DAY_MS = 86_400_000;

/**
 * The first limit the identifiers break at `at`, described; undefined when all hold. Types are taken in the order of
 * their first identifier within the limit's window. A profile holds a handful of identifiers: counted in place, without
 * a Map per call.
 */
function brokenLimit(rules: IdentityRules, ids: readonly ProfileIdentifier[], at: string): string | undefined {
  for (let i = 0; i < ids.length; i++) {
    const { type } = ids[i]!;
    const limit = limitOf(rules, type);
    const since = limit.withinDays === undefined ? undefined : new Date(Date.parse(at) - limit.withinDays * DAY_MS).toISOString();
    if (!within(ids[i]!, since)) continue;
    let first = true;
    for (let j = 0; j < i && first; j++) if (ids[j]!.type === type && within(ids[j]!, since)) first = false;
    if (!first) continue;
    let count = 1;
    for (let j = i + 1; j < ids.length; j++) if (ids[j]!.type === type && within(ids[j]!, since)) count++;
    if (count > limit.max) return describeLimit(type, limit);
  }
  return undefined;
}

function within(id: ProfileIdentifier, since: string | undefined): boolean {
  return since === undefined || id.at >= since;
}

/**
 * Decides an event's identity. Identifiers are taken most trusted first (the tenant's priority order); each one
 * either joins its profile to the group or, when that would break a limit, a block or an unmerge, is dropped from
 * matching and recorded as refused. So when an event would break a limit it is always the lowest-priority
 * identifier that gives way: mum's shop account keeps its own profile even though it shares dad's e-mail.
 *
 * @param known what the index and the candidates say about each identifier of the event
 * @param fresh a new empty profile, used when no candidate exists
 *
 * Correct for every event; the merge asks knownPersonProfile first, which answers the common case cheaply.
 */
export function planIdentity(
  tenant: TenantConfig,
  eventIds: readonly Identifier[],
  known: KnownIdentifiers,
  fresh: () => Profile,
  sighting: { source: string; at: string; eventKey: string },
  context: IdentityContext = {},
): IdentityPlan {
  const rules = tenant.identity;
  const simple = nothingRefusedPlan(rules, eventIds, known, fresh, sighting, context);
  if (simple !== undefined) return simple;
  const refused: RefusedIdentifier[] = [];
  const shared: Identifier[] = [];
  // Each identifier's key, holder and rank worked out once (they were recomputed by closures per use).
  const matchable: Matchable[] = [];
  for (let i = 0; i < eventIds.length; i++) {
    const id = eventIds[i]!;
    const key = known.keys[i]!;
    if (known.sharedBy[i]! > rules.blockSharedByMoreThan) {
      refused.push(refusal(id, `blocked: carried by more than ${rules.blockSharedByMoreThan} profiles`, sighting.at));
      continue;
    }
    const owner = holderOf(known.candidates, known.owners[i]);
    const split = context.split?.has(key) === true || (owner?.unlinkable ?? []).includes(key);
    matchable.push({ id, key, owner, split, rank: (split ? 1_000 : 0) + (priorityOf(rules, id.type) ?? 999) });
  }
  // Most trusted first; identifiers that may not link profiles last, so they join a group only when alone.
  matchable.sort((a, b) => a.rank - b.rank || (a.key < b.key ? -1 : 1));

  const group: Profile[] = [];
  const links = new Map<string, Identifier>();
  const accepted: ProfileIdentifier[] = [];
  for (const { id, key, owner, split } of matchable) {
    if (owner && group.includes(owner)) continue;
    // Kept apart: it may not bring its holder together with anything else the event names, old or new.
    if (owner && (group.length > 0 || accepted.length > 0) && split) {
      refused.push(refusal(id, 'kept apart by an unmerge: may not join two profiles', sighting.at));
      shared.push(id);
      continue;
    }
    const broken = brokenLimit(rules, heldWith(group, owner, accepted, key, id, sighting), sighting.at);
    if (broken !== undefined) {
      refused.push(
        refusal(id, owner ? `would join two profiles beyond the limit of ${broken}` : `beyond the limit of ${broken}`, sighting.at),
      );
      if (owner) shared.push(id);
      continue;
    }
    if (owner) {
      group.push(owner);
      links.set(owner.profileId, id);
    } else accepted.push(sightingOf(id, sighting));
  }

  const survivor = group.length > 0 ? survivorOf(group) : fresh();
  const absorbed = group.filter((p) => p !== survivor);
  let profile = absorbed.reduce(joinProfiles, survivor);
  const journal: IdentityJournalEntry[] = absorbed.map((p) => {
    // The identifier that brought the absorbed profile in; when it anchored the event, the one that brought the survivor.
    const identifier = (p === group[0] ? links.get(survivor.profileId) : links.get(p.profileId))!;
    return {
      kind: 'merged',
      at: sighting.at,
      eventKey: sighting.eventKey,
      survivor: survivor.profileId,
      absorbed: p.profileId,
      identifier: { type: identifier.type, value: identifier.value },
      rule: describeMatchRule(rules, identifier.type),
    };
  });

  const heldKeys = new Set(profile.identifiers.map(identifierKey));
  const attached = accepted.filter((id) => !heldKeys.has(identifierKey(id)));
  // unionIdentifiers keeps the earliest sighting, so the result does not depend on arrival order; an earlier
  // sighting of a held identifier is the only other change.
  const refusedKeys = new Set(refused.map(identifierKey));
  const sightings = matchable
    .filter(({ key }) => heldKeys.has(key) && !refusedKeys.has(key))
    .map(({ id }) => Object.assign(plainCopy(id), sighting));
  const heldById = new Map(profile.identifiers.map((h) => [identifierKey(h), h]));
  const earlier = sightings.some((s) => {
    const h = heldById.get(identifierKey(s))!;
    return s.at < h.at || (s.at === h.at && s.source < h.source);
  });
  if (attached.length > 0 || refused.length > 0 || earlier || journal.length > 0) {
    profile = {
      ...profile,
      identifiers: unionIdentifiers(profile.identifiers, [
        ...attached,
        ...sightings.map(({ type, value, source, at }) => ({ type, value, source, at })),
      ]),
      refusedIdentifiers: mergeRefusals(profile.refusedIdentifiers, refused),
      ...(journal.length > 0 ? { identityJournal: [...(profile.identityJournal ?? []), ...journal] } : {}),
    };
  }
  return { profile, absorbed, attached, refused, shared };
}

/**
 * planIdentity's plan for the next most common cases, without its per-identifier Maps and Sets: a new person, or a known
 * one with a new identifier. Undefined (plan in full) unless at most one profile is met, no identifier is blocked or
 * split by an unmerge, and the identifiers the plan would hold together (the holder's and the new ones) keep every
 * limit. Then every step of planIdentity holds a subset of those, keeps every limit too (a count per type only grows
 * with the set), and the plan joins nothing and refuses nothing: the holder (or a fresh profile) with the new identifiers
 * attached, in planIdentity's order (most trusted first, then by key), and a held identifier's earlier sighting taken.
 */
function nothingRefusedPlan(
  rules: IdentityRules,
  eventIds: readonly Identifier[],
  known: KnownIdentifiers,
  fresh: () => Profile,
  sighting: { source: string; at: string },
  context: IdentityContext,
): IdentityPlan | undefined {
  const { candidates, keys, owners } = known;
  const n = eventIds.length;
  if (candidates.length > 1 || n > 3) return undefined;
  const holder = candidates[0];
  let joined = false;
  for (let i = 0; i < n; i++) {
    if (known.sharedBy[i]! > rules.blockSharedByMoreThan || context.split?.has(keys[i]!) === true) return undefined;
    if (owners[i] === undefined) continue;
    if (holder === undefined || owners[i] !== holder.profileId || (holder.unlinkable ?? []).includes(keys[i]!)) return undefined;
    joined = true;
  }
  // planIdentity's order: rank (the type's priority), then key.
  const order = [0, 1, 2].slice(0, n);
  const rank = order.map((i) => priorityOf(rules, eventIds[i]!.type) ?? 999);
  order.sort((a, b) => rank[a]! - rank[b]! || (keys[a]! < keys[b]! ? -1 : 1));
  const accepted: ProfileIdentifier[] = [];
  for (const i of order) if (owners[i] === undefined) accepted.push(sightingOf(eventIds[i]!, sighting));
  // What the plan would hold together: the holder's identifiers (when it joins), then the new ones not among them.
  const together: ProfileIdentifier[] = joined ? [...holder!.identifiers] : [];
  for (const id of accepted) if (!together.some((h) => h.type === id.type && h.value === id.value)) together.push(id);
  if (brokenLimit(rules, together, sighting.at) !== undefined) return undefined;

  let profile = joined ? holder! : fresh();
  const attached = accepted.filter((id) => !profile.identifiers.some((h) => h.type === id.type && h.value === id.value));
  const sightings: ProfileIdentifier[] = [];
  let earlier = false;
  for (const i of order) {
    const { type, value } = eventIds[i]!;
    const h = profile.identifiers.find((held) => held.type === type && held.value === value);
    if (h === undefined) continue;
    sightings.push({ type, value, source: sighting.source, at: sighting.at });
    if (sighting.at < h.at || (sighting.at === h.at && sighting.source < h.source)) earlier = true;
  }
  if (attached.length > 0 || earlier)
    profile = {
      ...profile,
      identifiers: unionIdentifiers(profile.identifiers, [...attached, ...sightings]),
      refusedIdentifiers: mergeRefusals(profile.refusedIdentifiers, []),
    };
  return { profile, absorbed: [], attached, refused: [], shared: [] };
}

interface Matchable {
  id: Identifier;
  key: string;
  /** The candidate holding the identifier. */
  owner: Profile | undefined;
  /** It may not join two profiles (an unmerge split it, here or on its holder). */
  split: boolean;
  rank: number;
}

/**
 * `{ ...id, source, at }` (the same properties in the same order), built onto `{}`: in V8 of Node 20 an object literal
 * that spreads an object and then defines a property the spread did not bring gets a hidden class of its own, a new
 * map and descriptor array per identifier (core/merge/merge-event.ts withPrefix), and the profile keeps it.
 */
function sightingOf(id: Identifier, sighting: { source: string; at: string }): ProfileIdentifier {
  const out = plainCopy(id) as ProfileIdentifier;
  out.source = sighting.source;
  out.at = sighting.at;
  return out;
}

function refusal(id: Identifier, reason: string, at: string): RefusedIdentifier {
  return { type: id.type, value: id.value, reason, at };
}

/** The candidate with the id (the last, as a Map built from the candidates would give). */
function holderOf(candidates: readonly Profile[], profileId: string | undefined): Profile | undefined {
  if (profileId === undefined) return undefined;
  let found: Profile | undefined;
  for (const candidate of candidates) if (candidate.profileId === profileId) found = candidate;
  return found;
}

/** What the group would hold with `owner` (or the new identifier) added: each key once, its first sighting in this order. */
function heldWith(
  group: readonly Profile[],
  owner: Profile | undefined,
  accepted: readonly ProfileIdentifier[],
  key: string,
  id: Identifier,
  sighting: { source: string; at: string },
): ProfileIdentifier[] {
  const held = new Map<string, ProfileIdentifier>();
  for (const p of group) addHeld(held, p.identifiers);
  if (owner) addHeld(held, owner.identifiers);
  addHeld(held, accepted);
  if (!held.has(key)) held.set(key, sightingOf(id, sighting));
  return [...held.values()];
}

function addHeld(held: Map<string, ProfileIdentifier>, identifiers: readonly ProfileIdentifier[]): void {
  for (const h of identifiers) {
    const key = identifierKey(h);
    if (!held.has(key)) held.set(key, h);
  }
}

/**
 * The common case, decided without planIdentity (the profile its plan would land on, or undefined when the case is
 * not this one): one profile already holds every identifier of the event, none is blocked and the profile breaks no
 * limit. The plan then joins nothing, attaches and refuses nothing, whatever the order of the identifiers (a split
 * identifier only matters when it would join two profiles); a sighting earlier than the one held (a late delivery)
 * only moves that identifier's first sighting back, as planIdentity would.
 */
export function knownPersonProfile(
  tenant: TenantConfig,
  eventIds: readonly Identifier[],
  known: KnownIdentifiers,
  sighting: { source: string; at: string },
): Profile | undefined {
  const rules: IdentityRules = tenant.identity;
  const { candidates } = known;
  const only = candidates[0];
  if (candidates.length !== 1 || only === undefined || eventIds.length === 0) return undefined;
  let earlier = false;
  for (let i = 0; i < eventIds.length; i++) {
    const held = known.held[i];
    if (known.owners[i] !== only.profileId || held === undefined || known.sharedBy[i]! > rules.blockSharedByMoreThan) return undefined;
    if (sighting.at < held.at || (sighting.at === held.at && sighting.source < held.source)) earlier = true;
  }
  if (!holdsLimits(rules, only.identifiers, sighting.at)) return undefined;
  if (!earlier) return only;
  const sightings = sightingsOf(eventIds, sighting);
  return {
    ...only,
    identifiers: unionIdentifiers(only.identifiers, sightings),
    refusedIdentifiers: mergeRefusals(only.refusedIdentifiers, []),
  };
}

/**
 * The event's identifiers as sighted now. Its own function: a closure in knownPersonProfile capturing `sighting` would
 * make every call allocate a context for it, though few events are earlier sightings.
 */
function sightingsOf(eventIds: readonly Identifier[], sighting: { source: string; at: string }): ProfileIdentifier[] {
  return eventIds.map(({ type, value }) => ({ type, value, source: sighting.source, at: sighting.at }));
}

/** Whether held identifiers keep every limit (counted in place: cheaper than the per-array WeakMap it replaced). */
function holdsLimits(rules: IdentityRules, identifiers: readonly ProfileIdentifier[], at: string): boolean {
  return brokenLimit(rules, identifiers, at) === undefined;
}

function mergeRefusals(known: readonly RefusedIdentifier[], added: readonly RefusedIdentifier[]): RefusedIdentifier[] {
  const byKey = new Map(known.map((r) => [identifierKey(r), r]));
  for (const r of added) if (!byKey.has(identifierKey(r))) byKey.set(identifierKey(r), r);
  // Bounded: a sender naming a person with ever new phone numbers must not grow the profile without end.
  return [...byKey.values()].sort((a, b) => (identifierKey(a) < identifierKey(b) ? -1 : 1)).slice(0, REFUSED_LIMIT);
}
