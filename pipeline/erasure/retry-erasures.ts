// The sweep's part of erasure: receipts still open a while after their last attempt (a destination failed, the push
// message went to the DLQ, or was lost) are queued again as erase messages; past the max age they are closed as
// failed-permanently and reported for an operator, and the kept subject (personal data) is dropped.
import type { PendingErasure } from '../../core/erasure/receipts.js';
import type { ErasureReceiptStore, ProfileRepository, PushMessage, PushQueue, PushSnapshotStore } from '../../core/ports.js';
import type { Logger } from '../../connectors/sdk/index.js';

const MINUTE = 60_000;
/** Longer than the push queue's redeliveries take, so the sweep does not race SQS's own retries. */
const ERASURE_RETRY_AFTER_MS = 15 * MINUTE;
/** GDPR gives a month; two weeks of automatic retries leave an operator time to finish by hand. */
const ERASURE_MAX_AGE_MS = 14 * 24 * 60 * MINUTE;

export interface ErasureRetryDeps {
  receipts: ErasureReceiptStore;
  push: PushQueue;
  /** With it, an erasure whose person is known here again (a new profile holds one of the identifiers) is not retried. */
  profiles?: Pick<ProfileRepository, 'lookup'>;
  /**
   * With them, an erasure given up also drops what was kept for its retries at the push snapshots: the destinations'
   * own ids for the person (id-only snapshots, erase-at-destinations.ts), which nothing else would ever remove.
   */
  snapshots?: Pick<PushSnapshotStore, 'removeAll'>;
  log: Logger;
  now?: () => Date;
  retryAfterMs?: number;
  maxAgeMs?: number;
}

export interface ErasureRetryRun {
  /** Erase messages queued again. */
  requeued: number;
  /** Open, but tried too recently to queue again. */
  waiting: number;
  /** Closed as failed-permanently in this run. */
  givenUp: number;
}

export async function retryErasures(deps: ErasureRetryDeps, tenantId: string): Promise<ErasureRetryRun> {
  const now = deps.now?.() ?? new Date();
  const at = now.toISOString();
  const retryAfter = deps.retryAfterMs ?? ERASURE_RETRY_AFTER_MS;
  const maxAge = deps.maxAgeMs ?? ERASURE_MAX_AGE_MS;
  const run: ErasureRetryRun = { requeued: 0, waiting: 0, givenUp: 0 };
  const retries: { message: PushMessage; requestId: string; subjectDigest: string }[] = [];

  for (const pending of await deps.receipts.pending(tenantId)) {
    const { requestId, subjectDigest } = pending;
    if (now.getTime() - Date.parse(pending.requestedAt) > maxAge) {
      await deps.receipts.close(
        tenantId,
        requestId,
        subjectDigest,
        'failed-permanently',
        at,
        `retries stopped ${Math.round(maxAge / 86_400_000)} days after the request`,
      );
      await dropRetryIds(deps, pending);
      // An error, so that the function's error alarm calls an operator: `syncline erasure <tenant> <requestId>` says where.
      deps.log.error('erasure failed permanently: finish it at the destinations by hand', {
        tenantId,
        requestId,
        subjectDigest,
        requestedAt: pending.requestedAt,
      });
      run.givenUp++;
      continue;
    }
    if (now.getTime() - Date.parse(pending.lastTriedAt) < retryAfter) {
      run.waiting++;
      continue;
    }
    // The erased identifiers point nowhere any more; one that points somewhere belongs to a person who came back
    // (signed up again). A retry would delete their new data at the destinations: an operator decides instead.
    if (deps.profiles && (await deps.profiles.lookup(tenantId, pending.subject.identifiers)).size > 0) {
      await deps.receipts.close(
        tenantId,
        requestId,
        subjectDigest,
        'failed-permanently',
        at,
        'not retried: the person is known again since the request (a new profile holds one of the identifiers); finish the failed destinations by hand',
      );
      await dropRetryIds(deps, pending);
      deps.log.error('erasure not retried: the person came back; finish it at the destinations by hand', {
        tenantId,
        requestId,
        subjectDigest,
      });
      run.givenUp++;
      continue;
    }
    // An erase message only deletes at destinations: the profile was erased here already and is never re-created.
    const mergedFrom = pending.mergedFrom ?? [];
    retries.push({
      message: { kind: 'erase', tenantId, subject: pending.subject, requestId, ...(mergedFrom.length > 0 ? { mergedFrom } : {}) },
      requestId,
      subjectDigest,
    });
  }

  for (let i = 0; i < retries.length; i += 10) {
    const chunk = retries.slice(i, i + 10);
    await deps.push.send(chunk.map((r) => r.message));
    // After the send: a failed send leaves the receipt due, and the next sweep tries again.
    for (const r of chunk) await deps.receipts.touch(tenantId, r.requestId, r.subjectDigest, at);
    run.requeued += chunk.length;
  }
  if (run.requeued + run.givenUp > 0) deps.log.info('erasure retries', { tenantId, ...run });
  return run;
}

/** The id-only snapshots a failed attempt kept for retries, under the subject's id and the ids it absorbed. */
async function dropRetryIds(deps: ErasureRetryDeps, pending: PendingErasure): Promise<void> {
  if (!deps.snapshots) return;
  for (const id of [pending.subject.profileId, ...(pending.mergedFrom ?? [])]) await deps.snapshots.removeAll(pending.tenantId, id);
}
