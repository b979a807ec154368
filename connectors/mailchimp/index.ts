// The Mailchimp connector: audience webhooks in (token in the URL), member upserts, tags and permanent deletion out.
import { defineConnector } from '../sdk/index.js';
import { MailchimpSecrets, MailchimpSettings } from './config.js';
import { eraseSubjects, MAX_BATCH_SIZE, pushChanges } from './destination.js';
import { pollMailchimp } from './poll.js';
import { mailchimpSubscriptions } from './subscriptions.js';
import { parseMailchimpWebhook, verifyMailchimpWebhook } from './webhook.js';

export { MailchimpSecrets, MailchimpSettings } from './config.js';

export const mailchimp = defineConnector<MailchimpSettings, MailchimpSecrets>({
  name: 'mailchimp',
  kind: 'email',
  description:
    'Mailchimp Marketing API 3.0: audience webhooks (subscribe, unsubscribe, profile, upemail, cleaned), a poll of unsubscribed members and (with engagementDays) of campaign opens and clicks, batch-subscribe grants and member upserts with merge fields and tags, address changes, permanent deletion',
  settingsSchema: MailchimpSettings,
  secretsSchema: MailchimpSecrets,
  verifyWebhook: (request, secrets) => verifyMailchimpWebhook(request, secrets),
  parseWebhook: parseMailchimpWebhook,
  // Missed unsubscribes caught up (set pollEveryMinutes on the instance).
  poll: (context, cursor, budget) => pollMailchimp(context, cursor, budget),
  push: {
    purpose: 'email_marketing',
    maxBatchSize: MAX_BATCH_SIZE,
    push: (context, changes) => pushChanges(context, changes),
  },
  erase: (context, subjects) => eraseSubjects(context, subjects),
  subscriptions: mailchimpSubscriptions,
});
