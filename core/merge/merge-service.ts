// The merge engine: resolves an event's identity, applies it, and commits with optimistic locking.
import type { TenantConfig } from '../config.js';
import { sourcePriority } from '../config.js';
import { ConflictRetry } from '../errors.js';
import { eventKey, type CanonicalEvent, type EventOf } from '../events.js';
import { identifierKey, type Identifier } from '../identifiers.js';
import {
  knownPersonProfile,
  normaliseEventIdentifiers,
  planIdentity,
  type IdentityPlan,
  type KnownIdentifiers,
} from '../identity/plan-identity.js';
import { acknowledgeEvent, applyEvent, contentChanged, isProfileEvent, plainCopy, type ProfileEvent } from './merge-event.js';
import { canonicalEvent, isDestination, ourWrites, withoutEchoes } from './echoes.js';
import type {
  IdentifierEntry,
  MergeOutcome,
  PushMessage,
  PushSnapshotStore,
  ProfileCommit,
  ProfileRepository,
  TenantStatsStore,
} from '../ports.js';
import { liveProfile } from '../live-profile.js';
import { erasureRequestId } from '../erasure/receipts.js';
import { emptyProfile, type Profile, type ProfileIdentifier, type RefusedIdentifier } from '../profile.js';
import { projectProfile } from '../projection.js';
import { clockThresholds, DUE_GRID_MAX_MS } from '../campaign/due-time.js';
import { utc } from './provenance.js';
import type { FieldValue } from '../destination.js';

export interface MergeDeps {
  profiles: ProfileRepository;
  newProfileId(): string;
  /** Tenant stats of the last sweep (RFM quintiles, co-purchases), read through a cache. */
  stats?: Pick<TenantStatsStore, 'get'>;
  now?: () => Date;
  /** identifierKeys that may not join two profiles in this run (an unmerge or dry run replaying history). */
  split?: ReadonlySet<string>;
  /** What syncline last wrote to each destination (the push snapshots): a destination's echo of it is not news (echoes.ts). */
  snapshots?: Pick<PushSnapshotStore, 'get' | 'getMany'>;
}

const MAX_ATTEMPTS = 8;

/**
 * Applies one event, retrying on optimistic-lock conflicts. Returns the push messages the caller must send.
 *
 * The event is read through a shallow copy onto `{}` (the same properties in the same order, so the history stores what
 * it stored): an event from CanonicalEvent's parse (an intersection, merged by zod) or from the bench's generator (a
 * spread followed by more properties) has a hidden class of its own in V8 of Node 20, which makes every read of it a
 * megamorphic lookup, and the merge reads the event in a dozen places.
 */
export async function mergeEvent(deps: MergeDeps, tenant: TenantConfig, given: CanonicalEvent): Promise<MergeOutcome> {
  const event = plainCopy(given);
  if (event.type === 'erasure.requested' && event.data.scope === 'source') return eraseSource(deps, tenant, event);
  const ids = normaliseEventIdentifiers(event.identifiers, tenant);
  if (ids.length === 0) return { status: 'unidentified', push: [] };
  for (let attempt = 1; ; attempt++) {
    try {
      return await mergeOnce(deps, tenant, event, ids);
    } catch (error) {
      if (!(error instanceof ConflictRetry) || attempt >= MAX_ATTEMPTS) throw error;
      await pause(attempt);
    }
  }
}

/** The wait before another attempt. Its own function: a closure in mergeEvent's loop capturing `attempt` made every merge allocate a context. */
function pause(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
}

async function mergeOnce(deps: MergeDeps, tenant: TenantConfig, event: CanonicalEvent, ids: Identifier[]): Promise<MergeOutcome> {
  const loaded = await loadCandidates(deps.profiles, tenant.id, ids);
  const { candidates, owners, pointers, erasedAt, missing, unheld } = loaded;

  // Its own function: the erasure's locals and closures would otherwise make every merge's frame larger (issue 15).
  if (event.type === 'erasure.requested') return eraseRequested(deps, tenant, event, ids, loaded);
  // A dead letter, a replayed message or a late delivery of something that happened before an erasure would bring the
  // erased person back; what happened after it (a new consent, a new order) is a new relationship.
  if (erasedAt !== undefined && (utc(event.receivedAt) <= erasedAt || utc(event.occurredAt) <= erasedAt))
    return { status: 'predates-erasure', push: [] };
  if (!isProfileEvent(event)) return { status: 'access-requested', profileIds: candidates.map((p) => p.profileId), push: [] };

  const at = utc(event.occurredAt);
  const key = eventKey(event);
  const sighting = { source: event.source.instance, at, eventKey: key };
  // The common case first (one profile holds every identifier): no plan to build, no closures to make.
  const known = knownPersonProfile(tenant, ids, loaded, sighting);
  const plan: IdentityPlan =
    known !== undefined
      ? knownPlan(known)
      : planIdentity(tenant, ids, loaded, freshProfile(deps, tenant.id, at), sighting, deps.split ? { split: deps.split } : {});
  const before = known !== undefined ? candidates[0] : candidateOf(candidates, plan.profile.profileId);
  // Every identifier was refused and none leads to a profile: nothing could ever find what we would store.
  if (!before && plan.attached.length === 0) return { status: 'unidentified', push: [] };
  const newRefusals = plan.refused.length === 0 ? plan.refused : refusedAnew(plan.refused, before);
  const identityChanged = plan.absorbed.length > 0 || plan.attached.length > 0 || newRefusals.length > 0;
  // History makes the profile rebuildable (unmerge); appending is idempotent, so a redelivery after a crash
  // between commit and history write repairs it. A redelivery may follow a crash between commit and push: ask for a
  // sync again (the push diff makes it free).
  const seen = !identityChanged && before !== undefined && before.recentEvents.includes(key);
  if (seen) {
    await remember(deps, tenant, before.profileId, event);
    return { status: 'duplicate', profileId: before.profileId, push: [{ kind: 'sync', tenantId: tenant.id, profileId: before.profileId }] };
  }

  const canonical = canonicalEvent(event, tenant);
  // Only a profile syncline has pushed can be echoed, and only by an instance it pushes to.
  // What was written, and what a push under way is writing (its callback can come before the push stores its snapshot).
  const written =
    deps.snapshots && before && isDestination(tenant, event.source.instance)
      ? await ourWrites(deps.snapshots, tenant.id, before.profileId, event.source.instance)
      : NO_WRITES;
  let news: ProfileEvent | undefined = canonical;
  for (let i = 0; news !== undefined && i < written.length; i++) news = withoutEchoes(news, written[i]!, tenant);
  // The duplicate check above searched the dedup cache this profile carries: applyEvent need not search it again.
  const unseen = before !== undefined && !identityChanged && plan.profile.recentEvents === before.recentEvents;
  const after = news
    ? applyEvent(plan.profile, news, sourcePriority(tenant, event.source.instance), key, unseen)
    : acknowledgeEvent(plan.profile, event);
  if (!identityChanged && before && !contentChanged(before, after)) {
    // An event that is wholly the destination's echo of our write is no history: a replay (unmerge, dry run) has no
    // snapshots to recognise it by, and would apply what syncline derived from the merged person as the destination's
    // own news (an echoed subscribe beating a later unsubscribe). One history item less per echo (~0.2 per event end to end).
    if (news !== undefined) await remember(deps, tenant, before.profileId, event);
    return { status: 'unchanged', profileId: before.profileId, push: [] };
  }

  const claims: ProfileCommit['claims'] = [];
  for (const id of plan.attached) claims.push({ identifier: bare(id), profileId: after.profileId, ...previous(ids, pointers, id) });
  for (const p of plan.absorbed)
    for (const id of p.identifiers) claims.push({ identifier: bare(id), profileId: after.profileId, previousProfileId: p.profileId });
  // Identifiers that still point at a tombstone are repaired on the way.
  repairs(claims, ids, pointers, owners, plan.attached, after.profileId);
  // `after` is this merge's own copy (applyEvent and acknowledgeEvent return a new object): versioned in place.
  after.version = (before?.version ?? 0) + 1;
  const puts: ProfileCommit['puts'] = [{ profile: after, expectedVersion: before?.version ?? 0 }];
  for (const p of plan.absorbed) puts.push({ profile: tombstone(p, after.profileId), expectedVersion: p.version });
  if (missing.size > 0 || unheld.size > 0) puts.push(...takeOver(claims, puts, missing, unheld, after.profileId, at));
  const commit: ProfileCommit = {
    puts,
    claims,
    // Counted once per profile: enough profiles refused a value and it stops matching anyone (a shop's own address).
    shares: sharesOf(plan.shared, newRefusals, after.profileId),
  };
  await deps.profiles.commit(tenant.id, dedupeClaims(commit));
  await remember(deps, tenant, after.profileId, event);
  // Whether destinations must hear of it is decided once per profile and batch (see destinationChanged).
  return { status: 'applied', profileId: after.profileId, push: [] };
}

/** A person's erasure (scope "person"): the profiles the identifiers lead to are erased, here and at the destinations. */
async function eraseRequested(
  deps: MergeDeps,
  tenant: TenantConfig,
  event: EventOf<'erasure.requested'>,
  ids: Identifier[],
  loaded: Candidates,
): Promise<MergeOutcome> {
  const { candidates, entries } = loaded;
  const at = utc(event.receivedAt);
  // Loaded on the first erasure only: rare, and the merge function reads less code at every cold start (issue 15).
  const { erasePerson, erasureRedelivered } = await import('../erasure/erase-person.js');
  // A redelivery finds the profiles gone: it asks for the same subjects again (same receipts), not an "unknown" one.
  const again = candidates.length === 0 ? erasureRedelivered(ids, entries, at) : undefined;
  const erased = again
    ? { subjects: again, shared: new Set<string>() }
    : await erasePerson(deps.profiles, tenant.id, ids, candidates, at, tenant.identity.historyDays);
  const subjects =
    erased.subjects.length > 0 ? erased.subjects : [{ profileId: `unknown:${event.sourceEventId}`, identifiers: ids, mergedFrom: [] }];
  const push: PushMessage[] = subjects.map(({ mergedFrom, profileId, identifiers }) => {
    const own = identifiers.filter((id) => !erased.shared.has(identifierKey(id)));
    return {
      kind: 'erase' as const,
      tenantId: tenant.id,
      subject: { profileId, identifiers: own, ...emailOf(own) },
      requestId: erasureRequestId(event),
      ...(mergedFrom.length > 0 ? { mergedFrom } : {}),
    };
  });
  return { status: 'erased', profileIds: candidates.map((p) => p.profileId), push };
}

/*
 * The closures of a merge live in functions of their own: a closure in mergeOnce that captured its variables would make
 * every merge allocate a context for them, though most events need none of these closures.
 */

/** A new empty profile of the tenant, for planIdentity to take when the event meets no profile. */
function freshProfile(deps: MergeDeps, tenantId: string, at: string): () => Profile {
  return () => emptyProfile(tenantId, deps.newProfileId(), at);
}

/** The refusals the profile does not carry yet. */
function refusedAnew(refused: readonly RefusedIdentifier[], before: Profile | undefined): RefusedIdentifier[] {
  return refused.filter((r) => !before?.refusedIdentifiers.some((known) => identifierKey(known) === identifierKey(r)));
}

/** The shared identifiers newly refused to the profile, each counted once for it. */
function sharesOf(shared: readonly Identifier[], newRefusals: readonly Identifier[], profileId: string): ProfileCommit['shares'] {
  if (shared.length === 0) return [];
  return shared
    .filter((id) => newRefusals.some((r) => identifierKey(r) === identifierKey(id)))
    .map((id) => ({ identifier: bare(id), profileId }));
}

const NO_WRITES: readonly Readonly<Record<string, FieldValue>>[] = [];

/** The plan of the common case: nothing absorbed, attached, refused or shared (shared empties, only read). */
const NONE: never[] = [];
function knownPlan(profile: Profile): IdentityPlan {
  return { profile, absorbed: NONE, attached: NONE, refused: NONE, shared: NONE };
}

function remember(deps: MergeDeps, tenant: TenantConfig, profileId: string, event: CanonicalEvent): Promise<void> {
  return deps.profiles.appendHistory(tenant.id, [{ profileId, event }], tenant.identity.historyDays);
}

function candidateOf(candidates: readonly Profile[], profileId: string): Profile | undefined {
  for (const candidate of candidates) if (candidate.profileId === profileId) return candidate;
  return undefined;
}

/** True when a destination would see a difference: campaign fields count too (a search changes nothing else). */
export function destinationChanged(
  tenant: TenantConfig,
  before: Profile | undefined,
  after: Profile,
  context: { now: Date; stats?: Awaited<ReturnType<TenantStatsStore['get']>> },
): boolean {
  if (before === undefined || before.mergedFrom.length !== after.mergedFrom.length) return true;
  const projection = { campaigns: tenant.campaigns, now: context.now, stats: context.stats };
  if (!sameValues(projectProfile(before, projection), projectProfile(after, projection))) return true;
  return clockChangedLately(tenant, before, context.now);
}

/**
 * True when a clock threshold of `before` (a cart abandoned, a new customer's window over) passed so lately that the
 * campaign sweep may not have served it yet: the sweep runs every `sweepEveryMinutes` on due times rounded up by up to
 * DUE_GRID_MAX_MS. Projected at the merge's clock, before and after both show that change, and this commit replaces
 * the due time the sweep would have found, so the sweep, which pushes only what the clock changed since a due time
 * (core/campaign/clock-changes.ts), would never send it: the merge syncs the profile itself. When the sweep did serve
 * it, the push finds its snapshot unchanged and sends nothing.
 */
function clockChangedLately(tenant: TenantConfig, before: Profile, now: Date): boolean {
  const to = now.getTime();
  const from = to - (tenant.campaigns.sweepEveryMinutes * 60_000 + DUE_GRID_MAX_MS);
  return clockThresholds(before, tenant.campaigns).some((t) => t > from && t <= to);
}

/** Field by field: the values are scalars, so this answers what two JSON serialisations did, without building them. */
function sameValues(a: Record<string, FieldValue>, b: Record<string, FieldValue>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) if (!(key in b) || a[key] !== b[key]) return false;
  return true;
}

/**
 * A source asked us to forget everything it sent (Shopify's shop/redact after an uninstall): every profile that
 * holds the source's customer id or any value from it is erased, here and at the destinations.
 */
async function eraseSource(deps: MergeDeps, tenant: TenantConfig, event: EventOf<'erasure.requested'>): Promise<MergeOutcome> {
  const instance = event.source.instance;
  const at = utc(event.receivedAt);
  const erased: string[] = [];
  const push: PushMessage[] = [];
  for await (const profile of deps.profiles.listProfiles(tenant.id)) {
    if (!holdsDataFrom(profile, instance)) continue;
    await deps.profiles.erase(tenant.id, profile);
    erased.push(profile.profileId);
    const identifiers = profile.identifiers.map(bare);
    // The same markers as a person's erasure: a replay or a late delivery from before it re-creates nobody.
    const mark = { subjects: [{ profileId: profile.profileId, mergedFrom: [...profile.mergedFrom] }], withheld: false };
    await deps.profiles.markErased(tenant.id, identifiers, at, new Map(identifiers.map((id) => [identifierKey(id), mark])));
    push.push({
      kind: 'erase',
      tenantId: tenant.id,
      subject: { profileId: profile.profileId, identifiers, ...emailOf(identifiers) },
      requestId: erasureRequestId(event),
    });
  }
  return { status: 'erased', profileIds: erased, push };
}

function holdsDataFrom(profile: Profile, instance: string): boolean {
  return (
    profile.identifiers.some((id) => id.source === instance || id.type === `customerId:${instance}`) ||
    Object.values(profile.fields).some((f) => f.source === instance) ||
    Object.values(profile.orders).some((o) => o.source === instance) ||
    Object.values(profile.carts).some((c) => c.source === instance)
  );
}

interface Candidates extends KnownIdentifiers {
  /** Per identifier (as `keys`): the profile id stored in the index item (may be a tombstone). */
  pointers: (string | undefined)[];
  /** The latest erasure of a person holding one of the identifiers. */
  erasedAt?: string;
  /** The index entries as read (an erasure's redelivery reads its markers). */
  entries: ReadonlyMap<string, IdentifierEntry>;
  /** Profile ids pointers lead to that do not exist: a claim whose profile is not written (yet, or ever). */
  missing: ReadonlySet<string>;
  /** Pointer id → the live profile it leads to, when that profile does not hold the identifier (its write is pending or lost). */
  unheld: ReadonlyMap<string, Profile>;
}

/** Shared empties: most events meet no missing or unheld pointer, and these are only read. */
const NO_MISSING: ReadonlySet<string> = new Set();
const NO_UNHELD: ReadonlyMap<string, Profile> = new Map();

/**
 * What the index and the profiles say about an event's identifiers. An event names one to three identifiers, so
 * what is known of each is kept in arrays in the order of the identifiers (`ids`), not in Maps built per event.
 */
async function loadCandidates(repo: ProfileRepository, tenantId: string, ids: readonly Identifier[]): Promise<Candidates> {
  // Sized exactly: an array grown by push from [] carries 17 slots.
  const n = ids.length;
  const keys = new Array<string>(n);
  const pointers = new Array<string | undefined>(n);
  const sharedBy = new Array<number>(n);
  const owners = new Array<string | undefined>(n);
  const held = new Array<ProfileIdentifier | undefined>(n);
  for (let i = 0; i < n; i++) {
    keys[i] = identifierKey(ids[i]!);
    sharedBy[i] = 0;
  }
  const entries = await repo.lookupEntries(tenantId, ids);
  let erasedAt: string | undefined;
  /**
   * Each distinct pointer (the first `distinct`), in the order of the entries as read, and the live profile it leads to
   * (undefined: erased meanwhile, or never written). At most one per identifier: sized so, not grown by push.
   */
  const resolvedPointers = new Array<string>(n);
  const resolvedProfiles = new Array<Profile | undefined>(n);
  let distinct = 0;
  for (const [key, entry] of entries) {
    const i = keys.indexOf(key);
    if (i < 0) continue;
    const pointer = entry.profileId;
    if (pointer !== undefined) {
      pointers[i] = pointer;
      let j = 0;
      while (j < distinct && resolvedPointers[j] !== pointer) j++;
      if (j === distinct) resolvedPointers[distinct++] = pointer;
    }
    sharedBy[i] = entry.sharedBy;
    if (entry.erasedAt !== undefined && (erasedAt === undefined || entry.erasedAt > erasedAt)) erasedAt = entry.erasedAt;
  }
  /** The live profiles, one object per profile id (the first `count`). */
  const live = new Array<Profile>(distinct);
  let count = 0;
  let missing: Set<string> | undefined;
  for (let j = 0; j < distinct; j++) {
    const pointer = resolvedPointers[j]!;
    const first = await repo.get(tenantId, pointer);
    if (first === undefined) (missing ??= new Set()).add(pointer);
    const profile = first?.mergedInto === undefined ? first : await liveProfile(repo, tenantId, first.mergedInto);
    resolvedProfiles[j] = profile;
    if (profile === undefined) continue;
    // The last read of a profile id stands for it, in the place of its first.
    let at = 0;
    while (at < count && live[at]!.profileId !== profile.profileId) at++;
    live[at] = profile;
    if (at === count) count++;
  }
  live.length = count;
  // A pointer whose profile does not hold the identifier is a claim whose profile write never landed (claims and a
  // profile are separate conditional writes, aws/dynamo-profile-repository.ts): the identifier is free, and taking it
  // moves the pointer on from there (previousProfileId).
  let unheld: Map<string, Profile> | undefined;
  if (count > 0)
    for (let i = 0; i < n; i++) {
      const pointer = pointers[i];
      let j = 0;
      while (j < distinct && resolvedPointers[j] !== pointer) j++;
      const found = pointer === undefined ? undefined : resolvedProfiles[j];
      // The one object per profile id that the candidates hold.
      const owner = found === undefined ? undefined : candidateOf(live, found.profileId)!;
      if (owner === undefined) continue;
      const holding = heldBy(owner, ids[i]!);
      if (holding !== undefined) {
        owners[i] = owner.profileId;
        held[i] = holding;
      } else (unheld ??= new Map()).set(pointer!, owner);
    }
  const candidates: Candidates = {
    candidates: live,
    keys,
    owners,
    held,
    pointers,
    sharedBy,
    entries,
    missing: missing ?? NO_MISSING,
    unheld: unheld ?? NO_UNHELD,
  };
  if (erasedAt !== undefined) candidates.erasedAt = erasedAt;
  return candidates;
}

/**
 * Taking a pointer from a claim whose profile write is missing must stop that write from landing after ours: a profile
 * that does not exist is sealed (a tombstone leading here, written only if it still does not exist), a live one that
 * does not hold the identifier is written again unchanged (its pending write then meets a new version and retries).
 */
function takeOver(
  claims: ProfileCommit['claims'],
  puts: ProfileCommit['puts'],
  missing: ReadonlySet<string>,
  unheld: ReadonlyMap<string, Profile>,
  survivorId: string,
  at: string,
): ProfileCommit['puts'] {
  const written = new Set(puts.map((p) => p.profile.profileId));
  const out: ProfileCommit['puts'] = [];
  for (const { previousProfileId: from } of claims) {
    if (from === undefined || written.has(from)) continue;
    const holder = unheld.get(from);
    if (missing.has(from)) {
      written.add(from);
      const seal = { ...emptyProfile(puts[0]!.profile.tenantId, from, at), version: 1, mergedInto: survivorId };
      out.push({ profile: seal, expectedVersion: 0 });
    } else if (holder !== undefined && !written.has(holder.profileId)) {
      written.add(holder.profileId);
      out.push({ profile: { ...holder, version: holder.version + 1 }, expectedVersion: holder.version });
    }
  }
  return out;
}

/** The profile's record of the identifier, compared by type and value (building every held identifier's key per pointer was a hot spot). */
function heldBy(profile: Profile, id: Identifier): ProfileIdentifier | undefined {
  for (const held of profile.identifiers) if (held.value === id.value && held.type === id.type) return held;
  return undefined;
}

/** Identifiers the survivor holds whose pointer still names another profile (a tombstone): claimed again, added to `out`. */
function repairs(
  out: ProfileCommit['claims'],
  ids: readonly Identifier[],
  pointers: readonly (string | undefined)[],
  owners: readonly (string | undefined)[],
  attached: readonly Identifier[],
  survivorId: string,
): void {
  for (let i = 0; i < ids.length; i++) {
    const pointer = pointers[i];
    if (pointer === undefined || pointer === survivorId || owners[i] !== survivorId) continue;
    const id = ids[i]!;
    if (attached.some((a) => a.value === id.value && a.type === id.type)) continue;
    out.push({ identifier: id, profileId: survivorId, previousProfileId: pointer });
  }
}

/** The index's pointer of an identifier of the event, as a claim's condition. */
function previous(ids: readonly Identifier[], pointers: readonly (string | undefined)[], id: Identifier): { previousProfileId?: string } {
  let i = 0;
  while (i < ids.length && !(ids[i]!.value === id.value && ids[i]!.type === id.type)) i++;
  const pointer = pointers[i];
  return pointer === undefined ? {} : { previousProfileId: pointer };
}

function bare(id: Identifier): Identifier {
  return { type: id.type, value: id.value };
}

function dedupeClaims(commit: ProfileCommit): ProfileCommit {
  if (commit.claims.length < 2) return commit;
  const byKey = new Map(commit.claims.map((c) => [identifierKey(c.identifier), c]));
  return { ...commit, claims: [...byKey.values()] };
}

function tombstone(profile: Profile, survivorId: string): Profile {
  return {
    ...emptyProfile(profile.tenantId, profile.profileId, profile.firstSeenAt),
    version: profile.version + 1,
    mergedInto: survivorId,
  };
}

function emailOf(ids: readonly Identifier[]): { email?: string } {
  const email = ids.find((i) => i.type === 'email')?.value;
  return email === undefined ? {} : { email };
}
