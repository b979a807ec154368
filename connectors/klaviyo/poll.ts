// Incremental poll of Klaviyo events by datetime: one page per call, resumable from its cursor, high-water mark between passes.
import { incrementalStreams, PayloadInvalid, type ConnectorContext, type EventDraft } from '../sdk/index.js';
import { KlaviyoClient, type KlaviyoClientOptions } from './client.js';
import type { KlaviyoSecrets, KlaviyoSettings } from './config.js';
import { klaviyoEventToDrafts, klaviyoTimeToIso, metricSlug } from './mapping.js';
import type { EventPage } from './schemas.js';

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
      klaviyoTimeToIso(event.attributes.datetime) ??
      (event.attributes.timestamp !== undefined ? new Date(event.attributes.timestamp * 1000).toISOString() : undefined);
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

type Context = ConnectorContext<KlaviyoSettings, KlaviyoSecrets>;

/** One stream of events, paged by Klaviyo's page[cursor]; the cursor is saved as { v, page, since, highWater }. */
const streams = incrementalStreams({
  vendor: 'Klaviyo',
  paging: 'tokens',
  nextPassFrom: 'highWater',
  cursorKeys: { position: 'page', flat: true },
  start: (settings: KlaviyoSettings | undefined) => settings?.pollFrom ?? null,
  client: (context: Context, budget, options: KlaviyoClientOptions = {}) =>
    new KlaviyoClient(context.settings, context.secrets, { deadline: budget.deadline, ...options }),
  streams: {
    // greater-or-equal, not greater-than: an event in the same second as the mark but stored after the last read
    // would otherwise be lost. The boundary events come again on the next pass, with the same event ids.
    async events(client, { since, position }, context) {
      const page = await client.events({ since, cursor: position });
      const { drafts, times } = pageToDrafts(page, context.instance);
      return { events: drafts, marks: times, next: nextPageCursor(page) };
    },
  },
});

export const pollKlaviyo = streams.poll;
export const readCursor = streams.readCursor;
