// Scheduled resync runs (`syncline resync --stage` queues a job item; pipeline/resync/): every open job of every
// tenant's destinations, one after the other, until the invocation's time budget is used; a job not finished then is
// saved after its last page and continued by the next scheduled run. A run stops a minute before its timeout, and the
// timeout is shorter than the schedule's period, so two runs do not overlap (cdk/syncline-stack.ts).
import type { Context } from 'aws-lambda';
import { DynamoCursorStore } from '../aws/dynamo-ops-store.js';
import { readResyncJob, isOpen } from '../pipeline/resync/resync-job.js';
import { runResync, type ResyncDeps, type ResyncProgress } from '../pipeline/resync/run-resync.js';
import { once, shared } from './container.js';
import { pushRuntime } from './push.js';

/** Left of the invocation when a run is told to stop: its page in flight, the job item's write, the answer. */
const MARGIN_MS = 60_000;

export function resyncRuntime(): ResyncDeps {
  return once('resync', () => {
    const { log, db, names } = shared();
    return { push: pushRuntime(), cursors: new DynamoCursorStore(db, names.ops), log };
  });
}

function createResyncHandler(deps: () => ResyncDeps) {
  return async (_input: unknown, context?: Pick<Context, 'getRemainingTimeInMillis'>): Promise<ResyncProgress[]> => {
    const runtime = deps();
    const budgetMs = (context?.getRemainingTimeInMillis() ?? 15 * 60_000) - MARGIN_MS;
    const stop = AbortSignal.timeout(Math.max(1_000, budgetMs));
    const runs: ResyncProgress[] = [];
    for (const tenant of runtime.push.instances.config.tenants) {
      for (const instance of tenant.instances.filter((i) => i.push)) {
        if (stop.aborted) return runs;
        const job = await readResyncJob(runtime.cursors, tenant.id, instance.id);
        if (!isOpen(job)) continue;
        try {
          runs.push(await runResync(runtime, tenant.id, instance.id, { full: job.mode === 'full', signal: stop }));
        } catch (error) {
          // The job stays open: the next run tries again; the error is in the log (no personal data: reasons only).
          runtime.log.error('resync run failed', { tenantId: tenant.id, instance: instance.id, reason: (error as Error).message });
        }
      }
    }
    return runs;
  };
}

export const handler = createResyncHandler(resyncRuntime);
