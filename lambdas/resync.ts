// Scheduled resync runs (`syncline resync --stage` queues a job item and lists it among the stage's open jobs;
// pipeline/resync/): the open jobs, one after the other, until the invocation's time budget is used; a job not finished
// then is saved after its last page and continued by the next scheduled run. A run with nothing to do reads one item,
// whatever the number of tenants. A run stops a minute before its timeout, and the timeout is shorter than the
// schedule's period, so two runs do not overlap (cdk/syncline-stack.ts).
import type { Context } from 'aws-lambda';
import { DynamoCursorStore } from '../aws/dynamo-ops-store.js';
import { DynamoOpenResyncJobs } from '../aws/dynamo-open-resync-jobs.js';
import type { OpenResyncJobs } from '../pipeline/resync/open-resync-jobs.js';
import { readResyncJob, isOpen } from '../pipeline/resync/resync-job.js';
import { runResync, type ResyncDeps, type ResyncProgress } from '../pipeline/resync/run-resync.js';
import { once, shared } from './container.js';
import { pushRuntime } from './push.js';

/** Left of the invocation when a run is told to stop: its page in flight, the job item's write, the answer. */
const MARGIN_MS = 60_000;

export function resyncRuntime(): ResyncDeps & { openJobs: OpenResyncJobs } {
  return once('resync', () => {
    const { log, db, names } = shared();
    return { push: pushRuntime(), cursors: new DynamoCursorStore(db, names.ops), openJobs: new DynamoOpenResyncJobs(db, names.ops), log };
  });
}

function createResyncHandler(deps: () => ResyncDeps & { openJobs: OpenResyncJobs }) {
  return async (_input: unknown, context?: Pick<Context, 'getRemainingTimeInMillis'>): Promise<ResyncProgress[]> => {
    const runtime = deps();
    const budgetMs = (context?.getRemainingTimeInMillis() ?? 15 * 60_000) - MARGIN_MS;
    const stop = AbortSignal.timeout(Math.max(1_000, budgetMs));
    const runs: ResyncProgress[] = [];
    for (const ref of await runtime.openJobs.list()) {
      if (stop.aborted) return runs;
      const { tenantId, instanceId } = ref;
      const configured = runtime.push.instances.config.tenants
        .find((t) => t.id === tenantId)
        ?.instances.some((i) => i.id === instanceId && i.push);
      const job = configured ? await readResyncJob(runtime.cursors, tenantId, instanceId) : undefined;
      // Finished (by a run that stopped before it could say so) or no longer a destination: nothing left to continue.
      if (!isOpen(job)) {
        await runtime.openJobs.remove(ref);
        continue;
      }
      try {
        const progress = await runResync(runtime, tenantId, instanceId, { full: job.mode === 'full', signal: stop });
        runs.push(progress);
        if (progress.finished) await runtime.openJobs.remove(ref);
      } catch (error) {
        // The job stays open: the next run tries again; the error is in the log (no personal data: reasons only).
        runtime.log.error('resync run failed', { tenantId, instance: instanceId, reason: (error as Error).message });
      }
    }
    return runs;
  };
}

export const handler = createResyncHandler(resyncRuntime);
