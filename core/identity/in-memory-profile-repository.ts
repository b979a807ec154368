// ProfileRepository in memory with the same conditions as the DynamoDB adapter: for unit tests, the in-memory
// benchmark and the replays of unmerge and identity dry runs.
import { ConflictRetry } from '../errors.js';
import { eventKey } from '../events.js';
import { identifierKey, type Identifier } from '../identifiers.js';
import type { ErasureMark, HistoryEntry, IdentifierEntry, ProfileCommit, ProfileRepository } from '../ports.js';
import type { Profile } from '../profile.js';

export class InMemoryProfileRepository implements ProfileRepository {
  readonly profiles = new Map<string, Profile>();
  readonly index = new Map<string, string>();
  /** tenant|identifierKey → profiles that were refused the value. */
  readonly sharing = new Map<string, Set<string>>();
  /** tenant|identifierKey → when a person holding it was erased. */
  readonly erased = new Map<string, string>();
  /** What each erasure marker says it did (profile ids and a flag, no value). */
  readonly erasureMarks = new Map<string, ErasureMark>();
  /** tenant|profileId → eventKey → entry. */
  readonly events = new Map<string, Map<string, HistoryEntry>>();
  writes = 0;

  async lookup(tenantId: string, identifiers: readonly Identifier[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (const [key, entry] of await this.lookupEntries(tenantId, identifiers))
      if (entry.profileId !== undefined) found.set(key, entry.profileId);
    return found;
  }

  async lookupEntries(tenantId: string, identifiers: readonly Identifier[]): Promise<Map<string, IdentifierEntry>> {
    const found = new Map<string, IdentifierEntry>();
    for (const id of identifiers) {
      const key = identifierKey(id);
      const stored = `${tenantId}|${key}`;
      const owner = this.index.get(stored);
      const sharing = this.sharing.get(stored);
      const erasedAt = this.erased.get(stored);
      if (owner === undefined && sharing === undefined && erasedAt === undefined) continue;
      const refusedBy = sharing === undefined ? [] : [...sharing].sort();
      // Built field by field: spreading conditional objects was a third of this lookup's time.
      const entry: IdentifierEntry = { sharedBy: (owner !== undefined ? 1 : 0) + refusedBy.length, refusedBy };
      if (owner !== undefined) entry.profileId = owner;
      if (erasedAt !== undefined) {
        entry.erasedAt = erasedAt;
        const erasure = this.erasureMarks.get(stored);
        if (erasure !== undefined) entry.erasure = structuredClone(erasure);
      }
      found.set(key, entry);
    }
    return found;
  }

  /** Returns the stored object itself: the merge engine never mutates a profile it is given (copy-on-write). */
  async get(tenantId: string, profileId: string): Promise<Profile | undefined> {
    return this.profiles.get(`${tenantId}|${profileId}`);
  }

  async commit(tenantId: string, commit: ProfileCommit): Promise<void> {
    for (const { profile, expectedVersion } of commit.puts) {
      const current = this.profiles.get(`${tenantId}|${profile.profileId}`);
      if ((current?.version ?? 0) !== expectedVersion)
        throw new ConflictRetry(`profile version is ${current?.version ?? 0}, expected ${expectedVersion}`);
    }
    for (const claim of commit.claims) {
      const current = this.index.get(`${tenantId}|${identifierKey(claim.identifier)}`);
      if (current !== claim.previousProfileId) throw new ConflictRetry('identifier claimed by another profile');
    }
    for (const { profile } of commit.puts) this.profiles.set(`${tenantId}|${profile.profileId}`, profile);
    for (const claim of commit.claims) this.index.set(`${tenantId}|${identifierKey(claim.identifier)}`, claim.profileId);
    for (const share of commit.shares ?? []) {
      const key = `${tenantId}|${identifierKey(share.identifier)}`;
      this.sharing.set(key, new Set([...(this.sharing.get(key) ?? []), share.profileId]));
    }
    this.writes += commit.puts.length + commit.claims.length + (commit.shares?.length ?? 0);
  }

  async erase(tenantId: string, profile: Profile): Promise<void> {
    this.profiles.delete(`${tenantId}|${profile.profileId}`);
    for (const id of profile.mergedFrom) this.profiles.delete(`${tenantId}|${id}`);
    for (const id of profile.identifiers) this.index.delete(`${tenantId}|${identifierKey(id)}`);
    for (const id of [profile.profileId, ...profile.mergedFrom]) this.events.delete(`${tenantId}|${id}`);
  }

  async markErased(
    tenantId: string,
    identifiers: readonly Identifier[],
    erasedAt: string,
    marks?: ReadonlyMap<string, ErasureMark>,
  ): Promise<void> {
    for (const id of identifiers) {
      const key = `${tenantId}|${identifierKey(id)}`;
      this.index.delete(key);
      this.sharing.delete(key);
      this.erased.set(key, erasedAt);
      const mark = marks?.get(identifierKey(id));
      if (mark) this.erasureMarks.set(key, structuredClone(mark));
      else this.erasureMarks.delete(key);
    }
  }

  async appendHistory(tenantId: string, entries: readonly HistoryEntry[], _keepDays?: number): Promise<void> {
    for (const entry of entries) {
      const key = `${tenantId}|${entry.profileId}`;
      let events = this.events.get(key);
      if (events === undefined) this.events.set(key, (events = new Map<string, HistoryEntry>()));
      events.set(eventKey(entry.event), entry);
    }
  }

  async history(tenantId: string, profileIds: readonly string[]): Promise<HistoryEntry[]> {
    return [...new Set(profileIds)].flatMap((id) => [...(this.events.get(`${tenantId}|${id}`)?.values() ?? [])]);
  }

  async removeHistory(tenantId: string, entries: readonly { profileId: string; eventKey: string }[]): Promise<void> {
    for (const entry of entries) this.events.get(`${tenantId}|${entry.profileId}`)?.delete(entry.eventKey);
  }

  async *listProfiles(tenantId: string, options: { after?: string } = {}): AsyncIterable<Profile> {
    const { after } = options;
    const live = this.liveProfiles(tenantId).sort((a, b) => (a.profileId < b.profileId ? -1 : a.profileId > b.profileId ? 1 : 0));
    for (const profile of live) if (after === undefined || profile.profileId > after) yield structuredClone(profile);
  }

  async countProfiles(tenantId: string): Promise<number> {
    return this.liveProfiles(tenantId).length;
  }

  /** Live (non-tombstone) profiles of a tenant. */
  liveProfiles(tenantId: string): Profile[] {
    return [...this.profiles.entries()].filter(([k, p]) => k.startsWith(`${tenantId}|`) && p.mergedInto === undefined).map(([, p]) => p);
  }

  async getMany(tenantId: string, profileIds: readonly string[]): Promise<Map<string, Profile>> {
    const found = new Map<string, Profile>();
    for (const id of profileIds) {
      const profile = this.profiles.get(`${tenantId}|${id}`);
      if (profile) found.set(id, profile);
    }
    return found;
  }
}
