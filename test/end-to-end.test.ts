// From a signed Shopify webhook on the local server to a merged profile in DynamoDB Local and a push received by
// the simulated Copernica: the whole local runtime with the Lambda handlers, on the emulators.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SynclineConfig } from '../core/config.js';
import type { Profile } from '../core/profile.js';
import { projectProfile } from '../core/projection.js';
import { signShopifyWebhook } from '../connectors/shopify/simulator.js';
import { demoStory, type DemoDelivery } from '../local/demo.js';
import { startLocalStack, type LocalStack } from '../local/local-stack.js';
import { sharedDynamo } from './support/shared-stack.js';

const SHOP_DOMAIN = 'demo-shop.myshopify.com';
const tenantConfig = (id: string) => ({
  id,
  sourcePriority: ['shopify', 'copernica'],
  instances: [
    {
      id: 'shopify',
      connector: 'shopify',
      webhooks: true,
      pollEveryMinutes: 60,
      settings: { shopDomain: SHOP_DOMAIN, apiBaseUrl: 'simulator' },
    },
    { id: 'copernica', connector: 'copernica', push: true, settings: { databaseId: 1, apiBaseUrl: 'simulator' } },
  ],
});

let stack: LocalStack;

beforeAll(async () => {
  stack = await startLocalStack({
    config: SynclineConfig.parse({ tenants: [tenantConfig('in-order'), tenantConfig('shuffled')] }),
    port: 0,
    pollAtStart: false,
    visibilityTimeout: 2,
    maxReceiveCount: 2,
    ...sharedDynamo(),
  });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

async function deliver(tenantId: string, delivery: DemoDelivery): Promise<Response> {
  const secret = stack.simulators.secretsFor(tenantId, 'shopify')?.webhookSecret as string;
  const body = typeof delivery.body === 'string' ? delivery.body : JSON.stringify(delivery.body);
  return fetch(`${stack.url}/webhooks/${tenantId}/shopify`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': delivery.topic,
      'x-shopify-shop-domain': SHOP_DOMAIN,
      'x-shopify-webhook-id': delivery.webhookId,
      ...signShopifyWebhook(body, delivery.forged ? 'forged' : secret),
    },
    body,
  });
}

/** What must not depend on delivery order: everything but ids, versions and bookkeeping. */
function content(profile: Profile | undefined) {
  if (!profile) return undefined;
  const { profileId: _p, version: _v, recentEvents: _r, mergedFrom: _m, tenantId: _t, identityJournal: _j, ...rest } = profile;
  return rest;
}

describe('local pipeline end to end', () => {
  const story = demoStory(SHOP_DOMAIN);
  const valid = story.filter((d) => !d.forged && d.topic && typeof d.body === 'object' && d.webhookId !== 'demo-12');

  it('turns signed Shopify webhooks into merged profiles in DynamoDB and pushes to Copernica', async () => {
    const statuses: number[] = [];
    for (const delivery of story) statuses.push((await deliver('in-order', delivery)).status);
    await stack.waitUntilIdle(60_000);
    expect(
      statuses.slice(0, -2).every((s) => s === 202),
      `statuses ${statuses}`,
    ).toBe(true);
    expect(statuses.slice(-2), 'forged → 401, malformed → 422').toEqual([401, 422]);

    const anna = await stack.findProfile('in-order', { email: 'anna.dejong@example.com' });
    expect(anna?.identifiers.map((i) => i.type).sort(), 'the anonymous checkout joined Anna').toEqual([
      'anonymousId',
      'customerId:shopify',
      'email',
    ]);
    expect(projectProfile(anna!)).toMatchObject({ orderCount: 1, openCartValue: null, consentEmailMarketing: true, firstName: 'Anna' });

    const bob = await stack.findProfile('in-order', { email: 'bob.smit@example.com' });
    expect(projectProfile(bob!), 'duplicate order counted once; the late older update lost').toMatchObject({
      orderCount: 2,
      firstName: 'Robert',
    });

    const copernica = stack.simulators.copernica('in-order', 'copernica')!;
    const pushed = copernica.profiles().map((p) => p.fields);
    expect(pushed).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ email: 'anna.dejong@example.com', firstName: 'Anna' }),
        expect.objectContaining({ email: 'bob.smit@example.com', firstName: 'Robert' }),
      ]),
    );
  }, 120_000);

  it('gives the same profiles when the same webhooks arrive reversed and duplicated', async () => {
    const reversedWithDuplicates = [...valid].reverse().flatMap((d, i) => (i % 2 === 0 ? [d, d] : [d]));
    for (const delivery of reversedWithDuplicates) expect((await deliver('shuffled', delivery)).status).toBe(202);
    await stack.waitUntilIdle();
    for (const email of ['anna.dejong@example.com', 'bob.smit@example.com']) {
      const expected = content(await stack.findProfile('in-order', { email }));
      const actual = content(await stack.findProfile('shuffled', { email }));
      expect(actual, email).toEqual(expected);
    }
  }, 120_000);

  it('polls the simulated Shopify through the scheduler and merges what it pages through', async () => {
    await stack.scheduler.runAll();
    await stack.waitUntilIdle(60_000);
    const shop = stack.simulators.shopify('in-order', 'shopify')!;
    expect(shop.queries().length, 'several GraphQL pages').toBeGreaterThan(1);
    const depths = await stack.queueDepths();
    expect(depths.changesDlq, 'nothing dead-lettered').toBe(0);
  }, 120_000);
});
