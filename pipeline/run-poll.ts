// One scheduled poll of a connector instance: page from the saved cursor, queue each page, then save the cursor.
import type { CursorStore, EventQueue, StatusRecorder } from '../core/ports.js';
import { ConfigInvalid } from '../connectors/sdk/errors.js';
import type { Logger, PollBudget } from '../connectors/sdk/index.js';
import { completeEvents } from './complete-event.js';
import type { InstanceResolver } from './instances.js';

export interface PollDeps {
  instances: InstanceResolver;
  events: EventQueue;
  cursors: CursorStore;
  status: StatusRecorder;
  log: Logger;
}

export interface PollRun {
  pages: number;
  events: number;
  caughtUp: boolean;
  /** Set when the run ended on a configuration error (bad settings or secrets, a refused vendor URL): not retried. */
  stopped?: string;
}

export async function runPoll(deps: PollDeps, tenantId: string, instanceId: string, budget: PollBudget): Promise<PollRun> {
  const run: PollRun = { pages: 0, events: 0, caughtUp: false };
  try {
    const { connector, context } = await deps.instances.resolve(tenantId, instanceId);
    if (!connector.poll) throw new ConfigInvalid(`connector ${connector.name} of ${tenantId}/${instanceId} cannot poll`);
    let cursor = await deps.cursors.get(tenantId, instanceId);
    while (run.pages < budget.maxPages && Date.now() < budget.deadline) {
      const page = await connector.poll(context, cursor, budget);
      const events = completeEvents(page.events, { tenantId, connector: connector.name, instance: instanceId, receivedAt: context.now() });
      // Queue before saving the cursor: a crash in between repeats a page (deduplicated), never skips one.
      await deps.events.send(events);
      await deps.cursors.put(tenantId, instanceId, page.nextCursor);
      cursor = page.nextCursor;
      run.pages++;
      run.events += events.length;
      if (!page.hasMore) {
        run.caughtUp = true;
        break;
      }
    }
  } catch (error) {
    await deps.status.record(tenantId, instanceId, 'poll', 'error');
    // Retries do not fix a configuration: the scheduler would run the same failing poll twice more. End the run as
    // reported and stopped; the next scheduled run tries again, after someone has fixed the instance.
    if (error instanceof ConfigInvalid) {
      deps.log.error('poll stopped: the instance is misconfigured', { tenantId, instance: instanceId, reason: error.message });
      return { ...run, stopped: error.message };
    }
    throw error;
  }
  await deps.status.record(tenantId, instanceId, 'poll', 'ok', run.events);
  deps.log.info('poll finished', { tenantId, instance: instanceId, ...run });
  return run;
}
