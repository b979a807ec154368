import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextFor } from '../sdk/testing/index.js';
import { VendorRejected } from '../sdk/index.js';
import { shopify } from './index.js';
import { startShopifySimulator, type ShopifySimulator } from './simulator.js';

const URL_A = 'https://hooks.syncline.example/webhooks/acme/shop';
const URL_B = 'https://tunnel.syncline.example/webhooks/acme/shop';
let sim: ShopifySimulator;
const context = () => contextFor('shop', sim.settings, sim.secrets);
const api = shopify.subscriptions!;

beforeAll(async () => {
  sim = await startShopifySimulator({ customers: [], orders: [], webhookSecret: 'app-client-secret' });
});
afterAll(() => sim.stop());

describe('Shopify webhook subscriptions (GraphQL Admin API, simulated shop)', () => {
  it('creates one subscription per topic, lists it in our topic names, and moves it to another URL', async () => {
    const { subscription } = await api.create(context(), { url: URL_A, topics: ['customers/create'] });
    expect(subscription).toMatchObject({ url: URL_A, topics: ['customers/create'], active: true });
    expect(await api.list(context())).toEqual([subscription]);
    const moved = await api.update(context(), subscription.id, { url: URL_B, topics: ['customers/create'] });
    expect(moved.subscription).toMatchObject({ id: subscription.id, url: URL_B });
    expect(sim.subscriptions.list()).toEqual([{ id: subscription.id, topic: 'CUSTOMERS_CREATE', uri: URL_B }]);
  });

  it('refuses a second subscription for the same topic and address, as Shopify does', async () => {
    await api.create(context(), { url: URL_A, topics: ['orders/create'] });
    await expect(api.create(context(), { url: URL_A, topics: ['orders/create'] })).rejects.toThrow(
      /Address for this topic has already been taken/,
    );
  });

  it('cannot subscribe the compliance topics (they come from the app configuration) and says why', async () => {
    expect(api.topics).not.toContain('customers/redact');
    await expect(api.create(context(), { url: URL_A, topics: ['customers/redact'] })).rejects.toBeInstanceOf(VendorRejected);
  });

  it('refuses a wrong access token', async () => {
    await expect(api.list({ ...context(), secrets: { ...sim.secrets, accessToken: 'shpat_wrong' } })).rejects.toThrow(/401/);
  });

  it('delivers to the subscription signed with the app secret, which the connector verifies', async () => {
    const received: { headers: Record<string, string>; body: Buffer }[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers as Record<string, string>, body: Buffer.concat(chunks) });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/acme/shop`;
    try {
      await api.create(context(), { url, topics: ['customers/update'] });
      expect(await sim.subscriptions.deliver('customers/update', { id: 1 })).toEqual([{ uri: url, status: 200 }]);
      const [delivery] = received;
      expect(delivery!.headers['x-shopify-topic']).toBe('customers/update');
      expect(() =>
        shopify.verifyWebhook!(
          { method: 'POST', url, headers: delivery!.headers, rawBody: delivery!.body },
          sim.secrets,
          sim.settings,
          new Date(),
        ),
      ).not.toThrow();
    } finally {
      server.close();
    }
  });
});
