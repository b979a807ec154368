// Erasure receipts end to end on the emulators: a signed Shopify customers/redact through the local stack while the
// (simulated) Copernica is down; the push fails and is redelivered until the DLQ takes it, the receipt says failed
// with the reason; Copernica comes back, the scheduled sweep queues the erasure again and the receipt confirms. The
// CLI reads the receipts as an operator would.
import { createServer, request, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SynclineConfig } from '../core/config.js';
import { CanonicalEvent } from '../core/events.js';
import type { ErasureReceipt } from '../core/erasure/receipts.js';
import type { PushMessage } from '../core/ports.js';
import { startCopernicaSimulator, type CopernicaSimulator } from '../connectors/copernica/simulator.js';
import { signShopifyWebhook } from '../connectors/shopify/simulator.js';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { sqsClient } from '../aws/aws-clients.js';
import { secretEnvName } from '../aws/secrets.js';
import { SqsMessageQueue } from '../aws/sqs-queue.js';
import { startLocalStack, type LocalStack } from '../local/local-stack.js';
import { runSyncline } from './support/syncline-cli.js';
import { sharedDynamo } from './support/shared-stack.js';

const TENANT = 'receipts-shop';
const SHOP_DOMAIN = 'receipts-shop.myshopify.com';
const EMAIL = 'rosa@receipt.example';
const MINUTE = 60_000;
let clock = new Date();

/** Copernica behind a switch: while `down`, every request gets a 503, as during a vendor outage. */
let copernica: CopernicaSimulator;
let proxy: Server;
let down = false;
let refused = 0;
let lastRequestAt = 0;

let stack: LocalStack;
let dir: string;
let stateFile: string;
const secretVariable = secretEnvName(TENANT, 'copernica');

async function startSwitchableProxy(target: string): Promise<Server> {
  const server = createServer((req, res) => {
    lastRequestAt = Date.now();
    if (down) {
      refused++;
      res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"service unavailable"}');
      return;
    }
    const upstream = request(
      new URL(req.url ?? '/', target),
      { method: req.method, headers: { ...req.headers, host: new URL(target).host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

beforeAll(async () => {
  copernica = await startCopernicaSimulator({ accessToken: 'receipts-token' });
  const origin = new URL(copernica.settings.apiBaseUrl).origin;
  proxy = await startSwitchableProxy(origin);
  const proxied = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  process.env[secretVariable] = JSON.stringify(copernica.secrets);
  dir = mkdtempSync(join(tmpdir(), 'syncline-receipts-'));
  stateFile = join(dir, 'local.json');
  const config = SynclineConfig.parse({
    tenants: [
      {
        id: TENANT,
        instances: [
          { id: 'shopify', connector: 'shopify', webhooks: true, settings: { shopDomain: SHOP_DOMAIN, apiBaseUrl: 'simulator' } },
          {
            id: 'copernica',
            connector: 'copernica',
            push: true,
            settings: { ...copernica.settings, apiBaseUrl: `${proxied}/v4`, authUrl: `${proxied}/authenticate` },
          },
        ],
      },
    ],
  });
  stack = await startLocalStack({
    config,
    port: 0,
    pollAtStart: false,
    visibilityTimeout: 1,
    maxReceiveCount: 2,
    now: () => clock,
    stateFile,
    ...sharedDynamo(),
  });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await new Promise((resolve) => proxy?.close(resolve));
  await copernica?.stop();
  delete process.env[secretVariable];
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const syncline = (...argv: string[]) => runSyncline(stateFile, ...argv);

async function receipts(): Promise<ErasureReceipt[]> {
  const { code, out, err } = await syncline('erasures', TENANT, '--json');
  expect(code, err).toBe(0);
  const summaries = JSON.parse(out) as { requestId: string }[];
  return Promise.all(
    summaries.map(async (s) => JSON.parse((await syncline('erasure', TENANT, s.requestId, '--json')).out) as ErasureReceipt),
  );
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function pushConsumer(): Promise<{ batches: number; failed: number }> {
  const status = (await (await fetch(`${stack.url}/api/status`)).json()) as { consumers: { push: { batches: number; failed: number } } };
  return status.consumers.push;
}

/**
 * The push consumer's failed deliveries once it has finished no batch and Copernica has seen no request for five
 * seconds (longer than the client's longest back-off between two tries), so no attempt is still in flight.
 */
async function quietPushFailures(): Promise<number> {
  let last = await pushConsumer();
  let quietSince = Date.now();
  const deadline = Date.now() + 90_000;
  while (Date.now() - Math.max(quietSince, lastRequestAt) < 5_000) {
    if (Date.now() > deadline) throw new Error('the push consumer never went quiet');
    await new Promise((resolve) => setTimeout(resolve, 250));
    const now = await pushConsumer();
    if (now.batches !== last.batches) quietSince = Date.now();
    last = now;
  }
  return last.failed;
}

const atCopernica = () => copernica.profiles().filter((p) => p.fields.email === EMAIL);

describe('erasure receipts on the emulators', () => {
  it('keeps a failed destination on the receipt with its reason, retries it through the sweep, and confirms once it answers', async () => {
    const at = new Date(clock.getTime() - 10 * 24 * 60 * MINUTE).toISOString();
    const event = (type: string, data: Record<string, unknown>, id: string) =>
      CanonicalEvent.parse({
        tenantId: TENANT,
        source: { connector: 'shopify', instance: 'shopify' },
        sourceEventId: id,
        occurredAt: at,
        receivedAt: at,
        identifiers: [
          { type: 'email', value: EMAIL },
          { type: 'customerId:shopify', value: '5150' },
        ],
        type,
        data,
      });
    await new SqsMessageQueue<CanonicalEvent>(sqsClient(), stack.queues.changes).send([
      event('customer.upserted', { firstName: 'Rosa' }, 'c-1'),
      event('consent.changed', { purpose: 'email_marketing', granted: true }, 'k-1'),
    ]);
    await until(async () => atCopernica().length === 1, 'the push to Copernica before the erasure');
    await stack.waitUntilIdle();

    down = true;
    const failedBefore = (await pushConsumer()).failed;
    const raw = JSON.stringify({
      shop_id: 954889,
      shop_domain: SHOP_DOMAIN,
      customer: { id: 5150, email: EMAIL, phone: null },
      orders_to_redact: [],
    });
    const secret = stack.simulators.secretsFor(TENANT, 'shopify')?.webhookSecret as string;
    const response = await fetch(`${stack.url}/webhooks/${TENANT}/shopify`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-shopify-topic': 'customers/redact',
        'x-shopify-shop-domain': SHOP_DOMAIN,
        'x-shopify-webhook-id': 'redact-1',
        ...signShopifyWebhook(raw, secret),
      },
      body: raw,
    });
    expect(response.status).toBe(202);
    // The push message fails on each receive (after the client's own retries) until the DLQ takes it. The SQS emulator
    // may move it to the DLQ as it hands out the last receive, so empty queues are not enough: wait for the push
    // consumer to stay quiet too.
    await stack.waitUntilIdle(60_000);
    await until(async () => ((await stack.queueDepths()).pushDlq ?? 0) >= 1, 'the dead letter');
    const failedDeliveries = await quietPushFailures();
    expect(await stack.findProfile(TENANT, { email: EMAIL }), 'erased here at once').toBeUndefined();
    expect(atCopernica(), 'still at Copernica: it was down').toHaveLength(1);
    const depths = await stack.queueDepths();
    expect(depths.push, 'the push queue gave up on the message').toBe(0);
    const dead = await sqsClient().send(
      new ReceiveMessageCommand({ QueueUrl: stack.queues.pushDlq, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }),
    );
    // The emulator may hold a copy per failed receive; each is the erasure, never a sync.
    expect(dead.Messages?.length, 'dead-lettered').toBeGreaterThanOrEqual(1);
    expect(new Set(dead.Messages?.map((m) => (JSON.parse(m.Body!) as PushMessage).kind))).toEqual(new Set(['erase']));

    let [receipt] = await receipts();
    expect(receipt, 'a receipt for the webhook-sourced request, with an id syncline gave it').toMatchObject({
      tenantId: TENANT,
      requestId: expect.stringMatching(/^shopify-[\w-]{22}$/),
      state: 'open',
    });
    const failed = receipt!.destinations[0]!;
    expect(failedDeliveries - failedBefore, 'the message failed at least once').toBeGreaterThanOrEqual(1);
    expect(failed, 'one attempt per failed delivery').toMatchObject({
      instance: 'copernica',
      connector: 'copernica',
      status: 'failed',
      attempts: failedDeliveries - failedBefore,
    });
    expect(failed.reason).toMatch(/^Copernica unavailable: .*503/);
    expect(JSON.stringify(receipt), 'no personal data in the receipt').not.toMatch(/rosa|receipt\.example|5150/i);
    const shown = await syncline('erasure', TENANT, receipt!.requestId);
    expect(shown.out).toMatch(/still open: failed destinations are retried/);
    expect(shown.out).toMatch(new RegExp(`copernica\\s+copernica\\s+failed\\s+${failed.attempts}\\s+`));

    // Copernica is back. A sweep soon after the last attempt leaves the erasure alone; one later queues it again.
    down = false;
    const refusedWhileDown = refused;
    expect((await stack.sweep(TENANT))[0]?.erasures).toEqual({ requeued: 0, waiting: 1, givenUp: 0 });
    clock = new Date(clock.getTime() + 16 * MINUTE);
    expect((await stack.sweep(TENANT))[0]?.erasures).toEqual({ requeued: 1, waiting: 0, givenUp: 0 });
    await until(async () => (await receipts())[0]?.state !== 'open', 'the retried erasure');
    await stack.waitUntilIdle();

    [receipt] = await receipts();
    expect(receipt).toMatchObject({
      state: 'settled',
      destinations: [{ instance: 'copernica', status: 'confirmed', attempts: failed.attempts + 1 }],
    });
    expect(receipt!.destinations[0]!.confirmedAt).toBe(clock.toISOString());
    expect(atCopernica(), 'erased at Copernica').toEqual([]);
    expect(refused, 'nothing was refused after the recovery').toBe(refusedWhileDown);
    expect(await stack.findProfile(TENANT, { email: EMAIL }), 'the retry re-created nothing here').toBeUndefined();
    const log = copernica.log();
    const deleteAt = log.findIndex((r) => r.method === 'DELETE');
    expect(
      log.filter((r) => r.method === 'DELETE'),
      'one deletion',
    ).toHaveLength(1);
    expect(
      log.slice(deleteAt + 1).filter((r) => r.method !== 'GET'),
      'nothing written to Copernica after the deletion',
    ).toEqual([]);
    const deletes = 1;

    // A later sweep finds nothing open: a confirmed destination is never asked again.
    clock = new Date(clock.getTime() + 16 * MINUTE);
    expect((await stack.sweep(TENANT))[0]?.erasures).toEqual({ requeued: 0, waiting: 0, givenUp: 0 });
    await stack.waitUntilIdle();
    expect(copernica.log().filter((r) => r.method === 'DELETE')).toHaveLength(deletes);
  }, 120_000);
});
