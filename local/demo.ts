// `npm run demo`: plays a short story of signed Shopify webhooks through the running local stack and prints what
// happened at each step, the merged profiles, and what the simulated Copernica received.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { signShopifyWebhook } from '../connectors/shopify/simulator.js';
import type { Profile } from '../core/profile.js';
import { projectProfile } from '../core/projection.js';
import type { LocalStack } from './local-stack.js';

type Json = Record<string, unknown>;

const fixture = (name: string): Json =>
  JSON.parse(readFileSync(fileURLToPath(new URL(`../connectors/shopify/fixtures/${name}.json`, import.meta.url)), 'utf8')) as Json;

export interface DemoDelivery {
  step: string;
  topic: string;
  body: Json | string;
  webhookId: string;
  /** Sign with a wrong secret: a forged delivery. */
  forged?: boolean;
}

/** The story, built from Shopify's documented example payloads with the people changed. */
export function demoStory(shopDomain: string): DemoDelivery[] {
  const anna = { id: 7001, email: 'anna.dejong@example.com', first_name: 'Anna', last_name: 'de Jong' };
  const bob = { id: 7002, email: 'bob.smit@example.com', first_name: 'Bob', last_name: 'Smit' };
  const customer = (who: Json, updatedAt: string, extra: Json = {}) => ({
    ...fixture('customers-create'),
    ...who,
    created_at: '2026-11-01T09:00:00+01:00',
    updated_at: updatedAt,
    ...extra,
  });
  const consent = (who: { id: number; email: string }, at: string) => ({
    customer_id: who.id,
    email_address: who.email,
    email_marketing_consent: { state: 'subscribed', opt_in_level: 'single_opt_in', consent_updated_at: at },
  });
  const checkout = {
    ...fixture('checkouts-create'),
    token: 'demo-cart-anna',
    cart_token: 'demo-cart-anna',
    email: null,
    customer: null,
    created_at: '2026-11-20T20:15:00+01:00',
    updated_at: '2026-11-20T20:15:00+01:00',
    completed_at: null,
    abandoned_checkout_url: `https://${shopDomain}/checkouts/demo-cart-anna/recover`,
  };
  const order = (who: { id: number; email: string }, id: number, at: string, extra: Json = {}) => {
    const base = fixture('orders-create');
    return {
      ...base,
      id,
      name: `#${id}`,
      order_number: id,
      email: who.email,
      created_at: at,
      updated_at: at,
      processed_at: at,
      currency: 'EUR',
      buyer_accepts_marketing: false,
      customer: { ...(base.customer as Json), id: who.id, email: who.email },
      ...extra,
    };
  };
  return [
    { step: 'an anonymous visitor starts a checkout (no e-mail yet)', topic: 'checkouts/create', body: checkout, webhookId: 'demo-1' },
    { step: 'Anna creates an account', topic: 'customers/create', body: customer(anna, '2026-11-20T20:20:00+01:00'), webhookId: 'demo-2' },
    {
      step: 'Anna subscribes to the newsletter',
      topic: 'customers/email_marketing_consent_update',
      body: consent(anna, '2026-11-20T20:21:00+01:00'),
      webhookId: 'demo-3',
    },
    {
      step: "Anna completes the anonymous checkout: the cart joins Anna's profile",
      topic: 'orders/create',
      body: order(anna, 5001, '2026-11-20T20:25:00+01:00', { checkout_token: 'demo-cart-anna' }),
      webhookId: 'demo-4',
    },
    {
      step: 'Bob, a repeat buyer, has an account',
      topic: 'customers/create',
      body: customer(bob, '2026-10-01T10:00:00+02:00'),
      webhookId: 'demo-5',
    },
    {
      step: 'Bob subscribes',
      topic: 'customers/email_marketing_consent_update',
      body: consent(bob, '2026-10-01T10:05:00+02:00'),
      webhookId: 'demo-6',
    },
    { step: "Bob's first order", topic: 'orders/create', body: order(bob, 5002, '2026-10-02T11:00:00+02:00'), webhookId: 'demo-7' },
    { step: "Bob's second order", topic: 'orders/create', body: order(bob, 5003, '2026-11-18T16:30:00+01:00'), webhookId: 'demo-8' },
    {
      step: "Shopify redelivers Bob's first order (duplicate)",
      topic: 'orders/create',
      body: order(bob, 5002, '2026-10-02T11:00:00+02:00'),
      webhookId: 'demo-7',
    },
    {
      step: 'Bob renames himself to "Robert" (newer update arrives first)',
      topic: 'customers/update',
      body: customer({ ...bob, first_name: 'Robert' }, '2026-11-21T09:00:00+01:00'),
      webhookId: 'demo-9',
    },
    {
      step: 'an older update arrives late (out of order): it must not win',
      topic: 'customers/update',
      body: customer({ ...bob, first_name: 'Bobby' }, '2026-11-19T09:00:00+01:00'),
      webhookId: 'demo-10',
    },
    {
      step: 'a forged webhook (wrong secret)',
      topic: 'orders/create',
      body: order(anna, 6666, '2026-11-21T10:00:00+01:00', { total_price: '0.01' }),
      webhookId: 'demo-11',
      forged: true,
    },
    {
      step: 'an authentic but malformed webhook',
      topic: 'orders/create',
      body: { id: 'not-a-number', line_items: 'none' },
      webhookId: 'demo-12',
    },
  ];
}

export async function runDemo(stack: LocalStack, print: (line: string) => void): Promise<void> {
  const tenant = stack.config.tenants.find((t) => t.instances.some((i) => i.connector === 'shopify'));
  const shop = tenant?.instances.find((i) => i.connector === 'shopify');
  const destination = tenant?.instances.find((i) => i.connector === 'copernica');
  if (!tenant || !shop) throw new Error('the demo needs a tenant with a Shopify instance in the config');
  const secret = stack.simulators.secretsFor(tenant.id, shop.id)?.webhookSecret;
  if (typeof secret !== 'string')
    throw new Error('the demo needs the Shopify instance to run on the simulator ("apiBaseUrl": "simulator")');
  const shopDomain = String(shop.settings.shopDomain);

  print('');
  print(`── demo: signed Shopify webhooks → ${stack.url}/webhooks/${tenant.id}/${shop.id}`);
  for (const delivery of demoStory(shopDomain)) {
    const body = typeof delivery.body === 'string' ? delivery.body : JSON.stringify(delivery.body);
    const signature = signShopifyWebhook(body, delivery.forged ? 'not-the-secret' : secret);
    const response = await fetch(`${stack.url}/webhooks/${tenant.id}/${shop.id}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-shopify-topic': delivery.topic,
        'x-shopify-shop-domain': shopDomain,
        'x-shopify-webhook-id': delivery.webhookId,
        'x-shopify-api-version': '2025-10',
        'x-shopify-triggered-at': new Date().toISOString(),
        ...signature,
      },
      body,
    });
    const answer = (await response.json()) as { accepted?: number; error?: string; quarantineId?: string };
    const outcome =
      response.status === 202
        ? `${answer.accepted} event(s) queued`
        : `${answer.error}${answer.quarantineId ? ` (quarantined as ${answer.quarantineId})` : ''}`;
    print(`  ${String(response.status).padEnd(4)} ${delivery.step}: ${outcome}`);
    // Give the merge consumer a moment so the story reads in order; merges are order-independent anyway.
    await stack.waitUntilIdle();
  }

  print('');
  print('── merged profiles (GET /api/profiles)');
  for (const email of ['anna.dejong@example.com', 'bob.smit@example.com']) {
    const response = await fetch(`${stack.url}/api/profiles/${tenant.id}?email=${encodeURIComponent(email)}`);
    if (response.status !== 200) {
      print(`  ${email}: not found (${response.status})`);
      continue;
    }
    const profile = (await response.json()) as Profile;
    const view = projectProfile(profile);
    print(`  ${profile.profileId}  ${view.firstName} ${view.lastName} <${view.email}>`);
    print(`    identifiers  ${profile.identifiers.map((i) => `${i.type}=${i.value}`).join(', ')}`);
    print(
      `    orders       ${view.orderCount} (EUR ${view.totalSpent}), open cart: ${view.openCartValue ?? 'none'}, consent e-mail: ${view.consentEmailMarketing}`,
    );
    print(
      `    firstName    "${profile.fields.firstName?.value}" from ${profile.fields.firstName?.source} at ${profile.fields.firstName?.at}`,
    );
  }

  if (destination) {
    const copernica = stack.simulators.copernica(tenant.id, destination.id);
    print('');
    print(`── simulated Copernica (${destination.id}) now holds`);
    for (const profile of copernica?.profiles() ?? []) {
      // Only the fields that hold something: a Copernica database has ~60 columns, most of them empty for a demo shopper.
      print(
        `  #${profile.id}  ${Object.entries(profile.fields)
          .filter(([, v]) => v !== '' && v !== undefined && v !== null)
          .map(([k, v]) => `${k}=${v}`)
          .join('  ')}`,
      );
    }
  }
  print('');
  print('Try it yourself: curl the profile API above, or POST your own signed webhooks. Ctrl-C stops syncline.');
}
