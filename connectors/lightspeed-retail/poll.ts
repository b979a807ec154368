// Poll of the X-Series change feed: customers, then products (the catalog, read before the sales so their lines find
// their categories), then sales, each `after=<highest version seen>` until a page comes
// back empty. One page per call; the cursor is the version high-water mark of each stream, so a run resumes
// exactly where the last one stopped and a record changed again later comes back with its new version.
import * as z from 'zod';
import { incrementalStreams, type ConnectorContext } from '../sdk/index.js';
import { LightspeedRetailClient, type RetailClientOptions } from './client.js';
import type { LightspeedRetailSecrets, LightspeedRetailSettings } from './config.js';
import { mapCustomer, mapSale } from './mapping.js';
import { mapProduct } from './product-mapping.js';

type Context = ConnectorContext<LightspeedRetailSettings, LightspeedRetailSecrets>;
const mappingOf = ({ instance, settings }: Context) => ({
  instance,
  currency: settings.currency,
  anonymousCustomerIds: settings.anonymousCustomerIds,
  customAttributes: settings.customAttributes,
});

const streams = incrementalStreams({
  vendor: 'Lightspeed Retail',
  paging: 'keyset',
  mark: z.number().int().nonnegative(),
  start: 0,
  cursorKeys: { since: 'after' },
  client: (context: Context, _budget, options: RetailClientOptions = {}) =>
    new LightspeedRetailClient(context.settings, context.secrets, options),
  streams: {
    async customers(client, { since }, context) {
      const page = await client.customers(since ?? 0, context.settings.pageSize);
      const mapping = mappingOf(context);
      return {
        events: page.data.flatMap((c) => mapCustomer(c, mapping)),
        marks: [...page.data.map((c) => c.version ?? 0), page.version?.max ?? 0],
      };
    },
    /** The catalog (core/catalog/): every product, deleted ones included, with its type, categories and price. */
    async products(client, { since }, context) {
      const page = await client.products(since ?? 0, context.settings.pageSize);
      const mapping = { currency: context.settings.currency, now: context.now() };
      return {
        events: page.data.flatMap((p) => mapProduct(p, mapping)),
        marks: [...page.data.map((p) => p.version ?? 0), page.version?.max ?? 0],
      };
    },
    async sales(client, { since }, context) {
      const page = await client.sales(since ?? 0, context.settings.pageSize);
      const mapping = mappingOf(context);
      return {
        events: page.data.flatMap((s) => mapSale(s, mapping)),
        marks: [...page.data.map((s) => s.version ?? 0), page.version?.max ?? 0],
      };
    },
  },
});

export const pollRetail = streams.poll;
export const readCursor = streams.readCursor;
