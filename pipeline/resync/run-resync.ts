// `syncline resync <tenant> <destination>`: every live profile of the tenant pushed to one destination, page by page in
// the connector's batch size, at the destination's pace (destination-pace.ts), through the same push as the queue's
// (pipeline/push-profiles.ts: consent, field mapping, snapshot diff, pending snapshots), with a job item that a
// second run resumes after the last profile handled (resync-job.ts). The listing is the tenant's own index, in id
// order: its cost grows with the tenant's profiles only.
import type { Logger } from '../../connectors/sdk/index.js';
import type { CursorStore } from '../../core/ports.js';
import type { Profile } from '../../core/profile.js';
import type { BoundInstance } from '../instances.js';
import { pushProfiles, type PushDeps, type ScopedOutcome } from '../push-profiles.js';
import { destinationPace, type DestinationPace } from './destination-pace.js';
import { createPacer, estimateEtaMs, sleep as realSleep, type Sleep } from './pacer.js';
import {
  isOpen,
  KEPT_FAILURES,
  mappingChangedSince,
  newResyncJob,
  readResyncJob,
  saveResyncJob,
  type ResyncCounts,
  type ResyncJob,
} from './resync-job.js';

export interface ResyncDeps {
  push: PushDeps;
  /** Where the job item lives (the ops table's cursor items). */
  cursors: CursorStore;
  log: Logger;
}

export interface ResyncOptions {
  /** Re-send every field, whatever the push snapshots say (after a field-mapping change). */
  full?: boolean;
  /** Count what would be pushed and skipped; no vendor call, no write. */
  dryRun?: boolean;
  /** Start over even when an interrupted job is waiting to be resumed. */
  restart?: boolean;
  /** Stops after the page in flight (its cursor saved): Ctrl-C, a closed page, a Lambda's time budget. */
  signal?: AbortSignal;
  onProgress?: (progress: ResyncProgress) => void;
  /** Profiles per push call (default and at most the connector's maxBatchSize). */
  batchSize?: number;
  /** Override of the destination's pace (tests). */
  pace?: DestinationPace;
  now?: () => number;
  sleep?: Sleep;
}

export interface ResyncProgress {
  tenantId: string;
  instanceId: string;
  connector: string;
  mode: 'normal' | 'full';
  dryRun: boolean;
  /** A normal run whose destination's field mapping changed since the last complete resync: `--full` would re-send every field. */
  mappingChanged: boolean;
  /** This run picked up an interrupted job. */
  resumed: boolean;
  /** Profiles handled by the job so far (every run), and the tenant's live profiles when it started. */
  done: number;
  total: number | undefined;
  percent: number | undefined;
  counts: ResyncCounts;
  /** Dry run only: consenting profiles that the destination has a push snapshot of (a normal run sends only changes). */
  withSnapshot?: number;
  failureReasons: Record<string, number>;
  failures: { profileId: string; reason: string }[];
  /** Profiles per second of this run, and the time left (undefined before the first page or without a total). */
  perSecond: number;
  etaMs: number | undefined;
  elapsedMs: number;
  pace: DestinationPace;
  batchSize: number;
  finished: boolean;
  interrupted: boolean;
}

export class NotADestination extends Error {
  override readonly name = 'NotADestination';
}

const handled = (c: ResyncCounts) => c.pushed + c.unchanged + c.skippedConsent + c.failed;

/** The destination, checked: configured to receive pushes, and its connector can push. */
export async function resyncDestination(deps: Pick<ResyncDeps, 'push'>, tenantId: string, instanceId: string): Promise<BoundInstance> {
  const bound = await deps.push.instances.resolve(tenantId, instanceId);
  if (!bound.connector.push)
    throw new NotADestination(`${tenantId}/${instanceId} (${bound.connector.name}) cannot receive pushes: it is a source only`);
  if (!bound.instance.push)
    throw new NotADestination(`${tenantId}/${instanceId} is not a destination: set "push": true on it in the config first`);
  return bound;
}

export async function runResync(
  deps: ResyncDeps,
  tenantId: string,
  instanceId: string,
  options: ResyncOptions = {},
): Promise<ResyncProgress> {
  const now = options.now ?? Date.now;
  const destination = await resyncDestination(deps, tenantId, instanceId);
  const push = destination.connector.push!;
  const pace = options.pace ?? destinationPace(destination.connector.name);
  const askedBatchSize = options.batchSize;
  const startedAt = now();
  const mode = options.full ? 'full' : 'normal';
  const dryRun = options.dryRun === true;

  const last = await readResyncJob(deps.cursors, tenantId, instanceId);
  const mappingChanged = mode === 'normal' && mappingChangedSince(last, destination.tenant, destination.instance);
  const saved = options.restart || dryRun ? undefined : last;
  const resumable = isOpen(saved);
  if (resumable && saved.mode !== mode)
    throw new Error(
      `a ${saved.mode} resync of ${tenantId}/${instanceId} is unfinished (${handled(saved.counts)} profiles done): run it ${saved.mode === 'full' ? 'with' : 'without'} --full to resume it, or with --restart to start a ${mode} one`,
    );
  const total = resumable && saved.total !== undefined ? saved.total : await countProfiles(deps, tenantId);
  const iso = (ms: number) => new Date(ms).toISOString();
  const job: ResyncJob = {
    ...(resumable ? saved : newResyncJob(destination.tenant, destination.instance, mode, iso(startedAt), askedBatchSize)),
    ...(total !== undefined ? { total } : {}),
    state: 'running',
    updatedAt: iso(startedAt),
  };
  job.runs++;
  // A normal run does not bring the destination onto a changed mapping (values did not change, names did): the job
  // keeps the mapping the destination last received in full, so the change is still pointed out afterwards.
  if (!resumable && mode === 'normal' && last?.state === 'complete') job.mappingDigest = last.mappingDigest;
  // A queued job (`--stage`) carries the batch size it was asked with; a run's own option wins.
  const batchSize = Math.max(1, Math.min(askedBatchSize ?? job.batchSize ?? push.maxBatchSize, push.maxBatchSize));
  const resumed = resumable && saved.runs > 0;
  const earlierElapsed = job.elapsedMs;
  const doneBefore = handled(job.counts);
  let withSnapshot = 0;
  const pacer = createPacer(pace.minIntervalMs, now, options.sleep ?? realSleep);

  const progress = (finished: boolean, interrupted: boolean): ResyncProgress => {
    const elapsedThisRunMs = now() - startedAt;
    const done = handled(job.counts);
    const doneThisRun = done - doneBefore;
    const etaMs = finished
      ? 0
      : estimateEtaMs({ done, total: job.total, doneThisRun, elapsedThisRunMs, batchSize, minIntervalMs: pace.minIntervalMs });
    return {
      tenantId,
      instanceId,
      connector: destination.connector.name,
      mode: job.mode,
      dryRun,
      mappingChanged,
      resumed,
      done,
      total: job.total,
      percent: job.total ? Math.min(100, (done / job.total) * 100) : finished ? 100 : undefined,
      counts: { ...job.counts },
      ...(dryRun ? { withSnapshot } : {}),
      failureReasons: { ...job.failureReasons },
      failures: [...job.failures],
      perSecond: elapsedThisRunMs > 0 ? (doneThisRun / elapsedThisRunMs) * 1000 : 0,
      etaMs,
      elapsedMs: earlierElapsed + elapsedThisRunMs,
      pace,
      batchSize,
      finished,
      interrupted,
    };
  };

  const handlePage = async (page: Profile[]): Promise<void> => {
    const consenting = (p: Profile) => p.consent[push.purpose]?.granted === true;
    if (dryRun) {
      const keys = page.filter(consenting).map((p) => ({ profileId: p.profileId, instance: instanceId }));
      const snapshots = deps.push.snapshots;
      if (!options.full && keys.length > 0) {
        if (snapshots.getMany) withSnapshot += (await snapshots.getMany(tenantId, keys)).size;
        else for (const k of keys) if (await snapshots.get(tenantId, k.profileId, instanceId)) withSnapshot++;
      }
      for (const p of page) consenting(p) ? job.counts.pushed++ : job.counts.skippedConsent++;
      return;
    }
    const outcomes = new Map<string, ScopedOutcome>();
    const callStartedAt = now();
    const failed = new Set(
      await pushProfiles(
        deps.push,
        page.map((p) => ({ id: p.profileId, message: { kind: 'sync', tenantId, profileId: p.profileId } })),
        { instance: instanceId, full: options.full === true, onOutcome: (o) => outcomes.set(o.profileId, o) },
      ),
    );
    if (outcomes.size > 0) pacer.pushed(callStartedAt);
    for (const p of page) {
      const outcome = outcomes.get(p.profileId);
      if (!consenting(p)) job.counts.skippedConsent++;
      else if (outcome?.status === 'pushed') job.counts.pushed++;
      else if (outcome !== undefined || failed.has(p.profileId)) {
        const reason = outcome?.reason ?? 'the push could not be prepared (see the log)';
        job.counts.failed++;
        job.failureReasons[reason] = (job.failureReasons[reason] ?? 0) + 1;
        if (job.failures.length < KEPT_FAILURES) job.failures.push({ profileId: p.profileId, reason });
      } else job.counts.unchanged++;
    }
  };

  let interrupted = false;
  let page: Profile[] = [];
  /** Handles the page unless stopped while waiting for the pace: then it stays undone, for the next run. */
  const flush = async (): Promise<boolean> => {
    if (page.length === 0) return true;
    if (!dryRun) await pacer.ready(options.signal);
    if (options.signal?.aborted) return false;
    await handlePage(page);
    job.after = page.at(-1)!.profileId;
    page = [];
    job.updatedAt = iso(now());
    job.elapsedMs = earlierElapsed + (now() - startedAt);
    // Saved after the page's snapshots: a run killed before this line re-sends at most this page, which the snapshots
    // (a normal run) recognise as already there.
    if (!dryRun) await saveResyncJob(deps.cursors, job);
    options.onProgress?.(progress(false, false));
    return true;
  };
  if (!dryRun) await saveResyncJob(deps.cursors, job);
  for await (const profile of deps.push.profiles.listProfiles(tenantId, job.after !== undefined ? { after: job.after } : {})) {
    if (options.signal?.aborted) {
      interrupted = true;
      break;
    }
    page.push(profile);
    if (page.length >= batchSize && !(await flush())) {
      interrupted = true;
      break;
    }
  }
  if (!interrupted) interrupted = !(await flush());
  job.state = interrupted ? 'interrupted' : 'complete';
  job.updatedAt = iso(now());
  job.elapsedMs = earlierElapsed + (now() - startedAt);
  if (!interrupted) job.completedAt = job.updatedAt;
  if (!dryRun) await saveResyncJob(deps.cursors, job);
  const result = progress(!interrupted, interrupted);
  deps.log.info(dryRun ? 'resync dry run finished' : interrupted ? 'resync interrupted' : 'resync finished', {
    tenantId,
    instance: instanceId,
    mode: job.mode,
    ...job.counts,
    runs: job.runs,
  });
  return result;
}

/** The tenant's live profiles from its index keys, or undefined when the repository cannot count. */
async function countProfiles(deps: ResyncDeps, tenantId: string): Promise<number | undefined> {
  try {
    return await deps.push.profiles.countProfiles?.(tenantId);
  } catch (error) {
    deps.log.warn('could not count the tenant for the resync; no ETA', { tenantId, reason: (error as Error).message });
    return undefined;
  }
}
