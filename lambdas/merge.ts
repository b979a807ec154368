// SQS changes queue → merge engine → DynamoDB; reports partial batch failures (ReportBatchItemFailures).
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { mergeBatch, type MergeBatchDeps } from '../pipeline/merge-batch.js';
import { once, shared, tenantsOnly } from './container.js';
import { DynamoCatalogStore } from '../aws/dynamo-catalog.js';
import { DynamoPushSnapshotStore, DynamoQuarantineStore } from '../aws/dynamo-ops-store.js';
import { sqsClient } from '../aws/aws-clients.js';
import { SQS_MAX_DELAY_SECONDS, SqsMessageQueue } from '../aws/sqs-queue.js';
import type { PushMessage } from '../core/ports.js';
import type { SynclineConfig } from '../core/config.js';
import { messageScope, type MessageScope } from '../pipeline/scope/message-scope.js';
import { QUEUE_SENDERS_VARIABLE, queueSendersFrom, REPLAY_OF_ATTRIBUTE } from '../pipeline/scope/queue-senders.js';

/**
 * `deps` without a `scope` get the stage's: every message is judged by its SenderId against the producers in
 * SYNCLINE_QUEUE_SENDERS and by what it claims against the deployed config (pipeline/scope/, issue 16 item 11).
 */
export function createMergeHandler(deps: () => MergeBatchDeps) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const base = deps();
    const { failedIds } = await mergeBatch(
      { ...base, scope: base.scope ?? stageScope(base.instances.config) },
      event.Records.map((r) => {
        const replayOf = r.messageAttributes?.[REPLAY_OF_ATTRIBUTE]?.stringValue;
        return {
          id: r.messageId,
          body: r.body,
          receiveCount: Number(r.attributes.ApproximateReceiveCount) || 1,
          sender: { ...(r.attributes.SenderId ? { senderId: r.attributes.SenderId } : {}), ...(replayOf ? { replayOf } : {}) },
        };
      }),
    );
    return { batchItemFailures: failedIds.map((itemIdentifier) => ({ itemIdentifier })) };
  };
}

/** Built once per config (per container): the sender map is read from the environment the stack sets. */
const stageScope = (config: SynclineConfig): MessageScope =>
  once('merge-scope', () => messageScope(config, queueSendersFrom(process.env[QUEUE_SENDERS_VARIABLE])));

/** The changes queue's redrive maxReceiveCount; 5 is what cdk/ and createQueues use when nothing says otherwise. */
function changesMaxReceiveCount(env: NodeJS.ProcessEnv = process.env): number {
  const value = env.CHANGES_MAX_RECEIVE_COUNT;
  if (value === undefined || value === '') return 5;
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1)
    throw new Error(`CHANGES_MAX_RECEIVE_COUNT must be a whole number of receives ≥ 1, not "${value}"`);
  return count;
}

/**
 * PUSH_DELAY_SECONDS: how long SQS holds the merge's push messages before the push can receive them (DelaySeconds;
 * cdk/handlers.ts PUSH_DELAY_SECONDS; 0 or unset: none). A person's webhooks that land in different merge batches
 * (an order, its checkout and the customer update arrive within seconds) each ask for a push; held a while, the first
 * of them to be pushed reads the profile after all of them (the push reads the latest version) and the later ones find
 * nothing new: one vendor call and one snapshot write instead of one per batch.
 */
function pushDelaySeconds(env: NodeJS.ProcessEnv = process.env): number {
  const value = env.PUSH_DELAY_SECONDS;
  if (value === undefined || value === '') return 0;
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > SQS_MAX_DELAY_SECONDS)
    throw new Error(`PUSH_DELAY_SECONDS must be a whole number of seconds from 0 to ${SQS_MAX_DELAY_SECONDS}, not "${value}"`);
  return seconds;
}

export function mergeRuntime(): MergeBatchDeps {
  return once('merge', () => {
    const { log, profiles, push, status, stats, now, ledger, db, names } = shared();
    const delaySeconds = pushDelaySeconds();
    return {
      // The merge reads tenants' config and binds no connector instance: it loads no connector and no secret.
      instances: tenantsOnly('merge'),
      profiles,
      // Its syncs (and erasures) held PUSH_DELAY_SECONDS; the other producers' messages (sweep, replays) are not.
      push: delaySeconds > 0 ? new SqsMessageQueue<PushMessage>(sqsClient(), push.queueUrl, { delaySeconds }) : push,
      status,
      log,
      newProfileId: randomUUID,
      // The merge reads the push snapshots (never writes them): a destination's echo of our write is not news.
      snapshots: new DynamoPushSnapshotStore(db, names.ops),
      stats,
      now,
      accounting: { ledger, maxReceiveCount: changesMaxReceiveCount() },
      // The tenants' product catalogs, on the profiles table: product changes are stored, lines categorised.
      catalog: new DynamoCatalogStore(db, names.profiles),
      // Entries the collect function (no table write grant) sends along the changes queue (pipeline/quarantine/queued-quarantine.ts).
      quarantine: new DynamoQuarantineStore(db, names.ops),
    };
  });
}

export const handler = createMergeHandler(mergeRuntime);
