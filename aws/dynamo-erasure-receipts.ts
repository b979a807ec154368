// Erasure receipts on the ops table: one partition per tenant holds the receipts (one item per request and subject, no
// personal data); a second holds the subjects of open erasures for retries, deleted when the receipt closes and
// expiring through TTL as a backstop. Erasures are rare, so neither partition runs hot.
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ErasureSubject } from '../core/destination.js';
import { digestsFrom, type DigestKeySource, type IdentifierDigests } from '../core/identifier-digest.js';
import type { ErasureReceiptStore } from '../core/ports.js';
import {
  newSubjectReceipt,
  receiptsByRequest,
  type DestinationErasure,
  type ErasureReceipt,
  type ErasureState,
  type PendingErasure,
  type SubjectReceipt,
} from '../core/erasure/receipts.js';
import { opsKeys, TTL_ATTRIBUTE, type Key } from './tables.js';
import { queryItems } from './dynamo-query.js';

const DAY_S = 24 * 60 * 60;

export interface ErasureReceiptOptions {
  /** Days after which DynamoDB's TTL drops a kept subject even if no sweep closed it (default 60: past any max age). */
  keepSubjectDays?: number;
  /** The stage's identifier digest key: receipts name identifiers by the keyed digest (issue 16 item 10). */
  digestKey?: DigestKeySource;
}

export class DynamoErasureReceipts implements ErasureReceiptStore {
  private readonly keepSubjectS: number;
  private readonly digests: () => Promise<IdentifierDigests>;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    options: ErasureReceiptOptions = {},
  ) {
    this.keepSubjectS = (options.keepSubjectDays ?? 60) * DAY_S;
    this.digests = digestsFrom(options.digestKey);
  }

  async open(
    tenantId: string,
    requestId: string,
    subject: ErasureSubject,
    at: string,
    mergedFrom: readonly string[] = [],
  ): Promise<SubjectReceipt> {
    const receipt = newSubjectReceipt(tenantId, requestId, subject, at, (await this.digests()).current);
    const key = opsKeys.erasureReceipt(tenantId, requestId, receipt.subjectDigest);
    const pending: PendingErasure = {
      tenantId,
      requestId,
      subjectDigest: receipt.subjectDigest,
      subject,
      ...(mergedFrom.length > 0 ? { mergedFrom: [...mergedFrom] } : {}),
      requestedAt: at,
      lastTriedAt: at,
    };
    try {
      // Both or neither: a receipt that exists never gets its subject back after it closed.
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: this.table, Item: { ...key, ...receipt }, ConditionExpression: 'attribute_not_exists(pk)' } },
            {
              Put: {
                TableName: this.table,
                Item: {
                  ...opsKeys.erasurePending(tenantId, requestId, receipt.subjectDigest),
                  ...pending,
                  [TTL_ATTRIBUTE]: Math.floor(Date.parse(at) / 1000) + this.keepSubjectS,
                },
              },
            },
          ],
        }),
      );
      return receipt;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException) || error.CancellationReasons?.[0]?.Code !== 'ConditionalCheckFailed')
        throw error;
    }
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true }));
    if (!Item) throw new Error(`erasure receipt ${requestId} of tenant ${tenantId} vanished while it was opened`);
    return receiptOf(Item);
  }

  async record(tenantId: string, requestId: string, digest: string, destination: DestinationErasure, at: string): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: opsKeys.erasureReceipt(tenantId, requestId, digest),
          // One destination's entry only, and never over a confirmation: a concurrent redelivery that failed
          // after another one confirmed must not turn the receipt back to failed.
          UpdateExpression: 'SET #destinations.#instance = :destination, #updatedAt = :at',
          ConditionExpression:
            'attribute_exists(pk) AND (attribute_not_exists(#destinations.#instance) OR #destinations.#instance.#status <> :confirmed)',
          ExpressionAttributeNames: {
            '#destinations': 'destinations',
            '#instance': destination.instance,
            '#updatedAt': 'updatedAt',
            '#status': 'status',
          },
          ExpressionAttributeValues: { ':destination': destination, ':at': at, ':confirmed': 'confirmed' },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const { Item } = await this.db.send(
        new GetCommand({ TableName: this.table, Key: opsKeys.erasureReceipt(tenantId, requestId, digest), ConsistentRead: true }),
      );
      if (!Item) throw new Error(`no erasure receipt ${requestId} for this subject in tenant ${tenantId}`);
      return; // confirmed meanwhile
    }
    await this.touch(tenantId, requestId, digest, at);
  }

  async close(
    tenantId: string,
    requestId: string,
    digest: string,
    state: Exclude<ErasureState, 'open'>,
    at: string,
    reason?: string,
  ): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: opsKeys.erasureReceipt(tenantId, requestId, digest),
        UpdateExpression: `SET #state = :state, #updatedAt = :at${reason === undefined ? '' : ', closedReason = :reason'}`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#state': 'state', '#updatedAt': 'updatedAt' },
        ExpressionAttributeValues: { ':state': state, ':at': at, ...(reason === undefined ? {} : { ':reason': reason }) },
      }),
    );
    await this.db.send(new DeleteCommand({ TableName: this.table, Key: opsKeys.erasurePending(tenantId, requestId, digest) }));
  }

  async touch(tenantId: string, requestId: string, digest: string, at: string): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: opsKeys.erasurePending(tenantId, requestId, digest),
          UpdateExpression: 'SET lastTriedAt = :at',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':at': at },
        }),
      );
    } catch (error) {
      // Closed meanwhile: nothing is kept any more, and nothing must be re-created.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /** Not filtered by TTL (DynamoDB Local never expires items): the sweep closes the old ones itself. */
  async pending(tenantId: string): Promise<PendingErasure[]> {
    return (await this.query(opsKeys.erasurePendingPartition(tenantId))).map((item) => ({
      tenantId: item.tenantId as string,
      requestId: item.requestId as string,
      subjectDigest: item.subjectDigest as string,
      subject: item.subject as ErasureSubject,
      ...(Array.isArray(item.mergedFrom) ? { mergedFrom: item.mergedFrom as string[] } : {}),
      requestedAt: item.requestedAt as string,
      lastTriedAt: item.lastTriedAt as string,
    }));
  }

  async get(tenantId: string, requestId: string): Promise<ErasureReceipt | undefined> {
    return receiptsByRequest(
      (await this.query(opsKeys.erasureReceiptPartition(tenantId), opsKeys.erasureReceiptPrefix(requestId))).map(receiptOf),
    )[0];
  }

  async list(tenantId: string, limit?: number): Promise<ErasureReceipt[]> {
    return receiptsByRequest((await this.query(opsKeys.erasureReceiptPartition(tenantId))).map(receiptOf), limit);
  }

  private async query(pk: string, skPrefix?: string): Promise<Record<string, unknown>[]> {
    return queryItems(this.db, {
      TableName: this.table,
      KeyConditionExpression: skPrefix === undefined ? 'pk = :pk' : 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ...(skPrefix === undefined ? {} : { ':prefix': skPrefix }) },
      ConsistentRead: true,
    });
  }
}

function receiptOf(item: Record<string, unknown>): SubjectReceipt {
  const { pk: _pk, sk: _sk, ...receipt } = item as Record<string, unknown> & Key;
  return receipt as unknown as SubjectReceipt;
}
