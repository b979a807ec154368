// The pipeline's operational state on the ops table: poll cursors, quarantined deliveries, push snapshots, status counters.
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { FieldValue } from '../core/destination.js';
import type { CursorStore, PushSnapshotStore, QuarantineEntry, QuarantineStore, StatusRecorder } from '../core/ports.js';
import { DELIVERY_COUNTERS, type DeliveryCounter, type DeliveryCounts, type DeliveryOutcome } from '../core/delivery-log.js';
import { batchDelete, batchGet, batchPut, type BatchOptions } from './dynamo-batch.js';
import { opsKeys, TTL_ATTRIBUTE, type Key } from './tables.js';
import { queryAll, queryItems } from './dynamo-query.js';
import { attributeBytes, deflateIfItPays, inflateJson } from './profile-codec.js';
import { emfMetrics, type MetricRecord } from '../lambdas/logger.js';

type Clock = () => Date;
const systemClock: Clock = () => new Date();
const DAY_MS = 24 * 60 * 60 * 1000;

export class DynamoCursorStore implements CursorStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly now: Clock = systemClock,
  ) {}

  async get(tenantId: string, instance: string): Promise<string | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.table, Key: opsKeys.cursor(tenantId, instance), ConsistentRead: true }),
    );
    return typeof Item?.cursor === 'string' ? Item.cursor : undefined;
  }

  async put(tenantId: string, instance: string, cursor: string): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...opsKeys.cursor(tenantId, instance), cursor, updatedAt: this.now().toISOString() },
      }),
    );
  }
}

export interface QuarantineOptions {
  /** Days a quarantined delivery is kept for replay (default 30). */
  retentionDays?: number;
  now?: Clock;
}

/**
 * Quarantined deliveries, newest first. Each expires through DynamoDB TTL; DynamoDB Local never deletes expired
 * items (and AWS may take up to two days), so reads skip them too.
 */
export class DynamoQuarantineStore implements QuarantineStore {
  private readonly retentionMs: number;
  private readonly now: Clock;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    options: QuarantineOptions = {},
  ) {
    this.retentionMs = (options.retentionDays ?? 30) * DAY_MS;
    this.now = options.now ?? systemClock;
  }

  async put(entry: QuarantineEntry): Promise<void> {
    // The sort key starts with receivedAt, which differs between a delivery and its redelivery: look the id up
    // instead. A redelivery comes after the first attempt was answered (503), so the two never race.
    for await (const _ of this.live(entry.tenantId, { id: entry.id })) return;
    const expiresAt = Math.floor((this.now().getTime() + this.retentionMs) / 1000);
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...opsKeys.quarantine(entry.tenantId, entry.receivedAt, entry.id), id: entry.id, entry, [TTL_ATTRIBUTE]: expiresAt },
      }),
    );
  }

  async list(tenantId: string, limit = 50): Promise<QuarantineEntry[]> {
    const entries: QuarantineEntry[] = [];
    for await (const item of this.live(tenantId, {})) {
      entries.push(item.entry as QuarantineEntry);
      if (entries.length >= limit) break;
    }
    return entries;
  }

  /** Live quarantined deliveries per instance, for the accounting: reads the instance of each, not the bodies. */
  async countByInstance(tenantId: string): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for await (const item of this.live(tenantId, { projection: 'entry.instance' })) {
      const instance = (item.entry as { instance?: unknown } | undefined)?.instance;
      if (typeof instance === 'string') counts.set(instance, (counts.get(instance) ?? 0) + 1);
    }
    return counts;
  }

  async remove(tenantId: string, id: string): Promise<void> {
    // The sort key starts with receivedAt, which the caller does not know: find the item within the tenant's
    // partition first. Quarantine is small (invalid deliveries, 30 days), so this query stays cheap.
    const keys: Key[] = [];
    for await (const item of this.live(tenantId, { id, includeExpired: true })) keys.push({ pk: item.pk as string, sk: item.sk as string });
    for (const Key of keys) await this.db.send(new DeleteCommand({ TableName: this.table, Key }));
  }

  private async *live(
    tenantId: string,
    filter: { id?: string; includeExpired?: boolean; projection?: string },
  ): AsyncGenerator<Record<string, unknown>> {
    const conditions: string[] = [];
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':pk': opsKeys.quarantinePartition(tenantId) };
    if (!filter.includeExpired) {
      conditions.push('#ttl > :now');
      names['#ttl'] = TTL_ATTRIBUTE;
      values[':now'] = Math.floor(this.now().getTime() / 1000);
    }
    if (filter.id !== undefined) {
      conditions.push('#id = :id');
      names['#id'] = 'id';
      values[':id'] = filter.id;
    }
    yield* queryAll(this.db, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ...(conditions.length > 0 && { FilterExpression: conditions.join(' AND ') }),
      ...(filter.projection !== undefined && { ProjectionExpression: filter.projection }),
      ...(Object.keys(names).length > 0 && { ExpressionAttributeNames: names }),
      ExpressionAttributeValues: values,
      ScanIndexForward: false,
    });
  }
}

export class DynamoPushSnapshotStore implements PushSnapshotStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly options: BatchOptions & { now?: Clock } = {},
  ) {}

  async get(tenantId: string, profileId: string, instance: string): Promise<Record<string, FieldValue> | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.table, Key: opsKeys.pushSnapshot(tenantId, profileId, instance), ConsistentRead: true }),
    );
    return Item && !this.expired(Item) ? decodeSnapshotFields(Item) : undefined;
  }

  async put(tenantId: string, profileId: string, instance: string, fields: Record<string, FieldValue>): Promise<void> {
    const pushedAt = (this.options.now ?? systemClock)().toISOString();
    await this.db.send(
      new PutCommand({ TableName: this.table, Item: snapshotItem(opsKeys.pushSnapshot(tenantId, profileId, instance), fields, pushedAt) }),
    );
  }

  async getMany(
    tenantId: string,
    keys: readonly { profileId: string; instance: string }[],
  ): Promise<Map<string, Record<string, FieldValue>>> {
    const byKey = new Map(
      keys.map((k) => [JSON.stringify(opsKeys.pushSnapshot(tenantId, k.profileId, k.instance)), `${k.profileId}/${k.instance}`]),
    );
    const items = await batchGet(
      this.db,
      this.table,
      keys.map((k) => opsKeys.pushSnapshot(tenantId, k.profileId, k.instance)),
      { consistentRead: true },
      this.options,
    );
    const found = new Map<string, Record<string, FieldValue>>();
    for (const item of items) {
      const key = byKey.get(JSON.stringify({ pk: item.pk, sk: item.sk }));
      if (key !== undefined && !this.expired(item)) found.set(key, decodeSnapshotFields(item));
    }
    return found;
  }

  async putMany(
    tenantId: string,
    snapshots: readonly { profileId: string; instance: string; fields: Record<string, FieldValue>; expiresAt?: number }[],
  ): Promise<void> {
    const pushedAt = (this.options.now ?? systemClock)().toISOString();
    const items = snapshots.map((s) =>
      snapshotItem(opsKeys.pushSnapshot(tenantId, s.profileId, s.instance), s.fields, pushedAt, s.expiresAt),
    );
    await batchPut(this.db, this.table, items, this.options);
  }

  async removeAll(tenantId: string, profileId: string): Promise<void> {
    const items = await queryItems(this.db, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': opsKeys.pushPartition(tenantId, profileId), ':prefix': opsKeys.pushSnapshotPrefix },
      ProjectionExpression: 'pk, sk',
      ConsistentRead: true,
    });
    const keys: Key[] = items.map((item) => ({ pk: item.pk as string, sk: item.sk as string }));
    await batchDelete(this.db, this.table, keys, this.options);
  }

  /** An item that holds only a delivery log expires (TTL); DynamoDB Local never deletes it, and AWS may take days. */
  private expired(item: Record<string, unknown>): boolean {
    const ttl = item[TTL_ATTRIBUTE];
    return typeof ttl === 'number' && ttl * 1000 <= (this.options.now ?? systemClock)().getTime();
  }
}

/** A snapshot item: the fields as a map, or deflated (`fieldsz`) when that saves a write unit (aws/profile-codec.ts). */
function snapshotItem(key: Key, fields: Record<string, FieldValue>, pushedAt: string, expiresAt?: number): Key & Record<string, unknown> {
  const attributes = { ...key, pushedAt, ...(expiresAt !== undefined ? { [TTL_ATTRIBUTE]: expiresAt } : {}) };
  const deflated = deflateIfItPays(JSON.stringify(fields), attributeBytes(attributes));
  return deflated ? { ...attributes, fieldsz: deflated } : { ...attributes, fields };
}

function decodeSnapshotFields(item: Record<string, unknown>): Record<string, FieldValue> {
  if (item.fieldsz instanceof Uint8Array) return inflateJson(item.fieldsz) as Record<string, FieldValue>;
  return item.fields as Record<string, FieldValue>;
}

type Stage = Parameters<StatusRecorder['record']>[2];
type Outcome = Parameters<StatusRecorder['record']>[3];

/**
 * Per stage: `okCount`, `okLastAt`, `errorCount`, `errorLastAt`; the push stage also counts delivery outcomes
 * (`deliveredCount`, `skippedConsentCount`, `rejectedCount`, `retryingCount`: core/delivery-log.ts).
 */
export type StageStatus = Partial<Record<`${Outcome}Count`, number> & Record<`${Outcome}LastAt`, string> & Record<DeliveryCounter, number>>;

export interface StatusOptions {
  /**
   * In steady traffic, at most one table write per tenant, instance and stage in this interval (default 60 s): the
   * counts in between are added to the next write. A change of outcome (ok → error, error → ok) is written at once,
   * so the status page's state is never a minute behind a failure or its recovery.
   */
  minWriteIntervalMs?: number;
  /** Every record, as it happens: CloudWatch embedded metrics in Lambda (the exact counts; the table's lag). */
  metrics?: (record: MetricRecord) => void;
}

interface Pending {
  counts: Partial<Record<Outcome, number>>;
  /** Counters that ride on the stage's next write (the push stage's delivery outcomes), by attribute name. */
  extra: Record<string, number>;
  lastAt: Partial<Record<Outcome, string>>;
  writtenAtMs?: number;
  writtenOutcome?: Outcome;
  writing?: Promise<void>;
}

export class DynamoStatusRecorder implements StatusRecorder {
  private readonly minWriteIntervalMs: number;
  private readonly metrics: (record: MetricRecord) => void;
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly now: Clock = systemClock,
    options: StatusOptions = {},
  ) {
    this.minWriteIntervalMs = options.minWriteIntervalMs ?? 60_000;
    this.metrics = options.metrics ?? emfMetrics();
  }

  /**
   * Counts add up atomically however many handlers record at once (ADD). A container that ends with counts not yet
   * written loses them from the table, not from the metrics: the table's counts are a floor, its times within a minute.
   */
  /** A refused webhook delivery: one EMF line (`refusedCount`), no table write (a flood costs no write capacity). */
  refused(tenantId: string, instance: string): void {
    this.metrics({ dimensions: { tenantId, instance, stage: 'webhook' }, metrics: { refusedCount: 1 }, time: this.now() });
  }

  /**
   * A push batch's delivery outcomes at one destination: one EMF line, and counters added to the push stage's next
   * status write (that batch's own ok/error record follows at once), so that counting them costs no write.
   */
  deliveries(tenantId: string, instance: string, counts: DeliveryCounts): void {
    const named: Record<string, number> = {};
    for (const [outcome, n] of Object.entries(counts) as [DeliveryOutcome, number][]) if (n > 0) named[DELIVERY_COUNTERS[outcome]] = n;
    if (Object.keys(named).length === 0) return;
    this.metrics({ dimensions: { tenantId, instance, stage: 'push' }, metrics: named, time: this.now() });
    const p = this.pendingOf(tenantId, instance, 'push');
    for (const [name, n] of Object.entries(named)) p.extra[name] = (p.extra[name] ?? 0) + n;
  }

  private pendingOf(tenantId: string, instance: string, stage: Stage): Pending {
    const key = `${tenantId}\u0000${instance}\u0000${stage}`;
    const p = this.pending.get(key) ?? { counts: {}, extra: {}, lastAt: {} };
    this.pending.set(key, p);
    return p;
  }

  async record(tenantId: string, instance: string, stage: Stage, outcome: Outcome, count = 1): Promise<void> {
    const at = this.now();
    this.metrics({ dimensions: { tenantId, instance, stage }, metrics: { [`${outcome}Count`]: count }, time: at });
    const p = this.pendingOf(tenantId, instance, stage);
    p.counts[outcome] = (p.counts[outcome] ?? 0) + count;
    p.lastAt[outcome] = at.toISOString();
    // An outcome that changes while another write is in flight waits for it, then goes out on its own.
    while (p.writing) await p.writing.catch(() => {});
    const due = p.writtenAtMs === undefined || p.writtenOutcome !== outcome || at.getTime() - p.writtenAtMs >= this.minWriteIntervalMs;
    if (!due || (p.counts[outcome] ?? 0) === 0) return;
    p.writtenAtMs = at.getTime();
    p.writtenOutcome = outcome;
    const counts = p.counts;
    const lastAt = p.lastAt;
    const extra = p.extra;
    p.counts = {};
    p.lastAt = {};
    p.extra = {};
    p.writing = this.write(opsKeys.status(tenantId, instance, stage), counts, lastAt, extra);
    try {
      await p.writing;
    } catch (error) {
      // Not written: the counts wait for the next write, and the caller learns of the failure as before.
      for (const o of Object.keys(counts) as Outcome[]) p.counts[o] = (p.counts[o] ?? 0) + counts[o]!;
      for (const [name, n] of Object.entries(extra)) p.extra[name] = (p.extra[name] ?? 0) + n;
      for (const o of Object.keys(lastAt) as Outcome[]) p.lastAt[o] ??= lastAt[o];
      p.writtenAtMs = undefined;
      throw error;
    } finally {
      p.writing = undefined;
    }
  }

  private async write(Key: Key, counts: Pending['counts'], lastAt: Pending['lastAt'], extra: Pending['extra']): Promise<void> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const adds: string[] = [];
    const sets: string[] = [];
    for (const o of Object.keys(counts) as Outcome[]) {
      names[`#${o}Count`] = `${o}Count`;
      names[`#${o}LastAt`] = `${o}LastAt`;
      values[`:${o}Count`] = counts[o];
      values[`:${o}LastAt`] = lastAt[o];
      adds.push(`#${o}Count :${o}Count`);
      sets.push(`#${o}LastAt = :${o}LastAt`);
    }
    for (const [name, n] of Object.entries(extra)) {
      names[`#${name}`] = name;
      values[`:${name}`] = n;
      adds.push(`#${name} :${name}`);
    }
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key,
        UpdateExpression: `ADD ${adds.join(', ')} SET ${sets.join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  /** What an operator's status page shows for one connector instance, by stage. */
  async read(tenantId: string, instance: string): Promise<Partial<Record<Stage, StageStatus>>> {
    const { Items } = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': opsKeys.statusPartition(tenantId, instance) },
      }),
    );
    const status: Partial<Record<Stage, StageStatus>> = {};
    for (const { pk: _pk, sk, ...counters } of Items ?? []) status[sk as Stage] = counters as StageStatus;
    return status;
  }
}
