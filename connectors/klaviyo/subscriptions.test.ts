import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VendorRejected } from '../sdk/index.js';
import { contextFor, fixturesOf } from '../sdk/testing/index.js';
import { klaviyo } from './index.js';
import { startKlaviyoSimulator, type KlaviyoSimulator } from './simulator.js';

let sim: KlaviyoSimulator;
let receiver: { url: string; received: { headers: Record<string, string>; body: Buffer }[]; close(): void };
const SECRET = 'a-secret-syncline-generated-0123456789';
const context = (secrets = { ...sim.secrets, webhookSecret: SECRET }) => contextFor('email', sim.settings, secrets);
const api = klaviyo.subscriptions!;
// The documented example's event (fixtures/email-delivered.json), as Klaviyo carries it in payload.data.
const EVENT = fixturesOf('klaviyo').json<{ data: Array<{ payload: { data: unknown } }> }>('email-delivered.json').data[0]!.payload.data;

beforeAll(async () => {
  sim = await startKlaviyoSimulator();
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
  receiver = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/acme/email`,
    received,
    close: () => server.close(),
  };
});
afterAll(async () => {
  receiver.close();
  await sim.stop();
});

describe('Klaviyo webhook subscriptions (Webhooks API, simulated account)', () => {
  it('creates one webhook carrying every topic, signed with the secret syncline gives it', async () => {
    const created = await api.create(context(), { url: receiver.url, topics: [...api.topics], secret: SECRET });
    expect(created.subscription).toMatchObject({ url: receiver.url, topics: [...api.topics], active: true });
    expect(created.issuedSecret).toBeUndefined();
    expect(await api.list(context())).toEqual([created.subscription]);

    expect((await sim.webhooks.deliver('event:klaviyo.opened_email', EVENT)).map((d) => d.status)).toEqual([200]);
    const delivery = receiver.received.at(-1)!;
    const request = { method: 'POST', url: receiver.url, headers: delivery.headers, rawBody: delivery.body };
    expect(() => klaviyo.verifyWebhook!(request, context().secrets, sim.settings, new Date())).not.toThrow();
    expect(() => klaviyo.verifyWebhook!(request, { ...sim.secrets, webhookSecret: 'another' }, sim.settings, new Date())).toThrow();
  });

  it('re-enables a disabled webhook and points it here again with update', async () => {
    const [existing] = await api.list(context());
    sim.webhooks.setEnabled(existing!.id, false);
    expect((await api.list(context()))[0]).toMatchObject({ active: false, status: 'disabled' });
    const updated = await api.update(context(), existing!.id, { url: `${receiver.url}?moved`, topics: [...api.topics], secret: SECRET });
    expect(updated.subscription).toMatchObject({ active: true, url: `${receiver.url}?moved` });
  });

  it("answers Klaviyo's documented errors: an endpoint that is not https, an unknown topic, an unknown id, a refused key", async () => {
    const refused = async (call: Promise<unknown>) => {
      const error = await call.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(VendorRejected);
      return (error as VendorRejected).status;
    };
    expect(await refused(api.create(context(), { url: 'http://shop.example/hook', topics: [...api.topics], secret: SECRET }))).toBe(400);
    expect(await refused(api.create(context(), { url: receiver.url, topics: ['event:klaviyo.no_such_metric'], secret: SECRET }))).toBe(400);
    expect(await refused(api.update(context(), 'NOSUCHWEBHOOK', { url: receiver.url, topics: [...api.topics], secret: SECRET }))).toBe(404);
    expect(await refused(api.list(context({ apiKey: 'pk_wrong', webhookSecret: SECRET })))).toBe(401);
  });
});
