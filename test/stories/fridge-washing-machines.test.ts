// Seed story (issue 14): a fridge buyer searching washing machines, entered only through connectors. The shop's
// products arrive by signed Shopify products/create webhooks (product_type is the category), the fridge order by
// orders/create (its lines carry no category: the merge takes the catalog's), and the search by the website's collect
// batch from syncline.js (its query names no category: the merge matches it against the catalog's category names).
// Nobody has bought a washing machine yet, so the suggestions Klaviyo receives come from the catalog: in-stock washing
// machines around the category's typical price; never a second fridge, never one out of stock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SynclineConfig } from '../../core/config.js';
import type { KlaviyoSimulator } from '../../connectors/klaviyo/simulator.js';
import type { LocalStack } from '../../local/local-stack.js';
import {
  collect,
  shopifyOrder,
  shopifyProduct,
  shopifySubscribed,
  shopifyWebhook,
  StoryClock,
  startStoryStack,
} from '../support/story-stack.js';

const T = 'appliances';
const SHOP = { tenant: T, instance: 'shopify', shopDomain: 'appliance-story.myshopify.com' };
const SITE = { tenant: T, site: 'web', writeKey: 'pk_appliance_web_0123456789', origin: 'https://witgoed.example' };
const EMAIL = 'fiona@home.example';
const CUSTOMER = 820_001;
const clock = new StoryClock();

const config = SynclineConfig.parse({
  tenants: [
    {
      id: T,
      instances: [
        { id: 'shopify', connector: 'shopify', webhooks: true, settings: { shopDomain: SHOP.shopDomain, apiBaseUrl: 'simulator' } },
        {
          id: 'web',
          connector: 'website',
          settings: { writeKey: SITE.writeKey, origins: [SITE.origin], purposes: ['analytics'], customerIdInstance: 'shopify' },
        },
        { id: 'klaviyo', connector: 'klaviyo', push: true, settings: { apiBaseUrl: 'simulator' } },
      ],
      campaigns: { giftSeasons: [], purposeConsent: false },
    },
  ],
});

const PRODUCTS = [
  { id: 9101, sku: 'KK-180', title: 'Koelkast 180 cm', type: 'Koelkasten', price: '749.00' },
  { id: 9102, sku: 'KK-TAFEL', title: 'Tafelmodel koelkast', type: 'Koelkasten', price: '299.00' },
  { id: 9201, sku: 'WM-7', title: 'Wasmachine 7 kg', type: 'Wasmachines', price: '399.00' },
  { id: 9202, sku: 'WM-8', title: 'Wasmachine 8 kg', type: 'Wasmachines', price: '549.00' },
  { id: 9203, sku: 'WM-9', title: 'Wasmachine 9 kg', type: 'Wasmachines', price: '649.00' },
  { id: 9204, sku: 'WM-10', title: 'Wasmachine 10 kg', type: 'Wasmachines', price: '899.00', stock: 0 },
  { id: 9205, sku: 'WM-PRO', title: 'Wasmachine Pro 9 kg', type: 'Wasmachines', price: '1299.00' },
];

let stack: LocalStack;
beforeAll(async () => {
  stack = await startStoryStack(config, clock);
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

const klaviyo = () =>
  stack.simulators
    .handle<KlaviyoSimulator>(T, 'klaviyo')!
    .profiles()
    .find((p) => p.email === EMAIL);

describe('fridge buyer searching washing machines, through connectors', () => {
  it('Klaviyo receives in-stock washing machines around the typical price as suggestions, never a second fridge', async () => {
    const statuses: number[] = [];
    for (const p of PRODUCTS) statuses.push(await shopifyWebhook(stack, SHOP, 'products/create', shopifyProduct(p, clock.ago(60))));
    await stack.waitUntilIdle(60_000);
    statuses.push(
      await shopifyWebhook(stack, SHOP, 'customers/email_marketing_consent_update', shopifySubscribed(CUSTOMER, EMAIL, clock.ago(30))),
      await shopifyWebhook(
        stack,
        SHOP,
        'orders/create',
        shopifyOrder({ id: 71_001, email: EMAIL, customerId: CUSTOMER, at: clock.ago(10) }, [PRODUCTS[0]!]),
      ),
    );
    expect(new Set(statuses), 'every signed webhook accepted').toEqual(new Set([202]));
    await stack.waitUntilIdle(60_000);

    // On the shop's site a day later: she logs in (the shop's customer id joins the visit to her) and searches.
    const at = (s: number) => new Date(Date.parse(clock.ago(1)) + s * 1000).toISOString();
    const visitor = 'visitor-fiona-0001';
    expect(
      await collect(stack, SITE, visitor, [
        { type: 'consent', id: 'e1', at: at(0), url: '/', data: { analytics: true, personalisation: false } },
        { type: 'identify', id: 'e2', at: at(1), url: '/account', data: { email: EMAIL, customerId: String(CUSTOMER), via: 'login' } },
        { type: 'search', id: 'e3', at: at(5), url: '/zoeken?q=wasmachine', data: { query: 'wasmachine', resultCount: 5 } },
      ]),
    ).toBeLessThan(300);
    await stack.waitUntilIdle(60_000);

    const profile = await stack.findProfile(T, { email: EMAIL });
    const search = profile?.activity.find((a) => a.kind === 'search.performed');
    expect(search?.detail, 'the search categorised by the catalog').toMatchObject({ query: 'wasmachine', category: 'wasmachines' });
    expect(Object.values(profile!.orders)[0]?.lines[0], 'the order line categorised by the catalog').toMatchObject({
      sku: 'KK-180',
      category: 'koelkasten',
    });

    const properties = (klaviyo()?.attributes.properties ?? {}) as Record<string, unknown>;
    // In stock: 399, 549, 649, 1299 → the typical (median) price 549, then the nearest to it.
    expect(properties, 'what Klaviyo received').toMatchObject({
      lastSearchedCategory: 'wasmachines',
      crossSell1Sku: 'WM-8',
      crossSell1Name: 'Wasmachine 8 kg',
      crossSell1Reason: 'searched:wasmachines',
      crossSell2Sku: 'WM-9',
      crossSell3Sku: 'WM-7',
    });
    const offered = [properties.crossSell1Sku, properties.crossSell2Sku, properties.crossSell3Sku];
    expect(offered, 'no second fridge, nothing out of stock').not.toContain('KK-TAFEL');
    expect(offered).not.toContain('WM-10');
  }, 180_000);
});
