// The merge's push messages held a while (PUSH_DELAY_SECONDS, cdk/handlers.ts): a person's webhooks merged in separate
// batches reach the destination in one push of the latest profile, not one per batch. The whole local runtime.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SynclineConfig } from '../core/config.js';
import { signShopifyWebhook } from '../connectors/shopify/simulator.js';
import { demoStory, type DemoDelivery } from '../local/demo.js';
import { startLocalStack, type LocalStack } from '../local/local-stack.js';
import { sharedDynamo } from './support/shared-stack.js';

const SHOP_DOMAIN = 'demo-shop.myshopify.com';
const TENANT = 'held';
/** Long enough for five single-webhook merges one after another, even on a loaded machine (~0.3–1.5 s each). */
const DELAY_SECONDS = 10;

let stack: LocalStack;

beforeAll(async () => {
  stack = await startLocalStack({
    config: SynclineConfig.parse({
      tenants: [
        {
          id: TENANT,
          sourcePriority: ['shopify', 'copernica'],
          instances: [
            { id: 'shopify', connector: 'shopify', webhooks: true, settings: { shopDomain: SHOP_DOMAIN, apiBaseUrl: 'simulator' } },
            { id: 'copernica', connector: 'copernica', push: true, settings: { databaseId: 1, apiBaseUrl: 'simulator' } },
          ],
        },
      ],
    }),
    port: 0,
    pollAtStart: false,
    visibilityTimeout: 5,
    pushDelaySeconds: DELAY_SECONDS,
    ...sharedDynamo(),
  });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

async function deliverAndMerge(delivery: DemoDelivery): Promise<void> {
  const merged = stack.consumerStats().merge.succeeded;
  const secret = stack.simulators.secretsFor(TENANT, 'shopify')?.webhookSecret as string;
  const body = JSON.stringify(delivery.body);
  const response = await fetch(`${stack.url}/webhooks/${TENANT}/shopify`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': delivery.topic,
      'x-shopify-shop-domain': SHOP_DOMAIN,
      'x-shopify-webhook-id': delivery.webhookId,
      ...signShopifyWebhook(body, secret),
    },
    body,
  });
  expect(response.status).toBe(202);
  for (const deadline = Date.now() + 20_000; stack.consumerStats().merge.succeeded === merged; ) {
    if (Date.now() > deadline) throw new Error(`webhook ${delivery.webhookId} not merged`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('push messages held by the merge', () => {
  it("pushes a person's webhooks merged in five batches to Copernica once, with the latest profile, after the delay", async () => {
    // Bob signs up, consents, orders twice and renames himself: five webhooks, each merged in a batch of its own (the
    // next is sent only once the previous one is merged), each batch asking for a push of his profile.
    const story = demoStory(SHOP_DOMAIN);
    const bob = ['demo-5', 'demo-6', 'demo-7', 'demo-8', 'demo-9'].map((id) => story.find((d) => d.webhookId === id)!);
    const started = Date.now();
    for (const delivery of bob) await deliverAndMerge(delivery);
    const copernica = stack.simulators.copernica(TENANT, 'copernica')!;
    expect(Date.now() - started, 'the five merges took less than the delay').toBeLessThan(DELAY_SECONDS * 1000);
    expect(copernica.log(), 'nothing pushed before the delay').toEqual([]);

    await stack.waitUntilIdle(60_000);
    const puts = copernica.log().filter((r) => r.method === 'PUT');
    expect(puts, 'one push for five batches').toHaveLength(1);
    expect(copernica.profiles().map((p) => p.fields)).toEqual([
      expect.objectContaining({ email: 'bob.smit@example.com', firstName: 'Robert' }),
    ]);
    const profile = await stack.findProfile(TENANT, { email: 'bob.smit@example.com' });
    expect(profile?.version, 'five merged versions').toBeGreaterThanOrEqual(5);
  }, 120_000);
});
