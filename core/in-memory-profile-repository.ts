// ProfileRepository in memory with the same conditions as the DynamoDB adapter: for unit tests and the in-memory benchmark.
import { ConflictRetry } from './errors.js';
import { identifierKey, type Identifier } from './identifiers.js';
import type { ProfileCommit, ProfileRepository } from './ports.js';
import type { Profile } from './profile.js';

export class InMemoryProfileRepository implements ProfileRepository {
  readonly profiles = new Map<string, Profile>();
  readonly index = new Map<string, string>();
  writes = 0;

  async lookup(tenantId: string, identifiers: readonly Identifier[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (const id of identifiers) {
      const owner = this.index.get(`${tenantId}|${identifierKey(id)}`);
      if (owner !== undefined) found.set(identifierKey(id), owner);
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
      if ((current?.version ?? 0) !== expectedVersion) throw new ConflictRetry(`profile version is ${current?.version ?? 0}, expected ${expectedVersion}`);
    }
    for (const claim of commit.claims) {
      const current = this.index.get(`${tenantId}|${identifierKey(claim.identifier)}`);
      if (current !== claim.previousProfileId) throw new ConflictRetry('identifier claimed by another profile');
    }
    for (const { profile } of commit.puts) this.profiles.set(`${tenantId}|${profile.profileId}`, profile);
    for (const claim of commit.claims) this.index.set(`${tenantId}|${identifierKey(claim.identifier)}`, claim.profileId);
    this.writes += commit.puts.length + commit.claims.length;
  }

  async erase(tenantId: string, profile: Profile): Promise<void> {
    this.profiles.delete(`${tenantId}|${profile.profileId}`);
    for (const id of profile.mergedFrom) this.profiles.delete(`${tenantId}|${id}`);
    for (const id of profile.identifiers) this.index.delete(`${tenantId}|${identifierKey(id)}`);
  }

  async *listProfiles(tenantId: string): AsyncIterable<Profile> {
    for (const profile of this.liveProfiles(tenantId)) yield structuredClone(profile);
  }

  /** Live (non-tombstone) profiles of a tenant. */
  liveProfiles(tenantId: string): Profile[] {
    return [...this.profiles.entries()].filter(([k, p]) => k.startsWith(`${tenantId}|`) && p.mergedInto === undefined).map(([, p]) => p);
  }
}
