// Incremental poll of Klaviyo events by datetime: one page per call, resumable from its cursor, high-water mark between passes.
import { z } from 'zod';
import { jsonCursor, PayloadInvalid, type ConnectorContext, type EventDraft, type PollBudget, type PollPage } from '../sdk/index.js';
import { KlaviyoClient, type KlaviyoClientOptions } from './client.js';
import type { KlaviyoSecrets, KlaviyoSettings } from './config.js';
import { klaviyoEventToDrafts, klaviyoTimeToIso, metricSlug } from './mapping.js';
import type { EventPage } from './schemas.js';

const Time = z.iso.datetime({ offset: true }).nullable();

export const PollCursor = z.object({
  v: z.literal(1),
  /** Klaviyo's page[cursor] within the current pass (from links.next); null at its start. */
  page: z.string().nullable(),
  /** Where the current pass started: the high-water mark of the last finished pass. */
  since: Time,
  /** Latest event datetime seen in the current pass. */
  highWater: Time,
});
export type PollCursor = z.infer<typeof PollCursor>;
const cursorJson = jsonCursor(PollCursor, 'Klaviyo');

export function readCursor(text: string | undefined, settings: KlaviyoSettings): PollCursor {
  return cursorJson.read(text) ?? { v: 1, page: null, since: settings.pollFrom ?? null, highWater: null };
}

/** links.next is an absolute URL on Klaviyo's host; we keep only its page[cursor] and ask our own base URL. */
function nextPageCursor(page: EventPage): string | null {
  const next = page.links?.next;
  if (!next) return null;
  try {
    return new URL(next).searchParams.get('page[cursor]');
  } catch {
    return null;
  }
}

export function pageToDrafts(page: EventPage, instance: string): { drafts: EventDraft[]; times: string[] } {
  const metrics = new Map<string, string>();
  const profiles = new Map<string, { email?: string | null | undefined; phone_number?: string | null | undefined }>();
  for (const item of page.included) {
    const attributes = (item as { attributes?: Record<string, unknown> }).attributes ?? {};
    if (item.type === 'metric' && typeof attributes['name'] === 'string') metrics.set(item.id, attributes['name']);
    if (item.type === 'profile') profiles.set(item.id, attributes as { email?: string; phone_number?: string });
  }
  const drafts: EventDraft[] = [];
  const times: string[] = [];
  for (const event of page.data) {
    const occurredAt =
      klaviyoTimeToIso(event.attributes.datetime) ?? (event.attributes.timestamp !== undefined ? new Date(event.attributes.timestamp * 1000).toISOString() : undefined);
    if (occurredAt === undefined) throw new PayloadInvalid('Klaviyo event without datetime or timestamp');
    times.push(occurredAt);
    const metricName = metrics.get(event.relationships?.metric?.data?.id ?? '');
    const profileId = event.relationships?.profile?.data?.id;
    const profile = profileId ? profiles.get(profileId) : undefined;
    if (metricName === undefined) continue;
    drafts.push(
      ...klaviyoEventToDrafts(
        {
          id: event.id,
          metric: metricSlug(metricName),
          occurredAt,
          properties: event.attributes.event_properties ?? {},
          ...(profileId ? { profileId } : {}),
          ...(profile?.email ? { email: profile.email } : {}),
          ...(profile?.phone_number ? { phone: profile.phone_number } : {}),
        },
        instance,
      ),
    );
  }
  return { drafts, times };
}

const later = (a: string | null, b: string) => (a === null || b > a ? b : a);

export async function pollKlaviyo(
  context: ConnectorContext<KlaviyoSettings, KlaviyoSecrets>,
  cursorText: string | undefined,
  budget: PollBudget,
  options: KlaviyoClientOptions = {},
): Promise<PollPage> {
  const cursor = readCursor(cursorText, context.settings);
  const client = new KlaviyoClient(context.settings, context.secrets, { deadline: budget.deadline, ...options });
  // greater-or-equal, not greater-than: an event in the same second as the mark but stored after the last read
  // would otherwise be lost. The boundary events come again on the next pass, with the same event ids.
  const page = await client.events({ since: cursor.since, cursor: cursor.page });
  const { drafts, times } = pageToDrafts(page, context.instance);
  const highWater = times.reduce(later, cursor.highWater);
  const next = nextPageCursor(page);
  if (next !== null) return { events: drafts, nextCursor: cursorJson.write({ ...cursor, page: next, highWater }), hasMore: true };
  const done: PollCursor = { v: 1, page: null, since: highWater ?? cursor.since, highWater: null };
  context.log.debug('klaviyo poll caught up', { since: done.since });
  return { events: drafts, nextCursor: cursorJson.write(done), hasMore: false };
}
