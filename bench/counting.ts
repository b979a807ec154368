// Counts what syncline asks of DynamoDB and SQS by wrapping a client's `send`: requests per command, items written,
// and the capacity units AWS would bill for them (estimated from item sizes). No adapter is changed.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { TENANT_DUE_INDEX, TENANT_PROFILES_INDEX } from '../aws/tables.js';

const KB = 1024;
/**
 * DynamoDB's item size is names + values; the JSON length is a close, slightly high estimate. A binary attribute (a
 * compressed profile, aws/profile-codec.ts) counts its bytes, not the length of its JSON rendering.
 */
const size = (item: unknown) =>
  Buffer.byteLength(
    JSON.stringify(item ?? {}, function (this: Record<string, unknown>, key, value) {
      const raw = this[key];
      return raw instanceof Uint8Array ? 'x'.repeat(raw.length) : value;
    }),
    'utf8',
  );
const wru = (item: unknown) => Math.max(1, Math.ceil(size(item) / KB));
/**
 * Read units of one item (a key not found costs as much as a small item): one per 4 KB strongly consistent, half of
 * that eventually consistent (DynamoDB developer guide, "Capacity unit consumption for read operations"; each item of a
 * BatchGetItem is rounded up to 4 KB on its own).
 */
const rru = (item: unknown, consistent: boolean) => Math.max(1, Math.ceil(size(item) / (4 * KB))) * (consistent ? 1 : 0.5);
/**
 * A read is eventually consistent unless it asks for `ConsistentRead: true` (DynamoDB's default); a Query of a global
 * secondary index always is, whatever it asks.
 */
const consistentOf = (input: { ConsistentRead?: unknown; IndexName?: unknown } | undefined) =>
  input?.ConsistentRead === true && input.IndexName === undefined;

export interface DynamoCounts {
  requests: Record<string, number>;
  /** Profile items written (survivors and tombstones), identifier pointer items, other items (ops table). */
  profileItemWrites: number;
  pointerItemWrites: number;
  otherItemWrites: number;
  /** Write request units: a transactional write costs two per KB. */
  writeUnits: number;
  /** Read request units as billed: eventually consistent reads at half a unit per 4 KB. */
  readUnits: number;
  /** The part of `readUnits` read eventually consistently. */
  eventualReadUnits: number;
  profileBytesWritten: number;
  /** Profile ids written, for "writes per changed profile". */
  profilesWritten: Set<string>;
  /** Write units by request and item kind ("Put S/accepted"): where the write cost goes. */
  writeUnitsBy: Record<string, number>;
  /** Items written and their bytes, by the same labels. */
  itemsBy: Record<string, { items: number; bytes: number }>;
  /**
   * Read requests and read units by request and item kind ("Query H/B"), eventually consistent reads apart with
   * " eventual" after the label ("BatchGet I/ID eventual"): where the read cost goes.
   */
  readsBy: Record<string, { requests: number; units: number }>;
  /**
   * Write units the profiles table's global secondary indexes take (both KEYS_ONLY, an index item well under 1 KB):
   * DynamoDB developer guide, "Provisioned throughput considerations for global secondary indexes": an item that enters
   * an index, or leaves it, costs one index write, a change of its index key two (delete and put), a write that leaves
   * the key as it was none. Included in `writeUnits`, and in `writeUnitsBy` as "Index <name>".
   */
  indexWriteUnits: number;
  /**
   * The size of each profile item as last read or written: an UpdateItem is billed by the larger of the item's size
   * before and after it (not by what it sets), so the sweep's reschedule of a 2 KB profile costs two units.
   */
  profileItemBytes: Map<string, number>;
  /** Index entries by index name: how many items entered, moved in (a new key) or left it. */
  indexChanges: Record<string, { entered: number; moved: number; left: number }>;
}

export function emptyDynamoCounts(): DynamoCounts {
  return {
    requests: {},
    profileItemWrites: 0,
    pointerItemWrites: 0,
    otherItemWrites: 0,
    writeUnits: 0,
    readUnits: 0,
    eventualReadUnits: 0,
    profileBytesWritten: 0,
    profilesWritten: new Set(),
    writeUnitsBy: {},
    itemsBy: {},
    readsBy: {},
    indexWriteUnits: 0,
    profileItemBytes: new Map(),
    indexChanges: {},
  };
}

type Sendable = { send: (command: unknown, ...rest: unknown[]) => Promise<unknown> };
type Command = { constructor: { name: string }; input: Record<string, any> };

/**
 * An item's kind from its key: the partition's type after the tenant (`T#<tenant>#P#…` → P, `…#LEDGER#…` → LEDGER)
 * and the sort key's first part (PROFILE, ID, E, PUSH, a stage name), so that no id or digest ends up in a label.
 */
export function itemKind(key: { pk?: unknown; sk?: unknown } | undefined): string {
  const pk = typeof key?.pk === 'string' ? key.pk : '';
  const sk = typeof key?.sk === 'string' ? key.sk : '';
  const partition = pk.startsWith('T#') ? (pk.split('#')[2] ?? '?') : '?';
  const sortHead = sk.split('#')[0] ?? '';
  return `${partition}/${/^\d/.test(sortHead) ? '<time>' : sortHead}`;
}

function addUnits(counts: DynamoCounts, request: string, key: { pk?: unknown; sk?: unknown } | undefined, units: number, bytes = 0): void {
  const label = `${request} ${itemKind(key)}`;
  counts.writeUnitsBy[label] = (counts.writeUnitsBy[label] ?? 0) + units;
  const items = (counts.itemsBy[label] ??= { items: 0, bytes: 0 });
  items.items++;
  items.bytes += bytes;
}

function addRead(
  counts: DynamoCounts,
  request: string,
  key: { pk?: unknown; sk?: unknown } | undefined,
  units: number,
  consistent: boolean,
): void {
  counts.readUnits += units;
  if (!consistent) counts.eventualReadUnits += units;
  const entry = (counts.readsBy[`${request} ${itemKind(key)}${consistent ? '' : ' eventual'}`] ??= { requests: 0, units: 0 });
  entry.requests++;
  entry.units += units;
}

function countWrite(counts: DynamoCounts, item: Record<string, any>, transactional: boolean, request: string): void {
  const units = wru(item) * (transactional ? 2 : 1);
  counts.writeUnits += units;
  addUnits(counts, request, item, units, size(item));
  if (item.sk === 'PROFILE') {
    counts.profileItemWrites++;
    counts.profileBytesWritten += size(item);
    counts.profileItemBytes.set(String(item.pk), size(item));
    // The key names the profile whichever form the profile is stored in.
    counts.profilesWritten.add(item.pk);
  } else if (item.sk === 'ID') counts.pointerItemWrites++;
  else counts.otherItemWrites++;
}

/** The profiles table's indexes: the attributes that make an item's key in each (both KEYS_ONLY). */
const INDEXES = [TENANT_PROFILES_INDEX, TENANT_DUE_INDEX].map((index) => ({
  name: index.name,
  keyOf: (item: Record<string, unknown> | undefined): string | undefined => {
    const partition = item?.[index.partitionKey];
    const sort = item?.[index.sortKey];
    return typeof partition === 'string' && typeof sort === 'string' ? `${partition}\u0000${sort}` : undefined;
  },
}));

/**
 * Counts the index writes of an item written whole (`after`; undefined: deleted), against its index keys as this
 * counter last saw them (an item it never saw counts as new: the benchmarks start from empty tables).
 */
function countIndexWrites(
  counts: DynamoCounts,
  seen: Map<string, (string | undefined)[]>,
  after: Record<string, unknown> | undefined,
  key: { pk?: unknown; sk?: unknown },
): void {
  const id = `${String(key.pk)}\u0000${String(key.sk)}`;
  const before = seen.get(id) ?? INDEXES.map(() => undefined);
  const now = INDEXES.map((index) => index.keyOf(after));
  INDEXES.forEach((index, i) => {
    const units = before[i] === now[i] ? 0 : before[i] !== undefined && now[i] !== undefined ? 2 : 1;
    if (units === 0) return;
    const changes = (counts.indexChanges[index.name] ??= { entered: 0, moved: 0, left: 0 });
    if (units === 2) changes.moved++;
    else if (now[i] === undefined) changes.left++;
    else changes.entered++;
    counts.indexWriteUnits += units;
    counts.writeUnits += units;
    counts.writeUnitsBy[`Index ${index.name}`] = (counts.writeUnitsBy[`Index ${index.name}`] ?? 0) + units;
  });
  seen.set(id, now);
}

/** Wraps `client.send` in place; returns the live counters and a function that restores the client. */
export function countDynamo(client: DynamoDBDocumentClient, counts = emptyDynamoCounts()): { counts: DynamoCounts; restore: () => void } {
  const target = client as unknown as Sendable;
  const original = target.send;
  /** Each profile item's index keys as last written (items of the profiles table only carry index attributes). */
  const indexKeys = new Map<string, (string | undefined)[]>();
  target.send = async function (this: unknown, command: unknown, ...rest: unknown[]) {
    const c = command as Command;
    const name = c.constructor.name.replace(/Command$/, '');
    counts.requests[name] = (counts.requests[name] ?? 0) + 1;
    const result = (await original.call(client, command, ...rest)) as Record<string, any>;
    indexWrites(c, name, counts, indexKeys);
    switch (name) {
      case 'TransactWrite':
        for (const t of c.input.TransactItems ?? []) {
          if (t.Put) countWrite(counts, t.Put.Item, true, name);
          else if (t.Update || t.Delete || t.ConditionCheck) {
            // An update or delete in a transaction: at least 2 units (1 KB, doubled); a condition check 2 as well.
            const key = (t.Update ?? t.Delete ?? t.ConditionCheck).Key;
            counts.otherItemWrites++;
            counts.writeUnits += 2;
            addUnits(counts, `${name}.${t.Update ? 'Update' : t.Delete ? 'Delete' : 'Check'}`, key, 2);
          }
        }
        break;
      case 'Put':
        countWrite(counts, c.input.Item, false, name);
        break;
      case 'Update':
      case 'Delete': {
        counts.otherItemWrites++;
        const known = c.input.Key?.sk === 'PROFILE' ? counts.profileItemBytes.get(String(c.input.Key.pk)) : undefined;
        const units = known === undefined ? 1 : Math.max(1, Math.ceil(known / KB));
        counts.writeUnits += units;
        addUnits(counts, name, c.input.Key, units);
        break;
      }
      case 'BatchWrite':
        for (const requests of Object.values(c.input.RequestItems ?? {}) as any[])
          for (const r of requests) countWrite(counts, r.PutRequest?.Item ?? r.DeleteRequest?.Key, false, name);
        break;
      case 'Get': {
        const consistent = consistentOf(c.input);
        addRead(counts, name, c.input.Key, rru(result.Item, consistent), consistent);
        if (result.Item?.sk === 'PROFILE') counts.profileItemBytes.set(String(result.Item.pk), size(result.Item));
        break;
      }
      case 'BatchGet': {
        // One table per request here (aws/dynamo-batch.ts); its ConsistentRead applies to every key of it.
        const [table, req] = (Object.entries(c.input.RequestItems ?? {})[0] ?? ['', {}]) as [string, any];
        const consistent = consistentOf(req);
        let units = 0;
        for (const item of (result.Responses?.[table] ?? []) as Record<string, unknown>[]) {
          units += rru(item, consistent);
          if (item.sk === 'PROFILE') counts.profileItemBytes.set(String(item.pk), size(item));
        }
        // A key not found still costs a read unit (half of one, eventually consistent).
        units += Math.max(0, (req.Keys?.length ?? 0) - (result.Responses?.[table]?.length ?? 0)) * rru(undefined, consistent);
        addRead(counts, name, req.Keys?.[0], units, consistent);
        break;
      }
      case 'Query':
      case 'Scan': {
        // The items read are summed, then rounded up to 4 KB (not item by item as for BatchGetItem).
        const consistent = consistentOf(c.input);
        const blocks = Math.max(1, Math.ceil((result.Items ?? []).reduce((s: number, i: unknown) => s + size(i), 0) / (4 * KB)));
        const key = { pk: c.input.ExpressionAttributeValues?.[':pk'], sk: c.input.IndexName ?? '' };
        addRead(counts, name, key, blocks * (consistent ? 1 : 0.5), consistent);
        break;
      }
    }
    return result;
  };
  return { counts, restore: () => void (target.send = original) };
}

/**
 * The index writes of a request that succeeded: whole items put (Put, BatchWrite, TransactWrite) and profile items
 * deleted. Updates of index attributes (the sweep's reschedule, `syncline migrate`) set `dueAt`/`tenantDue` by name:
 * counted as a change of the due-index key.
 */
function indexWrites(c: Command, name: string, counts: DynamoCounts, seen: Map<string, (string | undefined)[]>): void {
  const put = (item: Record<string, unknown> | undefined) => item?.sk === 'PROFILE' && countIndexWrites(counts, seen, item, item);
  const del = (key: Record<string, unknown> | undefined) => key?.sk === 'PROFILE' && countIndexWrites(counts, seen, undefined, key);
  if (name === 'Put') put(c.input.Item);
  else if (name === 'Delete') del(c.input.Key);
  else if (name === 'BatchWrite')
    for (const requests of Object.values(c.input.RequestItems ?? {}) as any[])
      for (const r of requests) r.PutRequest ? put(r.PutRequest.Item) : del(r.DeleteRequest?.Key);
  else if (name === 'TransactWrite')
    for (const t of c.input.TransactItems ?? []) t.Put ? put(t.Put.Item) : t.Delete ? del(t.Delete.Key) : undefined;
  else if (
    name === 'Update' &&
    c.input.Key?.sk === 'PROFILE' &&
    /dueAt|tenantDue/.test(JSON.stringify(c.input.ExpressionAttributeNames ?? {}))
  ) {
    // The sweep reschedules only profiles it found on the index: a new due time moves the key (two), none takes the
    // item off the index (one).
    const units = /^\s*REMOVE/.test(String(c.input.UpdateExpression ?? '')) ? 1 : 2;
    const changes = (counts.indexChanges[TENANT_DUE_INDEX.name] ??= { entered: 0, moved: 0, left: 0 });
    if (units === 2) changes.moved++;
    else changes.left++;
    counts.indexWriteUnits += units;
    counts.writeUnits += units;
    counts.writeUnitsBy[`Index ${TENANT_DUE_INDEX.name}`] = (counts.writeUnitsBy[`Index ${TENANT_DUE_INDEX.name}`] ?? 0) + units;
  }
}

export interface SqsCounts {
  requests: Record<string, number>;
  /** Billed requests: each 64 KB chunk of a request's payload counts as one request. */
  billedRequests: number;
  messagesSent: number;
  /** Messages sent per queue name. */
  sentByQueue: Record<string, number>;
  emptyReceives: number;
  /** Requests per queue name and kind, e.g. `syncline-push ReceiveMessage`. */
  requestsByQueue: Record<string, number>;
  /** Profile syncs the sent messages carry: 1 per single sync message, a packed message's count (pipeline/packed-syncs.ts). */
  syncsSent: number;
}

export function emptySqsCounts(): SqsCounts {
  return { requests: {}, billedRequests: 0, messagesSent: 0, sentByQueue: {}, emptyReceives: 0, requestsByQueue: {}, syncsSent: 0 };
}

function syncsIn(body: string | undefined): number {
  try {
    const message = JSON.parse(body ?? '') as { kind?: unknown; profiles?: unknown };
    return message.kind === 'sync' ? 1 : message.kind === 'syncs' && Array.isArray(message.profiles) ? message.profiles.length : 0;
  } catch {
    return 0;
  }
}

export function countSqs(client: SQSClient, counts = emptySqsCounts()): { counts: SqsCounts; restore: () => void } {
  const target = client as unknown as Sendable;
  const original = target.send;
  target.send = async function (this: unknown, command: unknown, ...rest: unknown[]) {
    const c = command as Command;
    const name = c.constructor.name.replace(/Command$/, '');
    counts.requests[name] = (counts.requests[name] ?? 0) + 1;
    const byQueue = `${
      String(c.input.QueueUrl ?? '')
        .split('/')
        .pop() ?? ''
    } ${name}`;
    counts.requestsByQueue[byQueue] = (counts.requestsByQueue[byQueue] ?? 0) + 1;
    const result = (await original.call(client, command, ...rest)) as Record<string, any>;
    if (name === 'SendMessageBatch') {
      const bytes = (c.input.Entries ?? []).reduce(
        (s: number, e: { MessageBody?: string }) => s + Buffer.byteLength(e.MessageBody ?? '', 'utf8'),
        0,
      );
      counts.billedRequests += Math.max(1, Math.ceil(bytes / (64 * KB)));
      counts.messagesSent += c.input.Entries?.length ?? 0;
      const queue =
        String(c.input.QueueUrl ?? '')
          .split('/')
          .pop() ?? '';
      counts.sentByQueue[queue] = (counts.sentByQueue[queue] ?? 0) + (c.input.Entries?.length ?? 0);
      for (const e of (c.input.Entries ?? []) as { MessageBody?: string }[]) counts.syncsSent += syncsIn(e.MessageBody);
    } else if (name === 'ReceiveMessage') {
      const bytes = (result.Messages ?? []).reduce((s: number, m: { Body?: string }) => s + Buffer.byteLength(m.Body ?? '', 'utf8'), 0);
      counts.billedRequests += Math.max(1, Math.ceil(bytes / (64 * KB)));
      if ((result.Messages ?? []).length === 0) counts.emptyReceives++;
    } else if (name !== 'GetQueueAttributes') counts.billedRequests++; // queue depths: the local harness asking, not the pipeline
    return result;
  };
  return { counts, restore: () => void (target.send = original) };
}
