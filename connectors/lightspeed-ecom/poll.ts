// Incremental poll of products, customers, then orders, by updated_at_min: one page per call, resumable from its
// cursor. Products first, so that a first sync has the catalog before the orders whose lines it categorises.
// A pass reads pages 1, 2, … of the records updated since the stream's high-water mark until a short page; the
// next pass starts at the highest updatedAt it saw.
import { incrementalStreams, mapLimited, type ConnectorContext } from '../sdk/index.js';
import { LightspeedEcomClient, type EcomClientOptions } from './client.js';
import type { LightspeedEcomSecrets, LightspeedEcomSettings } from './config.js';
import { mapCustomer, mapOrder, utcTime } from './mapping.js';
import { mapProduct } from './product-mapping.js';

type Context = ConnectorContext<LightspeedEcomSettings, LightspeedEcomSecrets>;
const mappingOf = (context: Context) => ({ instance: context.instance, currency: context.settings.currency });
// `updated_at_min` is inclusive: records updated in the same second as the mark come again, with the same ids.
const query = (context: Context, page: number, updatedSince: string | null) => ({ page, limit: context.settings.pageSize, updatedSince });

const streams = incrementalStreams({
  vendor: 'Lightspeed eCom',
  paging: 'pages',
  nextPassFrom: 'highWater',
  client: (context: Context, _budget, options: EcomClientOptions = {}) =>
    new LightspeedEcomClient(context.settings, context.secrets, options),
  streams: {
    /**
     * The catalog: each product with its variants (SKU, price, stock) and its categories (the relations, named from
     * the shop's category list, read once a page). A change to a variant alone (stock, price) does not move the
     * product's updatedAt: it is read with the product's next change or on a fresh pass.
     */
    async products(client, { since, position }, context) {
      const products = await client.products(query(context, position, since));
      const categories = new Map((products.length > 0 ? await client.categories() : []).map((c) => [c.id, c]));
      const details = await mapLimited(products, context.settings.concurrency, async (p) => ({
        variants: await client.variants(p.id),
        categoryIds: await client.productCategoryIds(p.id),
      }));
      const mapping = { ...mappingOf(context), now: context.now() };
      return {
        events: products.flatMap((p, i) => {
          const { variants, categoryIds } = details[i]!;
          return mapProduct(
            p,
            variants,
            categoryIds.flatMap((id) => categories.get(id) ?? []),
            mapping,
          );
        }),
        marks: products.flatMap((p) => (p.updatedAt ? [utcTime(p.updatedAt, 'product.updatedAt')] : [])),
        next: products.length === context.settings.pageSize ? position + 1 : null,
      };
    },
    async customers(client, { since, position }, context) {
      const customers = await client.customers(query(context, position, since));
      const mapping = mappingOf(context);
      return {
        events: customers.flatMap((c) => mapCustomer(c, mapping)),
        marks: customers.map((c) => utcTime(c.updatedAt, 'customer.updatedAt')),
        next: customers.length === context.settings.pageSize ? position + 1 : null,
      };
    },
    async orders(client, { since, position }, context) {
      const orders = await client.orders(query(context, position, since));
      const lines = await mapLimited(orders, context.settings.concurrency, (o) => client.orderProducts(o.id));
      const mapping = mappingOf(context);
      return {
        events: orders.flatMap((o, i) => mapOrder(o, mapping, lines[i])),
        marks: orders.map((o) => utcTime(o.updatedAt, 'order.updatedAt')),
        next: orders.length === context.settings.pageSize ? position + 1 : null,
      };
    },
  },
});

export const pollEcom = streams.poll;
export const readCursor = streams.readCursor;
