// The webhook Lambda on the emulators: API Gateway events in, canonical events on SQS, quarantine in DynamoDB.
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { SynclineConfig } from '../core/config.js';
import type { CanonicalEvent } from '../core/events.js';
import { deliveryHeaders, fixture, secrets, SHOP_DOMAIN } from '../connectors/shopify/test-support.js';
import { signShopifyWebhook } from '../connectors/shopify/simulator.js';
import { useEmulators } from '../test/support/emulators.js';
import { silentLogger, takeAll, takeBodies, webhookEvent } from '../test/support/lambda-events.js';
import { DynamoQuarantineStore } from '../aws/dynamo-ops-store.js';
import { documentClient, sqsClient } from '../aws/aws-clients.js';
import { configureRuntime } from './runtime.js';
import { handler } from './webhook.js';

const env = useEmulators();

const config = SynclineConfig.parse({
  tenants: [{ id: 'acme', instances: [{ id: 'shop', connector: 'shopify', webhooks: true, settings: { shopDomain: SHOP_DOMAIN } }] }],
});
const runtimeOptions = {
  config,
  secrets: { get: async (tenantId: string, instance: string) => (tenantId === 'acme' && instance === 'shop' ? secrets : undefined) },
  log: silentLogger,
};

beforeAll(() => configureRuntime(runtimeOptions));
beforeEach(async () => {
  await takeAll(env.sqs, env.queues.changes.url);
});

function signed(topic: string, body: Buffer | string, secret = secrets.webhookSecret, base64 = false) {
  return webhookEvent({
    tenant: 'acme',
    instance: 'shop',
    body,
    base64,
    headers: { ...deliveryHeaders(topic), ...signShopifyWebhook(body, secret) },
  });
}

const customer = (extra: Record<string, unknown> = {}) => JSON.stringify({ ...fixture('customers-create.json'), ...extra });

describe('webhook handler', () => {
  it('queues a signed Shopify webhook on the changes queue and answers 202', async () => {
    const response = await handler(signed('customers/create', customer()));

    expect(response.statusCode, response.body).toBe(202);
    const queued = await takeBodies<CanonicalEvent>(env.sqs, env.queues.changes.url);
    expect(JSON.parse(response.body!)).toEqual({ accepted: queued.length });
    const upserted = queued.find((e) => e.type === 'customer.upserted');
    expect(upserted, `queued types: ${queued.map((e) => e.type)}`).toMatchObject({
      tenantId: 'acme',
      source: { connector: 'shopify', instance: 'shop' },
      identifiers: expect.arrayContaining([{ type: 'email', value: 'bob.norman@hostmail.com' }]),
      data: expect.objectContaining({ firstName: 'Bob' }),
    });
  });

  it('serves a delivery through the tenant’s own route, whose key names the tenant and whose path parameters do not', async () => {
    const event = signed('customers/create', customer());
    const routeKey = 'ANY /webhooks/acme/{instance}';
    const response = await handler({
      ...event,
      routeKey,
      pathParameters: { instance: 'shop' },
      requestContext: { ...event.requestContext, routeKey },
    });
    expect(response.statusCode, response.body).toBe(202);
    expect((await takeBodies<CanonicalEvent>(env.sqs, env.queues.changes.url)).every((e) => e.tenantId === 'acme')).toBe(true);
  });

  it('answers 401 to a forged signature and queues nothing', async () => {
    const response = await handler(signed('customers/create', customer(), 'not-the-app-secret'));

    expect(response.statusCode).toBe(401);
    expect(await takeAll(env.sqs, env.queues.changes.url), 'nothing queued').toEqual([]);
  });

  it('quarantines a malformed but signed payload in DynamoDB with its reason and answers 422', async () => {
    const body = JSON.stringify({ id: 'not-a-number', line_items: 'none' });
    const response = await handler(signed('orders/create', body));

    expect(response.statusCode, response.body).toBe(422);
    const { quarantineId, error } = JSON.parse(response.body!) as { quarantineId: string; error: string };
    const entries = await new DynamoQuarantineStore(env.db, env.tables.ops).list('acme');
    const entry = entries.find((e) => e.id === quarantineId);
    expect(entry, 'quarantine entry in DynamoDB').toMatchObject({ tenantId: 'acme', instance: 'shop', reason: error });
    expect(Buffer.from(entry!.request.bodyBase64, 'base64').toString('utf8'), 'raw body kept for replay').toBe(body);
    expect(entry!.request.headers['x-shopify-hmac-sha256'], 'signature kept for re-verification').toBe(
      signShopifyWebhook(body, secrets.webhookSecret)['x-shopify-hmac-sha256'],
    );
    expect(await takeAll(env.sqs, env.queues.changes.url), 'nothing queued').toEqual([]);
  });

  it('answers an unknown tenant with 401, as a bad signature (no enumeration)', async () => {
    const response = await handler(
      webhookEvent({
        tenant: 'nobody',
        instance: 'shop',
        body: customer(),
        headers: signShopifyWebhook(customer(), secrets.webhookSecret),
      }),
    );

    expect(response.statusCode).toBe(401);
    expect(await takeAll(env.sqs, env.queues.changes.url)).toEqual([]);
  });

  it('decodes base64 bodies from API Gateway byte for byte', async () => {
    // Non-ASCII in several UTF-8 lengths: a decode as latin1 or a re-encode would change the bytes and the HMAC.
    const raw = Buffer.from(customer({ first_name: 'Zoë', last_name: 'Ångström-Łukaszewicz 🎉' }), 'utf8');
    const response = await handler(signed('customers/create', raw, secrets.webhookSecret, true));

    expect(response.statusCode, response.body).toBe(202);
    const upserted = (await takeBodies<CanonicalEvent>(env.sqs, env.queues.changes.url)).find((e) => e.type === 'customer.upserted');
    expect(upserted?.data).toMatchObject({ firstName: 'Zoë', lastName: 'Ångström-Łukaszewicz 🎉' });
  });

  it('answers 503 when the queue is unavailable so the vendor retries', async () => {
    const quarantine = new DynamoQuarantineStore(env.db, env.tables.ops);
    const quarantinedBefore = (await quarantine.list('acme')).length;
    const queueUrl = process.env.CHANGES_QUEUE_URL;
    process.env.CHANGES_QUEUE_URL = `${env.sqsEndpoint}/000000000000/${env.unique('no-such-queue')}`;
    configureRuntime(runtimeOptions);
    try {
      const response = await handler(signed('customers/create', customer()));
      expect(response.statusCode, response.body).toBe(503);
    } finally {
      process.env.CHANGES_QUEUE_URL = queueUrl;
      configureRuntime(runtimeOptions);
    }
    expect(await quarantine.list('acme'), 'a queue outage is not a bad payload').toHaveLength(quarantinedBefore);
  });

  it('accepts a delivery with one SQS send and no table write (status within the minute, the ledger by the merge)', async () => {
    configureRuntime(runtimeOptions);
    expect((await handler(signed('customers/create', customer()))).statusCode).toBe(202);
    const dynamo = vi.spyOn(documentClient(), 'send');
    const queue = vi.spyOn(sqsClient(), 'send');
    try {
      expect((await handler(signed('customers/update', customer({ first_name: 'Robert' })))).statusCode).toBe(202);
      expect(
        dynamo.mock.calls.map(([c]) => c.constructor.name),
        'no DynamoDB request',
      ).toEqual([]);
      expect(queue.mock.calls.map(([c]) => c.constructor.name)).toEqual(['SendMessageBatchCommand']);
    } finally {
      dynamo.mockRestore();
      queue.mockRestore();
    }
  });
});
