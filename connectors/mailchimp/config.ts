// Settings and secrets of one Mailchimp connector instance (one audience).
import * as z from 'zod';

const MergeTag = z.string().regex(/^[A-Z0-9_]{1,10}$/, 'a Mailchimp merge tag such as FNAME (upper case, at most 10 characters)');

export const MailchimpSettings = z.object({
  /** The audience (list) id, e.g. "a6b5da1054". */
  listId: z.string().regex(/^[a-z0-9]{1,32}$/i, 'the audience id from Audience → Settings → Audience name and defaults'),
  /** syncline field name → Mailchimp merge tag. Fields without an entry are not sent. */
  mergeFields: z.record(z.string().min(1), MergeTag).default({ firstName: 'FNAME', lastName: 'LNAME', phone: 'PHONE' }),
  /**
   * syncline field name → Mailchimp tag name: a true value makes the tag active on the member, false or null
   * inactive. This is how segments travel (tags are Mailchimp's static segments).
   */
  tagFields: z.record(z.string().min(1), z.string().min(1).max(100)).default({}),
  /** The API root, when not `https://{dc}.api.mailchimp.com/3.0` (the simulator, a proxy). */
  apiBaseUrl: z.url().optional(),
  /**
   * When set, the poll also reads the opens and clicks of the campaigns sent in the last this many days
   * (GET /reports, GET /reports/{campaign_id}/email-activity): Mailchimp's webhooks report neither.
   */
  engagementDays: z.number().int().min(1).max(180).optional(),
  /** Requests in flight at once. Mailchimp allows 10 simultaneous connections per user, shared with other apps. */
  concurrency: z.number().int().min(1).max(10).default(4),
});
export type MailchimpSettings = z.infer<typeof MailchimpSettings>;

export const MailchimpSecrets = z.object({
  /** Marketing API key; its suffix after the last "-" names the data center ("…-us21"). */
  apiKey: z.string().regex(/^[A-Za-z0-9]+-[a-z]+[0-9]+$/, 'a Marketing API key ending in its data center, e.g. "…-us21"'),
  /**
   * Mailchimp does not sign webhooks; its guide recommends a secret in the callback URL. Register the webhook as
   * `https://…/webhooks/{tenant}/{instance}?token=<webhookToken>`.
   */
  webhookToken: z.string().min(16, 'at least 16 characters of randomness'),
});
export type MailchimpSecrets = z.infer<typeof MailchimpSecrets>;

/** The API root for this instance: the override, or the key's data center. */
export function apiRoot(settings: MailchimpSettings, secrets: MailchimpSecrets): string {
  if (settings.apiBaseUrl) return settings.apiBaseUrl.replace(/\/+$/, '');
  const dc = secrets.apiKey.slice(secrets.apiKey.lastIndexOf('-') + 1);
  return `https://${dc}.api.mailchimp.com/3.0`;
}
