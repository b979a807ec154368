// Poll of the X-Series change feed: customers, then sales, each `after=<highest version seen>` until a page comes
// back empty. One page per call; the cursor is the version high-water mark of each stream, so a run resumes
// exactly where the last one stopped and a record changed again later comes back with its new version.
import { z } from 'zod';
import { jsonCursor, type ConnectorContext, type EventDraft, type PollBudget, type PollPage } from '../sdk/index.js';
import { LightspeedRetailClient, type RetailClientOptions } from './client.js';
import type { LightspeedRetailSecrets, LightspeedRetailSettings } from './config.js';
import { mapCustomer, mapSale } from './mapping.js';

const STREAMS = ['customers', 'sales'] as const;
type Stream = (typeof STREAMS)[number];

export const PollCursor = z.object({
  v: z.literal(1),
  stream: z.enum(STREAMS),
  /** Per stream: the highest version read so far (0 before the first page). */
  after: z.object({ customers: z.number().int().nonnegative(), sales: z.number().int().nonnegative() }),
});
export type PollCursor = z.infer<typeof PollCursor>;
const cursorJson = jsonCursor(PollCursor, 'Lightspeed Retail');

const START: PollCursor = { v: 1, stream: 'customers', after: { customers: 0, sales: 0 } };

export function readCursor(text: string | undefined): PollCursor {
  return cursorJson.read(text) ?? START;
}

export async function pollRetail(
  context: ConnectorContext<LightspeedRetailSettings, LightspeedRetailSecrets>,
  cursorText: string | undefined,
  _budget: PollBudget,
  options: RetailClientOptions = {},
): Promise<PollPage> {
  const cursor = readCursor(cursorText);
  const client = new LightspeedRetailClient(context.settings, context.secrets, options);
  const mapping = { instance: context.instance, currency: context.settings.currency, anonymousCustomerIds: context.settings.anonymousCustomerIds };
  const after = cursor.after[cursor.stream];

  let events: EventDraft[];
  let versions: number[];
  if (cursor.stream === 'customers') {
    const page = await client.customers(after, context.settings.pageSize);
    events = page.data.flatMap((c) => mapCustomer(c, mapping));
    versions = page.data.map((c) => c.version ?? 0);
    versions.push(page.version?.max ?? 0);
  } else {
    const page = await client.sales(after, context.settings.pageSize);
    events = page.data.flatMap((s) => mapSale(s, mapping));
    versions = page.data.map((s) => s.version ?? 0);
    versions.push(page.version?.max ?? 0);
  }
  const highest = Math.max(after, ...versions);
  if (highest > after) {
    return { events, nextCursor: cursorJson.write({ ...cursor, after: { ...cursor.after, [cursor.stream]: highest } }), hasMore: true };
  }
  // An empty page (or one that did not move the version): this stream has caught up; read the other one next.
  const next: Stream = cursor.stream === 'customers' ? 'sales' : 'customers';
  context.log.debug('lightspeed-retail poll stream caught up', { stream: cursor.stream, after });
  return { events, nextCursor: cursorJson.write({ ...cursor, stream: next }), hasMore: next === 'sales' };
}
