// The fitness cross-sell story with the lactose-free exception, entered only through connectors: the shop's products
// arrive by signed Shopify products/create webhooks (product_type is the category), the orders by orders/create,
// whose lines carry no category: the merge categorises them from the catalog, the sweep counts co-purchases, and the
// simulated Copernica receives the suggestions, never regular protein powder for the lactose-free buyer.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SynclineConfig } from '../../core/config.js';
import { signShopifyWebhook } from '../../connectors/shopify/simulator.js';
import { startLocalStack, type LocalStack } from '../../local/local-stack.js';
import { sharedDynamo } from '../support/shared-stack.js';

type Json = Record<string, unknown>;
const DAY = 24 * 60 * 60 * 1000;
const SHOP = 'fitness-story.myshopify.com';
const T = 'fitness-story';
const NOW = new Date(Math.floor(Date.now() / 60_000) * 60_000);
const ago = (days: number) => new Date(NOW.getTime() - days * DAY).toISOString();

const config = SynclineConfig.parse({
  tenants: [
    {
      id: T,
      sourcePriority: ['shopify', 'copernica'],
      instances: [
        { id: 'shopify', connector: 'shopify', webhooks: true, settings: { shopDomain: SHOP, apiBaseUrl: 'simulator' } },
        { id: 'copernica', connector: 'copernica', push: true, settings: { databaseId: 1, apiBaseUrl: 'simulator' } },
      ],
      campaigns: {
        giftSeasons: [],
        // Shopify has no personalisation-consent topic: this shop sends suggestions with e-mail consent alone.
        purposeConsent: false,
        crossSell: {
          recentDays: 30,
          conflicts: [{ id: 'lactose-free', boughtCategory: 'lactose-free-protein', excludeCategories: ['protein-powder'] }],
        },
      },
    },
  ],
});

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({
    config,
    port: 0,
    pollAtStart: false,
    visibilityTimeout: 2,
    maxReceiveCount: 2,
    sampleCustomers: 0,
    now: () => NOW,
    ...sharedDynamo(),
  });
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

const fixture = (name: string): Json =>
  JSON.parse(readFileSync(fileURLToPath(new URL(`../../connectors/shopify/fixtures/${name}.json`, import.meta.url)), 'utf8')) as Json;
let seq = 0;

async function deliver(topic: string, body: Json): Promise<number> {
  const raw = JSON.stringify(body);
  const secret = stack.simulators.secretsFor(T, 'shopify')!.webhookSecret as string;
  const response = await fetch(`${stack.url}/webhooks/${T}/shopify`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': topic,
      'x-shopify-shop-domain': SHOP,
      'x-shopify-webhook-id': `fitness-${++seq}`,
      'x-shopify-api-version': '2025-10',
      ...signShopifyWebhook(raw, secret),
    },
    body: raw,
  });
  return response.status;
}

const PRODUCTS = [
  { id: 7001, sku: 'SHAKER', title: 'Shaker 600ml', type: 'Accessories', price: '9.00' },
  { id: 7002, sku: 'WHEY', title: 'Whey protein 1kg', type: 'Protein powder', price: '30.00' },
  { id: 7003, sku: 'CREATINE', title: 'Creatine 500g', type: 'Supplements', price: '20.00' },
  { id: 7004, sku: 'LF-PROTEIN', title: 'Lactose-free protein 1kg', type: 'Lactose-free protein', price: '35.00' },
];
const product = (p: (typeof PRODUCTS)[number]) =>
  deliver('products/create', {
    ...fixture('products-create'),
    id: p.id,
    admin_graphql_api_id: `gid://shopify/Product/${p.id}`,
    title: p.title,
    handle: p.sku.toLowerCase(),
    product_type: p.type,
    tags: '',
    updated_at: ago(300),
    variants: [{ id: p.id * 10, product_id: p.id, sku: p.sku, price: p.price, inventory_quantity: 5, inventory_policy: 'deny' }],
  });

const customerId = (email: string) => 500_000 + [...email].reduce((s, c) => s + c.charCodeAt(0), 0);
const subscribe = (email: string) =>
  deliver('customers/email_marketing_consent_update', {
    customer_id: customerId(email),
    email_address: email,
    email_marketing_consent: { state: 'subscribed', opt_in_level: 'single_opt_in', consent_updated_at: ago(200) },
  });

function order(email: string, at: string, skus: string[]) {
  const base = fixture('orders-create');
  const id = 60_000 + ++seq;
  const template = (base.line_items as Json[])[0]!;
  const lines = skus.map((sku, i) => {
    const p = PRODUCTS.find((x) => x.sku === sku)!;
    // As Shopify sends them: product, variant, SKU, name and price; no category.
    return {
      ...template,
      id: id * 10 + i,
      product_id: p.id,
      variant_id: p.id * 10,
      sku,
      name: p.title,
      title: p.title,
      price: p.price,
      quantity: 1,
    };
  });
  const total = lines.reduce((s, l) => s + Number(l.price), 0).toFixed(2);
  return deliver('orders/create', {
    ...base,
    id,
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    name: `#${id}`,
    email,
    created_at: at,
    updated_at: at,
    processed_at: at,
    currency: 'EUR',
    financial_status: 'paid',
    total_price: total,
    line_items: lines,
    customer: { ...(base.customer as Json), id: customerId(email), email },
  });
}

const copernica = (email: string) =>
  stack.simulators
    .copernica(T, 'copernica')!
    .profiles()
    .find((p) => p.fields.email === email)?.fields;

describe('fitness cross-sell, through connectors', () => {
  it('a shaker buyer is offered whey protein, a lactose-free buyer creatine and never regular protein powder', async () => {
    const statuses: number[] = [];
    for (const p of PRODUCTS) statuses.push(await product(p));
    await stack.waitUntilIdle(60_000);
    for (const [i, email] of ['a@fit.example', 'b@fit.example', 'c@fit.example'].entries())
      statuses.push(await order(email, ago(100), i < 2 ? ['SHAKER', 'WHEY', 'CREATINE'] : ['SHAKER', 'WHEY']));
    statuses.push(await subscribe('sam@fit.example'), await order('sam@fit.example', ago(5), ['SHAKER']));
    statuses.push(
      await subscribe('lara@fit.example'),
      await order('lara@fit.example', ago(60), ['LF-PROTEIN']),
      await order('lara@fit.example', ago(5), ['SHAKER']),
    );
    expect(new Set(statuses), 'every signed webhook accepted').toEqual(new Set([202]));
    await stack.waitUntilIdle(60_000);
    await stack.sweep(T);
    await stack.waitUntilIdle(60_000);

    expect(copernica('sam@fit.example'), 'co-purchase of the shaker').toMatchObject({
      crossSell1Sku: 'WHEY',
      crossSell1Name: 'Whey protein 1kg',
    });
    const lara = copernica('lara@fit.example');
    expect([lara?.crossSell1Sku, lara?.crossSell2Sku, lara?.crossSell3Sku], 'lactose-free: no regular protein powder').not.toContain(
      'WHEY',
    );
    expect(lara?.crossSell1Sku, 'creatine still fits').toBe('CREATINE');
  });
});
