// Running a connector against its simulated vendor in a test: start, use, always stop; poll until caught up.
import type { EventDraft } from '../../../core/events.js';
import type { PollPage } from '../define-connector.js';

/** Runs `run` against a started simulator and stops the simulator afterwards, also when `run` fails. */
export async function withVendor<Vendor extends { stop(): Promise<void> }>(
  started: Promise<Vendor>,
  run: (vendor: Vendor) => Promise<void>,
): Promise<void> {
  const vendor = await started;
  try {
    await run(vendor);
  } finally {
    await vendor.stop();
  }
}

/**
 * What a chain of scheduled runs reads: `nextPage` from `from` until the connector says it has caught up (at most
 * `limit` pages). `nextPage` gets the cursor and the page's number, so a test can change the vendor between pages.
 */
export async function drainPoll(
  nextPage: (cursor: string | undefined, page: number) => Promise<PollPage>,
  from?: string,
  limit = 100,
): Promise<{ events: EventDraft[]; cursor: string; pages: number }> {
  const events: EventDraft[] = [];
  let cursor = from;
  let pages = 0;
  while (pages < limit) {
    const page = await nextPage(cursor, pages++);
    events.push(...page.events);
    cursor = page.nextCursor;
    if (!page.hasMore) break;
  }
  return { events, cursor: cursor!, pages };
}
