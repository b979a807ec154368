// The event ledger on the ops table: one item per event under `T#<tenant>#LEDGER#<instance>`, its state changed by
// conditional updates only (never an ADD), so a redelivered, retried or replayed event is still one item in one state.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { EventLedger, InstanceLedger, LedgerEvent, LedgerState, SettledOutcome } from '../core/ports.js';
import { emptyInstanceLedger, LEDGER_RETENTION_DAYS, shortReason, tally } from '../pipeline/ledger/event-ledger.js';
import { opsKeys, TTL_ATTRIBUTE } from './tables.js';
import { queryAll } from './dynamo-query.js';

/** Conditional updates in flight at once for one `accepted` call (a poll page may carry a few hundred events). */
const PARALLEL_WRITES = 16;

export interface EventLedgerOptions {
  retentionDays?: number;
  now?: () => Date;
}

export class DynamoEventLedger implements EventLedger {
  private readonly retentionSeconds: number;
  private readonly now: () => Date;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    options: EventLedgerOptions = {},
  ) {
    this.retentionSeconds = (options.retentionDays ?? LEDGER_RETENTION_DAYS) * 24 * 60 * 60;
    this.now = options.now ?? (() => new Date());
  }

  async accepted(events: readonly LedgerEvent[]): Promise<void> {
    const unique = new Map(events.map((e) => [`${e.tenantId}|${e.instance}/${e.sourceEventId}`, e]));
    const pending = [...unique.values()];
    const worker = async () => {
      // if_not_exists: a record that exists (accepted before, or already applied by a fast merge) keeps its state.
      for (let e = pending.shift(); e; e = pending.shift())
        await this.update(e, 'SET #state = if_not_exists(#state, :accepted)', { ':accepted': 'accepted' satisfies LedgerState });
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL_WRITES, pending.length) }, worker));
  }

  async applied(e: LedgerEvent, outcome: SettledOutcome): Promise<void> {
    // Applied is final, except that the copy that did the work replaces a duplicate that settled first (two deliveries
    // of one event in concurrent batches settle in either order).
    const replaces = outcome === 'duplicate' ? undefined : { condition: 'outcome = :duplicate', values: { ':duplicate': 'duplicate' } };
    await this.transition(
      e,
      'applied',
      'SET #state = :applied, outcome = :outcome, appliedAt = :now',
      { ':applied': 'applied', ':outcome': outcome },
      replaces,
    );
  }

  async deadLettered(e: LedgerEvent, reason: string): Promise<void> {
    await this.transition(e, 'dead-lettered', 'SET #state = :deadLettered, reason = :reason, deadLetteredAt = :now', {
      ':deadLettered': 'dead-lettered',
      ':reason': shortReason(reason),
    });
  }

  async count(tenantId: string, instance: string): Promise<InstanceLedger> {
    const counts = emptyInstanceLedger();
    const now = Math.floor(this.now().getTime() / 1000);
    const records = queryAll(this.db, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      // DynamoDB Local never expires items and AWS may take days: expired records are skipped here too.
      FilterExpression: '#ttl > :now',
      ProjectionExpression: '#state, outcome, reason, acceptedAt',
      ExpressionAttributeNames: { '#state': 'state', '#ttl': TTL_ATTRIBUTE },
      ExpressionAttributeValues: { ':pk': opsKeys.ledgerPartition(tenantId, instance), ':now': now },
      ConsistentRead: true,
    });
    for await (const item of records) tally(counts, item as Parameters<typeof tally>[1]);
    return counts;
  }

  /** Moves the record to a settled state unless it is applied already (or `or` holds: an applied record it may replace). */
  private async transition(
    e: LedgerEvent,
    to: LedgerState,
    set: string,
    values: Record<string, unknown>,
    or?: { condition: string; values: Record<string, unknown> },
  ): Promise<void> {
    try {
      const condition = `attribute_not_exists(#state) OR #state <> :final${or ? ` OR ${or.condition}` : ''}`;
      await this.update(e, set, { ...values, ...or?.values, ':final': 'applied' satisfies LedgerState }, condition);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return; // applied before: this copy changes nothing
      throw new Error(`could not record ${e.tenantId}/${e.instance} event as ${to}: ${(error as Error).message}`, { cause: error });
    }
  }

  private async update(e: LedgerEvent, set: string, values: Record<string, unknown>, condition?: string): Promise<void> {
    const now = this.now();
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: opsKeys.ledger(e.tenantId, e.instance, e.sourceEventId),
        // acceptedAt stays the first time seen; the TTL restarts with every change, so a replayed event is kept its full time.
        UpdateExpression: `${set}, acceptedAt = if_not_exists(acceptedAt, :now), #ttl = :expires`,
        ...(condition ? { ConditionExpression: condition } : {}),
        ExpressionAttributeNames: { '#state': 'state', '#ttl': TTL_ATTRIBUTE },
        ExpressionAttributeValues: {
          ...values,
          ':now': now.toISOString(),
          ':expires': Math.floor(now.getTime() / 1000) + this.retentionSeconds,
        },
      }),
    );
  }
}
