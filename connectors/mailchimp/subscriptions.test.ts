import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VendorRejected } from '../sdk/index.js';
import { contextFor, fixturesOf } from '../sdk/testing/index.js';
import { mailchimp } from './index.js';
import { startMailchimpSimulator, type MailchimpSimulator } from './simulator.js';

let sim: MailchimpSimulator;
let receiver: { url: string; received: { url: string; headers: Record<string, string>; body: Buffer }[]; close(): void };
const TOKEN = 'a-token-syncline-generated-0123456789';
const context = (webhookToken = TOKEN) => contextFor('news', sim.settings, { ...sim.secrets, webhookToken });
const api = mailchimp.subscriptions!;
const SUBSCRIBE = fixturesOf('mailchimp').json<Record<string, string>>('subscribe.json');

beforeAll(async () => {
  sim = await startMailchimpSimulator();
  const received: { url: string; headers: Record<string, string>; body: Buffer }[] = [];
  // Answers Mailchimp's GET check with 200, as the webhook route does; a path ending in /down answers 404.
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'POST')
        received.push({ url: req.url!, headers: req.headers as Record<string, string>, body: Buffer.concat(chunks) });
      res.statusCode = req.url?.includes('/down') ? 404 : 200;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  receiver = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/acme/news`,
    received,
    close: () => server.close(),
  };
});
afterAll(async () => {
  receiver.close();
  await sim.stop();
});

describe('Mailchimp list webhooks (simulated audience)', () => {
  it('adds one webhook with the token in its URL, subscriber and admin sources, and lists it without the token', async () => {
    const created = await api.create(context(), { url: receiver.url, topics: [...api.topics], secret: TOKEN });
    expect(created.subscription).toEqual({
      id: expect.any(String),
      url: receiver.url,
      topics: ['subscribe', 'unsubscribe', 'profile', 'cleaned', 'upemail', 'source:user', 'source:admin'],
      active: true,
      status: 'enabled',
      secretMatches: true,
    });
    expect(sim.webhooks.list()[0]).toMatchObject({
      url: `${receiver.url}?token=${TOKEN}`,
      sources: { user: true, admin: true, api: false },
    });
    expect(await api.list(context())).toEqual([created.subscription]);

    expect((await sim.webhooks.deliver(SUBSCRIBE)).map((d) => d.status)).toEqual([200]);
    // syncline's own pushes are API actions: they do not come back.
    expect(await sim.webhooks.deliver(SUBSCRIBE, 'api')).toEqual([]);
    const delivery = receiver.received.at(-1)!;
    const request = { method: 'POST', url: `http://127.0.0.1${delivery.url}`, headers: delivery.headers, rawBody: delivery.body };
    expect(() => mailchimp.verifyWebhook!(request, context().secrets, sim.settings, new Date())).not.toThrow();
  });

  it('sees a webhook whose token is no longer the instance secret, and update gives it the token again', async () => {
    const [listed] = await api.list(context('a-token-the-instance-holds-now-0000'));
    expect(listed?.secretMatches).toBe(false);
    await api.update(context('a-token-the-instance-holds-now-0000'), listed!.id, {
      url: receiver.url,
      topics: [...api.topics],
      secret: 'a-token-the-instance-holds-now-0000',
    });
    expect((await api.list(context('a-token-the-instance-holds-now-0000')))[0]?.secretMatches).toBe(true);
  });

  it("answers Mailchimp's errors: a callback that fails the GET check, an unknown webhook, a wrong API key", async () => {
    const status = async (call: Promise<unknown>) =>
      call.then(
        () => 0,
        (e: unknown) => (e instanceof VendorRejected ? e.status : -1),
      );
    expect(await status(api.create(context(), { url: `${receiver.url}/down`, topics: [...api.topics], secret: TOKEN }))).toBe(400);
    expect(await status(api.update(context(), 'nosuchhook', { url: receiver.url, topics: [...api.topics], secret: TOKEN }))).toBe(404);
    const wrongKey = contextFor('news', sim.settings, { apiKey: 'wrongkey0123456789-us21', webhookToken: TOKEN });
    expect(await status(api.list(wrongKey))).toBe(401);
  });
});
