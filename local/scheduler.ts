// The local stand-in for EventBridge Scheduler: invokes the poll handler for each polling instance on its interval.
import type { SynclineConfig } from '../core/config.js';
import type { Logger } from '../connectors/sdk/index.js';
import type { PollInput } from '../lambdas/poll.js';

export interface Scheduler {
  stop(): void;
  /** Runs every schedule once now, as a backfill does. */
  runAll(): Promise<void>;
}

export function startScheduler(
  config: SynclineConfig,
  poll: (input: PollInput) => Promise<unknown>,
  log: Logger,
  options: { runAtStart?: boolean } = {},
): Scheduler {
  const timers: NodeJS.Timeout[] = [];
  const running = new Set<string>();
  const jobs = config.tenants.flatMap((tenant) =>
    tenant.instances
      .filter((i) => i.pollEveryMinutes !== undefined)
      .map((i) => ({ tenantId: tenant.id, instanceId: i.id, everyMs: i.pollEveryMinutes! * 60_000 })),
  );

  async function run(job: (typeof jobs)[number]): Promise<void> {
    const key = `${job.tenantId}/${job.instanceId}`;
    // Like a scheduler with a single concurrent run: skip a tick while the previous run is still paging.
    if (running.has(key)) return;
    running.add(key);
    try {
      await poll({ tenantId: job.tenantId, instanceId: job.instanceId });
    } catch (error) {
      log.error('scheduled poll failed', { tenantId: job.tenantId, instance: job.instanceId, reason: (error as Error).message });
    } finally {
      running.delete(key);
    }
  }

  for (const job of jobs) {
    timers.push(setInterval(() => void run(job), job.everyMs));
    if (options.runAtStart) void run(job);
  }
  return {
    stop: () => timers.forEach(clearInterval),
    runAll: async () => {
      await Promise.all(jobs.map(run));
    },
  };
}
