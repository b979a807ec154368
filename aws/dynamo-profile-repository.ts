// ProfileRepository on DynamoDB: one item per profile, one pointer item per identifier, commits in one transaction
// (or, when one profile changes and takes only identifiers nobody holds, conditional writes of their own).
//
// Version contract: a commit's put carries the profile as it will be stored, i.e. with
// `profile.version === expectedVersion + 1` (the merge engine builds it that way). The item's `version` attribute
// and the `version` inside the stored profile (aws/profile-codec.ts) are therefore always equal; a put that breaks this is a programming error and
// is refused before anything is written.
import {
  ConditionalCheckFailedException,
  TransactionCanceledException,
  type AttributeValue,
  type CancellationReason,
} from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  type ScanCommandInput,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import { eventKey } from '../core/events.js';
import { ConflictRetry } from '../core/errors.js';
import { digestsFrom, type DigestKeySource, type IdentifierDigest, type IdentifierDigests } from '../core/identifier-digest.js';
import { identifierKey, type Identifier } from '../core/identifiers.js';
import type { CommittedHistory, ErasureMark, HistoryEntry, IdentifierEntry, ProfileCommit, ProfileRepository } from '../core/ports.js';
import type { Profile } from '../core/profile.js';
import type { ProfileMigrations } from './dynamo-profile-migrations.js';
import { batchDelete, batchGet, batchPut, type BatchOptions } from './dynamo-batch.js';
import type { DynamoDueItems } from './dynamo-due-items.js';
import { DUE_ATTRIBUTE, dueChange, type DueChange } from './due-change.js';
import { digestMetaKey, profileIndexAttributes, profileKeys, TENANT_PROFILES_INDEX, TTL_ATTRIBUTE, type Key } from './tables.js';
import { queryItems } from './dynamo-query.js';
import {
  attributeBytes,
  decodeEvents,
  decodeProfile,
  decodeStored,
  decodeTail,
  encodeEvents,
  encodeProfile,
  encodeProfileWithTail,
  itemUnits,
  type TailEvent,
} from './profile-codec.js';

/** DynamoDB's limit on distinct items in one TransactWriteItems. */
const TRANSACTION_LIMIT = 100;

/** A commit names more items than one transaction can hold: the caller must split the merge. */
export class CommitTooLarge extends Error {
  override readonly name = 'CommitTooLarge';
  constructor(readonly items: number) {
    super(`a profile commit of ${items} items exceeds DynamoDB's TransactWriteItems limit of ${TRANSACTION_LIMIT} items`);
  }
}

type Write = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

/** Keys a listing page asks BatchGetItem for at once: bounds memory and the burst of reads. */
const LIST_PAGE = 500;

export interface ProfileRepositoryOptions extends BatchOptions {
  /** The old whole-table Scan behind listProfiles, kept only so that bench/scale.ts can price it beside the index. */
  listByScan?: boolean;
  /**
   * When a committed profile's campaign fields next change by the clock (core/campaign/due-time.ts nextDueAt with the
   * tenant's rules): its due item (aws/dynamo-due-items.ts) is written before the commit. Without it no profile is ever due.
   */
  dueAt?: (profile: Profile) => string | undefined;
  /** The clock `dueAt` reads (default: the repository's `now`): a commit keeps an unchanged due item only well before it. */
  dueNow?: () => Date;
  /**
   * The stage's identifier digest key (issue 16 item 10): identifier items are written under the keyed digest, and an
   * item still under the legacy digest is copied to the keyed one when a lookup finds it. Without it, legacy digests only.
   */
  digestKey?: DigestKeySource;
  /** The clock that dates `syncline migrate`'s digest record and compares lookups with it (tests move it forward). */
  now?: () => Date;
  /**
   * A reader that answers a website (personalize): eventually consistent reads at half the cost (an answer a second old
   * is as good), and no write: a legacy identifier item is read where it is, left for the merge to move (the reader's
   * grant has no write).
   */
  readOnly?: boolean;
  /**
   * The merge's optimistic first attempt (`withEventualReads`): identifier lookups eventually consistent, fresh claims
   * conditioned on nothing recorded on the identifier (see `withEventualReads`).
   */
  eventualReads?: boolean;
}

/** Most events a history tail holds, whatever fits: the write unit's slack bounds it first (~30–70 bytes an event). */
const TAIL_EVENTS = 32;

/**
 * A profile item's history tail at `version`; `spill`: the keys of its events a commit answered for the caller to append
 * as history (the tail was full); `stored`: those of them appendHistory has written since, which the next commit drops.
 */
interface RememberedTail {
  version: number;
  tail: TailEvent[];
  spill: Set<string>;
  stored: Set<string>;
}

/**
 * Bytes of its unit a tail leaves free for the profile to grow into: the next events grow the profile (an order, an
 * activity record), and a tail that no longer fits beside it costs the item a unit more in the commit that hands it out.
 * 64 since deflate dictionary 2 (a tail event ~49 bytes, was ~67): `bench/emulators.ts 400 10`, three runs each, end to
 * end write units 96 → 3.00–3.01, 64 → 2.83–2.93, 48 → 2.93–3.00, 32 → 2.95 (docs/benchmarks.md, stop 32, helper dict).
 */
const TAIL_GROWTH_ROOM = 64;

/** Profiles whose history tail this repository remembers (as read or written): the oldest are forgotten first. */
const REMEMBERED_TAILS = 2_000;

export class DynamoProfileRepository implements ProfileRepository {
  private readonly digests: () => Promise<IdentifierDigests>;
  /** Per tenant, when legacy reads end (undefined: never recorded, read them): read once per container. */
  private readonly legacyReadsUntil = new Map<string, Promise<string | undefined>>();
  private eventual: DynamoProfileRepository | undefined;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly options: ProfileRepositoryOptions = {},
    /**
     * Each profile item's history tail at the version this repository last read or wrote: a commit's Put replaces the
     * whole item, so it must carry the tail it does not change. Keyed by tenant and profile id; a commit at another
     * version reads the item's tail first. Shared with the optimistic twin (withEventualReads), which reads and commits
     * the same items.
     */
    private readonly tails = new Map<string, RememberedTail>(),
    /**
     * Each profile item's `due` (the due item it names, aws/dynamo-due-items.ts) at the version last read or written, by
     * tenant and profile id: a commit deletes that item when it writes another. Shared with the optimistic twin.
     */
    private readonly dues = new Map<string, { version: number; due?: string }>(),
  ) {
    this.digests = digestsFrom(options.digestKey);
  }

  /**
   * This repository for an optimistic first attempt of the merge (pipeline/merge-batch.ts): identifier lookups are
   * eventually consistent (half the read units; an answer may miss writes of the last second or so), profile reads stay
   * strongly consistent. An identifier item naming a holder may be stale: the holder changes only in a commit that also
   * writes the profile that held it (absorbed into a tombstone, rewritten by an unmerge or a take-over, or erased), so
   * the strong read of that profile, which follows the lookup, shows the change (it no longer holds the identifier, is a
   * tombstone leading on, or is gone), and a claim from the stale holder is conditioned on it (`profileId = :previous`):
   * a stale pointer ends in a ConflictRetry or leads where the current one does. An answer without a holder (no item, an
   * erasure marker, refusals) may miss a marker, refusals or a holder written a moment ago: a fresh claim through this
   * view requires nothing at all recorded on the item (freshClaimCondition), so a claim decided on a stale miss ends in
   * a ConflictRetry, whose retry reads strongly; identifiers the lane does not claim are confirmed by the merge
   * (pipeline/merge-batch.ts readThrough). Legacy digests are read strongly. A held item's refusal count (`sharedBy`)
   * is guarded by no condition, eventual or strong: a concurrent writer can add a refusal between a strong read and the
   * commit too. Commits and every other operation are this repository's own.
   */
  withEventualReads(): DynamoProfileRepository {
    if (this.options.eventualReads || this.options.readOnly) return this;
    this.eventual ??= new DynamoProfileRepository(this.db, this.table, { ...this.options, eventualReads: true }, this.tails, this.dues);
    return this.eventual;
  }

  /** Lookups strongly consistent unless a personalize reader or an optimistic attempt (whose fresh claims are stricter). */
  private get consistentReads(): boolean {
    return this.options.readOnly !== true && this.options.eventualReads !== true;
  }

  /**
   * The condition of a claim of an identifier nobody held when it was looked up. After a strong lookup: still nobody
   * holds it (an erasure marker or refusals may be there: the merge read and judged them). After an eventually
   * consistent one (withEventualReads), whose answer "no holder" or "no item" may miss a marker, refusals or a holder
   * written a moment ago: nothing at all is recorded on it, which is what the merge decided on when it read no item (a
   * claim over a marker or refusals it did read fails too, and the strong retry decides it). So a stale answer ends in
   * a ConflictRetry, never in a claim over what the merge did not see.
   */
  private get freshClaimCondition(): string {
    return this.options.eventualReads
      ? 'attribute_not_exists(profileId) AND attribute_not_exists(erasedAt) AND attribute_not_exists(sharedBy)'
      : 'attribute_not_exists(profileId)';
  }

  async lookup(tenantId: string, identifiers: readonly Identifier[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (const [key, entry] of await this.lookupEntries(tenantId, identifiers))
      if (entry.profileId !== undefined) found.set(key, entry.profileId);
    return found;
  }

  async lookupEntries(tenantId: string, identifiers: readonly Identifier[]): Promise<Map<string, IdentifierEntry>> {
    const { current, legacy: legacyDigest } = await this.digests();
    const legacy = legacyDigest && (await this.readsLegacy(tenantId)) ? legacyDigest : undefined;
    const byPk = new Map<string, string>();
    for (const id of identifiers) byPk.set(profileKeys.identifier(tenantId, id, current).pk, identifierKey(id));
    // Strongly consistent (but for the reader and the optimistic attempt): a stale pointer would only cost a
    // ConflictRetry at commit, a stale miss of an erasure marker would let a claim through (withEventualReads).
    const read = (pks: Iterable<string>, consistentRead: boolean) =>
      batchGet(
        this.db,
        this.table,
        [...pks].map((pk) => ({ pk, sk: 'ID' })),
        { consistentRead, projection: ['pk', 'profileId', 'sharedBy', 'erasedAt', 'erasure'] },
        this.options,
      );
    const keyed = await read(byPk.keys(), this.consistentReads);
    const seen = new Set(keyed.map((item) => byPk.get(item.pk as string)));
    const items = [...keyed];
    // A legacy item counts only where no keyed item exists (the keyed one always wins): legacy keys are read for those
    // identifiers alone, in a second request, instead of beside every keyed key (~2.4 read units per event end to end).
    // Strongly, in the optimistic attempt too: a fresh claim is conditioned on the keyed item alone, so a stale miss of
    // a legacy holder or marker would go unnoticed.
    const legacyPks = new Map<string, string>();
    if (legacy)
      for (const id of identifiers)
        if (!seen.has(identifierKey(id))) legacyPks.set(profileKeys.identifier(tenantId, id, legacy).pk, identifierKey(id));
    const legacyRead = legacyPks.size > 0 ? await read(legacyPks.keys(), this.options.readOnly !== true) : [];
    // An item only under the legacy digest moves to the keyed one before anything relies on it: commits write keyed items.
    for (const item of legacyRead) {
      const key = legacyPks.get(item.pk as string);
      if (key === undefined || seen.has(key)) continue;
      const id = identifiers.find((i) => identifierKey(i) === key)!;
      const at = profileKeys.identifier(tenantId, id, current);
      items.push(this.options.readOnly ? { ...item, ...at } : await this.rekeyIdentifier(item, at));
    }
    const found = new Map<string, IdentifierEntry>();
    for (const item of items) {
      const key = byPk.get(item.pk as string);
      if (key === undefined) continue;
      const holder = typeof item.profileId === 'string' ? item.profileId : undefined;
      const refusedBy = item.sharedBy instanceof Set ? [...(item.sharedBy as Set<string>)].sort() : [];
      found.set(key, {
        ...(holder !== undefined ? { profileId: holder } : {}),
        sharedBy: (holder !== undefined ? 1 : 0) + refusedBy.length,
        refusedBy,
        ...(typeof item.erasedAt === 'string' ? { erasedAt: item.erasedAt } : {}),
        ...(item.erasure !== undefined ? { erasure: item.erasure as ErasureMark } : {}),
      });
    }
    return found;
  }

  /**
   * Whether lookups of this tenant still read legacy digests: until `syncline migrate` has recorded that nothing of the
   * tenant can remain under one (recordLegacyRekeyed). The record is read once per container and tenant; a failed read is
   * retried on the next lookup.
   */
  private async readsLegacy(tenantId: string): Promise<boolean> {
    let until = this.legacyReadsUntil.get(tenantId);
    if (until === undefined) {
      until = this.db
        .send(new GetCommand({ TableName: this.table, Key: digestMetaKey(tenantId), ProjectionExpression: 'legacyReadsUntil' }))
        .then(({ Item }) => (typeof Item?.legacyReadsUntil === 'string' ? Item.legacyReadsUntil : undefined));
      this.legacyReadsUntil.set(tenantId, until);
      until.catch(() => this.legacyReadsUntil.delete(tenantId));
    }
    const end = await until;
    return end === undefined || this.clock().toISOString() < end;
  }

  private clock(): Date {
    return this.options.now?.() ?? new Date();
  }

  /**
   * Copies a legacy identifier item to its keyed key unless one is there already (then that one wins), and answers the
   * keyed item. Nothing writes legacy items once a key is in use, so the copy cannot miss a later change; the legacy
   * item stays until `syncline migrate` (rekeyIdentifiers) or an erasure removes it, and lookups ignore it meanwhile.
   */
  private async rekeyIdentifier(legacyItem: Record<string, unknown>, keyed: Key): Promise<Record<string, unknown>> {
    const { pk: _legacyPk, sk: _sk, ...attributes } = legacyItem;
    try {
      await this.db.send(
        new PutCommand({ TableName: this.table, Item: { ...attributes, ...keyed }, ConditionExpression: 'attribute_not_exists(pk)' }),
      );
      return { ...attributes, ...keyed };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: keyed, ConsistentRead: true }));
      return Item ?? { ...keyed };
    }
  }

  /**
   * One item per profile per call (a merge batch), not one per event: its events as deflated JSON (`eventz`) when that
   * saves write units, else as a list (`events`). The sort key is a digest of the event keys, so writing the same
   * events again overwrites the item; readers deduplicate by event key across items (a redelivered event may sit in
   * two). Items written before this held one event each (`E#<eventKey>`, attribute `event`): read and removed alike.
   */
  async appendHistory(tenantId: string, entries: readonly HistoryEntry[], keepDays: number): Promise<void> {
    const expires = Math.floor(Date.now() / 1000) + keepDays * 86_400;
    const byProfile = new Map<string, Map<string, HistoryEntry['event']>>();
    for (const { profileId, event } of entries) {
      const key = eventKey(event);
      // Held by the profile's tail (a redelivered duplicate), unless the commit handed it out to go to a history item.
      const known = this.tails.get(`${tenantId}#${profileId}`);
      if (known && !known.spill.has(key) && known.tail.some((t) => eventKey(t.event) === key)) continue;
      const events = byProfile.get(profileId) ?? new Map<string, HistoryEntry['event']>();
      events.set(key, event);
      byProfile.set(profileId, events);
    }
    const items: (Key & Record<string, unknown>)[] = [];
    for (const [profileId, events] of byProfile) items.push(...historyItems(tenantId, profileId, [...events.values()], expires));
    await batchPut(this.db, this.table, items, this.options);
    // Now stored twice: the next commit of the profile leaves them out of its tail.
    for (const [profileId, events] of byProfile) {
      const known = this.tails.get(`${tenantId}#${profileId}`);
      if (known) for (const key of events.keys()) if (known.spill.has(key)) known.stored.add(key);
    }
  }

  async history(tenantId: string, profileIds: readonly string[]): Promise<HistoryEntry[]> {
    const entries: HistoryEntry[] = [];
    const ids = [...new Set(profileIds)];
    const tails = await this.storedTails(tenantId, ids);
    for (const profileId of ids) {
      const seen = new Set<string>();
      const items = await this.queryPartition(profileKeys.historyPartition(tenantId, profileId));
      // History items first, the profile's tail (its newest events) after them.
      const events = [...items.flatMap((item) => decodeEvents(item)), ...(tails.get(profileId) ?? []).map((t) => t.event)];
      for (const event of events) {
        const key = eventKey(event);
        if (seen.has(key)) continue;
        seen.add(key);
        entries.push({ profileId, event });
      }
    }
    return entries;
  }

  /** The unexpired history tails of these profile items (tombstones included), by profile id: one BatchGetItem. */
  private async storedTails(tenantId: string, profileIds: readonly string[]): Promise<Map<string, TailEvent[]>> {
    const items = await batchGet(
      this.db,
      this.table,
      profileIds.map((id) => profileKeys.profile(tenantId, id)),
      { consistentRead: true, projection: ['pk', 'doch'] },
      this.options,
    );
    const now = Math.floor(this.clock().getTime() / 1000);
    const byPk = new Map(profileIds.map((id) => [profileKeys.profile(tenantId, id).pk, id]));
    const tails = new Map<string, TailEvent[]>();
    for (const item of items) {
      const tail = decodeTail(item).filter((t) => t.expires > now);
      const profileId = byPk.get(item.pk as string);
      if (tail.length > 0 && profileId !== undefined) tails.set(profileId, tail);
    }
    return tails;
  }

  /**
   * Takes `keys` out of the history tail of a profile item: the item is written again at the next version (a merge
   * that read the old one meets a conflict and applies its events again), conditional on the version read.
   */
  private async removeFromTail(tenantId: string, profileId: string, keys: ReadonlySet<string>): Promise<void> {
    const key = profileKeys.profile(tenantId, profileId);
    for (let attempt = 0; ; attempt++) {
      const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true }));
      if (!(Item?.doch instanceof Uint8Array)) return;
      const { profile, tail } = decodeStored(Item);
      const kept = tail.filter((t) => !keys.has(eventKey(t.event)));
      if (kept.length === tail.length) return;
      const { doch: _tail, ...rest } = Item;
      const version = profile.version + 1;
      const stored = { ...profile, version };
      const attributes = { ...rest, version };
      try {
        await this.db.send(
          new PutCommand({
            TableName: this.table,
            Item: {
              ...attributes,
              ...(kept.length > 0 ? encodeProfileWithTail(stored, kept) : encodeProfile(stored, attributeBytes(attributes))),
            },
            ConditionExpression: 'version = :read',
            ExpressionAttributeValues: { ':read': profile.version },
          }),
        );
        this.rememberTail(tenantId, profileId, version, kept);
        return;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException) || attempt >= 4) throw error;
      }
    }
  }

  async removeHistory(tenantId: string, entries: readonly { profileId: string; eventKey: string }[]): Promise<void> {
    const byProfile = new Map<string, Set<string>>();
    for (const e of entries) byProfile.set(e.profileId, new Set([...(byProfile.get(e.profileId) ?? []), e.eventKey]));
    const deletes: Key[] = [];
    const rewrites: (Key & Record<string, unknown>)[] = [];
    for (const [profileId, keys] of byProfile) {
      await this.removeFromTail(tenantId, profileId, keys);
      for (const item of await this.queryPartition(profileKeys.historyPartition(tenantId, profileId))) {
        const events = decodeEvents(item);
        const kept = events.filter((event) => !keys.has(eventKey(event)));
        if (kept.length === events.length) continue;
        const key = { pk: item.pk as string, sk: item.sk as string };
        if (kept.length === 0 || item.event !== undefined) deletes.push(key);
        else {
          const attributes = { ...key, [TTL_ATTRIBUTE]: item[TTL_ATTRIBUTE] };
          rewrites.push({ ...attributes, ...encodeEvents(kept, attributeBytes(attributes)) });
        }
      }
    }
    await batchDelete(this.db, this.table, deletes, this.options);
    await batchPut(this.db, this.table, rewrites, this.options);
  }

  async getMany(tenantId: string, profileIds: readonly string[], options: { eventual?: boolean } = {}): Promise<Map<string, Profile>> {
    // Strongly consistent in the optimistic view too (withEventualReads): what it decides on a profile must be current.
    // Only a caller that checks the answer itself asks for an eventual read (the push, by version).
    const items = await batchGet(
      this.db,
      this.table,
      profileIds.map((id) => profileKeys.profile(tenantId, id)),
      { consistentRead: options.eventual !== true },
      this.options,
    );
    const found = new Map<string, Profile>();
    for (const item of items) {
      const profile = this.decoded(tenantId, item);
      found.set(profile.profileId, profile);
    }
    return found;
  }

  private queryPartition(pk: string, projection?: string): Promise<Record<string, unknown>[]> {
    return queryItems(this.db, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ConsistentRead: true,
      ...(projection ? { ProjectionExpression: projection } : {}),
    });
  }

  async get(tenantId: string, profileId: string): Promise<Profile | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.table,
        Key: profileKeys.profile(tenantId, profileId),
        ConsistentRead: this.options.readOnly !== true,
      }),
    );
    if (!Item) return undefined;
    return this.decoded(tenantId, Item);
  }

  /** The profile of a stored item; its history tail is remembered for the next commit of it. */
  private decoded(tenantId: string, item: Record<string, unknown>): Profile {
    const { profile, tail } = decodeStored(item);
    this.rememberTail(tenantId, profile.profileId, profile.version, tail);
    this.rememberDue(tenantId, profile.profileId, profile.version, item[DUE_ATTRIBUTE]);
    return profile;
  }

  /** What the item at `version` names in `due` (none: a string only), remembered like the tails (the oldest forgotten). */
  private rememberDue(tenantId: string, profileId: string, version: number, due: unknown): void {
    const key = `${tenantId}#${profileId}`;
    this.dues.delete(key);
    this.dues.set(key, typeof due === 'string' ? { version, due } : { version });
    if (this.dues.size > REMEMBERED_TAILS) this.dues.delete(this.dues.keys().next().value!);
  }

  /**
   * The due item work of each put (aws/dynamo-due-items.ts dueChange), against the `due` its item held at the expected
   * version when this repository knows it (a new profile holds none).
   */
  private dueChanges(tenantId: string, puts: ProfileCommit['puts']): Map<string, DueChange> {
    const now = this.options.dueNow?.() ?? this.clock();
    const changes = new Map<string, DueChange>();
    for (const { profile, expectedVersion } of puts) {
      const known = this.dues.get(`${tenantId}#${profile.profileId}`);
      const stored =
        expectedVersion === 0 ? { known: true } : known?.version === expectedVersion ? { known: true, ...known } : { known: false };
      const dueAt = profile.mergedInto === undefined ? this.options.dueAt?.(profile) : undefined;
      changes.set(profile.profileId, dueChange(tenantId, profile, dueAt, stored, now));
    }
    return changes;
  }

  private rememberTail(tenantId: string, profileId: string, version: number, tail: TailEvent[], spill?: Set<string>): void {
    const key = `${tenantId}#${profileId}`;
    const known = this.tails.get(key);
    // Read again at the version it wrote: what it knows of the tail's spill still holds.
    const same = spill === undefined && known?.version === version;
    this.tails.delete(key);
    this.tails.set(key, {
      version,
      tail,
      spill: same ? known.spill : (spill ?? new Set()),
      stored: same ? known.stored : new Set(),
    });
    if (this.tails.size > REMEMBERED_TAILS) this.tails.delete(this.tails.keys().next().value!);
  }

  /** The history tail of each put's profile item at the version it expects ([] for a new profile); one read per unknown. */
  private async tailsAt(tenantId: string, puts: ProfileCommit['puts']): Promise<Map<string, TailEvent[]>> {
    const found = new Map<string, TailEvent[]>();
    for (const { profile, expectedVersion } of puts) {
      const known = this.tails.get(`${tenantId}#${profile.profileId}`);
      if (expectedVersion === 0) found.set(profile.profileId, []);
      // Events appendHistory has stored since the tail spilled them leave it.
      else if (known?.version === expectedVersion)
        found.set(
          profile.profileId,
          known.tail.filter((t) => !known.stored.has(eventKey(t.event))),
        );
      else {
        const { Item } = await this.db.send(
          new GetCommand({
            TableName: this.table,
            Key: profileKeys.profile(tenantId, profile.profileId),
            ConsistentRead: true,
            ProjectionExpression: 'version, doch',
          }),
        );
        // The conditional write would fail: say so before writing anything.
        if (Item?.version !== expectedVersion)
          throw new ConflictRetry(
            `commit conflicts: profile ${profile.profileId} is at version ${Item?.version ?? 0}, expected ${expectedVersion}`,
          );
        found.set(profile.profileId, decodeTail(Item));
      }
    }
    return found;
  }

  /**
   * Writes the commit; the events of `commit.history` ride in their profile's item (its history tail) while the item
   * with them costs no more write units than without them (withTail). Answers the events not stored, and those of a
   * full tail, which stays in the item until appendHistory has written them: the caller appends them all.
   */
  async commit(tenantId: string, commit: ProfileCommit): Promise<CommittedHistory> {
    const claimed = new Set(commit.claims.map((c) => identifierKey(c.identifier)));
    const shares = (commit.shares ?? []).filter((s) => !claimed.has(identifierKey(s.identifier)));
    const items = commit.puts.length + commit.claims.length + shares.length;
    const offered = commit.history?.entries ?? [];
    if (items === 0) return { historyLeft: [...offered] };
    if (items > TRANSACTION_LIMIT) throw new CommitTooLarge(items);
    const { current } = await this.digests();
    for (const { profile, expectedVersion } of commit.puts) {
      if (profile.tenantId !== tenantId)
        throw new Error(`commit for tenant "${tenantId}" carries profile ${profile.profileId} of tenant "${profile.tenantId}"`);
      if (profile.version !== expectedVersion + 1) {
        throw new Error(
          `commit: profile ${profile.profileId} carries version ${profile.version}; pass it with version = expectedVersion + 1 (${expectedVersion + 1})`,
        );
      }
    }
    const oldTails = await this.tailsAt(tenantId, commit.puts);
    const now = Math.floor(this.clock().getTime() / 1000);
    const expires = now + (commit.history?.keepDays ?? 1) * 86_400;
    const offeredBy = new Map<string, Map<string, HistoryEntry>>();
    for (const entry of offered) {
      const events = offeredBy.get(entry.profileId) ?? new Map<string, HistoryEntry>();
      events.set(eventKey(entry.event), entry);
      offeredBy.set(entry.profileId, events);
    }
    const historyLeft: HistoryEntry[] = offered.filter((e) => !commit.puts.some((p) => p.profile.profileId === e.profileId));
    const tails = new Map<string, { tail: TailEvent[]; spill: Set<string> }>();
    const dues = this.dueChanges(tenantId, commit.puts);

    const puts: Write[] = commit.puts.map(({ profile, expectedVersion }) => {
      const due = dues.get(profile.profileId)?.attribute;
      const attributes = {
        ...profileKeys.profile(tenantId, profile.profileId),
        ...profileIndexAttributes(tenantId, profile),
        ...(due === undefined ? {} : { [DUE_ATTRIBUTE]: due }),
        version: profile.version,
      };
      const old = (oldTails.get(profile.profileId) ?? []).filter((t) => t.expires > now);
      const held = new Set(old.map((t) => eventKey(t.event)));
      const fresh = [...(offeredBy.get(profile.profileId)?.values() ?? [])];
      const added = fresh.filter((e) => !held.has(eventKey(e.event))).map((e) => ({ event: e.event, expires }));
      const { stored, tail, left, spill } = withTail(profile, attributeBytes(attributes), old, added);
      tails.set(profile.profileId, { tail, spill: new Set(spill.map((t) => eventKey(t.event))) });
      historyLeft.push(...spill.map((t) => ({ profileId: profile.profileId, event: t.event })));
      historyLeft.push(...fresh.filter((e) => left.has(eventKey(e.event))));
      return {
        Put: {
          TableName: this.table,
          Item: { ...attributes, ...stored },
          ...(expectedVersion === 0
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : { ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': expectedVersion } }),
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      };
    });
    // The pointer holds only the profile id (the identifier itself is recoverable from the profile, never from a key)
    // and the ids of profiles refused the value; an update keeps the latter when the pointer moves.
    const claims: Write[] = commit.claims.map(({ identifier, profileId, previousProfileId }) => ({
      Update: {
        TableName: this.table,
        Key: profileKeys.identifier(tenantId, identifier, current),
        UpdateExpression: 'SET profileId = :holder',
        ...(previousProfileId === undefined
          ? { ConditionExpression: this.freshClaimCondition, ExpressionAttributeValues: { ':holder': profileId } }
          : {
              ConditionExpression: 'profileId = :previous',
              ExpressionAttributeValues: { ':holder': profileId, ':previous': previousProfileId },
            }),
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    }));
    const shareWrites: Write[] = shares.map(({ identifier, profileId }) => ({
      Update: {
        TableName: this.table,
        Key: profileKeys.identifier(tenantId, identifier, current),
        UpdateExpression: 'ADD sharedBy :refused',
        ExpressionAttributeValues: { ':refused': new Set([profileId]) },
      },
    }));

    const keys = new Set<string>();
    for (const write of [...puts, ...claims, ...shareWrites]) {
      const { pk } = (write.Put?.Item ?? write.Update?.Key) as Key;
      if (keys.has(pk)) throw new Error(`commit writes item ${pk} twice; a transaction may touch each item once`);
      keys.add(pk);
    }

    // The common case, one profile and no identifier changes, needs no transaction: a conditional PutItem is
    // just as safe and costs half the write units. So does one profile taking identifiers nobody holds (a new customer,
    // a new e-mail): each pointer is claimed by its own conditional UpdateItem first, then the profile is put. A failure
    // in between leaves pointers at a profile that does not hold them yet (or does not exist): the merge reads such a
    // pointer as the claim it is (or as a free identifier, core/live-profile.ts) and the retry claims it again from there.
    // The new due items before the commit that names them; the ones they replace after it (aws/dynamo-due-items.ts).
    const changes = [...dues.values()];
    await batchPut(
      this.db,
      this.table,
      changes.flatMap((c) => (c.write ? [{ ...c.write }] : [])),
      this.options,
    );
    try {
      await this.writeCommit(tenantId, commit, { puts, claims, shareWrites }, current);
    } catch (error) {
      for (const { profile } of commit.puts) {
        this.tails.delete(`${tenantId}#${profile.profileId}`);
        this.dues.delete(`${tenantId}#${profile.profileId}`);
      }
      throw error;
    }
    for (const { profile } of commit.puts) {
      const { tail, spill } = tails.get(profile.profileId)!;
      this.rememberTail(tenantId, profile.profileId, profile.version, tail, spill);
      this.rememberDue(tenantId, profile.profileId, profile.version, dues.get(profile.profileId)?.attribute);
    }
    // Best effort: an old item left behind is stale (the profile moved past its version) and the sweep deletes it.
    await batchDelete(
      this.db,
      this.table,
      changes.flatMap((c) => c.drop ?? []),
      this.options,
    ).catch(() => undefined);
    return { historyLeft };
  }

  private async writeCommit(
    tenantId: string,
    commit: ProfileCommit,
    { puts, claims, shareWrites }: { puts: Write[]; claims: Write[]; shareWrites: Write[] },
    current: IdentifierDigest,
  ): Promise<void> {
    const only = puts.length === 1 && shareWrites.length === 0 ? puts[0]?.Put : undefined;
    const freshClaims = commit.claims.every((c) => c.previousProfileId === undefined);
    if (only && (claims.length === 0 || freshClaims)) {
      if (claims.length > 0) await this.claimEach(tenantId, commit, claims, current);
      try {
        await this.db.send(new PutCommand({ ...only, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }));
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) {
          await this.releaseClaims(claims, commit.puts[0]!.profile.profileId);
          const put = commit.puts[0]!;
          const old = error.Item as Record<string, AttributeValue> | undefined;
          throw new ConflictRetry(
            `commit conflicts: profile ${put.profile.profileId} is at version ${old?.version?.N ?? 0}, expected ${put.expectedVersion}`,
            { cause: error },
          );
        }
        throw error;
      }
      return;
    }
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: [...puts, ...claims, ...shareWrites] }));
    } catch (error) {
      if (error instanceof TransactionCanceledException) {
        const conflict = describeConflict(tenantId, commit, error.CancellationReasons ?? [], current);
        if (conflict) throw new ConflictRetry(conflict, { cause: error });
      }
      throw error;
    }
  }

  /** Fresh claims one conditional UpdateItem each (1 write unit instead of 2 in a transaction); a lost condition is a conflict. */
  private async claimEach(tenantId: string, commit: ProfileCommit, claims: readonly Write[], digest: IdentifierDigest): Promise<void> {
    const results = await Promise.allSettled(claims.map((write) => this.db.send(new UpdateCommand(write.Update!))));
    const failures: string[] = [];
    results.forEach((result, i) => {
      if (result.status === 'fulfilled') return;
      if (!(result.reason instanceof ConditionalCheckFailedException)) throw result.reason;
      const claim = commit.claims[i]!;
      failures.push(
        `identifier ${claim.identifier.type} ${digest(tenantId, claim.identifier)} ${recorded(result.reason.Item as Record<string, AttributeValue> | undefined)}, expected no profile`,
      );
    });
    if (failures.length === 0) return;
    await this.releaseClaims(
      claims.filter((_, i) => results[i]!.status === 'fulfilled'),
      commit.puts[0]!.profile.profileId,
    );
    throw new ConflictRetry(`commit conflicts: ${failures.join('; ')}`);
  }

  /**
   * A commit that lost a condition gives back the fresh claims it made, so a conflict leaves nothing behind (a pointer
   * another writer took since stays theirs). Best effort: a pointer left over is read as free (core/live-profile.ts).
   */
  private async releaseClaims(claims: readonly Write[], profileId: string): Promise<void> {
    await Promise.allSettled(
      claims.map((write) =>
        this.db.send(
          new UpdateCommand({
            TableName: this.table,
            Key: write.Update!.Key,
            UpdateExpression: 'REMOVE profileId',
            ConditionExpression: 'profileId = :mine',
            ExpressionAttributeValues: { ':mine': profileId },
          }),
        ),
      ),
    );
  }

  /**
   * Every live profile of a tenant: a Query of the sparse tenant-profiles index (one tenant's live profile keys,
   * nothing else, eventually consistent) page by page, each page read by a consistent BatchGetItem; a profile merged
   * away between the two reads is skipped. Costs one read unit per profile of up to 4 KB plus ~1 per 80 keys.
   */
  async *listProfiles(tenantId: string, options: { after?: string } = {}): AsyncIterable<Profile> {
    if (this.options.listByScan) {
      yield* this.scanProfiles(tenantId);
      return;
    }
    const partition = profileIndexAttributes(tenantId, {})[TENANT_PROFILES_INDEX.partitionKey];
    // The index sorts by the table's pk (`T#<tenant>#P#<profile id>`): a resumed listing starts after that key, read
    // nothing before it. The key need not exist (the profile may have been merged away since).
    let ExclusiveStartKey: Record<string, unknown> | undefined =
      options.after === undefined
        ? undefined
        : { ...profileKeys.profile(tenantId, options.after), [TENANT_PROFILES_INDEX.partitionKey]: partition };
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: TENANT_PROFILES_INDEX.name,
          KeyConditionExpression: '#tenant = :tenant',
          ExpressionAttributeNames: { '#tenant': TENANT_PROFILES_INDEX.partitionKey },
          ExpressionAttributeValues: { ':tenant': partition },
          Limit: LIST_PAGE,
          ExclusiveStartKey,
        }),
      );
      const keys = (page.Items ?? []).map((item) => ({ pk: item.pk as string, sk: item.sk as string }));
      const items = await batchGet(this.db, this.table, keys, { consistentRead: true }, this.options);
      // BatchGetItem answers in any order: keep the index's, so a listing is deterministic.
      const byPk = new Map(items.map((item) => [item.pk as string, item]));
      for (const { pk } of keys) {
        const item = byPk.get(pk);
        if (item === undefined) continue;
        const profile = decodeProfile(item);
        if (profile.mergedInto === undefined) yield profile;
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  }

  /** The tenant's live profiles counted on its index (Select COUNT, keys only: ~0.5 read units per 1,000 profiles). */
  async countProfiles(tenantId: string): Promise<number> {
    const partition = profileIndexAttributes(tenantId, {})[TENANT_PROFILES_INDEX.partitionKey];
    let count = 0;
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: TENANT_PROFILES_INDEX.name,
          KeyConditionExpression: '#tenant = :tenant',
          ExpressionAttributeNames: { '#tenant': TENANT_PROFILES_INDEX.partitionKey },
          ExpressionAttributeValues: { ':tenant': partition },
          Select: 'COUNT',
          ExclusiveStartKey,
        }),
      );
      count += page.Count ?? 0;
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return count;
  }

  /**
   * This table's due items (aws/dynamo-due-items.ts) for `syncline migrate` and tests, loaded when asked: the merge
   * function never reads them (the sweep function builds its own).
   */
  async dueItems(): Promise<DynamoDueItems> {
    const { DynamoDueItems } = await import('./dynamo-due-items.js');
    return new DynamoDueItems(this.db, this.table, this.options);
  }

  /** Every item a Scan with `input` returns, page by page (operator migrations and the bench's whole-table baseline). */
  private async *scanItems(input: Omit<ScanCommandInput, 'TableName' | 'ExclusiveStartKey'>): AsyncIterable<Record<string, unknown>> {
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(new ScanCommand({ ...input, TableName: this.table, ExclusiveStartKey }));
      yield* page.Items ?? [];
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  }

  /** The whole-table Scan listProfiles used before the index: pays for every item of every tenant (bench only). */
  private async *scanProfiles(tenantId: string): AsyncIterable<Profile> {
    const prefix = profileKeys.profile(tenantId, 'x').pk.slice(0, -1);
    // A compressed item has no doc.mergedInto for the filter to see: its tombstone test happens here.
    for await (const item of this.scanItems({
      FilterExpression: 'begins_with(pk, :prefix) AND sk = :sk AND attribute_not_exists(doc.mergedInto)',
      ExpressionAttributeValues: { ':prefix': prefix, ':sk': 'PROFILE' },
      ConsistentRead: true,
    })) {
      const profile = decodeProfile(item);
      if (profile.mergedInto === undefined) yield profile;
    }
  }

  /** `syncline migrate`'s steps (aws/dynamo-profile-migrations.ts), loaded when run: no function's cold start reads them. */
  private async migrations(): Promise<ProfileMigrations> {
    const { ProfileMigrations } = await import('./dynamo-profile-migrations.js');
    return new ProfileMigrations({
      db: this.db,
      table: this.table,
      options: this.options,
      digests: this.digests,
      now: () => this.clock(),
      scanItems: (input) => this.scanItems(input),
      rekeyIdentifier: (item, keyed) => this.rekeyIdentifier(item, keyed),
      forgetLegacyReads: (tenantId) => this.legacyReadsUntil.delete(tenantId),
    });
  }

  /** `syncline migrate`: see ProfileMigrations.recordLegacyRekeyed. */
  async recordLegacyRekeyed(tenantIds: readonly string[]): Promise<{ ended: string[]; kept: string[] }> {
    return (await this.migrations()).recordLegacyRekeyed(tenantIds);
  }

  /** `syncline migrate`: see ProfileMigrations.rekeyIdentifiers. */
  async rekeyIdentifiers(tenantIds: readonly string[]): Promise<{ profiles: number; moved: number }> {
    return (await this.migrations()).rekeyIdentifiers(tenantIds);
  }

  /** `syncline migrate`: see ProfileMigrations.addIndexAttributes. */
  async addIndexAttributes(): Promise<{ missing: number; updated: number }> {
    return (await this.migrations()).addIndexAttributes();
  }

  async erase(tenantId: string, profile: Profile): Promise<void> {
    const { current, legacy } = await this.digests();
    const ids = [profile.profileId, ...profile.mergedFrom];
    const history: Key[] = [];
    for (const id of ids)
      for (const item of await this.queryPartition(profileKeys.historyPartition(tenantId, id), 'pk, sk'))
        history.push({ pk: item.pk as string, sk: item.sk as string });
    // History first: a failure leaves the profile in place, so the retried erasure finds everything again. The
    // newest events (the history tails) go with the profile items.
    await batchDelete(this.db, this.table, history, this.options);
    for (const id of ids) this.tails.delete(`${tenantId}#${id}`);
    await batchDelete(
      this.db,
      this.table,
      [
        profileKeys.profile(tenantId, profile.profileId),
        ...profile.mergedFrom.map((id) => profileKeys.profile(tenantId, id)),
        ...profile.identifiers.map((id) => profileKeys.identifier(tenantId, id, current)),
        // A legacy item left behind would name the person's profile under a digest anyone can compute.
        ...(legacy ? profile.identifiers.map((id) => profileKeys.identifier(tenantId, id, legacy)) : []),
      ],
      this.options,
    );
  }

  async markErased(
    tenantId: string,
    identifiers: readonly Identifier[],
    erasedAt: string,
    marks?: ReadonlyMap<string, ErasureMark>,
  ): Promise<void> {
    // A whole-item put: the holder and the refused profiles' ids go, only the marker stays (no value: the key is a digest).
    const { current, legacy } = await this.digests();
    const items = new Map(
      identifiers.map((id) => [
        profileKeys.identifier(tenantId, id, current).pk,
        { ...profileKeys.identifier(tenantId, id, current), erasedAt, ...markOf(marks, id) },
      ]),
    );
    await batchPut(this.db, this.table, [...items.values()], this.options);
    // The keyed marker now answers every lookup; a legacy item would still tie a computable digest to the profile ids.
    if (legacy)
      await batchDelete(
        this.db,
        this.table,
        identifiers.map((id) => profileKeys.identifier(tenantId, id, legacy)),
        this.options,
      );
  }
}

/** The marker's `erasure` attribute: profile ids and a flag (core/ports.ts ErasureMark). */
function markOf(marks: ReadonlyMap<string, ErasureMark> | undefined, id: Identifier): { erasure?: ErasureMark } {
  const mark = marks?.get(identifierKey(id));
  return mark ? { erasure: mark } : {};
}

/** A history item stays well under DynamoDB's 400 KB item limit, whatever a batch holds for one person. */
const HISTORY_ITEM_BYTES = 300_000;

function historyChunks(events: readonly HistoryEntry['event'][]): HistoryEntry['event'][][] {
  const chunks: HistoryEntry['event'][][] = [];
  let current: HistoryEntry['event'][] = [];
  let bytes = 0;
  for (const event of events) {
    const size = JSON.stringify(event).length;
    if (current.length > 0 && bytes + size > HISTORY_ITEM_BYTES) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(event);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** A person's events as history items (one unless they pass HISTORY_ITEM_BYTES), expiring at `expires` (epoch seconds). */
function historyItems(
  tenantId: string,
  profileId: string,
  events: readonly HistoryEntry['event'][],
  expires: number,
): (Key & Record<string, unknown>)[] {
  return historyChunks(events).map((chunk) => {
    const attributes = { ...historyBatchKey(tenantId, profileId, chunk), [TTL_ATTRIBUTE]: expires };
    return { ...attributes, ...encodeEvents(chunk, attributeBytes(attributes)) };
  });
}

/**
 * The profile as stored with its history tail: `old` (stored already) and `added` (this commit's events) while both
 * fit the write units the profile takes alone with TAIL_GROWTH_ROOM to spare (and at most TAIL_EVENTS events). A tail
 * that fits only without the room is kept and handed out whole (`spill`) for the caller's history write of the batch:
 * one item for the lot, in the request the batch makes anyway; appendHistory notes it as stored and the next commit of
 * the profile leaves it out. When even that does not fit, `old` stays once more (a unit more for this commit: the
 * profile grew into the room) and is handed out with `added` (`left`). A tail is never dropped before it is stored
 * elsewhere, so a crash between commit and history write loses nothing; it never grows past one unit's slack.
 */
function withTail(
  profile: Profile,
  otherBytes: number,
  old: readonly TailEvent[],
  added: readonly TailEvent[],
): { stored: ReturnType<typeof encodeProfile> | { doch: Uint8Array }; tail: TailEvent[]; spill: TailEvent[]; left: Set<string> } {
  const plain = encodeProfile(profile, otherBytes);
  const all = [...old, ...added];
  if (all.length === 0) return { stored: plain, tail: [], spill: [], left: new Set() };
  if (all.length <= TAIL_EVENTS) {
    const both = encodeProfileWithTail(profile, all);
    const budget = itemUnits(plain, otherBytes);
    if (itemUnits(both, otherBytes + TAIL_GROWTH_ROOM) <= budget) return { stored: both, tail: all, spill: [], left: new Set() };
    // Full, but still within the unit: kept, and handed out whole for the batch's history write.
    if (itemUnits(both, otherBytes) <= budget) return { stored: both, tail: all, spill: all, left: new Set() };
  }
  const left = new Set(added.map((t) => eventKey(t.event)));
  if (old.length === 0) return { stored: plain, tail: [], spill: [], left };
  return { stored: encodeProfileWithTail(profile, [...old]), tail: [...old], spill: [...old], left };
}

function historyBatchKey(tenantId: string, profileId: string, events: readonly HistoryEntry['event'][]): Key {
  const digest = createHash('sha256').update(events.map(eventKey).sort().join('\n')).digest('base64url').slice(0, 22);
  return { pk: profileKeys.historyPartition(tenantId, profileId), sk: `B#${digest}` };
}

/**
 * Says which condition failed, or undefined when the cancellation was not a conflict (validation, throttling).
 * A TransactionConflict (another transaction on the same item in flight) is a conflict too: re-reading and
 * applying again is exactly the remedy. Never names an identifier's value.
 */
function describeConflict(
  tenantId: string,
  commit: ProfileCommit,
  reasons: CancellationReason[],
  digest: IdentifierDigest,
): string | undefined {
  const failures: string[] = [];
  reasons.forEach((reason, i) => {
    if (reason.Code !== 'ConditionalCheckFailed' && reason.Code !== 'TransactionConflict') return;
    const put = commit.puts[i];
    const claim = commit.claims[i - commit.puts.length];
    const old = reason.Item as Record<string, AttributeValue> | undefined;
    if (reason.Code === 'TransactionConflict') failures.push(`item ${i} is being written by another transaction`);
    else if (put) failures.push(`profile ${put.profile.profileId} is at version ${old?.version?.N ?? 0}, expected ${put.expectedVersion}`);
    else if (claim)
      failures.push(
        `identifier ${claim.identifier.type} ${digest(tenantId, claim.identifier)} ${recorded(old)}, expected ${claim.previousProfileId ?? 'no profile'}`,
      );
  });
  return failures.length > 0 ? `commit conflicts: ${failures.join('; ')}` : undefined;
}

/** What a failed claim met on the identifier's item (ALL_OLD), without its value: the holder, or what else is recorded. */
function recorded(old: Record<string, AttributeValue> | undefined): string {
  const holder = old?.profileId?.S;
  if (holder !== undefined) return `is held by ${holder}`;
  if (old?.erasedAt !== undefined) return 'is held by no profile but carries an erasure marker';
  if (old?.sharedBy !== undefined) return 'is held by no profile but carries refusals';
  return 'is held by no profile';
}
