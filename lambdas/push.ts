// SQS push queue → destination connectors; reports partial batch failures so only failed profiles are retried.
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import * as z from 'zod';
import { DynamoCatalogStore } from '../aws/dynamo-catalog.js';
import { pushProfiles, type PushDeps, type QueuedPush } from '../pipeline/push-profiles.js';
import type { PushMessage } from '../core/ports.js';
import { Identifier } from '../core/identifiers.js';
import { DynamoCampaignContactLog } from '../aws/dynamo-campaign-store.js';
import { DynamoErasureReceipts } from '../aws/dynamo-erasure-receipts.js';
import { DynamoPushSnapshotStore, DynamoQuarantineStore } from '../aws/dynamo-ops-store.js';
import { connectedInstances } from './connected-instances.js';
import { once, shared } from './container.js';
import { secretsProvider } from './secrets-provider.js';
import { surveySecret } from '../pipeline/survey/survey-secret.js';
import { PACK_MAX_BYTES } from '../pipeline/packed-syncs.js';

const PushMessageSchema: z.ZodType<PushMessage> = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('sync'),
    tenantId: z.string(),
    profileId: z.string(),
    statsAt: z.string().optional(),
    version: z.number().int().nonnegative().optional(),
  }),
  // A merge batch's syncs of one tenant (pipeline/packed-syncs.ts); single syncs above are still sent (a pack of one, the
  // sweep, messages in flight at deploy, replays of older dead letters).
  z.object({
    kind: z.literal('syncs'),
    tenantId: z.string(),
    profiles: z
      .array(z.object({ profileId: z.string(), version: z.number().int().nonnegative().optional() }))
      .min(1)
      // `{"profileId":""}` is 16 bytes: no pack within PACK_MAX_BYTES holds more, whatever MAX_PACKED was when it was sent.
      .max(PACK_MAX_BYTES / 16),
    statsAt: z.string().optional(),
  }),
  z.object({
    kind: z.literal('erase'),
    tenantId: z.string(),
    requestId: z.string().optional(),
    subject: z.object({ profileId: z.string(), identifiers: z.array(Identifier), email: z.string().optional() }),
    mergedFrom: z.array(z.string()).optional(),
  }),
]);

function createPushHandler(deps: () => PushDeps) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const queued: QueuedPush[] = [];
    const poison: string[] = [];
    for (const record of event.Records) {
      const parsed = safeJson(record.body);
      const result = PushMessageSchema.safeParse(parsed);
      if (result.success) queued.push({ id: record.messageId, message: result.data });
      else {
        deps().log.error('push message is malformed', { messageId: record.messageId });
        poison.push(record.messageId);
      }
    }
    const failed = await pushProfiles(deps(), queued);
    return { batchItemFailures: [...poison, ...failed].map((itemIdentifier) => ({ itemIdentifier })) };
  };
}

function safeJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

export function pushRuntime(): PushDeps {
  return once('push', () => {
    const { log, profiles, status, stats, now, db, names, digestKey } = shared();
    return {
      instances: connectedInstances(),
      profiles,
      snapshots: new DynamoPushSnapshotStore(db, names.ops),
      status,
      log,
      stats,
      contacts: new DynamoCampaignContactLog(db, names.ops),
      receipts: new DynamoErasureReceipts(db, names.ops, digestKey ? { digestKey } : {}),
      quarantine: new DynamoQuarantineStore(db, names.ops),
      // The tenants' catalogs (on the profiles table, read as the merge writes them): comparable products to suggest.
      catalog: new DynamoCatalogStore(db, names.profiles),
      now,
      // The stack sets the stage's API URL; the local stack its server's.
      surveyLinks: { secret: (tenantId) => surveySecret(secretsProvider(), tenantId), baseUrl: () => process.env.SYNCLINE_PUBLIC_URL },
    };
  });
}

export const handler = createPushHandler(pushRuntime);
