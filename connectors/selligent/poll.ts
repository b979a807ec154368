// Engagement poll: page through the list by record id (keyset, one data/search page per call), then read each
// record's e-mail engagement. The cursor is the last id read; a finished pass starts over at the next schedule.
import * as z from 'zod';
import {
  jsonCursor,
  mapLimited,
  normaliseEmail,
  PayloadInvalid,
  VendorRejected,
  type ConnectorContext,
  type EventDraft,
  type PollBudget,
  type PollPage,
} from '../sdk/index.js';
import { SelligentClient, type SelligentClientOptions } from './client.js';
import type { SelligentSecrets, SelligentSettings } from './config.js';
import { engagementToEvents } from './mapping.js';

export const PollCursor = z.object({ v: z.literal(1), afterId: z.number().int().nonnegative() });
export type PollCursor = z.infer<typeof PollCursor>;
const cursorJson = jsonCursor(PollCursor, 'Selligent');

const START: PollCursor = { v: 1, afterId: 0 };
/** Engagement reads in flight at once: the API has one GET per record and publishes no rate limit. */
const CONCURRENCY = 4;

export function readCursor(text: string | undefined): PollCursor {
  return cursorJson.read(text) ?? START;
}

export async function pollEngagement(
  context: ConnectorContext<SelligentSettings, SelligentSecrets>,
  cursorText: string | undefined,
  _budget: PollBudget,
  options: SelligentClientOptions = {},
): Promise<PollPage> {
  const { settings } = context;
  const cursor = readCursor(cursorText);
  const client = new SelligentClient(settings, context.secrets, options);
  const page = await client.search({
    fields: [settings.idField, settings.keyField],
    filters: [{ field_name: settings.idField, operator: 'GreaterThan', field_value: String(cursor.afterId) }],
    take: settings.pageSize,
    order_by: settings.idField,
    order_by_direction: 'ASC',
  });
  if (page.result_code && page.result_code !== 'Succeeded') {
    throw new VendorRejected(`Selligent answered ${page.result_code} to data/search on list ${settings.list}`);
  }
  const fields = page.fields ?? [];
  const idAt = fields.indexOf(settings.idField);
  const mailAt = fields.indexOf(settings.keyField);
  if (idAt < 0) throw new PayloadInvalid(`Selligent data/search answered without the ${settings.idField} column`);
  const records = (page.data ?? []).map((row) => ({
    id: Number(row[idAt]),
    email: normaliseEmail(mailAt < 0 ? undefined : String(row[mailAt] ?? '')),
  }));
  if (records.some((r) => !Number.isSafeInteger(r.id) || r.id <= cursor.afterId)) {
    throw new PayloadInvalid(`Selligent data/search returned ${settings.idField} values that are not ascending ids after the cursor`);
  }

  const ctx = { instance: context.instance, list: settings.list, timeZone: settings.timeZone };
  const perRecord = await mapLimited(records, CONCURRENCY, async (record) =>
    engagementToEvents(String(record.id), record.email, await client.emailEngagement(String(record.id)), ctx),
  );
  const events: EventDraft[] = perRecord.flat();
  const last = records.at(-1);
  if (records.length === settings.pageSize && last) {
    return { events, nextCursor: cursorJson.write({ v: 1, afterId: last.id }), hasMore: true };
  }
  // A full pass is done: engagement changes on old records too, so the next scheduled run reads the list again.
  context.log.debug('selligent engagement pass finished', { records: records.length });
  return { events, nextCursor: cursorJson.write(START), hasMore: false };
}
