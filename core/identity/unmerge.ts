// Undoes a wrong merge: the profile's recorded events are replayed without letting the named identifier join
// profiles, the resulting people are written back under their old profile ids, and the identifier stays with the
// profile that saw it first, marked so that it never joins them again. Destinations receive every rebuilt profile.
// Profiles that were refused one of the merged profile's identifiers are rebuilt with it: the wrong merge may have
// filled the limit that made them refuse it.
import { createHash } from 'node:crypto';
import type { TenantConfig } from '../config.js';
import { ConflictRetry } from '../errors.js';
import { eventKey } from '../events.js';
import { identifierKey, normaliseIdentifier, type Identifier } from '../identifiers.js';
import { replayIdentity, type Replay } from './replay.js';
import { joinJournals } from './join-profiles.js';
import { liveProfile } from '../live-profile.js';
import type { HistoryEntry, ProfileCommit, ProfileRepository, PushMessage } from '../ports.js';
import { emptyProfile, type IdentityJournalEntry, type Profile } from '../profile.js';

/** The unmerge cannot be done as asked; the message says why and what to do. */
export class UnmergeRefused extends Error {
  override readonly name = 'UnmergeRefused';
}

export interface UnmergeDeps {
  profiles: ProfileRepository;
  now?: () => Date;
}

export interface UnmergeResult {
  identifier: Identifier;
  /** The profiles the unmerge left, the one asked about first. */
  profiles: { profileId: string; identifiers: number; events: number; revived: boolean }[];
  /** Sync messages: destinations must see the corrected profiles. */
  push: PushMessage[];
}

const ATTEMPTS = 5;

export async function unmergeProfile(
  deps: UnmergeDeps,
  tenant: TenantConfig,
  profileId: string,
  identifierValue: string,
  reason?: string,
): Promise<UnmergeResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await unmergeOnce(deps, tenant, profileId, identifierValue, reason);
    } catch (error) {
      if (!(error instanceof ConflictRetry) || attempt >= ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
    }
  }
}

async function unmergeOnce(
  deps: UnmergeDeps,
  tenant: TenantConfig,
  profileId: string,
  identifierValue: string,
  reason?: string,
): Promise<UnmergeResult> {
  const repo = deps.profiles;
  const { live, identifier, key } = await findWrongMerge(repo, tenant, profileId, identifierValue);
  const scope = await gatherScope(repo, tenant, live);

  const split = new Set([...(live.unlinkable ?? []), ...scope.neighbours.flatMap((n) => n.unlinkable ?? []), key]);
  const replay = await replayIdentity(
    tenant,
    scope.history.map((h) => h.event),
    split,
  );
  const holdsOwn = (sandboxId: string) =>
    [...replay.placement].some(
      ([event, at]) => at === sandboxId && [...(scope.storedUnder.get(event) ?? [])].some((id) => scope.mergedIds.has(id)),
    );
  if (replay.profiles.filter((p) => holdsOwn(p.profileId)).length < 2)
    throw new UnmergeRefused(
      `the events of profile ${live.profileId} still form one person without that ${identifier.type}: other identifiers join them (see its journal)`,
    );

  const ids = assignProfileIds(tenant.id, scope, replay);
  const now = (deps.now?.() ?? new Date()).toISOString();
  const allIds = replay.profiles.map((p) => ids.realId.get(p.profileId)!);
  const entry: IdentityJournalEntry = {
    kind: 'unmerged',
    at: now,
    identifier: { type: identifier.type, value: identifier.value },
    profiles: allIds,
    ...(reason ? { reason } : {}),
  };
  const stored = await storedProfiles(repo, tenant.id, scope, allIds);
  const puts = [
    ...rebuiltPuts(tenant.id, scope, replay, ids, split, entry, stored),
    ...tombstonePuts(tenant.id, live, ids.tombstoneOf, stored),
  ];
  const claims = await identifierClaims(repo, tenant.id, puts);
  await writeUnmerge(repo, tenant, scope, replay, ids.realId, { puts, claims });

  const profiles = replay.profiles.map((rebuilt) => {
    const id = ids.realId.get(rebuilt.profileId)!;
    return {
      profileId: id,
      identifiers: rebuilt.identifiers.length,
      events: ids.eventsOf.get(rebuilt.profileId)?.length ?? 0,
      revived: id !== live.profileId && stored.get(id) !== undefined,
    };
  });
  return {
    identifier: { type: identifier.type, value: identifier.value },
    profiles,
    push: allIds.map((id) => ({ kind: 'sync', tenantId: tenant.id, profileId: id })),
  };
}

/** What an unmerge rebuilds: the live profile, the profiles refused one of its identifiers, and their recorded events. */
interface UnmergeScope {
  live: Profile;
  neighbours: Profile[];
  /** The live profile and the profiles merged into it. */
  mergedIds: Set<string>;
  /** Every profile id whose events are replayed. */
  members: string[];
  history: HistoryEntry[];
  /** eventKey → the profile ids the event is recorded under. */
  storedUnder: Map<string, Set<string>>;
}

/** Where the rebuilt people go: their real profile ids, and the ids that stay tombstones. */
interface ProfileIds {
  /** Sandbox id → the event keys the rebuilt profile holds. */
  eventsOf: Map<string, string[]>;
  /** Sandbox id → real profile id. */
  realId: Map<string, string>;
  /** Member id not given back → the profile it points at. */
  tombstoneOf: Map<string, string>;
}

/** The live profile and the identifier whose merge is undone; refuses when no merge was caused by it. */
async function findWrongMerge(
  repo: ProfileRepository,
  tenant: TenantConfig,
  profileId: string,
  identifierValue: string,
): Promise<{ live: Profile; identifier: Identifier; key: string }> {
  const live = await liveProfile(repo, tenant.id, profileId);
  if (!live) throw new UnmergeRefused(`profile ${profileId} does not exist in tenant "${tenant.id}" (erased, or a wrong id)`);
  const identifier = live.identifiers.find(
    (id) => id.value === identifierValue.trim() || normaliseIdentifier({ type: id.type, value: identifierValue })?.value === id.value,
  );
  if (!identifier) throw new UnmergeRefused(`profile ${live.profileId} holds no identifier with that value`);
  const key = identifierKey(identifier);
  const merges = (live.identityJournal ?? []).filter((e) => e.kind === 'merged' && identifierKey(e.identifier) === key);
  if (merges.length === 0) {
    const causes = [...new Set((live.identityJournal ?? []).flatMap((e) => (e.kind === 'merged' ? [e.identifier.type] : [])))];
    throw new UnmergeRefused(
      `no merge of profile ${live.profileId} was caused by that ${identifier.type}; ${causes.length > 0 ? `its journal lists merges by ${causes.join(', ')}` : 'its journal lists no merges'}`,
    );
  }
  return { live, identifier, key };
}

async function gatherScope(repo: ProfileRepository, tenant: TenantConfig, live: Profile): Promise<UnmergeScope> {
  // Profiles refused one of this profile's identifiers may have been refused only because the wrong merge had filled a
  // limit (mum's account refused the family e-mail the merged profile held): they are rebuilt with it.
  const neighbours = await refusingProfiles(repo, tenant.id, live);
  const mergedIds = new Set([live.profileId, ...live.mergedFrom]);
  const members = [...mergedIds, ...neighbours.flatMap((n) => [n.profileId, ...n.mergedFrom])];
  const history = await repo.history(tenant.id, members);
  if (history.length === 0)
    throw new UnmergeRefused(
      `profile ${live.profileId} has no recorded events to rebuild from (history is kept ${tenant.identity.historyDays} days)`,
    );
  const storedUnder = new Map<string, Set<string>>();
  for (const entry of history)
    storedUnder.set(eventKey(entry.event), new Set([...(storedUnder.get(eventKey(entry.event)) ?? []), entry.profileId]));
  return { live, neighbours, mergedIds, members, history, storedUnder };
}

/**
 * Old ids go back to the people they belonged to: the oldest rebuilt profile with events recorded under the live id
 * keeps it (destinations know it); every other takes the id most of its events were recorded under, or a new one.
 */
function assignProfileIds(tenantId: string, { live, members, storedUnder }: UnmergeScope, replay: Replay): ProfileIds {
  const eventsOf = new Map<string, string[]>();
  for (const [event, sandboxId] of replay.placement) eventsOf.set(sandboxId, [...(eventsOf.get(sandboxId) ?? []), event]);
  const realId = new Map<string, string>();
  const used = new Set<string>();
  for (const rebuilt of replay.profiles) {
    const events = eventsOf.get(rebuilt.profileId) ?? [];
    const recordedUnderLive = events.some((e) => storedUnder.get(e)?.has(live.profileId));
    let chosen: string | undefined = used.has(live.profileId) || !recordedUnderLive ? undefined : live.profileId;
    chosen ??=
      mostVoted(events.flatMap((e) => [...(storedUnder.get(e) ?? [])].filter((id) => !used.has(id)))) ??
      derivedId(tenantId, live.profileId, events);
    used.add(chosen);
    realId.set(rebuilt.profileId, chosen);
  }
  // Ids not given back stay tombstones, pointing at the profile holding most of their events.
  const tombstoneOf = new Map<string, string>();
  for (const member of members.filter((m) => !used.has(m))) {
    const owners = [...storedUnder].filter(([, ids]) => ids.has(member)).map(([event]) => realId.get(replay.placement.get(event)!)!);
    tombstoneOf.set(member, mostVoted(owners) ?? live.profileId);
  }
  return { eventsOf, realId, tombstoneOf };
}

/** The stored version of every profile the unmerge writes (their versions are the commit's conditions). */
async function storedProfiles(
  repo: ProfileRepository,
  tenantId: string,
  { live, neighbours, members }: UnmergeScope,
  allIds: readonly string[],
): Promise<Map<string, Profile | undefined>> {
  const stored = new Map<string, Profile | undefined>();
  for (const id of new Set([...allIds, ...members]))
    stored.set(id, id === live.profileId ? live : (neighbours.find((n) => n.profileId === id) ?? (await repo.get(tenantId, id))));
  return stored;
}

/** The rebuilt people under their real ids, each with the journal entries that concern it and the unmerge entry. */
function rebuiltPuts(
  tenantId: string,
  { live, neighbours }: UnmergeScope,
  replay: Replay,
  ids: ProfileIds,
  split: ReadonlySet<string>,
  entry: IdentityJournalEntry,
  stored: Map<string, Profile | undefined>,
): ProfileCommit['puts'] {
  return replay.profiles.map((rebuilt) => {
    const id = ids.realId.get(rebuilt.profileId)!;
    const mergedFrom = [...ids.tombstoneOf.entries()]
      .filter(([, into]) => into === id)
      .map(([member]) => member)
      .sort();
    const own = new Set([id, ...mergedFrom]);
    const journal = joinJournals(
      [live, ...neighbours]
        .flatMap((p) => p.identityJournal ?? [])
        .filter((e) => e.kind === 'unmerged' || own.has(e.survivor) || own.has(e.absorbed)),
      [entry],
    );
    const held = new Set(rebuilt.identifiers.map(identifierKey));
    const unlinkable = [...split].filter((k) => held.has(k)).sort();
    const { mergedInto: _gone, identityJournal: _replayJournal, unlinkable: _none, ...content } = rebuilt;
    const version = stored.get(id)?.version ?? 0;
    return {
      profile: {
        ...content,
        tenantId,
        profileId: id,
        version: version + 1,
        mergedFrom,
        identityJournal: journal,
        ...(unlinkable.length > 0 ? { unlinkable } : {}),
      },
      expectedVersion: version,
    };
  });
}

/** Tombstones for the ids not given back, unless one already points at the right profile. */
function tombstonePuts(
  tenantId: string,
  live: Profile,
  tombstoneOf: Map<string, string>,
  stored: Map<string, Profile | undefined>,
): ProfileCommit['puts'] {
  const puts: ProfileCommit['puts'] = [];
  for (const [member, into] of tombstoneOf) {
    const current = stored.get(member);
    if (current?.mergedInto === into) continue;
    const version = current?.version ?? 0;
    puts.push({
      profile: { ...emptyProfile(tenantId, member, current?.firstSeenAt ?? live.firstSeenAt), version: version + 1, mergedInto: into },
      expectedVersion: version,
    });
  }
  return puts;
}

/** Index entries to point at each identifier's new owner, conditioned on where they point now. */
async function identifierClaims(repo: ProfileRepository, tenantId: string, puts: ProfileCommit['puts']): Promise<ProfileCommit['claims']> {
  const identifiers = puts.flatMap(({ profile }) =>
    profile.mergedInto ? [] : profile.identifiers.map((id) => ({ id: { type: id.type, value: id.value }, owner: profile.profileId })),
  );
  const pointers = await repo.lookup(
    tenantId,
    identifiers.map((i) => i.id),
  );
  return identifiers
    .filter(({ id, owner }) => pointers.get(identifierKey(id)) !== owner)
    .map(({ id, owner }) => {
      const previous = pointers.get(identifierKey(id));
      return { identifier: id, profileId: owner, ...(previous !== undefined ? { previousProfileId: previous } : {}) };
    });
}

/** History first, under each event's new owner (idempotent; deterministic new ids leave no orphans on a retry). */
async function writeUnmerge(
  repo: ProfileRepository,
  tenant: TenantConfig,
  { history, storedUnder }: UnmergeScope,
  replay: Replay,
  realId: Map<string, string>,
  commit: ProfileCommit,
): Promise<void> {
  const moves = [...replay.placement].map(([event, sandboxId]) => ({ event, owner: realId.get(sandboxId)! }));
  const byKey = new Map(history.map((h) => [eventKey(h.event), h.event]));
  await repo.appendHistory(
    tenant.id,
    moves.filter((m) => !storedUnder.get(m.event)?.has(m.owner)).map((m) => ({ profileId: m.owner, event: byKey.get(m.event)! })),
    tenant.identity.historyDays,
  );
  await repo.commit(tenant.id, commit);
  await repo.removeHistory(
    tenant.id,
    moves.flatMap((m) =>
      [...(storedUnder.get(m.event) ?? [])].filter((id) => id !== m.owner).map((profileId) => ({ profileId, eventKey: m.event })),
    ),
  );
}

/** Live profiles, other than `live` and its own, that were refused one of its identifiers. */
async function refusingProfiles(repo: ProfileRepository, tenantId: string, live: Profile): Promise<Profile[]> {
  const entries = await repo.lookupEntries(
    tenantId,
    live.identifiers.map(({ type, value }) => ({ type, value })),
  );
  const found = new Map<string, Profile>();
  for (const id of new Set([...entries.values()].flatMap((e) => e.refusedBy))) {
    const profile = await liveProfile(repo, tenantId, id);
    if (profile && profile.profileId !== live.profileId) found.set(profile.profileId, profile);
  }
  return [...found.values()];
}

/** The most frequent value, the smaller on a tie; undefined for none. */
function mostVoted(values: readonly string[]): string | undefined {
  const votes = new Map<string, number>();
  for (const v of values) votes.set(v, (votes.get(v) ?? 0) + 1);
  return [...votes.entries()].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))[0]?.[0];
}

/** The same unmerge retried gets the same new id, so history written before a failed commit is not orphaned. */
function derivedId(tenantId: string, liveId: string, events: readonly string[]): string {
  const hex = createHash('sha256')
    .update(`${tenantId}\u0000${liveId}\u0000${[...events].sort()[0] ?? ''}`)
    .digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
