// The resyncs this local stack runs (`syncline resync` streams one; the status page's buttons start one in the
// background): one run per destination at a time, every run stopped (its job item saved) when the stack stops.
import type { CursorStore } from '../core/ports.js';
import type { Logger } from '../connectors/sdk/index.js';
import type { PushDeps } from '../pipeline/push-profiles.js';
import { readResyncJob, type ResyncJob } from '../pipeline/resync/resync-job.js';
import { resyncDestination, runResync, type ResyncOptions, type ResyncProgress } from '../pipeline/resync/run-resync.js';

export class ResyncBusy extends Error {
  override readonly name = 'ResyncBusy';
}

export interface ResyncRunner {
  /** Runs a resync to its end (or its signal); throws ResyncBusy when one of the destination is running here. */
  run(tenantId: string, instanceId: string, options: ResyncOptions): Promise<ResyncProgress>;
  /** Starts one in the background once the destination is checked: false when one is running already. */
  start(tenantId: string, instanceId: string, options: Pick<ResyncOptions, 'full'>): Promise<boolean>;
  job(tenantId: string, instanceId: string): Promise<ResyncJob | undefined>;
  running(tenantId: string, instanceId: string): boolean;
  /** Stops every run after its page in flight and waits for them. */
  stop(): Promise<void>;
}

export function createResyncRunner(deps: () => { push: PushDeps; cursors: CursorStore; log: Logger }): ResyncRunner {
  const runs = new Map<string, { stop: AbortController; done: Promise<unknown> }>();
  const key = (tenantId: string, instanceId: string) => `${tenantId}/${instanceId}`;

  const run: ResyncRunner['run'] = async (tenantId, instanceId, options) => {
    const k = key(tenantId, instanceId);
    if (runs.has(k)) throw new ResyncBusy(`a resync of ${k} is running already (started here or from the status page)`);
    const stop = new AbortController();
    options.signal?.addEventListener('abort', () => stop.abort(), { once: true });
    const done = runResync(deps(), tenantId, instanceId, { ...options, signal: stop.signal });
    // Dry runs write nothing and may run beside a real one.
    if (options.dryRun) return done;
    runs.set(k, { stop, done: done.catch(() => {}) });
    try {
      return await done;
    } finally {
      runs.delete(k);
    }
  };

  return {
    run,
    async start(tenantId, instanceId, options) {
      await resyncDestination(deps(), tenantId, instanceId);
      if (runs.has(key(tenantId, instanceId))) return false;
      run(tenantId, instanceId, options).catch((error: Error) =>
        deps().log.error('resync failed', { tenantId, instance: instanceId, reason: error.message }),
      );
      return true;
    },
    job: (tenantId, instanceId) => readResyncJob(deps().cursors, tenantId, instanceId),
    running: (tenantId, instanceId) => runs.has(key(tenantId, instanceId)),
    async stop() {
      for (const { stop } of runs.values()) stop.abort();
      await Promise.all([...runs.values()].map((r) => r.done));
    },
  };
}
