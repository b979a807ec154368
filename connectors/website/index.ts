// The website as a source: batches from syncline.js (the shop's own pages) become canonical events. No vendor API,
// no secret: a public write key and an origin list (settings.ts) say which pages may post.
import { defineConnector, parsePayload } from '../sdk/index.js';
import * as z from 'zod';
import { mapCollectBatch } from './mapping.js';
import { CollectBatch } from './schemas.js';
import { WebsiteSettings } from './settings.js';

export const website = defineConnector<WebsiteSettings, Record<string, never>>({
  name: 'website',
  kind: 'website',
  description: 'The shop’s own website: page, product, search, cart and checkout events, identify and consent, from syncline.js',
  settingsSchema: WebsiteSettings,
  secretsSchema: z.object({}).strict() as unknown as z.ZodType<Record<string, never>>,
  collect: {
    site: (settings) => ({
      writeKey: settings.writeKey,
      origins: settings.origins,
      requestsPerSecond: settings.requestsPerSecond,
      keepIp: settings.keepIp,
      keepUserAgent: settings.keepUserAgent,
    }),
    parse: (body, context) => mapCollectBatch(parsePayload(CollectBatch, body, 'collect batch'), context.settings),
  },
});
