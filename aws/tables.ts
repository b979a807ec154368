// The DynamoDB table and key design, shared by the adapters, the emulators, the tests and (later) the CDK stack.
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import type { IdentifierDigest } from '../core/identifier-digest.js';
import { identifierDigest, type Identifier } from '../core/identifiers.js';

export interface TableNames {
  profiles: string;
  ops: string;
}

export function tableNames(env: NodeJS.ProcessEnv = process.env): TableNames {
  return { profiles: env.PROFILES_TABLE || 'syncline-profiles', ops: env.OPS_TABLE || 'syncline-ops' };
}

export interface Key {
  pk: string;
  sk: string;
}

/** The attribute DynamoDB's TTL reads on the ops table (seconds since the epoch). `TTL` is a reserved word: alias it in expressions. */
export const TTL_ATTRIBUTE = 'ttl';

// Every key starts with the tenant, so no key of one tenant can ever equal or prefix a key of another.
// A '#' inside a part would let one tenant forge another's prefix, hence the check.
function part(kind: string, value: string): string {
  if (value.length === 0 || value.includes('#'))
    throw new Error(`${kind} "${value}" cannot be used in a storage key: it must be non-empty and contain no '#'`);
  return value;
}
const tenant = (tenantId: string) => `T#${part('tenant id', tenantId)}#`;

/** Keys of the profiles table. */
export const profileKeys = {
  profile: (tenantId: string, profileId: string): Key => ({ pk: `${tenant(tenantId)}P#${part('profile id', profileId)}`, sk: 'PROFILE' }),
  /** The digest keeps e-mail addresses and phone numbers out of keys: keyed (core/identifier-digest.ts) or the legacy one. */
  identifier: (tenantId: string, id: Identifier, digest: IdentifierDigest = identifierDigest): Key => ({
    pk: `${tenant(tenantId)}I#${digest(tenantId, id)}`,
    sk: 'ID',
  }),
  /** The events applied to one profile (kept for unmerge), one item per event key. */
  historyPartition: (tenantId: string, profileId: string): string => `${tenant(tenantId)}H#${part('profile id', profileId)}`,
  history: (tenantId: string, profileId: string, eventKey: string): Key => ({
    pk: profileKeys.historyPartition(tenantId, profileId),
    sk: `E#${eventKey}`,
  }),
};

/**
 * A tenant's digest record, written by `syncline migrate` once every legacy item of its live profiles is re-keyed. Under
 * the tenant's own key prefix like every key (IAM's dynamodb:LeadingKeys confines all access to `T#<tenant>#…`); no
 * profile, identifier or history key has three segments, so it meets none of them.
 */
export function digestMetaKey(tenantId: string): Key {
  return { pk: `${tenantPrefix(tenantId)}M`, sk: 'DIGESTS' };
}

/** `T#<tenant>#`, checked like every key part. */
export function tenantPrefix(tenantId: string): string {
  return profileKeys.profile(tenantId, 'x').pk.slice(0, -'P#x'.length);
}

/**
 * The profiles table's sparse global secondary index of a tenant's live profiles: a live profile item carries
 * `tenantProfiles` = `T#<tenant>#P` (its partition key here; the table's `pk` sorts it), a tombstone and every other
 * item do not, so a Query reads one tenant's live profiles and nothing else. KEYS_ONLY: the caller reads the
 * profiles themselves by BatchGetItem (docs/deploy.md says why not ALL). The key starts with the tenant like every
 * table key, so dynamodb:LeadingKeys confines a Query on it too (cdk/constructs/table-access.ts).
 */
export const TENANT_PROFILES_INDEX = { name: 'tenant-profiles', partitionKey: 'tenantProfiles', sortKey: 'pk' } as const;

/** The index attributes a profile item carries: the tenant's live-profile key, none on a tombstone. */
export function profileIndexAttributes(tenantId: string, profile: { mergedInto?: string }): Record<string, string> {
  return profile.mergedInto === undefined ? { [TENANT_PROFILES_INDEX.partitionKey]: `${tenant(tenantId)}P` } : {};
}

/**
 * The profiles table's sparse index of what was due until stop 33 (issue 20), read now only for a tenant that
 * `syncline migrate` has not converted to due items (below); kept in the table until a later deploy drops it: a live profile whose campaign fields change by the clock
 * (core/campaign/due-time.ts) carries `tenantDue` = `T#<tenant>#D` and `dueAt` (ISO time), written by the merge with
 * the profile and moved on by the sweep; the sweep Queries `dueAt <= now` and reads only those profiles. KEYS_ONLY,
 * like tenant-profiles; the partition key starts with the tenant, so dynamodb:LeadingKeys confines it.
 */
export const TENANT_DUE_INDEX = { name: 'tenant-due', partitionKey: 'tenantDue', sortKey: 'dueAt' } as const;

/**
 * The campaign sweep's due items (issue 15, stop 33), which replace the tenant-due index above as the sweep's source:
 * one small item per live profile with a due time, in the tenant's due partition `T#<tenant>#DUE`, sorted by the due
 * time (`<dueAt>#<profile id>#<version>`), so a Query by tenant and `sk < <now>$` finds what is due. `version` is the
 * profile version the due time was computed for; the profile item names its due item in `due` (`<dueAt>#<version>`).
 * aws/dynamo-due-items.ts says how they are written, found stale and cleaned. ~60 bytes: one write unit each.
 */
export const dueItemKeys = {
  partition: (tenantId: string): string => `${tenant(tenantId)}DUE`,
  item: (tenantId: string, profileId: string, dueAt: string, version: number): Key => ({
    pk: dueItemKeys.partition(tenantId),
    sk: `${part('due time', dueAt)}#${part('profile id', profileId)}#${version}`,
  }),
};

/** The due-index attributes of a live profile due at `dueAt`; none when nothing is due (or on a tombstone). */
export function dueIndexAttributes(tenantId: string, dueAt: string | undefined): Record<string, string> {
  return dueAt === undefined ? {} : { [TENANT_DUE_INDEX.partitionKey]: `${tenant(tenantId)}D`, [TENANT_DUE_INDEX.sortKey]: dueAt };
}

/** Keys of the ops table. */
export const opsKeys = {
  /** The stage's open resync jobs (aws/dynamo-open-resync-jobs.ts): `~stage` is no tenant id (ids are slugs). */
  openResyncJobs: { pk: 'T#~stage#RESYNC', sk: 'OPEN' } as Key,
  cursor: (tenantId: string, instance: string): Key => ({ pk: `${tenant(tenantId)}C#${part('instance', instance)}`, sk: 'CURSOR' }),
  quarantinePartition: (tenantId: string): string => `${tenant(tenantId)}Q`,
  /** Sorted by time so that a tenant's quarantine lists newest first. */
  quarantine: (tenantId: string, receivedAt: string, id: string): Key => ({
    pk: opsKeys.quarantinePartition(tenantId),
    sk: `${receivedAt}#${part('quarantine id', id)}`,
  }),
  pushPartition: (tenantId: string, profileId: string): string => `${tenant(tenantId)}P#${part('profile id', profileId)}`,
  pushSnapshotPrefix: 'PUSH#',
  pushSnapshot: (tenantId: string, profileId: string, instance: string): Key => ({
    pk: opsKeys.pushPartition(tenantId, profileId),
    sk: `PUSH#${part('instance', instance)}`,
  }),
  statusPartition: (tenantId: string, instance: string): string => `${tenant(tenantId)}S#${part('instance', instance)}`,
  status: (tenantId: string, instance: string, stage: string): Key => ({
    pk: opsKeys.statusPartition(tenantId, instance),
    sk: part('stage', stage),
  }),
  /**
   * The event ledger: one partition per connector instance, one item per write (`B#<time>#<uuid>`) holding its events
   * by source event id. (Items keyed by the source event id alone are the earlier layout, read until they expire.)
   */
  ledgerPartition: (tenantId: string, instance: string): string => `${tenant(tenantId)}LEDGER#${part('instance', instance)}`,
  ledgerRecordPrefix: 'B#',
  /** Erasure receipts, one item per request and subject; a request id is the vendor's text, so it is URI-encoded ('#' too). */
  erasureReceiptPartition: (tenantId: string): string => `${tenant(tenantId)}ERASURE`,
  erasureReceiptPrefix: (requestId: string): string => `${part('request id', encodeURIComponent(requestId))}#`,
  erasureReceipt: (tenantId: string, requestId: string, subjectDigest: string): Key => ({
    pk: opsKeys.erasureReceiptPartition(tenantId),
    sk: `${opsKeys.erasureReceiptPrefix(requestId)}${part('subject digest', subjectDigest)}`,
  }),
  /** The subjects of open erasures (personal data, needed for a retry): deleted when the receipt closes. */
  erasurePendingPartition: (tenantId: string): string => `${tenant(tenantId)}ERASURE-PENDING`,
  erasurePending: (tenantId: string, requestId: string, subjectDigest: string): Key => ({
    pk: opsKeys.erasurePendingPartition(tenantId),
    sk: opsKeys.erasureReceipt(tenantId, requestId, subjectDigest).sk,
  }),
};

/**
 * Both tables, on demand, with string pk/sk, and the profiles table's indexes (cdk/constructs/data-tables.ts declares
 * the same); the `ttl` attribute is enabled separately (UpdateTimeToLive or CDK).
 */
export function tableDefinitions(names: TableNames = tableNames()): { profiles: CreateTableCommandInput; ops: CreateTableCommandInput } {
  const table = (TableName: string): CreateTableCommandInput => ({
    TableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
  });
  const profiles = table(names.profiles);
  const index = TENANT_PROFILES_INDEX;
  profiles.AttributeDefinitions!.push({ AttributeName: index.partitionKey, AttributeType: 'S' });
  profiles.GlobalSecondaryIndexes = [
    {
      IndexName: index.name,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' },
        { AttributeName: index.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'KEYS_ONLY' },
    },
  ];
  const due = TENANT_DUE_INDEX;
  profiles.AttributeDefinitions!.push(
    { AttributeName: due.partitionKey, AttributeType: 'S' },
    { AttributeName: due.sortKey, AttributeType: 'S' },
  );
  profiles.GlobalSecondaryIndexes.push({
    IndexName: due.name,
    KeySchema: [
      { AttributeName: due.partitionKey, KeyType: 'HASH' },
      { AttributeName: due.sortKey, KeyType: 'RANGE' },
    ],
    Projection: { ProjectionType: 'KEYS_ONLY' },
  });
  return { profiles, ops: table(names.ops) };
}
