// Poll of the audience's unsubscribed members by last_changed: catches up withdrawals whose webhook was missed
// (Mailchimp retries a webhook for 75 minutes, then drops it); with `engagementDays`, also the opens and clicks of
// the recent campaigns, which no Mailchimp webhook reports. One page per call, resumable from its cursor.
import { incrementalStreams, type ConnectorContext } from '../sdk/index.js';
import { MailchimpClient, type MailchimpClientOptions } from './client.js';
import type { MailchimpSecrets, MailchimpSettings } from './config.js';
import { emailActivityToEvents, unsubscribedMemberToEvents } from './mapping.js';

/** Members per page; the documented maximum of `count` is 1,000. */
const PAGE = 500;
/** Activity pages per campaign a position can address: position = campaign index × this + page. */
const PAGES_PER_CAMPAIGN = 100_000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** `since_last_changed` keeps members changed *after* it, to the second: a second of overlap loses none. */
const OVERLAP_MS = 1000;

type Context = ConnectorContext<MailchimpSettings, MailchimpSecrets>;

const streams = incrementalStreams({
  vendor: 'Mailchimp',
  paging: 'pages',
  nextPassFrom: 'highWater',
  client: (context: Context, _budget, options: MailchimpClientOptions = {}) =>
    new MailchimpClient(context.settings, context.secrets, options),
  enabled: (settings) => (settings?.engagementDays ? ['unsubscribes', 'engagement'] : ['unsubscribes']),
  streams: {
    /** The campaigns sent to this audience in the last `engagementDays`, oldest first; per campaign its activity pages. */
    async engagement(client, { since, position }, context) {
      const sent = new Date(context.now().getTime() - (context.settings.engagementDays ?? 30) * DAY_MS).toISOString();
      const campaigns = (await client.reports(sent)).reports
        .filter((r) => r.list_id === undefined || r.list_id === context.settings.listId)
        .sort((a, b) => (a.send_time ?? '').localeCompare(b.send_time ?? '') || a.id.localeCompare(b.id));
      const index = Math.floor((position - 1) / PAGES_PER_CAMPAIGN);
      const page = ((position - 1) % PAGES_PER_CAMPAIGN) + 1;
      const campaign = campaigns[index];
      if (campaign === undefined) return { events: [], marks: [], next: null };
      const from = since === null ? null : new Date(Date.parse(since) - OVERLAP_MS).toISOString();
      const activity = await client.emailActivity(campaign.id, { since: from, offset: (page - 1) * PAGE, count: PAGE });
      const more = page * PAGE < activity.total_items && page < PAGES_PER_CAMPAIGN;
      const next = more ? position + 1 : index + 1 < campaigns.length ? (index + 1) * PAGES_PER_CAMPAIGN + 1 : null;
      const events = activity.emails.flatMap((r) => emailActivityToEvents(r, campaign.id));
      return { events, marks: events.map((e) => e.occurredAt), next };
    },
    async unsubscribes(client, { since, position }, context) {
      const from = since === null ? null : new Date(Date.parse(since) - OVERLAP_MS).toISOString();
      const page = await client.members({ status: 'unsubscribed', since: from, offset: (position - 1) * PAGE, count: PAGE });
      return {
        events: page.members.flatMap((m) => unsubscribedMemberToEvents(m, context.settings.listId)),
        marks: page.members.map((m) => new Date(m.last_changed).toISOString()),
        next: position * PAGE < page.total_items ? position + 1 : null,
      };
    },
  },
});

export const pollMailchimp = streams.poll;
export const readCursor = streams.readCursor;
