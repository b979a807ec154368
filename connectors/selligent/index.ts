// The Selligent / Marigold Engage connector: profiles loaded into an audience list, e-mail engagement read back
// per list record, erasure by key field. No webhooks: Selligent documents none that syncline could verify.
import { defineConnector } from '../sdk/index.js';
import { SelligentSecrets, SelligentSettings } from './config.js';
import { eraseSubjects, MAX_BATCH_SIZE, pushChanges } from './destination.js';
import { pollEngagement } from './poll.js';

export { SelligentSecrets, SelligentSettings } from './config.js';

export const selligent = defineConnector<SelligentSettings, SelligentSecrets>({
  name: 'selligent',
  kind: 'email',
  description:
    'Selligent / Marigold Engage: profile upserts to a list (data/load), e-mail engagement per list record (data/search + engagement), erasure (data delete)',
  settingsSchema: SelligentSettings,
  secretsSchema: SelligentSecrets,
  poll: (context, cursor, budget) => pollEngagement(context, cursor, budget),
  push: {
    purpose: 'email_marketing',
    maxBatchSize: MAX_BATCH_SIZE,
    push: (context, changes) => pushChanges(context, changes),
  },
  erase: (context, subjects) => eraseSubjects(context, subjects),
});
