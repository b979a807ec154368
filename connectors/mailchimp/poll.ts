// Poll of the audience's unsubscribed members by last_changed: catches up withdrawals whose webhook was missed
// (Mailchimp retries a webhook for 75 minutes, then drops it). One page per call, resumable from its cursor.
import { incrementalStreams, type ConnectorContext } from '../sdk/index.js';
import { MailchimpClient, type MailchimpClientOptions } from './client.js';
import type { MailchimpSecrets, MailchimpSettings } from './config.js';
import { unsubscribedMemberToEvents } from './mapping.js';

/** Members per page; the documented maximum of `count` is 1,000. */
const PAGE = 500;
/** `since_last_changed` keeps members changed *after* it, to the second: a second of overlap loses none. */
const OVERLAP_MS = 1000;

type Context = ConnectorContext<MailchimpSettings, MailchimpSecrets>;

const streams = incrementalStreams({
  vendor: 'Mailchimp',
  paging: 'pages',
  nextPassFrom: 'highWater',
  client: (context: Context, _budget, options: MailchimpClientOptions = {}) =>
    new MailchimpClient(context.settings, context.secrets, options),
  streams: {
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
