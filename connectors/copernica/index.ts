// The Copernica connector: profile and message callbacks in, profile upserts and erasure out (REST API v4).
import { defineConnector } from '../sdk/index.js';
import { parseCopernicaCallback } from './callbacks.js';
import { CopernicaSecrets, CopernicaSettings } from './config.js';
import { eraseSubjects, MAX_BATCH_SIZE, pushChanges } from './destination.js';
import { verifyCopernicaCallback } from './webhook.js';

export { CopernicaSecrets, CopernicaSettings } from './config.js';

export const copernica = defineConnector<CopernicaSettings, CopernicaSecrets>({
  name: 'copernica',
  kind: 'email',
  description:
    'Copernica Marketing Suite / Publisher: signed profile and message callbacks, profile upsert and erasure through REST API v4',
  settingsSchema: CopernicaSettings,
  secretsSchema: CopernicaSecrets,
  verifyWebhook: verifyCopernicaCallback,
  parseWebhook: parseCopernicaCallback,
  push: {
    purpose: 'email_marketing',
    maxBatchSize: MAX_BATCH_SIZE,
    push: (context, changes) => pushChanges(context, changes),
  },
  erase: (context, subjects) => eraseSubjects(context, subjects),
});
