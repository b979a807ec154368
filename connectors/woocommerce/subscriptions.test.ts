import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextFor } from '../sdk/testing/index.js';
import { woocommerce } from './index.js';
import { startWooCommerceSimulator, type WooCommerceSimulator } from './simulator.js';

let sim: WooCommerceSimulator;
let receiver: { url: string; statuses: number[]; received: { headers: Record<string, string>; body: Buffer }[]; close(): void };
const context = () => contextFor('woo', sim.settings, sim.secrets);
const api = woocommerce.subscriptions!;

beforeAll(async () => {
  sim = await startWooCommerceSimulator({ customers: [], orders: [], secrets: { webhookSecret: 'generated-by-syncline' } });
  const received: { headers: Record<string, string>; body: Buffer }[] = [];
  const statuses: number[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers as Record<string, string>, body: Buffer.concat(chunks) });
      res.statusCode = statuses.shift() ?? 200;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  receiver = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/acme/woo`,
    statuses,
    received,
    close: () => server.close(),
  };
});
afterAll(async () => {
  receiver.close();
  await sim.stop();
});

describe('WooCommerce webhooks (REST API v3, simulated store)', () => {
  it('creates an active webhook with the secret it is given; the deliveries verify with that secret', async () => {
    const { subscription } = await api.create(context(), {
      url: receiver.url,
      topics: ['customer.updated'],
      secret: 'generated-by-syncline',
    });
    expect(subscription).toMatchObject({ url: receiver.url, topics: ['customer.updated'], active: true, status: 'active' });
    expect(await api.list(context())).toEqual([subscription]);
    expect(await sim.webhooks.deliver('customer.updated', { id: 7 })).toEqual([{ id: Number(subscription.id), status: 200 }]);
    const delivery = receiver.received.at(-1)!;
    expect(() =>
      woocommerce.verifyWebhook!(
        { method: 'POST', url: receiver.url, headers: delivery.headers, rawBody: delivery.body },
        sim.secrets,
        sim.settings,
        new Date(),
      ),
    ).not.toThrow();
  });

  it('disables a webhook after more than 5 consecutive failed deliveries; update makes it active again', async () => {
    const { subscription } = await api.create(context(), { url: receiver.url, topics: ['order.updated'], secret: 'generated-by-syncline' });
    receiver.statuses.push(500, 500, 500, 500, 500, 500);
    for (let i = 0; i < 6; i++) await sim.webhooks.deliver('order.updated', { id: i });
    const listed = (await api.list(context())).find((s) => s.id === subscription.id);
    expect(listed).toMatchObject({ active: false, status: 'disabled' });
    expect(await sim.webhooks.deliver('order.updated', { id: 9 })).toEqual([]);
    const again = await api.update(context(), subscription.id, {
      url: receiver.url,
      topics: ['order.updated'],
      secret: 'generated-by-syncline',
    });
    expect(again.subscription).toMatchObject({ active: true, status: 'active' });
  });

  it("answers WooCommerce's errors: an invalid topic, an unknown id, wrong consumer keys", async () => {
    await expect(api.create(context(), { url: receiver.url, topics: ['customer.exploded'], secret: 's' })).rejects.toThrow(
      /400.*woocommerce_rest_shop_webhook_invalid_topic/,
    );
    await expect(api.update(context(), '999', { url: receiver.url, topics: ['order.created'], secret: 's' })).rejects.toThrow(
      /404.*invalid_id/,
    );
    await expect(api.list({ ...context(), secrets: { ...sim.secrets, consumerSecret: 'cs_wrong' } })).rejects.toThrow(/401/);
  });
});
