// The oversized-profile attack, end to end on the emulators: anyone who can get a signed Shopify checkouts/create
// through (any shopper of the shop) can carry a victim's e-mail with huge carts. Before the profile was bounded the
// victim's item grew past DynamoDB's 400 KB limit and every later event for the victim was dead-lettered.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signShopifyWebhook } from '../connectors/shopify/simulator.js';
import { SynclineConfig } from '../core/config.js';
import { projectProfile } from '../core/projection.js';
import { startLocalStack, type LocalStack } from '../local/local-stack.js';
import { operatorTenant, SHOP_DOMAIN } from './support/operator-stack.js';
import { sharedDynamo } from './support/shared-stack.js';

const TENANT = 'victim-shop';
const VICTIM = { id: 8101, email: 'victim@example.com' };
const CHECKOUTS = 200;
const LINES = 250;

type Json = Record<string, unknown>;
const fixture = (name: string): Json =>
  JSON.parse(readFileSync(new URL(`../connectors/shopify/fixtures/${name}.json`, import.meta.url), 'utf8')) as Json;

let stack: LocalStack;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'syncline-profile-size-'));
  stack = await startLocalStack({
    config: SynclineConfig.parse({ tenants: [operatorTenant(TENANT)] }),
    port: 0,
    pollAtStart: false,
    visibilityTimeout: 5,
    maxReceiveCount: 2,
    stateFile: join(dir, 'local.json'),
    ...sharedDynamo(),
  });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function deliver(topic: string, webhookId: string, payload: Json): Promise<number> {
  const secret = stack.simulators.secretsFor(TENANT, 'shopify')?.webhookSecret as string;
  const body = JSON.stringify(payload);
  const response = await fetch(`${stack.url}/webhooks/${TENANT}/shopify`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': topic,
      'x-shopify-shop-domain': SHOP_DOMAIN,
      'x-shopify-webhook-id': webhookId,
      ...signShopifyWebhook(body, secret),
    },
    body,
  });
  await response.arrayBuffer();
  return response.status;
}

/** A checkout of LINES lines with long names, carrying the victim's e-mail; a distinct cart each time. */
function hugeCheckout(n: number): Json {
  const at = new Date(Date.parse('2026-11-01T10:00:00Z') + n * 60_000).toISOString();
  return {
    token: `attack-${n}`,
    email: VICTIM.email,
    created_at: at,
    updated_at: at,
    completed_at: null,
    currency: 'EUR',
    total_price: '1.00',
    abandoned_checkout_url: `https://${SHOP_DOMAIN}/checkouts/attack-${n}/recover?pad=${'p'.repeat(2_000)}`,
    line_items: Array.from({ length: LINES }, (_, i) => ({
      sku: `ATTACK-${i}`,
      title: `${'Extremely long product title '.repeat(10)}${i}`,
      quantity: 1,
      price: '0.01',
    })),
  };
}

describe('a profile stays bounded whatever one sender sends', () => {
  it('applies the victim’s later order and consent after 200 huge signed checkouts, with nothing dead-lettered', async () => {
    const customer = { ...fixture('customers-create'), id: VICTIM.id, email: VICTIM.email, updated_at: '2026-11-01T09:00:00Z' };
    expect(await deliver('customers/create', 'victim-1', customer)).toBe(202);
    for (let n = 0; n < CHECKOUTS; n++) expect(await deliver('checkouts/create', `attack-${n}`, hugeCheckout(n))).toBe(202);

    const base = fixture('orders-create');
    const at = '2026-11-05T12:00:00Z';
    const order = {
      ...base,
      id: 990001,
      name: '#990001',
      email: VICTIM.email,
      created_at: at,
      updated_at: at,
      processed_at: at,
      currency: 'EUR',
      customer: { ...(base.customer as Json), id: VICTIM.id, email: VICTIM.email },
    };
    expect(await deliver('orders/create', 'victim-order', order)).toBe(202);
    const consent = {
      customer_id: VICTIM.id,
      email_address: VICTIM.email,
      email_marketing_consent: { state: 'subscribed', opt_in_level: 'single_opt_in', consent_updated_at: '2026-11-05T12:05:00Z' },
    };
    expect(await deliver('customers/email_marketing_consent_update', 'victim-consent', consent)).toBe(202);
    await stack.waitUntilIdle(240_000);

    expect((await stack.queueDepths()).changesDlq, 'no event is dead-lettered for the size of the profile').toBe(0);
    const profile = await stack.findProfile(TENANT, { email: VICTIM.email });
    expect(profile, 'the victim has a profile').toBeDefined();
    const projected = projectProfile(profile!);
    expect(projected.orderCount, 'the later order is applied').toBe(1);
    expect(projected.consentEmailMarketing, 'the later consent is applied').toBe(true);
    const bytes = Buffer.byteLength(JSON.stringify(profile));
    expect(bytes, `the stored profile is ${bytes} bytes`).toBeLessThan(64 * 1024);
  }, 300_000);
});
