// Deliveries as the vendors send them, through the webhook pipeline with the real connectors: what each vendor
// counts as success (WooCommerce's ping needs exactly 200), topics we do not read, bodies that are not UTF-8.
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { SynclineConfig } from '../core/config.js';
import type { CanonicalEvent } from '../core/events.js';
import { encodeForm } from '../connectors/mailchimp/form.js';
import { mailchimp } from '../connectors/mailchimp/index.js';
import { shopify } from '../connectors/shopify/index.js';
import { signShopifyWebhook } from '../connectors/shopify/webhook.js';
import { square } from '../connectors/square/index.js';
import { signSquareWebhook } from '../connectors/square/webhook.js';
import { contextFor, fixturesOf } from '../connectors/sdk/testing/index.js';
import { startWooCommerceSimulator } from '../connectors/woocommerce/simulator.js';
import { woocommerce } from '../connectors/woocommerce/index.js';
import { ingestWebhook } from '../pipeline/ingest-webhook.js';
import { createInstanceResolver } from '../pipeline/instances.js';
import { MemoryQuarantine, MemoryQueue, MemoryStatus, memoryLogger } from './support/memory-ports.js';

const SHOP = 'syncline-demo.myshopify.com';
const SQUARE_URL = 'https://hooks.syncline.example/webhooks/acme/pos';
const MAILCHIMP_TOKEN = 'a-long-random-webhook-token-0f3c9';
const RECEIVED = '2026-03-01T12:00:00.000Z';

function setup(wooSecret = 'test-webhook-secret', wooSettings: Record<string, unknown> = { storeUrl: 'https://example.com/' }) {
  const config = SynclineConfig.parse({
    tenants: [
      {
        id: 'acme',
        instances: [
          { id: 'woo', connector: 'woocommerce', webhooks: true, settings: wooSettings },
          { id: 'shop', connector: 'shopify', webhooks: true, settings: { shopDomain: SHOP } },
          { id: 'list', connector: 'mailchimp', webhooks: true, settings: { listId: 'a6b5da1054' } },
          { id: 'pos', connector: 'square', webhooks: true, settings: { locationIds: ['L1'], notificationUrl: SQUARE_URL } },
        ],
      },
    ],
  });
  const secrets: Record<string, unknown> = {
    woo: { consumerKey: 'ck', consumerSecret: 'cs', webhookSecret: wooSecret },
    shop: { webhookSecret: 'app-secret', accessToken: 'shpat' },
    pos: { accessToken: 'EAAA', signatureKey: 'sig-key' },
    list: { apiKey: 'simulatedkey0123456789abcdef-us21', webhookToken: MAILCHIMP_TOKEN },
  };
  const log = memoryLogger();
  const deps = {
    instances: createInstanceResolver({
      config,
      connectors: { woocommerce, shopify, square, mailchimp },
      secrets: { get: async (_tenant: string, instance: string) => secrets[instance] },
      log,
    }),
    events: new MemoryQueue<CanonicalEvent>(),
    quarantine: new MemoryQuarantine(),
    status: new MemoryStatus(),
    log,
    now: () => new Date(RECEIVED),
  };
  const deliver = (instance: string, headers: Record<string, string>, rawBody: Buffer | string, url?: string) =>
    ingestWebhook(deps, 'acme', instance, {
      method: 'POST',
      url: url ?? `https://hooks.syncline.example/webhooks/acme/${instance}`,
      headers,
      rawBody: Buffer.from(rawBody),
    });
  return { deps, deliver };
}

const wooHeaders = (topic: string, body: Buffer | string, key: string) => ({
  'content-type': 'application/json',
  'x-wc-webhook-source': 'https://example.com/',
  'x-wc-webhook-topic': topic,
  // WC_Webhook::generate_signature: base64 of the raw HMAC-SHA256, keyed with wp_specialchars_decode(secret, ENT_QUOTES).
  'x-wc-webhook-signature': createHmac('sha256', key).update(body).digest('base64'),
});
const wooCustomer = fixturesOf('woocommerce').text('customer-updated.json');
const shopifyHeaders = (topic: string, body: Buffer | string) => ({
  'content-type': 'application/json',
  'x-shopify-topic': topic,
  'x-shopify-shop-domain': SHOP,
  'x-shopify-webhook-id': `wh-${topic}`,
  ...signShopifyWebhook(body, 'app-secret'),
});

describe('WooCommerce deliveries (WC_Webhook)', () => {
  it('answers the ping on saving a webhook with exactly 200, as deliver_ping requires, and queues nothing', async () => {
    const { deps, deliver } = setup();
    const response = await deliver('woo', { 'user-agent': 'WooCommerce/9.8.1 Hookshot (WordPress/6.8)' }, 'webhook_id=142');
    expect(response.statusCode).toBe(200);
    expect(deps.events.sent).toEqual([]);
  });

  it('saves a webhook without an error in the simulated store: its ping through the pipeline gets exactly 200', async () => {
    const sim = await startWooCommerceSimulator({ customers: [], orders: [], secrets: { webhookSecret: 'sync&amp;line' } });
    const { deps, deliver } = setup(sim.secrets.webhookSecret, sim.settings);
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void deliver('woo', req.headers as Record<string, string>, Buffer.concat(chunks)).then((answer) => {
          res.statusCode = answer.statusCode;
          res.end(JSON.stringify(answer.body));
        });
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/acme/woo`;
      const context = contextFor('woo', sim.settings, sim.secrets);
      const { subscription } = await woocommerce.subscriptions!.create(context, {
        url,
        topics: ['customer.updated'],
        secret: sim.secrets.webhookSecret,
      });
      expect(sim.webhooks.pings()).toEqual([{ id: Number(subscription.id), status: 200 }]);
      // Deliveries signed with the decoded secret verify too.
      const customer = JSON.parse(wooCustomer) as object;
      expect(await sim.webhooks.deliver('customer.updated', customer)).toEqual([{ id: Number(subscription.id), status: 202 }]);
      expect(deps.events.sent).toHaveLength(1);
    } finally {
      server.close();
      await sim.stop();
    }
  });

  it('verifies a delivery signed with the secret after wp_specialchars_decode (entities in the stored secret: & < > \' ")', async () => {
    const stored = 'a&amp;b&lt;c&gt;d&#039;e&quot;f&#38;g&#x27;h&#0060;';
    const { deliver } = setup(stored);
    const response = await deliver('woo', wooHeaders('customer.updated', wooCustomer, `a&b<c>d'e"f&g'h<`), wooCustomer);
    expect(response).toEqual({ statusCode: 202, body: { accepted: 1 } });
  });

  it('verifies a secret holding the plain characters & < \' " (decoding changes nothing there)', async () => {
    const stored = `p&s<w'o"rd&amp`;
    const { deliver } = setup(stored);
    expect((await deliver('woo', wooHeaders('customer.updated', wooCustomer, stored), wooCustomer)).statusCode).toBe(202);
  });
});

describe('topics syncline does not read', () => {
  it('acknowledges them with 200 and no events (WooCommerce disables a webhook after failures, Shopify removes it)', async () => {
    const { deps, deliver } = setup('k');
    const product = JSON.stringify({ id: 788032119674292922, title: 'Example T-Shirt' });
    expect((await deliver('woo', wooHeaders('coupon.created', product, 'k'), product)).statusCode).toBe(200);
    expect((await deliver('woo', wooHeaders('coupon.updated', product, 'k'), product)).statusCode).toBe(200);
    expect((await deliver('shop', shopifyHeaders('collections/create', product), product)).statusCode).toBe(200);
    expect((await deliver('shop', shopifyHeaders('app/uninstalled', product), product)).statusCode).toBe(200);
    const invoice = JSON.stringify({
      merchant_id: 'M1',
      type: 'invoice.published',
      event_id: 'e1',
      created_at: '2026-02-01T10:00:00Z',
      data: { type: 'invoice', id: 'inv1', object: {} },
    });
    expect((await deliver('pos', signSquareWebhook(SQUARE_URL, invoice, 'sig-key'), invoice, SQUARE_URL)).statusCode).toBe(200);
    expect(deps.events.sent).toEqual([]);
    expect(deps.quarantine.entries).toEqual([]);
  });

  it('still refuses with 422 and quarantines a delivery of a topic it reads that fails validation', async () => {
    const { deps, deliver } = setup('k');
    const bad = JSON.stringify({ id: 'not-a-number' });
    const response = await deliver('woo', wooHeaders('customer.updated', bad, 'k'), bad);
    expect(response.statusCode).toBe(422);
    expect(deps.quarantine.entries).toHaveLength(1);
    expect((await deliver('shop', shopifyHeaders('customers/update', bad), bad)).statusCode).toBe(422);
  });

  it('refuses a topic header that is no topic of the vendor (Object.prototype members, free text)', async () => {
    const { deliver } = setup('k');
    for (const name of ['toString', '__proto__', 'constructor', 'jane@example.com'])
      expect((await deliver('shop', shopifyHeaders(name, wooCustomer), wooCustomer)).statusCode, name).toBe(422);
  });
});

describe('bodies that are not UTF-8', () => {
  it('refuses a correctly signed body with invalid UTF-8 with 422 and quarantines it as it came', async () => {
    const { deps, deliver } = setup();
    const body = Buffer.concat([
      Buffer.from('{"id":7,"email":"ann@example.com","first_name":"'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"}'),
    ]);
    const response = await deliver('shop', shopifyHeaders('customers/create', body), body);
    expect(response.statusCode).toBe(422);
    expect(response.body.error).toMatch(/UTF-8/);
    expect(deps.events.sent).toEqual([]);
    expect(Buffer.from(deps.quarantine.entries[0]!.request.bodyBase64, 'base64').equals(body)).toBe(true);
  });
});

describe('vendor times in the future', () => {
  const subscribe = (firedAt: string) =>
    encodeForm({ ...fixturesOf('mailchimp').json<Record<string, string>>('subscribe.json'), fired_at: firedAt });
  const post = (deliver: ReturnType<typeof setup>['deliver'], body: string) =>
    deliver(
      'list',
      { 'content-type': 'application/x-www-form-urlencoded' },
      body,
      `https://hooks.syncline.example/webhooks/acme/list?token=${MAILCHIMP_TOKEN}`,
    );

  it('clamps a time beyond receipt plus the clock skew to the receipt time and records what the vendor said', async () => {
    const { deps, deliver } = setup();
    // Anyone with Mailchimp's callback URL (its token) can date a subscribe in 2099: it must not win every later change.
    expect((await post(deliver, subscribe('2099-01-01 00:00:00'))).statusCode).toBe(202);
    expect(deps.events.sent.length).toBeGreaterThan(0);
    for (const event of deps.events.sent) {
      expect(event.occurredAt).toBe(RECEIVED);
      expect(event.clamped).toEqual({ occurredAt: '2099-01-01T00:00:00.000Z' });
    }
  });

  it('keeps a time within the skew (clocks differ) and a past time as the vendor sent them', async () => {
    const { deps, deliver } = setup();
    await post(deliver, subscribe('2026-03-01 12:01:30'));
    await post(deliver, subscribe('2009-03-26 21:35:57'));
    expect(deps.events.sent.map((e) => [e.occurredAt, e.clamped])).toEqual([
      ['2026-03-01T12:01:30.000Z', undefined],
      ['2026-03-01T12:01:30.000Z', undefined],
      ['2009-03-26T21:35:57.000Z', undefined],
      ['2009-03-26T21:35:57.000Z', undefined],
    ]);
  });

  it('clamps the times inside an order (placedAt) the same way', async () => {
    const { deps, deliver } = setup();
    const order = {
      ...fixturesOf('shopify').json<Record<string, unknown>>('orders-create.json'),
      created_at: '2099-01-01T00:00:00Z',
      updated_at: '2099-01-01T00:00:00Z',
    };
    const body = JSON.stringify(order);
    expect((await deliver('shop', shopifyHeaders('orders/create', body), body)).statusCode).toBe(202);
    const placed = deps.events.sent.find((e) => e.type === 'order.placed');
    expect(placed).toMatchObject({ occurredAt: RECEIVED, data: { placedAt: RECEIVED } });
    expect(placed?.clamped).toMatchObject({ 'data.placedAt': '2099-01-01T00:00:00.000Z' });
  });
});
