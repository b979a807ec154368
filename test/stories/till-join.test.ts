// Story: the till. A customer orients herself online (a Shopify account and an abandoned checkout), then buys in
// the store: the Square register rings up the sale on the customer record the cashier found or created with her
// e-mail address. Entered only through signed Shopify webhooks and the scheduled poll of the simulated Square;
// ends with one profile and the fields the simulated Copernica receives.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SynclineConfig } from '../../core/config.js';
import { SAMPLE_LOCATIONS, type SquareSimulator } from '../../connectors/square/simulator.js';
import type { LocalStack } from '../../local/local-stack.js';
import { shopifyOrientation, startStoryStack } from '../support/story-stack.js';

const SHOP_DOMAIN = 'till-shop.myshopify.com';
const TENANT = 'till';
const EMAIL = 'sanne.visser@example.nl';
const config = SynclineConfig.parse({
  tenants: [
    {
      id: TENANT,
      sourcePriority: ['shopify', 'square', 'copernica'],
      instances: [
        { id: 'shopify', connector: 'shopify', webhooks: true, settings: { shopDomain: SHOP_DOMAIN, apiBaseUrl: 'simulator' } },
        { id: 'square', connector: 'square', pollEveryMinutes: 15, settings: { locationIds: SAMPLE_LOCATIONS, apiBaseUrl: 'simulator' } },
        { id: 'copernica', connector: 'copernica', push: true, settings: { databaseId: 1, apiBaseUrl: 'simulator' } },
      ],
    },
  ],
});

let stack: LocalStack;
beforeAll(async () => {
  stack = await startStoryStack(config, undefined, 3);
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

const SHOP = { tenant: TENANT, instance: 'shopify', shopDomain: SHOP_DOMAIN };

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

describe('story: the till joins the web customer', () => {
  it('puts the in-store Square sale on the profile of the Shopify customer with the same e-mail, and Copernica sees it', async () => {
    // Online orientation: an account, then a checkout with a coffee machine, left unfinished.
    const statuses = await shopifyOrientation(stack, SHOP, {
      startedMinutesAgo: 180,
      time: minutesAgo,
      customer: { id: 8101, email: EMAIL, first_name: 'Sanne', last_name: 'Visser' },
      checkoutToken: 'c0ffee0machine0checkout0token',
      line: { product_id: 501, variant_id: 601, sku: 'ESPRESSO-PRO', title: 'Espressomachine Pro', price: '649.00' },
    });
    expect(statuses, 'account, consent and checkout accepted').toEqual([202, 202, 202]);

    // In the store: the cashier creates her customer record with her e-mail and rings the machine up on it.
    const square = stack.simulators.handle<SquareSimulator>(TENANT, 'square')!;
    square.addCustomer({
      id: 'CUSTSANNETILL0000000000001',
      created_at: minutesAgo(30),
      updated_at: minutesAgo(30),
      given_name: 'Sanne',
      family_name: 'Visser',
      email_address: EMAIL,
      phone_number: '+31612345678',
      version: 1,
    });
    square.addOrder({
      id: 'ORDERSANNETILL00000000001',
      location_id: SAMPLE_LOCATIONS[0]!,
      customer_id: 'CUSTSANNETILL0000000000001',
      state: 'COMPLETED',
      created_at: minutesAgo(20),
      updated_at: minutesAgo(20),
      version: 3,
      total_money: { amount: 62_900, currency: 'EUR' },
      line_items: [
        {
          uid: 'line-1',
          name: 'Espressomachine Pro',
          quantity: '1',
          catalog_object_id: 'ITMVARESPRESSOPRO',
          base_price_money: { amount: 62_900, currency: 'EUR' },
          total_money: { amount: 62_900, currency: 'EUR' },
        },
      ],
      tenders: [{ customer_id: 'CUSTSANNETILL0000000000001' }],
    });
    await stack.waitUntilIdle(60_000);
    await stack.scheduler.runAll();
    await stack.waitUntilIdle(60_000);

    const profile = await stack.findProfile(TENANT, { email: EMAIL });
    expect(profile?.identifiers.map((i) => i.type).sort(), 'one person: her web account, her e-mail, her store record').toEqual(
      expect.arrayContaining(['customerId:shopify', 'customerId:square', 'email']),
    );
    const orders = Object.values(profile!.orders);
    expect(
      orders.map((o) => [o.channel, o.total]),
      'the in-store purchase on the web customer',
    ).toEqual([['pos', 629]]);
    expect(Object.keys(profile!.carts), 'the online orientation on the same profile').toHaveLength(1);

    const fields = stack.simulators
      .copernica(TENANT, 'copernica')!
      .profiles()
      .filter((p) => p.fields.email === EMAIL);
    expect(fields, 'one Copernica profile for her').toHaveLength(1);
    expect(fields[0]!.fields).toMatchObject({ firstName: 'Sanne', orderCount: '1', totalSpent: '629', channels: 'pos' });
  }, 180_000);
});
