// `syncline migrate`'s steps on the profiles table (docs/deploy.md): operator work, run once after a deploy that
// changes the layout, never on a schedule. A module of its own, loaded by the repository when a step runs
// (aws/dynamo-profile-repository.ts), so no function's cold start reads it (issue 15: merge reads ≤ 250 kB at init).
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient, type ScanCommandInput } from '@aws-sdk/lib-dynamodb';
import type { IdentifierDigests } from '../core/identifier-digest.js';
import { batchDelete, type BatchOptions } from './dynamo-batch.js';
import { decodeProfile } from './profile-codec.js';
import { digestMetaKey, profileIndexAttributes, profileKeys, TENANT_PROFILES_INDEX, tenantPrefix, type Key } from './tables.js';

/** What the steps use of the repository that runs them. */
export interface MigrationContext {
  db: DynamoDBDocumentClient;
  table: string;
  options: BatchOptions;
  digests: () => Promise<IdentifierDigests>;
  now: () => Date;
  scanItems: (input: Omit<ScanCommandInput, 'TableName' | 'ExclusiveStartKey'>) => AsyncIterable<Record<string, unknown>>;
  /** Copies a legacy identifier item to its keyed key unless one is there (the repository's lazy re-key). */
  rekeyIdentifier: (legacyItem: Record<string, unknown>, keyed: Key) => Promise<Record<string, unknown>>;
  /** Drops the repository's cached answer whether the tenant's lookups read legacy digests. */
  forgetLegacyReads: (tenantId: string) => void;
}

export class ProfileMigrations {
  constructor(private readonly context: MigrationContext) {}

  /**
   * `syncline migrate`, after rekeyIdentifiers moved every live profile's items of `tenantIds`: records for each tenant
   * that nothing can remain under a legacy digest, so lookups stop reading them. What rekeyIdentifiers cannot move is an
   * erasure marker (its value is gone) or an item no live profile holds (refusals only); a tenant with any identifier
   * item of either kind (keyed or legacy: a digest does not tell) keeps its legacy reads. No time window ends them: a
   * marker refuses not only replays and dead letters, which expire (quarantine 30 days, DLQ 14), but also a late
   * delivery or a backfill of a record whose `occurredAt` predates the erasure (core/merge/merge-service.ts), at any time.
   * One more Scan of the identifier items. A record, once written, stays (erasures after it write keyed markers only).
   */
  async recordLegacyRekeyed(tenantIds: readonly string[]): Promise<{ ended: string[]; kept: string[] }> {
    const { legacy } = await this.context.digests();
    if (!legacy || tenantIds.length === 0) return { ended: [], kept: [] };
    const tenants = new Map(tenantIds.map((t) => [tenantPrefix(t), t]));
    const kept = new Set<string>();
    for await (const item of this.context.scanItems({
      FilterExpression: 'sk = :id AND (attribute_exists(erasedAt) OR attribute_not_exists(profileId))',
      ProjectionExpression: 'pk',
      ExpressionAttributeValues: { ':id': 'ID' },
    })) {
      // `T#<tenant>#I#<digest>`: a tenant id never holds '#'.
      const tenantId = tenants.get(`T#${(item.pk as string).split('#')[1]}#`);
      if (tenantId !== undefined) kept.add(tenantId);
    }
    const now = this.context.now().toISOString();
    const ended = [...tenants.values()].filter((t) => !kept.has(t)).sort();
    for (const tenantId of ended) {
      try {
        await this.context.db.send(
          new PutCommand({
            TableName: this.context.table,
            Item: { ...digestMetaKey(tenantId), legacyRekeyedAt: now, legacyReadsUntil: now },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
      this.context.forgetLegacyReads(tenantId);
    }
    return { ended, kept: [...kept].sort() };
  }

  /**
   * `syncline migrate`: moves the identifier items every live profile of `tenantIds` reaches from the legacy digest to the keyed one
   * (copy unless present, then delete the legacy item). Erasure markers cannot move: their value is gone by design, so
   * lookups keep reading legacy keys for them. Without a digest key there is nothing to do.
   */
  async rekeyIdentifiers(tenantIds: readonly string[]): Promise<{ profiles: number; moved: number }> {
    const tenants = new Set(tenantIds);
    const { current, legacy } = await this.context.digests();
    if (!legacy) return { profiles: 0, moved: 0 };
    let profiles = 0;
    let moved = 0;
    for await (const item of this.context.scanItems({
      FilterExpression: 'sk = :profile',
      ExpressionAttributeValues: { ':profile': 'PROFILE' },
    })) {
      const profile = decodeProfile(item);
      if (profile.mergedInto !== undefined || !tenants.has(profile.tenantId)) continue;
      profiles++;
      for (const id of profile.identifiers) {
        const old = profileKeys.identifier(profile.tenantId, id, legacy);
        const { Item } = await this.context.db.send(new GetCommand({ TableName: this.context.table, Key: old, ConsistentRead: true }));
        if (!Item) continue;
        await this.context.rekeyIdentifier(Item, profileKeys.identifier(profile.tenantId, id, current));
        await batchDelete(this.context.db, this.context.table, [old], this.context.options);
        moved++;
      }
    }
    return { profiles, moved };
  }

  /**
   * One-off after deploying the index (docs/deploy.md, `syncline migrate`): gives the live profile items written before
   * it their index attributes. The only Scan left, run by an operator, never on a schedule. A profile committed in the
   * meantime carries the attributes already: its version moved on, the condition fails and it is skipped.
   */
  async addIndexAttributes(): Promise<{ missing: number; updated: number }> {
    let missing = 0;
    let updated = 0;
    for await (const item of this.context.scanItems({
      FilterExpression: 'sk = :sk AND attribute_not_exists(doc.mergedInto) AND attribute_not_exists(#tenant)',
      ProjectionExpression: 'pk, version',
      ExpressionAttributeNames: { '#tenant': TENANT_PROFILES_INDEX.partitionKey },
      ExpressionAttributeValues: { ':sk': 'PROFILE' },
    })) {
      missing++;
      // `T#<tenant>#P#<profile>`: a tenant id never holds '#'.
      const tenantId = (item.pk as string).split('#')[1]!;
      try {
        await this.context.db.send(
          new UpdateCommand({
            TableName: this.context.table,
            Key: { pk: item.pk, sk: 'PROFILE' },
            UpdateExpression: 'SET #tenant = :tenant',
            ConditionExpression: 'version = :version',
            ExpressionAttributeNames: { '#tenant': TENANT_PROFILES_INDEX.partitionKey },
            ExpressionAttributeValues: {
              ':tenant': profileIndexAttributes(tenantId, {})[TENANT_PROFILES_INDEX.partitionKey],
              ':version': item.version,
            },
          }),
        );
        updated++;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
    return { missing, updated };
  }
}
