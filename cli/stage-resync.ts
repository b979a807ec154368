// `syncline resync --stage <stage>`: a dry run reads the stage's tables from here; a real resync is queued as a job
// item for the stage's resync function (lambdas/resync.ts, on its schedule, with the push's secrets and pace), and
// followed here until it completes. Ctrl-C stops following, not the job.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SynclineConfig } from '../core/config.js';
import type { ProfileRepository, StatusRecorder } from '../core/ports.js';
import type { Logger } from '../connectors/sdk/index.js';
import { DynamoCursorStore, DynamoPushSnapshotStore } from '../aws/dynamo-ops-store.js';
import { DynamoOpenResyncJobs } from '../aws/dynamo-open-resync-jobs.js';
import type { InstanceResolver } from '../pipeline/instances.js';
import { destinationPace } from '../pipeline/resync/destination-pace.js';
import { estimateEtaMs, sleep } from '../pipeline/resync/pacer.js';
import { isOpen, newResyncJob, readResyncJob, saveResyncJob, type ResyncJob } from '../pipeline/resync/resync-job.js';
import { resyncDestination, runResync, type ResyncOptions, type ResyncProgress } from '../pipeline/resync/run-resync.js';
import { CommandFailed } from './errors.js';

export interface StageResyncDeps {
  config: SynclineConfig;
  instances: InstanceResolver;
  db: DynamoDBDocumentClient;
  tables: { ops: string };
  profiles: ProfileRepository;
  status: StatusRecorder;
  log: Logger;
  /** Between reads of the job item while following it (default 5 s). */
  followEveryMs?: number;
}

export async function queueStageResync(
  deps: StageResyncDeps,
  tenantId: string,
  instanceId: string,
  options: Pick<ResyncOptions, 'full' | 'dryRun' | 'restart' | 'batchSize' | 'onProgress'>,
): Promise<ResyncProgress> {
  const cursors = new DynamoCursorStore(deps.db, deps.tables.ops);
  const push = {
    instances: deps.instances,
    profiles: deps.profiles,
    snapshots: new DynamoPushSnapshotStore(deps.db, deps.tables.ops),
    status: deps.status,
    log: deps.log,
  };
  if (options.dryRun) return runResync({ push, cursors, log: deps.log }, tenantId, instanceId, options);
  const destination = await resyncDestination({ push }, tenantId, instanceId);
  const mode = options.full ? 'full' : 'normal';
  const saved = await readResyncJob(cursors, tenantId, instanceId);
  if (isOpen(saved) && !options.restart && saved.mode !== mode)
    throw new CommandFailed(
      `a ${saved.mode} resync of ${tenantId}/${instanceId} is unfinished: run it ${saved.mode === 'full' ? 'with' : 'without'} --full to follow it, or with --restart`,
    );
  if (!isOpen(saved) || options.restart)
    await saveResyncJob(cursors, newResyncJob(destination.tenant, destination.instance, mode, new Date().toISOString(), options.batchSize));
  // Listed for the scheduled run (also an unfinished job being followed: a list lost to a crash is made good here).
  await new DynamoOpenResyncJobs(deps.db, deps.tables.ops).add({ tenantId, instanceId });
  const view = (job: ResyncJob): ResyncProgress => {
    const done = job.counts.pushed + job.counts.unchanged + job.counts.skippedConsent + job.counts.failed;
    const batchSize = job.batchSize ?? destination.connector.push!.maxBatchSize;
    const pace = destinationPace(destination.connector.name);
    const finished = job.state === 'complete';
    return {
      tenantId,
      instanceId,
      connector: destination.connector.name,
      mode: job.mode,
      dryRun: false,
      mappingChanged: false,
      resumed: job.runs > 1,
      done,
      total: job.total,
      percent: job.total ? Math.min(100, (done / job.total) * 100) : undefined,
      counts: job.counts,
      failureReasons: job.failureReasons,
      failures: job.failures,
      perSecond: job.elapsedMs > 0 ? (done / job.elapsedMs) * 1000 : 0,
      etaMs: finished
        ? 0
        : estimateEtaMs({
            done,
            total: job.total,
            doneThisRun: done,
            elapsedThisRunMs: job.elapsedMs,
            batchSize,
            minIntervalMs: pace.minIntervalMs,
          }),
      elapsedMs: job.elapsedMs,
      pace,
      batchSize,
      finished,
      interrupted: false,
    };
  };
  for (;;) {
    const job = await readResyncJob(cursors, tenantId, instanceId);
    if (!job) throw new CommandFailed(`the job item of ${tenantId}/${instanceId} is gone`);
    const progress = view(job);
    options.onProgress?.(progress);
    if (progress.finished) return progress;
    await sleep(deps.followEveryMs ?? 5_000);
  }
}
