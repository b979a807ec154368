// Coalesces the commits of several merges into one write per profile: the merge engine commits each event to
// this stage, and `flush` writes the result to the real repository once, conditional on the versions first read.
import { ConflictRetry } from '../errors.js';
import { identifierKey, type Identifier } from '../identifiers.js';
import { eventKey } from '../events.js';
import type { ErasureMark, HistoryEntry, IdentifierEntry, ProfileCommit, ProfileRepository } from '../ports.js';
import type { Profile } from '../profile.js';

/** A DynamoDB transaction holds at most 100 items: a stage that grows past this flushes early. */
const FLUSH_AT_ITEMS = 90;

/** Thrown when an early flush meets a conflict: the whole lane must be applied again, not just the event. */
export class StageConflict extends Error {
  override readonly name = 'StageConflict';
}

interface Claim {
  identifier: Identifier;
  profileId: string;
  /** What the real index held before this stage, so the flush is conditional on it. */
  previousProfileId?: string;
}

export interface StagedChange {
  /** The profile as the real repository held it before this stage (undefined: new). */
  before: Profile | undefined;
  after: Profile;
}

export class StagedProfileRepository implements ProfileRepository {
  /** profileId → the profile as first read from the real repository (undefined: did not exist). */
  private readonly originals = new Map<string, Profile | undefined>();
  private readonly staged = new Map<string, Profile>();
  private readonly claims = new Map<string, Claim>();
  private readonly shares = new Map<string, { identifier: Identifier; profileId: string }>();
  /** History is written only after the profiles it belongs to: a conflict re-applies the lane and rebuilds it. */
  private readonly pendingHistory = new Map<string, HistoryEntry>();
  private historyDays = 1;
  private readonly flushed: StagedChange[] = [];
  /** Profile ids erased through this stage (with their tombstones): deferred history must not bring them back. */
  readonly erased = new Set<string>();

  constructor(
    private readonly base: ProfileRepository,
    private readonly tenantId: string,
    /** Keep history for the caller to write (takeHistory) instead of writing it at each flush: one write per batch. */
    private readonly options: { deferHistory?: boolean } = {},
  ) {}

  async lookup(tenantId: string, identifiers: readonly Identifier[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (const [key, entry] of await this.lookupEntries(tenantId, identifiers))
      if (entry.profileId !== undefined) found.set(key, entry.profileId);
    return found;
  }

  async lookupEntries(tenantId: string, identifiers: readonly Identifier[]): Promise<Map<string, IdentifierEntry>> {
    this.assertTenant(tenantId);
    const found = identifiers.length > 0 ? await this.base.lookupEntries(tenantId, identifiers) : new Map<string, IdentifierEntry>();
    for (const id of identifiers) {
      const key = identifierKey(id);
      const claim = this.claims.get(key);
      const known = found.get(key);
      const staged = [...this.shares.values()]
        .filter((s) => identifierKey(s.identifier) === key && !known?.refusedBy.includes(s.profileId))
        .map((s) => s.profileId);
      const refusedBy = [...(known?.refusedBy ?? []), ...staged].sort();
      if (claim) found.set(key, { profileId: claim.profileId, sharedBy: 1 + refusedBy.length, refusedBy });
      else if (staged.length > 0)
        found.set(key, { ...known, sharedBy: (known?.profileId !== undefined ? 1 : 0) + refusedBy.length, refusedBy });
    }
    return found;
  }

  async get(tenantId: string, profileId: string): Promise<Profile | undefined> {
    this.assertTenant(tenantId);
    const staged = this.staged.get(profileId);
    if (staged) return staged;
    if (this.originals.has(profileId)) return this.originals.get(profileId);
    const profile = await this.base.get(tenantId, profileId);
    this.originals.set(profileId, profile);
    return profile;
  }

  async commit(tenantId: string, commit: ProfileCommit): Promise<void> {
    this.assertTenant(tenantId);
    for (const { profile, expectedVersion } of commit.puts) {
      const current = this.staged.get(profile.profileId) ?? this.originals.get(profile.profileId);
      if ((current?.version ?? 0) !== expectedVersion)
        throw new ConflictRetry(`staged profile ${profile.profileId} is at version ${current?.version ?? 0}, expected ${expectedVersion}`);
    }
    for (const { profile } of commit.puts) {
      if (!this.originals.has(profile.profileId)) this.originals.set(profile.profileId, undefined);
      this.staged.set(profile.profileId, profile);
    }
    for (const claim of commit.claims) {
      const key = identifierKey(claim.identifier);
      const known = this.claims.get(key);
      this.claims.set(key, known ? { ...known, profileId: claim.profileId } : { ...claim });
    }
    for (const share of commit.shares ?? []) this.shares.set(`${identifierKey(share.identifier)}|${share.profileId}`, share);
    if (this.staged.size + this.claims.size + this.shares.size >= FLUSH_AT_ITEMS) {
      try {
        await this.flush();
      } catch (error) {
        throw error instanceof ConflictRetry ? new StageConflict(error.message, { cause: error }) : error;
      }
    }
  }

  /** Writes everything staged in one commit. Throws ConflictRetry when another writer got there first. */
  async flush(): Promise<void> {
    if (this.staged.size === 0 && this.claims.size === 0 && this.shares.size === 0)
      return this.options.deferHistory ? undefined : this.flushHistory();
    const puts = [...this.staged.values()].map((profile) => {
      const expectedVersion = this.originals.get(profile.profileId)?.version ?? 0;
      return { profile: { ...profile, version: expectedVersion + 1 }, expectedVersion };
    });
    const claims = [...this.claims.values()].filter((c) => c.profileId !== c.previousProfileId);
    const shares = [...this.shares.values()];
    // The written profiles' history goes with them: the repository may store it in the same write (ProfileCommit).
    const written = new Set(puts.map((p) => p.profile.profileId));
    const offered = [...this.pendingHistory].filter(([, entry]) => written.has(entry.profileId));
    const result = await this.base.commit(this.tenantId, {
      puts,
      claims,
      ...(shares.length > 0 ? { shares } : {}),
      ...(offered.length > 0 ? { history: { entries: offered.map(([, entry]) => entry), keepDays: this.historyDays } } : {}),
    });
    if (result) {
      // What it did not store stays to be written, with what it handed out of its profiles' items (a full tail).
      const left = new Map(result.historyLeft.map((entry) => [`${entry.profileId}|${eventKey(entry.event)}`, entry]));
      for (const [key] of offered) if (!left.has(key)) this.pendingHistory.delete(key);
      for (const [key, entry] of left) this.pendingHistory.set(key, entry);
    }
    this.shares.clear();
    for (const { profile } of puts) this.flushed.push({ before: this.originals.get(profile.profileId), after: profile });
    // What is written is now the baseline for anything staged after an early flush.
    for (const { profile } of puts) this.originals.set(profile.profileId, profile);
    this.staged.clear();
    this.claims.clear();
    if (!this.options.deferHistory) await this.flushHistory();
  }

  private async flushHistory(): Promise<void> {
    if (this.pendingHistory.size === 0) return;
    const entries = [...this.pendingHistory.values()];
    await this.base.appendHistory(this.tenantId, entries, this.historyDays);
    this.pendingHistory.clear();
  }

  async appendHistory(tenantId: string, entries: readonly HistoryEntry[], keepDays: number): Promise<void> {
    this.assertTenant(tenantId);
    this.historyDays = Math.max(this.historyDays, keepDays);
    for (const entry of entries) this.pendingHistory.set(`${entry.profileId}|${eventKey(entry.event)}`, entry);
  }

  async history(tenantId: string, profileIds: readonly string[]): Promise<HistoryEntry[]> {
    this.assertTenant(tenantId);
    await this.flush();
    return this.base.history(tenantId, profileIds);
  }

  async removeHistory(tenantId: string, entries: readonly { profileId: string; eventKey: string }[]): Promise<void> {
    this.assertTenant(tenantId);
    await this.flush();
    await this.base.removeHistory(tenantId, entries);
  }

  /** Every profile written by this stage, with its state before: the caller decides what destinations must see. */
  changes(): StagedChange[] {
    const byId = new Map<string, StagedChange>();
    for (const change of this.flushed) {
      const known = byId.get(change.after.profileId);
      byId.set(change.after.profileId, known ? { before: known.before, after: change.after } : change);
    }
    return [...byId.values()];
  }

  async erase(tenantId: string, profile: Profile): Promise<void> {
    this.assertTenant(tenantId);
    // Nothing of an erased person may be written after the erasure, deferred history included.
    for (const id of [profile.profileId, ...profile.mergedFrom]) this.erased.add(id);
    for (const [key, entry] of this.pendingHistory) if (this.erased.has(entry.profileId)) this.pendingHistory.delete(key);
    await this.flush();
    await this.base.erase(tenantId, profile);
    this.originals.delete(profile.profileId);
  }

  async markErased(
    tenantId: string,
    identifiers: readonly Identifier[],
    erasedAt: string,
    marks?: ReadonlyMap<string, ErasureMark>,
  ): Promise<void> {
    this.assertTenant(tenantId);
    await this.flush();
    await this.base.markErased(tenantId, identifiers, erasedAt, marks);
  }

  async *listProfiles(tenantId: string, options?: { after?: string }): AsyncIterable<Profile> {
    this.assertTenant(tenantId);
    await this.flush();
    yield* this.base.listProfiles(tenantId, options);
  }

  private assertTenant(tenantId: string): void {
    if (tenantId !== this.tenantId) throw new Error(`a stage for tenant "${this.tenantId}" was asked about tenant "${tenantId}"`);
  }

  /** The history staged since the last call, with the days to keep it (deferHistory: written by the caller). */
  takeHistory(): { entries: HistoryEntry[]; keepDays: number } {
    const entries = [...this.pendingHistory.values()];
    this.pendingHistory.clear();
    return { entries, keepDays: this.historyDays };
  }

  async getMany(tenantId: string, profileIds: readonly string[]): Promise<Map<string, Profile>> {
    this.assertTenant(tenantId);
    const missing = profileIds.filter((id) => !this.staged.has(id) && !this.originals.has(id));
    const read = missing.length > 0 ? await this.base.getMany(tenantId, missing) : new Map<string, Profile>();
    for (const id of missing) this.originals.set(id, read.get(id));
    const found = new Map<string, Profile>();
    for (const id of profileIds) {
      const profile = this.staged.get(id) ?? this.originals.get(id);
      if (profile) found.set(id, profile);
    }
    return found;
  }
}
