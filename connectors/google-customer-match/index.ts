// The Google Ads Customer Match connector: segments out as Customer Match user lists, for people who granted the
// advertising purpose, through the Google Ads API's offline user data jobs. Nothing comes in.
import { defineConnector } from '../sdk/index.js';
import { GoogleCustomerMatchSecrets, GoogleCustomerMatchSettings } from './config.js';
import { MAX_BATCH_SIZE, pushChanges } from './destination.js';
import { eraseSubjects } from './erase.js';

export const googleCustomerMatch = defineConnector<GoogleCustomerMatchSettings, GoogleCustomerMatchSecrets>({
  name: 'google-customer-match',
  kind: 'ads',
  description: 'Google Ads Customer Match: segments as user lists (hashed e-mail and phone, add and remove jobs), advertising consent only',
  settingsSchema: GoogleCustomerMatchSettings,
  secretsSchema: GoogleCustomerMatchSecrets,
  push: {
    purpose: 'advertising',
    maxBatchSize: MAX_BATCH_SIZE,
    push: (context, changes) => pushChanges(context, changes),
  },
  erase: (context, subjects) => eraseSubjects(context, subjects),
});
