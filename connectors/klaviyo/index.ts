// The Klaviyo connector: signed system webhooks and an event poll in, bulk profile import, consent and deletion out.
import { defineConnector } from '../sdk/index.js';
import { KlaviyoSecrets, KlaviyoSettings } from './config.js';
import { eraseSubjects, MAX_BATCH_SIZE, pushChanges } from './destination.js';
import { pollKlaviyo } from './poll.js';
import { klaviyoSubscriptions } from './subscriptions.js';
import { parseKlaviyoWebhook, verifyKlaviyoWebhook } from './webhook.js';

export { KlaviyoSecrets, KlaviyoSettings } from './config.js';

export const klaviyo = defineConnector<KlaviyoSettings, KlaviyoSecrets>({
  name: 'klaviyo',
  kind: 'email',
  description:
    'Klaviyo JSON:API: HMAC-signed system webhooks and an incremental event poll (sends, opens, clicks, bounces, consent); bulk profile import jobs, subscription jobs and data-privacy deletion',
  settingsSchema: KlaviyoSettings,
  secretsSchema: KlaviyoSecrets,
  verifyWebhook: verifyKlaviyoWebhook,
  parseWebhook: parseKlaviyoWebhook,
  poll: (context, cursor, budget) => pollKlaviyo(context, cursor, budget),
  push: {
    purpose: 'email_marketing',
    maxBatchSize: MAX_BATCH_SIZE,
    push: (context, changes) => pushChanges(context, changes),
  },
  erase: (context, subjects) => eraseSubjects(context, subjects),
  subscriptions: klaviyoSubscriptions,
});
