// The fitness cross-sell story with the lactose-free exception, entered only through connectors: the shop's products
// arrive by signed Shopify products/create webhooks (product_type is the category), the orders by orders/create,
// whose lines carry no category: the merge categorises them from the catalog, the sweep counts co-purchases, and the
// simulated Copernica receives the suggestions, never regular protein powder for the lactose-free buyer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SynclineConfig } from '../../core/config.js';
import type { LocalStack } from '../../local/local-stack.js';
import { shopifyOrder, shopifyProduct, shopifySubscribed, shopifyWebhook, StoryClock, startStoryStack } from '../support/story-stack.js';

const T = 'fitness-story';
const SHOP = { tenant: T, instance: 'shopify', shopDomain: 'fitness-story.myshopify.com' };
const clock = new StoryClock();
const ago = clock.ago;

const config = SynclineConfig.parse({
  tenants: [
    {
      id: T,
      sourcePriority: ['shopify', 'copernica'],
      instances: [
        { id: 'shopify', connector: 'shopify', webhooks: true, settings: { shopDomain: SHOP.shopDomain, apiBaseUrl: 'simulator' } },
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
  stack = await startStoryStack(config, clock);
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

const deliver = (topic: string, body: Record<string, unknown>) => shopifyWebhook(stack, SHOP, topic, body);

const PRODUCTS = [
  { id: 7001, sku: 'SHAKER', title: 'Shaker 600ml', type: 'Accessories', price: '9.00' },
  { id: 7002, sku: 'WHEY', title: 'Whey protein 1kg', type: 'Protein powder', price: '30.00' },
  { id: 7003, sku: 'CREATINE', title: 'Creatine 500g', type: 'Supplements', price: '20.00' },
  { id: 7004, sku: 'LF-PROTEIN', title: 'Lactose-free protein 1kg', type: 'Lactose-free protein', price: '35.00' },
];
const product = (p: (typeof PRODUCTS)[number]) => deliver('products/create', shopifyProduct(p, ago(300)));

const customerId = (email: string) => 500_000 + [...email].reduce((s, c) => s + c.charCodeAt(0), 0);
const subscribe = (email: string) =>
  deliver('customers/email_marketing_consent_update', shopifySubscribed(customerId(email), email, ago(200)));

let seq = 0;
const order = (email: string, at: string, skus: string[]) =>
  deliver(
    'orders/create',
    shopifyOrder(
      { id: 60_000 + ++seq, email, customerId: customerId(email), at },
      skus.map((sku) => PRODUCTS.find((x) => x.sku === sku)!),
    ),
  );

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
