// The Squeezely (Spotler Activate) connector: merged profile fields, consent and segments out as tracked events.
// Squeezely documents no outbound webhook, export or read API, so nothing comes in (see fixtures/SOURCES.md).
import { defineConnector } from '../sdk/index.js';
import { SqueezelySecrets, SqueezelySettings } from './config.js';
import { MAX_BATCH_SIZE, pushChanges } from './destination.js';

export { SqueezelySecrets, SqueezelySettings } from './config.js';

export const squeezely = defineConnector<SqueezelySettings, SqueezelySecrets>({
  name: 'squeezely',
  kind: 'dmp',
  description:
    'Squeezely / Spotler Activate: profile fields, e-mail consent (newsletter) and segments as custom fields through POST /v1/track',
  settingsSchema: SqueezelySettings,
  secretsSchema: SqueezelySecrets,
  push: {
    purpose: 'personalisation',
    maxBatchSize: MAX_BATCH_SIZE,
    push: (context, changes) => pushChanges(context, changes),
  },
  eraseUnsupported:
    'Squeezely documents no deletion endpoint (see connectors/squeezely/fixtures/SOURCES.md): remove the person in Squeezely by hand',
});
