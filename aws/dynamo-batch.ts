// BatchGetItem / BatchWriteItem within DynamoDB's limits, retrying what DynamoDB left unprocessed (throttling).
import { BatchGetCommand, BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Key } from './tables.js';

const BATCH_GET_LIMIT = 100;
const BATCH_WRITE_LIMIT = 25;
const MAX_ATTEMPTS = 8;

export interface BatchOptions {
  /** Waits between retries of unprocessed items; injectable so tests need not sleep. */
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Full jitter, 50 ms doubling up to 5 s: AWS's advice for unprocessed items. */
function backoff(attempt: number): number {
  return Math.random() * Math.min(5_000, 50 * 2 ** attempt);
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** DynamoDB rejects a batch that names one key twice. */
function uniqueKeys(keys: readonly Key[]): Key[] {
  const seen = new Map<string, Key>();
  for (const key of keys) seen.set(`${key.pk}\u0000${key.sk}`, { pk: key.pk, sk: key.sk });
  return [...seen.values()];
}

/** Reads the items at `keys` (any number; missing ones are absent from the result). */
export async function batchGet(
  db: DynamoDBDocumentClient,
  table: string,
  keys: readonly Key[],
  request: { consistentRead?: boolean; projection?: string[] } = {},
  options: BatchOptions = {},
): Promise<Record<string, unknown>[]> {
  const sleep = options.sleep ?? defaultSleep;
  const projection = request.projection && {
    ProjectionExpression: request.projection.map((_, i) => `#p${i}`).join(', '),
    ExpressionAttributeNames: Object.fromEntries(request.projection.map((name, i) => [`#p${i}`, name])),
  };
  const found: Record<string, unknown>[] = [];
  await Promise.all(
    chunks(uniqueKeys(keys), BATCH_GET_LIMIT).map(async (chunk) => {
      let pending: Record<string, unknown>[] = chunk.map((key) => ({ ...key }));
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt >= MAX_ATTEMPTS)
          throw new Error(`BatchGetItem on ${table}: ${pending.length} keys still unprocessed after ${MAX_ATTEMPTS} attempts`);
        if (attempt > 0) await sleep(backoff(attempt));
        const result = await db.send(
          new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: request.consistentRead, ...projection } } }),
        );
        found.push(...(result.Responses?.[table] ?? []));
        pending = result.UnprocessedKeys?.[table]?.Keys ?? [];
      }
    }),
  );
  return found;
}

/** Deletes the items at `keys` (any number), 25 per request. Unconditional, as BatchWriteItem always is. */
export async function batchDelete(
  db: DynamoDBDocumentClient,
  table: string,
  keys: readonly Key[],
  options: BatchOptions = {},
): Promise<void> {
  await batchWrite(
    db,
    table,
    uniqueKeys(keys).map((Key) => ({ DeleteRequest: { Key } })),
    'deletes',
    options,
  );
}

/** Writes `items` (each with pk and sk; any number), 25 per request; the last of two items with one key wins. */
export async function batchPut(
  db: DynamoDBDocumentClient,
  table: string,
  items: readonly (Key & Record<string, unknown>)[],
  options: BatchOptions = {},
): Promise<void> {
  const unique = new Map(items.map((item) => [`${item.pk}\u0000${item.sk}`, item]));
  await batchWrite(
    db,
    table,
    [...unique.values()].map((Item) => ({ PutRequest: { Item } })),
    'puts',
    options,
  );
}

type WriteRequest = { DeleteRequest: { Key: Key } } | { PutRequest: { Item: Key & Record<string, unknown> } };

async function batchWrite(
  db: DynamoDBDocumentClient,
  table: string,
  requests: readonly WriteRequest[],
  what: string,
  options: BatchOptions,
): Promise<void> {
  const sleep = options.sleep ?? defaultSleep;
  for (const chunk of chunks(requests, BATCH_WRITE_LIMIT)) {
    let pending: WriteRequest[] = chunk;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= MAX_ATTEMPTS)
        throw new Error(`BatchWriteItem on ${table}: ${pending.length} ${what} still unprocessed after ${MAX_ATTEMPTS} attempts`);
      if (attempt > 0) await sleep(backoff(attempt));
      const result = await db.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
      pending = (result.UnprocessedItems?.[table] ?? []) as WriteRequest[];
    }
  }
}
