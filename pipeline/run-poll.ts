// One scheduled poll of a connector instance: page from the saved cursor, queue each page, then save the cursor.
import type { CursorStore, EventQueue, StatusRecorder } from '../core/ports.js';
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
}

export async function runPoll(deps: PollDeps, tenantId: string, instanceId: string, budget: PollBudget): Promise<PollRun> {
  const { connector, context } = await deps.instances.resolve(tenantId, instanceId);
  if (!connector.poll) throw new Error(`connector ${connector.name} of ${tenantId}/${instanceId} cannot poll`);
  let cursor = await deps.cursors.get(tenantId, instanceId);
  const run: PollRun = { pages: 0, events: 0, caughtUp: false };
  try {
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
    throw error;
  }
  await deps.status.record(tenantId, instanceId, 'poll', 'ok', run.events);
  deps.log.info('poll finished', { tenantId, instance: instanceId, ...run });
  return run;
}
