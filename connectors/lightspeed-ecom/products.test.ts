// The Lightspeed eCom catalog: products with their variants and categories read by the poll, the products webhooks
// (a deletion; a change only when it embeds variants and categories), and the simulated shop firing them.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { onePageBudget } from '../sdk/contract-kit.js';
import type { EventDraft } from '../sdk/index.js';
import { drainPoll, withVendor } from '../sdk/testing/index.js';
import { lightspeedEcom } from './index.js';
import { pollEcom } from './poll.js';
import { generateSampleShop, startEcomSimulator, type EcomSimulator } from './simulator.js';
import { contextFor, signedRequest } from './test-support.js';

type Upserted = Extract<EventDraft, { type: 'product.upserted' }>;
const parse = (body: object) => lightspeedEcom.parseWebhook!(signedRequest(body), contextFor());
const drain = (sim: EcomSimulator, from?: string) =>
  drainPoll((cursor) => pollEcom(contextFor(sim.settings, sim.secrets), cursor, onePageBudget(), { minDelayMs: 1 }), from);
const upserts = (events: EventDraft[]) => events.filter((e): e is Upserted => e.type === 'product.upserted').map((e) => e.data);
const shop = () => generateSampleShop({ customers: 0, orders: 0 });

describe('Lightspeed eCom products poll', () => {
  it("reads each product with its variants' SKUs, prices and stock, and its most specific category", () =>
    withVendor(startEcomSimulator(shop()), async (sim) => {
      const products = upserts((await drain(sim)).events);
      expect(products.map((p) => [p.name, p.category, p.categories, p.price, p.currency, p.inStock])).toEqual([
        ['Koffiebonen Espresso', 'Koffiebonen', ['Koffiebonen', 'Koffie'], 24.95, 'EUR', true],
        ['Koffiefilters nr. 4', 'Filters', ['Filters'], 3.25, 'EUR', true],
        // Stock tracked and none left.
        ['Melkopschuimer', 'Apparaten', ['Apparaten'], 59, 'EUR', false],
      ]);
      expect(products[0]!.variants).toEqual([{ variantId: '322925834', sku: 'KOF-BON-1KG', price: 24.95, inStock: true, stock: 12 }]);
      expect(products[0]!.imageUrl).toMatch(/^https:\/\/cdn\.webshopapp\.com\//);
      expect(sim.lists().filter((l) => l.resource === 'products')).toHaveLength(1);
    }));

  it('offers nothing of a hidden product, and reads in the next pass the product a merchant changed', () =>
    withVendor(startEcomSimulator(shop()), async (sim) => {
      const { cursor } = await drain(sim);
      const beans = shop().catalog!.products[0]!;
      const variant = { ...shop().catalog!.variants[0]!, priceIncl: 26.5, stockTracking: 'disabled', stockLevel: 0 };
      await sim.putProduct({ ...beans, visibility: 'hidden', isVisible: false }, [variant]);
      const next = upserts((await drain(sim, cursor)).events);
      expect(next.find((p) => p.productId === String(beans.id))).toMatchObject({
        price: 26.5,
        inStock: false,
        variants: [{ inStock: false }],
      });
    }));
});

describe('Lightspeed eCom products webhooks', () => {
  const beans = () => shop().catalog!.products[0]!;

  it('gives no event for a product that only links its variants and categories (the poll reads them), rather than erase its category', () => {
    expect(parse({ product: beans() })).toEqual([]);
  });

  it('maps a product that embeds its variants and categories', () => {
    const { catalog } = shop();
    const [event] = parse({ product: { ...beans(), variants: [catalog!.variants[0]], categories: [catalog!.categories[1]] } });
    expect((event as Upserted).data).toMatchObject({ productId: '163090479', category: 'Koffiebonen', variants: [{ sku: 'KOF-BON-1KG' }] });
  });

  it('maps a body that is only the product id to product.deleted', () => {
    expect(parse({ product: { id: 163090479 } })).toEqual([
      {
        type: 'product.deleted',
        sourceEventId: 'products/163090479/deleted',
        occurredAt: '2026-03-10T12:00:00.000Z',
        identifiers: [],
        data: { productId: '163090479' },
      },
    ]);
  });

  it('connect subscribes the products item group; the simulated shop fires products.updated and products.deleted, signed', async () => {
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
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/acme/webshop`;
    await withVendor(startEcomSimulator(shop()), async (sim) => {
      const context = contextFor(sim.settings, sim.secrets);
      const api = lightspeedEcom.subscriptions!;
      const topics = api.topics.filter((t) => t.startsWith('products.'));
      expect(topics).toEqual(['products.created', 'products.updated', 'products.deleted']);
      for (const topic of topics) await api.create(context, { url, topics: [topic] });
      await sim.putProduct({ ...beans(), title: 'Koffiebonen Espresso Roast' });
      await sim.deleteProduct(163090479);
      const events = received.map(({ headers, body }) => {
        const request = { method: 'POST', url, headers, rawBody: body };
        lightspeedEcom.verifyWebhook!(request, sim.secrets, sim.settings, new Date());
        return lightspeedEcom.parseWebhook!(request, context).map((e) => e.type);
      });
      expect(events).toEqual([[], ['product.deleted']]);
    });
    server.close();
  });
});
