// The campaign sweep's due items (issue 15, stop 33): what is due, as small items of their own in the profiles table
// (aws/tables.ts dueItemKeys), instead of the sparse tenant-due index on the profile items. A due visit cost ~3.5
// write units with the index (the entry moved, 2, and the reschedule updated the whole profile item, ~1.5); with due
// items it costs 2 (the next item put, the handled one deleted), in BatchWriteItem requests of 25, and the merge pays
// what it paid for the index (a new item, 1, and the old one deleted, 1, only when the due time moves).
//
// The rules that keep every due time (none is ever lost; a crash may cause a spurious visit, which is harmless: the
// sweep evaluates and finds nothing changed):
// - An item `<dueAt>#<profile>#<version>` is written BEFORE the profile commit that depends on it (the commit stores
//   its name in the profile item's `due`), and the one it replaces is deleted only after the commit.
// - An item is current while the profile is at the item's version (the merge that wrote it, or the sweep that moved it
//   on and does not touch the profile item), or while the profile item still names it in `due` (a later merge that
//   kept the same due time). Anything else is stale, for good: a later item always carries a later version, so a stale
//   key never becomes current again; the sweep deletes it when it meets it. A profile erased or merged away (a
//   tombstone) makes its items stale too. Items hold ids, times and a version: nothing personal.
// - An item whose version the profile has not reached (an eventual read behind, a commit on its way, or one that
//   failed after writing it) is left alone; once it is more than ORPHAN_MS past its due time every writer that could
//   have written it is long gone (a writer computes a due time after its own clock, and a Lambda runs 15 minutes at
//   most), so it is deleted.
// - A merge keeps the profile's current item (writes none) only when its due time is the same and more than
//   KEEP_MARGIN_MS away (aws/due-change.ts), so no sweep can be handling (and deleting) that item while the commit is
//   on its way.
//
// Migration: a tenant's profiles written before this carry the tenant-due index attributes. Until `syncline migrate`
// has converted them (migrate, then the tenant's DUE-ITEMS record), the sweep reads the index as well.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DueMove, DueProfile, DueProfiles } from '../core/ports.js';
import type { Profile } from '../core/profile.js';
import { batchDelete, batchGet, batchPut, type BatchOptions } from './dynamo-batch.js';
import { decodeProfile } from './profile-codec.js';
import { DUE_ATTRIBUTE, parseDue } from './due-change.js';
import { dueIndexAttributes, dueItemKeys, profileKeys, TENANT_DUE_INDEX, type Key } from './tables.js';

/** How long past its due time an item whose version the profile never reached is kept (see the rules above). */
const ORPHAN_MS = 60 * 60_000;
/** Due items a sweep Query reads at once: bounds memory and the profile reads of one BatchGetItem round. */
const PAGE = 500;
/** How long a tenant without its DUE-ITEMS record is read again later (written once, by `syncline migrate`). */
const ABSENT_RECORD_TTL_MS = 5 * 60_000;

/** A due item's sort key: `<dueAt>#<profile id>#<version>` (neither a time nor an id holds '#'). */
function parseItem(sk: string): { dueAt: string; profileId: string; version: number } | undefined {
  const [dueAt, profileId, version] = sk.split('#');
  const v = Number(version);
  return dueAt && profileId && Number.isInteger(v) ? { dueAt, profileId, version: v } : undefined;
}

/** The tenant's record that its profiles are on due items only (`T#<tenant>#M`, beside the digest record). */
function recordKey(tenantId: string): Key {
  return { pk: `${dueItemKeys.partition(tenantId).slice(0, -'DUE'.length)}M`, sk: 'DUE-ITEMS' };
}

export class DynamoDueItems implements DueProfiles {
  /** Per tenant, whether its profiles are on due items only (true is kept for good; false is read again later). */
  private readonly converted = new Map<string, { at: Promise<boolean>; readAt: number }>();

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly options: BatchOptions = {},
  ) {}

  /**
   * The live profiles due by `until`: the tenant's due items up to then (an eventually consistent Query of its due
   * partition, ~60 bytes an item: an item written a moment ago and missed is found by the next run; items are never
   * skipped by a cursor), each page's profiles read by one eventually consistent BatchGetItem, stale items
   * deleted on the way (see the rules at the top). Oldest due first; a profile with several current items once, its
   * other items deleted with the ones it was due by when the sweep reschedules it. An eventual profile read is enough:
   * a read behind the item's version leaves the item for the next run, a read behind a later commit makes a spurious
   * visit, and the push reads the profile itself. Before the tenant is converted, the tenant-due index's profiles first.
   */
  async *dueProfiles(tenantId: string, until: string): AsyncIterable<DueProfile> {
    const seen = new Set<string>();
    if (!(await this.isConverted(tenantId)))
      for await (const due of this.indexedProfiles(tenantId, until)) {
        seen.add(due.profile.profileId);
        yield due;
      }
    const partition = dueItemKeys.partition(tenantId);
    const untilMs = Date.parse(until);
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND sk < :until',
          // '$' sorts right after '#': every item due at `until` itself is before it, none due later.
          ExpressionAttributeValues: { ':pk': partition, ':until': `${until}$` },
          Limit: PAGE,
          ExclusiveStartKey,
        }),
      );
      const items = (page.Items ?? []).flatMap((item) => {
        const parsed = parseItem(String(item.sk));
        return parsed ? [{ ...parsed, sk: String(item.sk) }] : [];
      });
      const ids = [...new Set(items.map((i) => i.profileId))];
      const stored = await batchGet(
        this.db,
        this.table,
        ids.map((id) => profileKeys.profile(tenantId, id)),
        { consistentRead: false },
        this.options,
      );
      const profiles = new Map(
        stored.map((item) => {
          const profile = decodeProfile(item);
          return [profile.profileId, { profile, due: item[DUE_ATTRIBUTE] }];
        }),
      );
      const stale: Key[] = [];
      for (const item of items) {
        const { profile, due } = profiles.get(item.profileId) ?? {};
        if (!profile || profile.version < item.version) {
          if (Date.parse(item.dueAt) < untilMs - ORPHAN_MS) stale.push({ pk: partition, sk: item.sk });
          continue;
        }
        const current = profile.mergedInto === undefined && (profile.version === item.version || due === `${item.dueAt}#${item.version}`);
        if (!current) stale.push({ pk: partition, sk: item.sk });
        else if (seen.has(profile.profileId)) stale.push({ pk: partition, sk: item.sk });
        else {
          seen.add(profile.profileId);
          yield { profile, dueAt: item.dueAt, entry: item.sk };
        }
      }
      await batchDelete(this.db, this.table, stale, this.options);
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  }

  /**
   * Moves handled profiles on: first every next item (BatchWriteItem, 25 a request), then the handled items go (the
   * same). A crash in between leaves both, so the profile is visited again (spuriously), never missed. The next item
   * carries the version the sweep read: a merge committed since makes it stale (the merge wrote its own). A profile
   * the tenant-due index found is moved to a due item, and its index attributes removed, if still at that version.
   */
  async reschedule(tenantId: string, moves: readonly DueMove[]): Promise<void> {
    const next = (m: DueMove) =>
      m.next === undefined ? undefined : dueItemKeys.item(tenantId, m.due.profile.profileId, m.next, m.due.profile.version);
    await batchPut(
      this.db,
      this.table,
      moves.flatMap((m) => {
        const key = next(m);
        return key ? [{ ...key }] : [];
      }),
      this.options,
    );
    const partition = dueItemKeys.partition(tenantId);
    await batchDelete(
      this.db,
      this.table,
      moves.flatMap((m) => (m.due.entry === undefined || m.due.entry === next(m)?.sk ? [] : [{ pk: partition, sk: m.due.entry }])),
      this.options,
    );
    for (const m of moves) if (m.due.entry === undefined) await this.leaveIndex(tenantId, m.due.profile, m.next);
  }

  /** A profile of the tenant-due index, handled: off the index, naming the due item written for it (if still at the version read). */
  private async leaveIndex(tenantId: string, profile: Profile, next: string | undefined): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: profileKeys.profile(tenantId, profile.profileId),
          UpdateExpression: next === undefined ? 'REMOVE #tenant, #at' : 'SET #due = :due REMOVE #tenant, #at',
          ConditionExpression: 'version = :version',
          ExpressionAttributeNames: {
            '#tenant': TENANT_DUE_INDEX.partitionKey,
            '#at': TENANT_DUE_INDEX.sortKey,
            ...(next === undefined ? {} : { '#due': DUE_ATTRIBUTE }),
          },
          ExpressionAttributeValues: {
            ':version': profile.version,
            ...(next === undefined ? {} : { ':due': `${next}#${profile.version}` }),
          },
        }),
      );
      return true;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return false;
    }
  }

  /** The live profiles of the tenant-due index due by `until` (a tenant not yet converted), read as before stop 33. */
  private async *indexedProfiles(tenantId: string, until: string): AsyncIterable<DueProfile> {
    const { [TENANT_DUE_INDEX.partitionKey]: partition } = dueIndexAttributes(tenantId, until);
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: TENANT_DUE_INDEX.name,
          KeyConditionExpression: '#tenant = :tenant AND #due <= :until',
          ExpressionAttributeNames: { '#tenant': TENANT_DUE_INDEX.partitionKey, '#due': TENANT_DUE_INDEX.sortKey },
          ExpressionAttributeValues: { ':tenant': partition, ':until': until },
          Limit: PAGE,
          ExclusiveStartKey,
        }),
      );
      const keys = (page.Items ?? []).map((item) => ({ pk: item.pk as string, sk: item.sk as string }));
      const items = await batchGet(this.db, this.table, keys, { consistentRead: false }, this.options);
      for (const item of items) {
        const profile = decodeProfile(item);
        const dueAt = item[TENANT_DUE_INDEX.sortKey];
        if (profile.mergedInto === undefined && typeof dueAt === 'string') yield { profile, dueAt };
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  }

  /**
   * `syncline migrate`, after deploying due items: gives each live profile item that names no due item one, from its
   * tenant-due index time when it has one, else from `dueAt` (a profile written before any due time), and takes it off
   * the index; then records for `tenantIds` that the sweep need not read the index any more. Item first, then the
   * profile (conditioned on its version: a merge since wrote its own item, and the migrated one is stale). Run it
   * again after a failure: an item written twice is the same key. `missing`: live profiles without `due`; `updated`:
   * those given one (a profile never due keeps none and is counted again by the next run).
   */
  async migrate(
    tenantIds: readonly string[],
    dueAt: (profile: Profile) => string | undefined,
  ): Promise<{ missing: number; updated: number }> {
    let missing = 0;
    let updated = 0;
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new ScanCommand({
          TableName: this.table,
          FilterExpression: 'sk = :sk AND attribute_not_exists(#due)',
          ExpressionAttributeNames: { '#due': DUE_ATTRIBUTE },
          ExpressionAttributeValues: { ':sk': 'PROFILE' },
          ExclusiveStartKey,
        }),
      );
      for (const item of page.Items ?? []) {
        // A compressed item has no doc.mergedInto for a filter to see: the tombstone test happens here.
        const profile = decodeProfile(item);
        if (profile.mergedInto !== undefined) continue;
        missing++;
        const indexed = item[TENANT_DUE_INDEX.sortKey];
        const due = typeof indexed === 'string' ? indexed : dueAt(profile);
        if (due === undefined) continue;
        await batchPut(
          this.db,
          this.table,
          [{ ...dueItemKeys.item(profile.tenantId, profile.profileId, due, profile.version) }],
          this.options,
        );
        if (await this.leaveIndex(profile.tenantId, profile, due)) updated++;
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    await this.recordConverted(tenantIds, new Date());
    return { missing, updated };
  }

  /**
   * Records that these tenants' profiles are all on due items (`syncline migrate` after converting them; a local
   * stack on a fresh table at once). The first record stays.
   */
  async recordConverted(tenantIds: readonly string[], at: Date): Promise<void> {
    for (const tenantId of tenantIds) {
      try {
        await this.db.send(
          new PutCommand({
            TableName: this.table,
            Item: { ...recordKey(tenantId), at: at.toISOString() },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
      this.converted.delete(tenantId);
    }
  }

  /** Whether the tenant's DUE-ITEMS record is there: read once per container (a tenant without it again after a few minutes). */
  private isConverted(tenantId: string): Promise<boolean> {
    const known = this.converted.get(tenantId);
    if (known && Date.now() - known.readAt < ABSENT_RECORD_TTL_MS) return known.at;
    const at = this.db
      .send(new GetCommand({ TableName: this.table, Key: recordKey(tenantId), ConsistentRead: true }))
      .then(({ Item }) => Item !== undefined);
    const entry = { at, readAt: Date.now() };
    this.converted.set(tenantId, entry);
    at.then(
      (value) => {
        if (value) entry.readAt = Number.POSITIVE_INFINITY;
      },
      () => this.converted.delete(tenantId),
    );
    return at;
  }
}
