// Replaying quarantined webhooks on the emulators: the quarantine in DynamoDB Local, the events on the SQS emulator.
import { beforeEach, describe, expect, it } from 'vitest';
import { SynclineConfig } from '../../core/config.js';
import type { CanonicalEvent } from '../../core/events.js';
import { PayloadInvalid, type AnyConnector, type WebhookRequest } from '../../connectors/sdk/index.js';
import { shopify } from '../../connectors/shopify/index.js';
import { copernica } from '../../connectors/copernica/index.js';
import {
  deliveryHeaders,
  fixture,
  secrets as shopSecrets,
  SHOP_DOMAIN,
  signedRequest as signedShopify,
} from '../../connectors/shopify/test-support.js';
import {
  secrets as copernicaSecrets,
  settings as copernicaSettings,
  signedRequest as signedCopernica,
} from '../../connectors/copernica/test-support.js';
import { DynamoQuarantineStore, DynamoStatusRecorder } from '../../aws/dynamo-ops-store.js';
import { SqsMessageQueue } from '../../aws/sqs-queue.js';
import { useEmulators } from '../../test/support/emulators.js';
import { silentLogger, takeAll, takeBodies } from '../../test/support/lambda-events.js';
import { ingestWebhook, type WebhookDeps } from '../ingest-webhook.js';
import { createInstanceResolver } from '../instances.js';
import { replayQuarantined } from './replay-quarantine.js';

const env = useEmulators();

const config = SynclineConfig.parse({
  tenants: ['fixed', 'still', 'single', 'signed'].map((id) => ({
    id,
    instances: [
      { id: 'shop', connector: 'shopify', webhooks: true, settings: { shopDomain: SHOP_DOMAIN } },
      { id: 'copernica-nl', connector: 'copernica', webhooks: true, settings: { ...copernicaSettings } },
    ],
  })),
});

/** The Shopify connector before its fix: it rejected customer webhooks it did not understand yet. */
const shopifyBeforeFix: AnyConnector = {
  ...shopify,
  parseWebhook: () => {
    throw new PayloadInvalid('customers/create: unknown field "tax_exemptions" (connector 1.0 does not know it)');
  },
} as AnyConnector;

function deps(options: { connectors?: Record<string, AnyConnector>; now?: () => Date } = {}): WebhookDeps {
  const secrets = { get: async (_tenant: string, instance: string) => (instance === 'shop' ? shopSecrets : copernicaSecrets) };
  return {
    instances: createInstanceResolver({ config, connectors: options.connectors ?? { shopify, copernica }, secrets, log: silentLogger }),
    events: new SqsMessageQueue<CanonicalEvent>(env.sqs, env.queues.changes.url),
    quarantine: new DynamoQuarantineStore(env.db, env.tables.ops),
    status: new DynamoStatusRecorder(env.db, env.tables.ops),
    log: silentLogger,
    ...(options.now ? { now: options.now } : {}),
  };
}

const quarantined = (tenantId: string) => new DynamoQuarantineStore(env.db, env.tables.ops).list(tenantId);
const customerDelivery = (extra: Record<string, unknown> = {}): WebhookRequest =>
  signedShopify('customers/create', { ...(fixture('customers-create.json') as object), ...extra });

beforeEach(async () => {
  await takeAll(env.sqs, env.queues.changes.url);
});

describe('replayQuarantined', () => {
  it('queues a delivery the fixed connector now accepts and removes it from quarantine', async () => {
    const before = await ingestWebhook(deps({ connectors: { shopify: shopifyBeforeFix, copernica } }), 'fixed', 'shop', customerDelivery());
    expect(before.statusCode).toBe(422);
    expect(await quarantined('fixed')).toHaveLength(1);

    const outcomes = await replayQuarantined(deps(), 'fixed');

    expect(outcomes).toEqual([{ id: before.body.quarantineId, instance: 'shop', status: 'replayed', accepted: expect.any(Number) }]);
    const queued = await takeBodies<CanonicalEvent>(env.sqs, env.queues.changes.url);
    expect(queued).toHaveLength(outcomes[0]!.accepted!);
    expect(queued.map((e) => e.type)).toContain('customer.upserted');
    expect(await quarantined('fixed'), 'removed from quarantine').toEqual([]);
  });

  it('keeps a delivery that is still invalid, says why, and does not quarantine it twice', async () => {
    const malformed = signedShopify('orders/create', { id: 'not-a-number', line_items: 'none' }, deliveryHeaders('orders/create'));
    const before = await ingestWebhook(deps(), 'still', 'shop', malformed);
    expect(before.statusCode).toBe(422);

    const outcomes = await replayQuarantined(deps(), 'still');

    expect(outcomes).toEqual([{ id: before.body.quarantineId, instance: 'shop', status: 'still-invalid', reason: expect.any(String) }]);
    expect(outcomes[0]!.reason).toBeTruthy();
    expect(
      (await quarantined('still')).map((e) => e.id),
      'the same single entry',
    ).toEqual([before.body.quarantineId]);
    expect(await takeAll(env.sqs, env.queues.changes.url)).toEqual([]);
  });

  it('replays only the entry asked for, and says when there is no such entry', async () => {
    const broken = deps({ connectors: { shopify: shopifyBeforeFix, copernica } });
    const first = await ingestWebhook(broken, 'single', 'shop', customerDelivery({ id: 1001, email: 'one@example.com' }));
    const second = await ingestWebhook(broken, 'single', 'shop', customerDelivery({ id: 1002, email: 'two@example.com' }));

    expect(await replayQuarantined(deps(), 'single', second.body.quarantineId)).toEqual([
      expect.objectContaining({ id: second.body.quarantineId, status: 'replayed' }),
    ]);
    expect((await quarantined('single')).map((e) => e.id)).toEqual([first.body.quarantineId]);
    expect(await replayQuarantined(deps(), 'single', 'no-such-id')).toEqual([
      { id: 'no-such-id', status: 'not-found', reason: expect.stringContaining('no-such-id') },
    ]);
  });

  it('reports a timestamped signature that has grown too old instead of bypassing verification', async () => {
    // Copernica signs its Date header and we accept five minutes of skew: a replay ten minutes later must fail it.
    const arrived = new Date();
    const before = await ingestWebhook(
      deps({ now: () => arrived }),
      'signed',
      'copernica-nl',
      signedCopernica('garbage=1', { now: arrived }),
    );
    expect(before.statusCode, JSON.stringify(before.body)).toBe(422);

    const outcomes = await replayQuarantined(deps({ now: () => new Date(arrived.getTime() + 10 * 60_000) }), 'signed');

    expect(outcomes).toEqual([
      expect.objectContaining({ id: before.body.quarantineId, status: 'signature-rejected', reason: expect.stringMatching(/too old/) }),
    ]);
    expect(await quarantined('signed'), 'kept for a resend').toHaveLength(1);
    expect(await takeAll(env.sqs, env.queues.changes.url)).toEqual([]);
  });
});
