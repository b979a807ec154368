// The event ledger on the ops table: under `T#<tenant>#LEDGER#<instance>`, one item per call and instance (a
// producer's send, a merge batch's outcomes) holding its events by source event id. Items are only ever added, never
// updated: what an event became is what its records fold to (pipeline/ledger/event-ledger.ts), so a redelivered,
// retried or replayed event is still one event in one state, and a batch of ten costs one write instead of twenty.
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { EventLedger, InstanceLedger, LedgerEvent, LedgerSettlement, LedgerState, SettledOutcome } from '../core/ports.js';
import {
  emptyInstanceLedger,
  foldRecord,
  LEDGER_RETENTION_DAYS,
  shortReason,
  tally,
  type LedgerRecord,
} from '../pipeline/ledger/event-ledger.js';
import { batchPut, type BatchOptions } from './dynamo-batch.js';
import { opsKeys, TTL_ATTRIBUTE } from './tables.js';
import { queryAll } from './dynamo-query.js';
import { attributeBytes, deflateIfItPays, inflateJson } from './profile-codec.js';

/** Events per item: 500 ids of up to 256 characters stay far below DynamoDB's 400 KB item limit. */
const EVENTS_PER_ITEM = 500;

/** One event in an item, in short attribute names: state, outcome, reason. */
interface StoredEvent {
  s: LedgerState;
  o?: SettledOutcome;
  r?: string;
}

const record = (e: StoredEvent): LedgerRecord => ({
  state: e.s,
  ...(e.o !== undefined ? { outcome: e.o } : {}),
  ...(e.r !== undefined ? { reason: e.r } : {}),
});
const toStored = (r: LedgerRecord): StoredEvent => ({
  s: r.state,
  ...(r.outcome !== undefined ? { o: r.outcome } : {}),
  ...(r.reason !== undefined ? { r: r.reason } : {}),
});

export interface EventLedgerOptions extends BatchOptions {
  retentionDays?: number;
  now?: () => Date;
}

export class DynamoEventLedger implements EventLedger {
  private readonly retentionSeconds: number;
  private readonly now: () => Date;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly options: EventLedgerOptions = {},
  ) {
    this.retentionSeconds = (options.retentionDays ?? LEDGER_RETENTION_DAYS) * 24 * 60 * 60;
    this.now = options.now ?? (() => new Date());
  }

  async accepted(events: readonly LedgerEvent[]): Promise<void> {
    await this.write(events.map((e) => ({ event: e, stored: { s: 'accepted' } })));
  }

  async settled(settlements: readonly LedgerSettlement[]): Promise<void> {
    await this.write(
      settlements.map((s) => ({
        event: s,
        stored: s.state === 'applied' ? { s: 'applied', o: s.outcome } : { s: 'dead-lettered', r: shortReason(s.reason) },
      })),
    );
  }

  async count(tenantId: string, instance: string): Promise<InstanceLedger> {
    const now = Math.floor(this.now().getTime() / 1000);
    const items = queryAll(this.db, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      // DynamoDB Local never expires items and AWS may take days: expired records are skipped here too.
      FilterExpression: '#ttl > :now',
      ProjectionExpression: 'sk, events, eventsd, #at, #state, outcome, reason, acceptedAt',
      ExpressionAttributeNames: { '#state': 'state', '#ttl': TTL_ATTRIBUTE, '#at': 'at' },
      ExpressionAttributeValues: { ':pk': opsKeys.ledgerPartition(tenantId, instance), ':now': now },
      ConsistentRead: true,
    });
    const byEvent = new Map<string, LedgerRecord>();
    // Sort keys start with the write time, so records fold in the order they were written.
    for await (const item of items) {
      // A batch's records as a map, or deflated (`eventsd`) where that saved a write unit.
      const events = item.eventsd instanceof Uint8Array ? inflateJson(item.eventsd) : item.events;
      if (events && typeof events === 'object') {
        for (const [id, e] of Object.entries(events as Record<string, StoredEvent>))
          byEvent.set(id, foldRecord(byEvent.get(id), { ...record(e), acceptedAt: item.at as string }));
      } else if (typeof item.state === 'string') {
        // An item per event, as the ledger wrote them before batching: read until they expire.
        const id = item.sk as string;
        byEvent.set(id, foldRecord(byEvent.get(id), item as unknown as LedgerRecord));
      }
    }
    const counts = emptyInstanceLedger();
    for (const record of byEvent.values()) tally(counts, record);
    return counts;
  }

  /** One item per tenant and instance (per 500 events), all in one BatchWriteItem where they fit. */
  private async write(records: readonly { event: LedgerEvent; stored: StoredEvent }[]): Promise<void> {
    const now = this.now();
    const at = now.toISOString();
    const groups = new Map<string, { tenantId: string; instance: string; events: Record<string, StoredEvent>[] }>();
    for (const { event, stored } of records) {
      const key = `${event.tenantId}\u0000${event.instance}`;
      const group = groups.get(key) ?? { tenantId: event.tenantId, instance: event.instance, events: [{}] };
      groups.set(key, group);
      let last = group.events.at(-1)!;
      if (!(event.sourceEventId in last) && Object.keys(last).length >= EVENTS_PER_ITEM) group.events.push((last = {}));
      // Within one call a later record of the same event folds over an earlier one, as across calls.
      const earlier = last[event.sourceEventId];
      last[event.sourceEventId] = earlier ? toStored(foldRecord(record(earlier), record(stored))) : stored;
    }
    const items = [...groups.values()].flatMap(({ tenantId, instance, events }) =>
      events.map((map) => {
        const attributes = {
          pk: opsKeys.ledgerPartition(tenantId, instance),
          sk: `${opsKeys.ledgerRecordPrefix}${at}#${randomUUID()}`,
          at,
          [TTL_ATTRIBUTE]: Math.floor(now.getTime() / 1000) + this.retentionSeconds,
        };
        const deflated = deflateIfItPays(JSON.stringify(map), attributeBytes(attributes));
        return deflated ? { ...attributes, eventsd: deflated } : { ...attributes, events: map };
      }),
    );
    if (items.length === 0) return;
    try {
      await batchPut(this.db, this.table, items, this.options);
    } catch (error) {
      throw new Error(`could not record ${records.length} events in the ledger: ${(error as Error).message}`, { cause: error });
    }
  }
}
