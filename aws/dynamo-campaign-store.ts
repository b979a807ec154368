// Campaign state on the ops table: the per-tenant stats item (written by the sweep), campaign contacts per profile
// (beside the push snapshots, expiring through TTL) with a marker item per contacted person.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CampaignContactLog, TenantStatsStore } from '../core/ports.js';
import type { CampaignContact } from '../core/campaign/frequency-cap.js';
import type { TenantStats } from '../core/campaign/tenant-stats.js';
import { batchDelete, batchGet, batchPut, type BatchOptions } from './dynamo-batch.js';
import { opsKeys, TTL_ATTRIBUTE, type Key } from './tables.js';
import { queryItems } from './dynamo-query.js';

const DAY_S = 24 * 60 * 60;

// Key parts of this file's items; every key starts with the tenant like the others on the ops table.
const partOf = (value: string) => {
  if (value.length === 0 || value.includes('#')) throw new Error(`"${value}" cannot be used in a storage key`);
  return value;
};
const statsKey = (tenantId: string): Key => ({ pk: `T#${partOf(tenantId)}#STATS`, sk: 'CAMPAIGN' });
const CONTACT_PREFIX = 'CONTACT#';
/** Beside a person's contacts: "this person has contacts", written with every contact (not under CONTACT#: no Query sees it). */
const MARKER_SK = 'CONTACTS';
const markerKey = (tenantId: string, profileId: string): Key => ({ pk: opsKeys.pushPartition(tenantId, profileId), sk: MARKER_SK });
/** The tenant's record of since when every contact has its marker (`T#<tenant>#M` is no other ops key's partition). */
const markersKey = (tenantId: string): Key => ({ pk: `T#${partOf(tenantId)}#M`, sk: 'CONTACT-MARKERS' });
/** How long a tenant without the record is read again later (it is written once, by `syncline migrate`). */
const ABSENT_RECORD_TTL_MS = 5 * 60_000;

export class DynamoTenantStatsStore implements TenantStatsStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async get(tenantId: string): Promise<TenantStats | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: statsKey(tenantId), ConsistentRead: true }));
    return Item?.stats as TenantStats | undefined;
  }

  async put(stats: TenantStats): Promise<void> {
    await this.db.send(
      new PutCommand({ TableName: this.table, Item: { ...statsKey(stats.tenantId), stats, computedAt: stats.computedAt } }),
    );
  }
}

export class DynamoCampaignContactLog implements CampaignContactLog {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    /** Contacts older than this are of no use to any window: TTL removes them (reads filter them too). */
    private readonly retentionDays = 400,
    private readonly options: BatchOptions = {},
  ) {}

  /** Per tenant, when contacts without a marker end (undefined: never recorded, every person may have some). */
  private readonly unmarkedBefore = new Map<string, { at: Promise<string | undefined>; readAt: number }>();

  /**
   * One BatchWriteItem for all of a push's contacts of the person, not a PutItem each, with the person's marker
   * (contactedSince): the same item from every writer, so two pushes at once cannot lose it, expiring with the newest
   * contact it stands for. A crash part-way is retried by the push (the contacts are recorded before its snapshot).
   */
  async record(tenantId: string, profileId: string, contacts: readonly CampaignContact[]): Promise<void> {
    if (contacts.length === 0) return;
    const expires = (c: CampaignContact) => Math.floor(Date.parse(c.at) / 1000) + this.retentionDays * DAY_S;
    const items = contacts.map((c) => ({
      pk: opsKeys.pushPartition(tenantId, profileId),
      sk: `${CONTACT_PREFIX}${c.at}#${partOf(c.campaign)}#${partOf(c.instance)}`,
      contact: c,
      [TTL_ATTRIBUTE]: expires(c),
    }));
    const marker = { ...markerKey(tenantId, profileId), [TTL_ATTRIBUTE]: Math.max(...contacts.map(expires)) };
    await batchPut(this.db, this.table, [marker, ...items], this.options);
  }

  /**
   * The persons of `profileIds` that may have a contact after `since`: those with a marker, read strongly in one
   * BatchGetItem (a push's own previous contact must count), once the tenant's record says every contact after `since`
   * has one. Contacts recorded before the markers existed have none: until `since` is past the record's
   * `unmarkedBefore`, every person may have some (the caller reads their log, as before).
   */
  async contactedSince(tenantId: string, profileIds: readonly string[], since: Date): Promise<ReadonlySet<string>> {
    const all = new Set(profileIds);
    if (profileIds.length === 0) return all;
    const unmarkedBefore = await this.markersFrom(tenantId);
    if (unmarkedBefore === undefined || since.toISOString() < unmarkedBefore) return all;
    const byPk = new Map(profileIds.map((id) => [markerKey(tenantId, id).pk, id]));
    const items = await batchGet(
      this.db,
      this.table,
      profileIds.map((id) => markerKey(tenantId, id)),
      { consistentRead: true, projection: ['pk'] },
      this.options,
    );
    return new Set(items.flatMap((item) => byPk.get(item.pk as string) ?? []));
  }

  /**
   * `syncline migrate` (and a local stack on fresh tables): records that every contact of these tenants recorded from
   * `unmarkedBefore` on has its marker. Run after deploying the release that writes markers, with a margin for the
   * previous release's pushes still running (the Lambda timeout); a fresh table has no earlier contacts (the epoch).
   * The first record stays: a later run cannot move the time on.
   */
  async recordMarkersFrom(tenantIds: readonly string[], unmarkedBefore: Date): Promise<void> {
    for (const tenantId of tenantIds) {
      try {
        await this.db.send(
          new PutCommand({
            TableName: this.table,
            Item: { ...markersKey(tenantId), unmarkedBefore: unmarkedBefore.toISOString() },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
      this.unmarkedBefore.delete(tenantId);
    }
  }

  /** The tenant's `unmarkedBefore`: read once per container (a tenant without it again after a few minutes). */
  private markersFrom(tenantId: string): Promise<string | undefined> {
    const known = this.unmarkedBefore.get(tenantId);
    if (known && Date.now() - known.readAt < ABSENT_RECORD_TTL_MS) return known.at;
    const at = this.db
      .send(new GetCommand({ TableName: this.table, Key: markersKey(tenantId), ConsistentRead: true }))
      .then(({ Item }) => (typeof Item?.unmarkedBefore === 'string' ? Item.unmarkedBefore : undefined));
    const entry = { at, readAt: Date.now() };
    this.unmarkedBefore.set(tenantId, entry);
    // A recorded time never changes: kept for good. A failed read is tried again on the next call.
    at.then(
      (value) => {
        if (value !== undefined) entry.readAt = Number.POSITIVE_INFINITY;
      },
      () => this.unmarkedBefore.delete(tenantId),
    );
    return at;
  }

  async list(tenantId: string, profileId: string): Promise<CampaignContact[]> {
    const now = Math.floor(Date.now() / 1000);
    return (await this.items(tenantId, profileId))
      .filter((i) => (i[TTL_ATTRIBUTE] as number) > now)
      .map((i) => i.contact as CampaignContact);
  }

  async removeAll(tenantId: string, profileId: string): Promise<void> {
    const keys = (await this.items(tenantId, profileId)).map((i) => ({ pk: i.pk as string, sk: i.sk as string }));
    // The marker last: a failure part-way leaves it, and the log is read (and its rest removed) again.
    await batchDelete(this.db, this.table, keys, this.options);
    await batchDelete(this.db, this.table, [markerKey(tenantId, profileId)], this.options);
  }

  private async items(tenantId: string, profileId: string): Promise<Record<string, unknown>[]> {
    return queryItems(this.db, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': opsKeys.pushPartition(tenantId, profileId), ':prefix': CONTACT_PREFIX },
      ConsistentRead: true,
    });
  }
}
