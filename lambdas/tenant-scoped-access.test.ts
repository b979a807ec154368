// The webhook and poll functions' tenant-scoped DynamoDB access (SYNCLINE_TENANT_DATA_ROLE_ARN), on the emulators with
// a fake STS: DynamoDB Local does not check credentials, so what is proven here is the wiring (which tenant's
// credentials sign which store's requests, and when STS is asked); the IAM policy itself is proven in cdk/.
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SynclineConfig } from '../core/config.js';
import { deliveryHeaders, fixture, secrets, SHOP_DOMAIN } from '../connectors/shopify/test-support.js';
import { signShopifyWebhook } from '../connectors/shopify/simulator.js';
import { useEmulators } from '../test/support/emulators.js';
import { silentLogger, takeAll, webhookEvent } from '../test/support/lambda-events.js';
import { DynamoCursorStore, DynamoStatusRecorder } from '../aws/dynamo-ops-store.js';
import type { AssumeRoleRequest, RoleAssumer, TemporaryCredentials } from '../aws/tenant-credentials.js';
import { TENANT_DATA_ROLE_VARIABLE } from '../aws/tenant-scoped-dynamo.js';
import { configureRuntime, runtime, tenantRuntime } from './runtime.js';
import { handler } from './webhook.js';

const env = useEmulators();
const ROLE = 'arn:aws:iam::123456789012:role/syncline-dev-tenant-data';

const config = SynclineConfig.parse({
  tenants: [
    { id: 'acme', instances: [{ id: 'shop', connector: 'shopify', webhooks: true, settings: { shopDomain: SHOP_DOMAIN } }] },
    { id: 'globex', instances: [{ id: 'shop', connector: 'shopify', webhooks: true, settings: { shopDomain: SHOP_DOMAIN } }] },
  ],
});

class FakeSts implements RoleAssumer {
  readonly requests: AssumeRoleRequest[] = [];
  async assume(request: AssumeRoleRequest): Promise<TemporaryCredentials> {
    this.requests.push(request);
    // DynamoDB Local keeps one database per access key unless shared (the test emulators share): any key works.
    return {
      accessKeyId: `ASIAFAKE${this.requests.length}`,
      secretAccessKey: 'fake',
      sessionToken: 'fake',
      expiration: new Date(Date.now() + 900_000),
    };
  }
}

let sts: FakeSts;
const configure = () => configureRuntime({ config, secrets: { get: async () => secrets }, log: silentLogger, roleAssumer: sts });
const delivery = (tenant: string) => {
  const body = JSON.stringify(fixture('customers-create.json'));
  return webhookEvent({
    tenant,
    instance: 'shop',
    body,
    headers: { ...deliveryHeaders('customers/create'), ...signShopifyWebhook(body, secrets.webhookSecret) },
  });
};

beforeAll(() => {
  process.env[TENANT_DATA_ROLE_VARIABLE] = ROLE;
});
beforeEach(async () => {
  sts = new FakeSts();
  configure();
  await takeAll(env.sqs, env.queues.changes.url);
});
afterEach(() => {
  process.env[TENANT_DATA_ROLE_VARIABLE] = ROLE;
});

describe('tenant-scoped DynamoDB access of the webhook and poll functions', () => {
  it('signs a webhook’s ops-table writes with credentials of the route’s tenant, assumed once per tenant', async () => {
    expect((await handler(delivery('acme'))).statusCode).toBe(202);
    expect((await handler(delivery('acme'))).statusCode).toBe(202);
    expect(sts.requests, 'one AssumeRole for two deliveries').toEqual([
      { roleArn: ROLE, sessionName: 'syncline-acme', tags: { tenant: 'acme' }, durationSeconds: 900 },
    ]);
    const recorded = await new DynamoStatusRecorder(env.db, env.tables.ops).read('acme', 'shop');
    expect(
      recorded.webhook?.okCount,
      'the status write made with the scoped client landed (the second waits up to a minute)',
    ).toBeGreaterThanOrEqual(1);

    expect((await handler(delivery('globex'))).statusCode).toBe(202);
    expect(sts.requests.map((r) => r.tags.tenant)).toEqual(['acme', 'globex']);
  });

  it('assumes nothing for a tenant that is not configured: the route answers 401 (as for a bad signature) before any store is used', async () => {
    expect((await handler(delivery('nobody'))).statusCode).toBe(401);
    expect(sts.requests).toEqual([]);
  });

  it('gives the poll its tenant’s cursor store, writing the same items the shared store reads', async () => {
    const scoped = tenantRuntime('acme').poll;
    expect(scoped.cursors).not.toBe(runtime().poll.cursors);
    await scoped.cursors.put('acme', 'shop', 'cursor-7');
    expect(await new DynamoCursorStore(env.db, env.tables.ops).get('acme', 'shop')).toBe('cursor-7');
    expect(sts.requests.map((r) => r.tags.tenant)).toEqual(['acme']);
  });

  it('keeps the shared client without the role variable (the local stack has no STS)', async () => {
    delete process.env[TENANT_DATA_ROLE_VARIABLE];
    configure();
    expect(tenantRuntime('acme').webhook).toBe(runtime().webhook);
    expect(tenantRuntime('acme').poll).toBe(runtime().poll);
    expect((await handler(delivery('acme'))).statusCode).toBe(202);
    expect(sts.requests).toEqual([]);
  });
});
