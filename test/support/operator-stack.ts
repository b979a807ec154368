// A local stack fed like a real shop for the operator tests (CLI and status page): signed Shopify webhooks from the
// demo story, one authentic-but-malformed delivery that lands in quarantine.
import { readFileSync } from 'node:fs';
import { signShopifyWebhook } from '../../connectors/shopify/simulator.js';
import type { QuarantineEntry } from '../../core/ports.js';
import { demoStory, type DemoDelivery } from '../../local/demo.js';
import type { LocalStack } from '../../local/local-stack.js';
import { runtime } from '../../lambdas/runtime.js';

export const SHOP_DOMAIN = 'demo-shop.myshopify.com';

export const operatorTenant = (id: string) => ({
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
  campaigns: { campaigns: [{ id: 'winback', audience: 'segmentRepeat', startsAt: '2026-11-01T00:00:00Z', controlShare: 0.5 }] },
});

function signedRequest(stack: LocalStack, tenantId: string, delivery: DemoDelivery) {
  const secret = stack.simulators.secretsFor(tenantId, 'shopify')?.webhookSecret as string;
  const body = typeof delivery.body === 'string' ? delivery.body : JSON.stringify(delivery.body);
  const headers = {
    'content-type': 'application/json',
    'x-shopify-topic': delivery.topic,
    'x-shopify-shop-domain': SHOP_DOMAIN,
    'x-shopify-webhook-id': delivery.webhookId,
    ...signShopifyWebhook(body, delivery.forged ? 'forged' : secret),
  };
  return { body, headers };
}

async function deliver(stack: LocalStack, tenantId: string, delivery: DemoDelivery): Promise<number> {
  const { body, headers } = signedRequest(stack, tenantId, delivery);
  return (await fetch(`${stack.url}/webhooks/${tenantId}/shopify`, { method: 'POST', headers, body })).status;
}

/** The demo story's valid deliveries plus the malformed one (quarantined); resolves once the queues are idle. */
export async function feedStory(stack: LocalStack, tenantId: string): Promise<{ statuses: number[] }> {
  const story = demoStory(SHOP_DOMAIN).filter((d) => !d.forged);
  const statuses: number[] = [];
  for (const delivery of story) statuses.push(await deliver(stack, tenantId, delivery));
  await stack.waitUntilIdle();
  return { statuses };
}

/**
 * A quarantined delivery that the connector accepts now (as after a fix of its parser): a signed customers/create
 * put straight into the quarantine store, so that a replay of it succeeds.
 */
const customerFixture = (): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL('../../connectors/shopify/fixtures/customers-create.json', import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >;

export async function quarantineAcceptable(stack: LocalStack, tenantId: string, email: string): Promise<QuarantineEntry> {
  const delivery: DemoDelivery = {
    step: 'a customer the old parser rejected',
    topic: 'customers/create',
    webhookId: `fixed-${email}`,
    body: {
      ...customerFixture(),
      id: 9100 + email.length,
      email,
      first_name: 'Fixed',
      last_name: 'Parser',
      created_at: '2026-11-22T10:00:00+01:00',
      updated_at: '2026-11-22T10:00:00+01:00',
    },
  };
  const { body, headers } = signedRequest(stack, tenantId, delivery);
  const entry: QuarantineEntry = {
    id: `fixed-${Date.now()}`,
    tenantId,
    instance: 'shopify',
    receivedAt: new Date().toISOString(),
    reason: 'customer payload invalid: <script>alert("reason")</script> & id: expected number',
    request: {
      method: 'POST',
      url: `${stack.url}/webhooks/${tenantId}/shopify`,
      headers,
      bodyBase64: Buffer.from(body).toString('base64'),
    },
  };
  await runtime().webhook.quarantine.put(entry);
  return entry;
}
