// The Meta Custom Audiences connector: segments synced as customer-file audiences (Marketing API), only for people who
// granted the advertising purpose; erasure removes the person's hashed keys from every configured audience.
import { defineConnector } from '../sdk/index.js';
import { MetaAudiencesSecrets, MetaAudiencesSettings } from './config.js';
import { eraseSubjects, MAX_BATCH_SIZE, pushChanges } from './destination.js';

export const metaAudiences = defineConnector<MetaAudiencesSettings, MetaAudiencesSecrets>({
  name: 'meta-audiences',
  kind: 'ads',
  description:
    'Meta Custom Audiences: segment members with advertising consent added to and removed from customer-file audiences (SHA-256 e-mail and phone, POST/DELETE /{audience_id}/users)',
  settingsSchema: MetaAudiencesSettings,
  secretsSchema: MetaAudiencesSecrets,
  push: {
    purpose: 'advertising',
    maxBatchSize: MAX_BATCH_SIZE,
    push: (context, changes) => pushChanges(context, changes),
  },
  erase: (context, subjects) => eraseSubjects(context, subjects),
});
