import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextFor } from '../sdk/testing/index.js';
import { square } from './index.js';
import { startSquareSimulator, type SquareSimulator } from './simulator.js';

let sim: SquareSimulator;
let receiver: { url: string; received: { headers: Record<string, string>; body: Buffer }[]; close(): void };
const context = () => contextFor('pos', sim.settings, sim.secrets);
const api = square.subscriptions!;

beforeAll(async () => {
  sim = await startSquareSimulator({ customers: [], orders: [], locationIds: ['L1'] });
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
  receiver = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/acme/pos`, received, close: () => server.close() };
});
afterAll(async () => {
  receiver.close();
  await sim.stop();
});

const verify = (signatureKey: string) => {
  const delivery = receiver.received.at(-1)!;
  square.verifyWebhook!(
    { method: 'POST', url: receiver.url, headers: delivery.headers, rawBody: delivery.body },
    { ...sim.secrets, signatureKey },
    { ...sim.settings, notificationUrl: receiver.url },
    new Date(),
  );
};

describe('Square webhook subscriptions (Webhook Subscriptions API, simulated application)', () => {
  let key = '';
  let id = '';

  it('creates one subscription for every event type and returns its signature key, which signs the deliveries', async () => {
    const created = await api.create(context(), { url: receiver.url, topics: [...api.topics] });
    expect(created.subscription).toMatchObject({ url: receiver.url, topics: ['customer.created', 'customer.updated'], active: true });
    expect(created.issuedSecret).toEqual(expect.any(String));
    key = created.issuedSecret!;
    id = created.subscription.id;
    expect(await sim.subscriptions.deliver('customer.updated', { customer: { id: 'C1' } })).toEqual([{ id, status: 200 }]);
    expect(() => verify(key)).not.toThrow();
  });

  it('lists disabled subscriptions too, and update enables one again keeping its key when we hold it', async () => {
    sim.subscriptions.setEnabled(id, false);
    expect(await api.list(context())).toEqual([expect.objectContaining({ id, active: false, status: 'disabled' })]);
    const updated = await api.update(context(), id, { url: receiver.url, topics: [...api.topics], secret: key });
    expect(updated).toEqual({ subscription: expect.objectContaining({ id, active: true }) });
    await sim.subscriptions.deliver('customer.created', { customer: { id: 'C2' } });
    expect(() => verify(key)).not.toThrow();
  });

  it('has Square issue a new signature key when ours is lost', async () => {
    const updated = await api.update(context(), id, { url: receiver.url, topics: [...api.topics] });
    expect(updated.issuedSecret).toEqual(expect.any(String));
    expect(updated.issuedSecret).not.toBe(key);
    await sim.subscriptions.deliver('customer.created', { customer: { id: 'C3' } });
    expect(() => verify(updated.issuedSecret!)).not.toThrow();
    expect(() => verify(key)).toThrow();
  });

  it("answers Square's errors: an unknown event type, a URL Square refuses, an unknown id", async () => {
    await expect(api.create(context(), { url: receiver.url, topics: ['customer.exploded'] })).rejects.toThrow(/400.*INVALID_VALUE/);
    await expect(api.create(context(), { url: 'ftp://example.com/x', topics: ['customer.created'] })).rejects.toThrow(/URL is not valid/);
    await expect(api.update(context(), 'wbhk_missing', { url: receiver.url, topics: ['customer.created'] })).rejects.toThrow(
      /404.*NOT_FOUND/,
    );
  });
});
