// Campaign state on the ops table: the per-tenant stats item (written by the sweep), campaign contacts per profile
// (beside the push snapshots, expiring through TTL).
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CampaignContactLog, TenantStatsStore } from '../core/ports.js';
import type { CampaignContact } from '../core/campaign/frequency-cap.js';
import type { TenantStats } from '../core/campaign/tenant-stats.js';
import { batchDelete, batchPut, type BatchOptions } from './dynamo-batch.js';
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

  /** One BatchWriteItem for all of a push's contacts of the person, not a PutItem each. */
  async record(tenantId: string, profileId: string, contacts: readonly CampaignContact[]): Promise<void> {
    const items = contacts.map((c) => ({
      pk: opsKeys.pushPartition(tenantId, profileId),
      sk: `${CONTACT_PREFIX}${c.at}#${partOf(c.campaign)}#${partOf(c.instance)}`,
      contact: c,
      [TTL_ATTRIBUTE]: Math.floor(Date.parse(c.at) / 1000) + this.retentionDays * DAY_S,
    }));
    await batchPut(this.db, this.table, items, this.options);
  }

  async list(tenantId: string, profileId: string): Promise<CampaignContact[]> {
    const now = Math.floor(Date.now() / 1000);
    return (await this.items(tenantId, profileId))
      .filter((i) => (i[TTL_ATTRIBUTE] as number) > now)
      .map((i) => i.contact as CampaignContact);
  }

  async removeAll(tenantId: string, profileId: string): Promise<void> {
    const keys = (await this.items(tenantId, profileId)).map((i) => ({ pk: i.pk as string, sk: i.sk as string }));
    await batchDelete(this.db, this.table, keys, this.options);
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
