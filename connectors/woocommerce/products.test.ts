// The WooCommerce catalog: product webhooks and the /products poll, mapped for core/catalog/, and the simulated
// store firing the product webhooks as a merchant's edits would.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { onePageBudget } from '../sdk/contract-kit.js';
import type { EventDraft } from '../sdk/index.js';
import { drainPoll, withVendor } from '../sdk/testing/index.js';
import { woocommerce } from './index.js';
import { pollWooCommerce, readCursor } from './poll.js';
import type { ProductJson } from './product-schemas.js';
import { generateSampleStore, startWooCommerceSimulator } from './simulator.js';
import { contextFor, fixture, signedRequest } from './test-support.js';

type Upserted = Extract<EventDraft, { type: 'product.upserted' }>;

const parse = (topic: string, body: object, headers: Record<string, string> = {}) =>
  woocommerce.parseWebhook!(signedRequest(topic, body, headers), contextFor());
const upserted = (events: EventDraft[]) => {
  expect(events).toHaveLength(1);
  expect(events[0]!.type).toBe('product.upserted');
  return (events[0] as Upserted).data;
};
const premium = () => fixture('product-created.json') as ProductJson;

describe('WooCommerce product webhooks', () => {
  it("takes the first category as the product's category, the others and the tags as groupings, names decoded", () => {
    const data = upserted(
      parse('product.updated', {
        ...premium(),
        name: 'Thee &amp; koekjes',
        categories: [
          { id: 40, name: 'Wasmachines &amp; drogers', slug: 'wasmachines-drogers' },
          { id: 41, name: 'Witgoed', slug: 'witgoed' },
        ],
        tags: [{ id: 5, name: 'Energiezuinig', slug: 'energiezuinig' }],
      }),
    );
    expect(data).toMatchObject({
      name: 'Thee & koekjes',
      category: 'Wasmachines & drogers',
      categories: ['Wasmachines & drogers', 'Witgoed', 'Energiezuinig'],
    });
  });

  it('reads a product filed only under the default "Uncategorized" as having no category', () => {
    const data = upserted(
      parse('product.created', { ...premium(), categories: [{ id: 15, name: 'Uncategorized', slug: 'uncategorized' }] }),
    );
    expect(data.category).toBeUndefined();
    expect(data.categories).toEqual([]);
  });

  it("makes a simple product's SKU its one variant, with its price and stock, so order lines naming the SKU find it", () => {
    const data = upserted(parse('product.created', { ...premium(), sku: 'TSHIRT-PQ', price: '21.99', stock_status: 'onbackorder' }));
    expect(data.variants).toEqual([{ sku: 'TSHIRT-PQ', price: 21.99, inStock: true }]);
    expect(data.inStock).toBe(true);
  });

  it('offers nothing out of stock or unpublished: outofstock, draft, pending and private are not in stock', () => {
    expect(upserted(parse('product.updated', { ...premium(), stock_status: 'outofstock' })).inStock).toBe(false);
    for (const status of ['draft', 'pending', 'private'])
      expect(upserted(parse('product.updated', { ...premium(), status })).inStock, status).toBe(false);
  });

  it("leaves a variable product's price out when WooCommerce sends none, and maps a variation's own delivery to nothing", () => {
    const variable = fixture('product-restored.json') as ProductJson;
    expect(upserted(parse('product.restored', variable)).price).toBeUndefined();
    // product.updated fires for variations too (woocommerce_update_product_variation), with no categories of its own.
    expect(parse('product.updated', { ...premium(), id: 801, type: 'variation', parent_id: 799, categories: [] })).toEqual([]);
  });

  it('gives a product the same event id from its webhook and from the poll, so the two deduplicate', () => {
    const [event] = parse('product.updated', premium());
    expect(event!.sourceEventId).toBe('product/794@2017-03-23T20:01:14.000Z');
  });

  it('maps a trashed product (body: only the id) to product.deleted, one per delivery', () => {
    const first = parse('product.deleted', { id: 794 }, { 'x-wc-webhook-delivery-id': 'd1' });
    expect(first).toEqual([
      {
        type: 'product.deleted',
        sourceEventId: 'product/794#deleted/d1',
        occurredAt: '2026-03-10T12:00:00.000Z',
        identifiers: [],
        data: { productId: '794' },
      },
    ]);
    // Trashed again after a restore: another delivery, another event.
    expect(parse('product.deleted', { id: 794 }, { 'x-wc-webhook-delivery-id': 'd2' })[0]!.sourceEventId).not.toBe(first[0]!.sourceEventId);
  });
});

describe('WooCommerce products poll', () => {
  it('reads the catalog, then in later passes only the products modified since (modified_after, GMT)', () =>
    withVendor(
      startWooCommerceSimulator({ ...generateSampleStore({ customers: 2, orders: 2 }), settings: { pageSize: 3 } }),
      async (sim) => {
        const drain = (from?: string) =>
          drainPoll((cursor) => pollWooCommerce(contextFor(sim.settings, sim.secrets), cursor, onePageBudget(), { minDelayMs: 1 }), from);
        const first = await drain();
        const products = first.events.filter((e): e is Upserted => e.type === 'product.upserted');
        expect(products.map((p) => [p.data.variants[0]?.sku, p.data.category, p.data.inStock])).toEqual([
          ['ZEEF-RVS', 'Accessoires', false],
          ['POT-GIET-1L', 'Theepotten', true],
          ['THEE-MUNT-50', 'Kruiden & munt', true],
          ['THEE-EARL-100', 'Zwarte thee', true],
        ]);
        expect(readCursor(first.cursor, sim.settings).since.products).not.toBeNull();

        await sim.putProduct({ ...sim.products()[0]!, price: '5.95' });
        const seen = sim.lists().length;
        const next = await drain(first.cursor);
        const productList = sim
          .lists()
          .slice(seen)
          .find((l) => l.resource === 'products');
        expect(productList?.query).toMatchObject({ orderby: 'modified', order: 'desc', dates_are_gmt: 'true' });
        expect(productList?.query.modified_after).toBeDefined();
        expect(next.events.filter((e) => e.type === 'product.upserted').map((e) => (e as Upserted).data)).toMatchObject([
          { productId: '93', price: 5.95 },
        ]);
      },
    ));
});

describe('the simulated store fires the product webhooks', () => {
  it('created, updated, deleted (the id only) and restored, signed, and the connector reads each', async () => {
    const received: { headers: Record<string, string>; body: Buffer }[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers as Record<string, string>, body: Buffer.concat(chunks) });
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/acme/woo`;
    await withVendor(
      startWooCommerceSimulator({ customers: [], orders: [], secrets: { webhookSecret: 'catalog-secret' } }),
      async (sim) => {
        const context = contextFor(sim.settings, sim.secrets);
        for (const topic of woocommerce.subscriptions!.topics.filter((t) => t.startsWith('product.')))
          await woocommerce.subscriptions!.create(context, { url, topics: [topic], secret: 'catalog-secret' });
        received.length = 0; // the pings

        const product = { ...premium(), sku: 'PQ-1' };
        expect(await sim.putProduct(product)).toEqual([{ id: 1, status: 200 }]);
        await sim.putProduct({ ...product, price: '19.99' });
        await sim.trashProduct(794);
        await sim.restoreProduct(794);

        const events = received.map((delivery) => {
          const request = { method: 'POST', url, headers: delivery.headers, rawBody: delivery.body };
          woocommerce.verifyWebhook!(request, sim.secrets, sim.settings, new Date());
          return { topic: delivery.headers['x-wc-webhook-topic'], events: woocommerce.parseWebhook!(request, context) };
        });
        expect(events.map((e) => [e.topic, e.events.map((x) => x.type)])).toEqual([
          ['product.created', ['product.upserted']],
          ['product.updated', ['product.upserted']],
          ['product.deleted', ['product.deleted']],
          ['product.restored', ['product.upserted']],
        ]);
        expect(JSON.parse(received[2]!.body.toString())).toEqual({ id: 794 });
        expect((events[1]!.events[0] as Upserted).data.price).toBe(19.99);
        expect(sim.products().map((p) => p.id)).toEqual([794]);
      },
    );
    server.close();
  });
});
