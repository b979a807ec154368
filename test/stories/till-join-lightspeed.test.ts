// Story: the till, on Lightspeed Retail (X-Series). A customer orients herself online (a Shopify account and an
// abandoned checkout for a drill), then buys the drill in the store: the cashier finds her by her e-mail address and
// her customer card and rings it up on her customer record. The till's catalog is polled from the same (simulated)
// Lightspeed store, so the in-store line gets its category at merge time. Entered only through signed Shopify
// webhooks and the scheduled polls of the simulated Lightspeed; ends with one profile and the fields the simulated
// Copernica receives.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SynclineConfig } from '../../core/config.js';
import type { RetailSimulator } from '../../connectors/lightspeed-retail/simulator.js';
import type { LocalStack } from '../../local/local-stack.js';
import { shopifyOrientation, startStoryStack } from '../support/story-stack.js';

const SHOP_DOMAIN = 'klus-shop.myshopify.com';
const TENANT = 'till-lightspeed';
const EMAIL = 'daan.meijer@example.nl';
const CARD = 'KLANT-004217';
const config = SynclineConfig.parse({
  tenants: [
    {
      id: TENANT,
      sourcePriority: ['shopify', 'lightspeed', 'copernica'],
      instances: [
        { id: 'shopify', connector: 'shopify', webhooks: true, settings: { shopDomain: SHOP_DOMAIN, apiBaseUrl: 'simulator' } },
        {
          id: 'lightspeed',
          connector: 'lightspeed-retail',
          pollEveryMinutes: 15,
          settings: { domainPrefix: 'klusshop', currency: 'EUR', apiBaseUrl: 'simulator' },
        },
        { id: 'copernica', connector: 'copernica', push: true, settings: { databaseId: 1, apiBaseUrl: 'simulator' } },
      ],
      // Neither Shopify nor the till records a profiling consent: this shop profiles with e-mail consent alone.
      campaigns: { purposeConsent: false },
    },
  ],
});

let stack: LocalStack;
beforeAll(async () => {
  stack = await startStoryStack(config);
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

const SHOP = { tenant: TENANT, instance: 'shopify', shopDomain: SHOP_DOMAIN };

async function pollTheTill(): Promise<void> {
  await stack.waitUntilIdle(60_000);
  await stack.scheduler.runAll();
  await stack.waitUntilIdle(60_000);
}

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString().replace(/\.\d{3}Z$/, '+00:00');
const DRILL = '0242ac12-0002-11e9-e8c4-7f1d2c3b4a59';

describe('story: the Lightspeed till joins the web customer', () => {
  it('puts the in-store sale, categorised from the till catalog, on the Shopify customer with the same e-mail, and Copernica sees it', async () => {
    // Online orientation: an account with e-mail consent, then a checkout with the drill, left unfinished.
    const statuses = await shopifyOrientation(stack, SHOP, {
      startedMinutesAgo: 300,
      time: minutesAgo,
      customer: { id: 9101, email: EMAIL, first_name: 'Daan', last_name: 'Meijer' },
      checkoutToken: 'accu0boor0checkout0token',
      line: { product_id: 701, variant_id: 801, sku: 'AB-18V-PRO', title: 'Accuboormachine 18V Pro', price: '129.00' },
    });
    expect(statuses, 'account, consent and checkout accepted').toEqual([202, 202, 202]);

    // The store's catalog: the drill and a box of screws, by product type.
    const till = stack.simulators.handle<RetailSimulator>(TENANT, 'lightspeed')!;
    till.addProduct({
      id: DRILL,
      name: 'Accuboormachine 18V Pro',
      variant_name: 'Accuboormachine 18V Pro',
      sku: 'AB-18V-PRO',
      price_excluding_tax: 106.61,
      price_including_tax: 129,
      type: { id: '0242ac12-0002-11e9-e8c4-000400000001', name: 'Gereedschap' },
      categories: [{ id: '0242ac12-0002-11e9-e8c4-000500000001', name: 'Boren' }],
      is_active: true,
      created_at: minutesAgo(10_000),
      updated_at: minutesAgo(600),
    });
    await pollTheTill();

    // In the store: the cashier finds no record, creates one with her e-mail and her customer card, and sells the drill.
    const customerId = '0242ac12-0002-11e9-e8c4-000100009101';
    till.addCustomer({
      id: customerId,
      customer_code: CARD,
      first_name: 'Daan',
      last_name: 'Meijer',
      email: EMAIL,
      physical_city: 'Utrecht',
      physical_country_id: 'NL',
      loyalty_balance: 12.9,
      created_at: minutesAgo(30),
      updated_at: minutesAgo(30),
    });
    till.addSale({
      id: '0242ac12-0002-11e9-e8c4-000200009101',
      customer_id: customerId,
      invoice_number: 'UT-2001',
      status: 'CLOSED',
      total_price: 106.61,
      total_tax: 22.39,
      created_at: minutesAgo(20),
      updated_at: minutesAgo(20),
      sale_date: minutesAgo(20),
      line_items: [
        { id: '0242ac12-0002-11e9-e8c4-000300009101', product_id: DRILL, quantity: 1, price: 106.61, tax: 22.39, is_return: false },
      ],
    });
    await pollTheTill();

    const profile = await stack.findProfile(TENANT, { email: EMAIL });
    expect(profile?.identifiers.map((i) => i.type).sort(), 'one person: web account, e-mail, store record, customer card').toEqual(
      expect.arrayContaining(['customerId:shopify', 'customerId:lightspeed', 'email', 'loyaltyId']),
    );
    expect(profile!.identifiers.find((i) => i.type === 'loyaltyId')?.value).toBe(CARD);
    const orders = Object.values(profile!.orders);
    expect(
      orders.map((o) => [o.channel, o.total, o.lines.map((l) => l.category)]),
      'the in-store purchase on the web customer, its line categorised from the till catalog',
    ).toEqual([['pos', 129, ['gereedschap']]]);
    expect(Object.keys(profile!.carts), 'the online orientation on the same profile').toHaveLength(1);

    const received = stack.simulators
      .copernica(TENANT, 'copernica')!
      .profiles()
      .filter((p) => p.fields.email === EMAIL);
    expect(received, 'one Copernica profile for her').toHaveLength(1);
    expect(received[0]!.fields).toMatchObject({
      firstName: 'Daan',
      orderCount: '1',
      totalSpent: '129',
      channels: 'pos',
      categoriesBought: 'gereedschap',
      custom_loyalty_balance: '12.9',
    });
  }, 180_000);
});
