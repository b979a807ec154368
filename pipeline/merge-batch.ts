// A batch of queued events through the merge engine; reports which messages failed so only those are retried.
import { randomUUID } from 'node:crypto';
import { CanonicalEvent } from '../core/events.js';
import { identifierKey } from '../core/identifiers.js';
import { ConflictRetry } from '../core/errors.js';
import { destinationChanged, mergeEvent } from '../core/merge/merge-service.js';
import { StagedProfileRepository, StageConflict } from '../core/merge/staged-profile-repository.js';
import type {
  MergeOutcome,
  ProfileRepository,
  PushMessage,
  PushQueue,
  PushSnapshotStore,
  StatusRecorder,
  TenantStatsStore,
} from '../core/ports.js';
import type { Logger } from '../connectors/sdk/index.js';
import type { InstanceResolver } from './instances.js';
import { acceptRedelivered, settleInLedger, type MergeAccounting } from './ledger/settle-in-ledger.js';

export interface MergeBatchDeps {
  instances: InstanceResolver;
  profiles: ProfileRepository;
  push: PushQueue;
  status: StatusRecorder;
  log: Logger;
  newProfileId?: () => string;
  /** Tenant stats of the last campaign sweep (cached), so the merge sees every campaign field that changed. */
  stats?: Pick<TenantStatsStore, 'get'>;
  now?: () => Date;
  /** What the push last wrote to each destination, so a destination's echo of it is acknowledged (core/merge/echoes.ts). */
  snapshots?: Pick<PushSnapshotStore, 'get'>;
  /** The event ledger and the queue's maxReceiveCount; absent (benchmarks, unit tests of the merge), nothing is accounted. */
  accounting?: MergeAccounting;
}

export interface QueuedMessage {
  id: string;
  body: string;
  /** SQS's ApproximateReceiveCount: at the queue's maxReceiveCount a failure sends the message to the DLQ. */
  receiveCount?: number;
}

export interface BatchResult {
  failedIds: string[];
  outcomes: Map<string, MergeOutcome['status']>;
  /** Why each failed message failed (for the ledger's dead letters; reasons name fields and errors, not values). */
  reasons: Map<string, string>;
}

/** Events sharing an identifier go through one lane in order; lanes run concurrently. */
const LANES = 8;

export async function mergeBatch(deps: MergeBatchDeps, messages: readonly QueuedMessage[]): Promise<BatchResult> {
  const failed = new Set<string>();
  const reasons = new Map<string, string>();
  const events = new Map<string, CanonicalEvent>();
  const outcomes = new Map<string, MergeOutcome['status']>();
  const pushes: PushMessage[] = [];
  const lanes = new Map<string, { message: QueuedMessage; event: CanonicalEvent }[]>();

  for (const message of messages) {
    const event = decode(message);
    if (event instanceof Error) {
      // Poison: retrying cannot fix it, but failing it sends it to the DLQ with the reason in the log.
      deps.log.error('message is not a canonical event', { messageId: message.id, reason: event.message });
      failed.add(message.id);
      reasons.set(message.id, `not a canonical event: ${event.message}`);
      continue;
    }
    events.set(message.id, event);
  }
  if (deps.accounting) {
    try {
      await acceptRedelivered(deps.accounting, messages, events);
    } catch (error) {
      // Merged without the record, a redelivered message that died now could vanish from the accounting: wait.
      deps.log.error('could not record redelivered messages as accepted; failing them', { reason: (error as Error).message });
      for (const m of messages)
        if ((m.receiveCount ?? 1) > 1 && events.has(m.id)) {
          failed.add(m.id);
          reasons.set(m.id, `could not record it as accepted: ${(error as Error).message}`);
        }
    }
  }
  for (const message of messages) {
    const event = events.get(message.id);
    if (!event || failed.has(message.id)) continue;
    const lane = `${event.tenantId}|${event.identifiers.map(identifierKey).sort()[0] ?? message.id}`;
    lanes.set(lane, [...(lanes.get(lane) ?? []), { message, event }]);
  }

  const queue = [...lanes.values()];
  const counts = new Map<string, { ok: number; error: number; tenantId: string; instance: string }>();
  const worker = async () => {
    for (let lane = queue.shift(); lane; lane = queue.shift()) {
      const result = await mergeLane(deps, lane);
      for (const [id, status] of result.outcomes) outcomes.set(id, status);
      for (const id of result.failedIds) failed.add(id);
      for (const [id, reason] of result.reasons) reasons.set(id, reason);
      pushes.push(...result.pushes);
      for (const { message, event } of lane) {
        const key = `${event.tenantId}/${event.source.instance}`;
        const count = counts.get(key) ?? { ok: 0, error: 0, tenantId: event.tenantId, instance: event.source.instance };
        counts.set(key, count);
        if (failed.has(message.id)) count.error++;
        else count.ok++;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(LANES, queue.length) }, worker));

  try {
    await deps.push.send(uniquePushes(pushes));
  } catch (error) {
    // The merges are committed; redelivery finds them as duplicates and asks for the push again.
    deps.log.error('could not queue pushes; failing the batch for redelivery', { reason: (error as Error).message });
    for (const message of messages) {
      failed.add(message.id);
      if (!reasons.has(message.id)) reasons.set(message.id, `could not queue pushes: ${(error as Error).message}`);
    }
  }
  if (deps.accounting) await settleInLedger({ ...deps.accounting, log: deps.log }, messages, events, { failed, reasons, outcomes });
  for (const c of counts.values()) {
    if (c.ok > 0) await deps.status.record(c.tenantId, c.instance, 'merge', 'ok', c.ok);
    if (c.error > 0) await deps.status.record(c.tenantId, c.instance, 'merge', 'error', c.error);
  }
  return { failedIds: [...failed], outcomes, reasons };
}

interface LaneResult {
  outcomes: Map<string, MergeOutcome['status']>;
  failedIds: string[];
  reasons: Map<string, string>;
  pushes: PushMessage[];
}

const LANE_ATTEMPTS = 5;

/**
 * Merges one lane (events of one tenant sharing an identifier) through a stage, so each profile is written once
 * for the whole lane; a conflict with another writer re-applies the lane from fresh reads.
 */
async function mergeLane(deps: MergeBatchDeps, lane: readonly { message: QueuedMessage; event: CanonicalEvent }[]): Promise<LaneResult> {
  const tenantId = lane[0]!.event.tenantId;
  const tenant = deps.instances.tenant(tenantId);
  for (let attempt = 1; ; attempt++) {
    const stage = new StagedProfileRepository(deps.profiles, tenantId);
    const merge = {
      profiles: stage,
      newProfileId: deps.newProfileId ?? randomUUID,
      ...(deps.stats ? { stats: deps.stats } : {}),
      ...(deps.now ? { now: deps.now } : {}),
      ...(deps.snapshots ? { snapshots: deps.snapshots } : {}),
    };
    const result: LaneResult = { outcomes: new Map(), failedIds: [], reasons: new Map(), pushes: [] };
    try {
      for (const { message, event } of lane) {
        try {
          const outcome = await mergeEvent(merge, tenant, event);
          result.outcomes.set(message.id, outcome.status);
          result.pushes.push(...outcome.push);
        } catch (error) {
          if (error instanceof StageConflict) throw error;
          deps.log.error('merge failed', { messageId: message.id, tenantId, type: event.type, reason: (error as Error).message });
          result.failedIds.push(message.id);
          result.reasons.set(message.id, `merge failed: ${(error as Error).message}`);
        }
      }
      await stage.flush();
    } catch (error) {
      const conflict = error instanceof ConflictRetry || error instanceof StageConflict;
      if (conflict && attempt < LANE_ATTEMPTS) {
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
        continue;
      }
      deps.log.error('lane could not be written', { tenantId, messages: lane.length, reason: (error as Error).message });
      const reason = `lane could not be written: ${(error as Error).message}`;
      return {
        outcomes: new Map(),
        failedIds: lane.map((l) => l.message.id),
        reasons: new Map(lane.map((l) => [l.message.id, reason])),
        pushes: [],
      };
    }
    const context = { now: deps.now?.() ?? new Date(), ...(deps.stats ? { stats: await deps.stats.get(tenantId) } : {}) };
    for (const { before, after } of stage.changes()) {
      if (after.mergedInto === undefined && destinationChanged(tenant, before, after, context))
        result.pushes.push({ kind: 'sync', tenantId, profileId: after.profileId });
    }
    return result;
  }
}

function decode(message: QueuedMessage): CanonicalEvent | Error {
  try {
    const result = CanonicalEvent.safeParse(JSON.parse(message.body));
    return result.success ? result.data : new Error(result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  } catch {
    return new Error('body is not JSON');
  }
}

function uniquePushes(pushes: readonly PushMessage[]): PushMessage[] {
  const byKey = new Map<string, PushMessage>();
  for (const p of pushes)
    byKey.set(p.kind === 'sync' ? `sync|${p.tenantId}|${p.profileId}` : `erase|${p.tenantId}|${p.subject.profileId}`, p);
  return [...byKey.values()];
}
