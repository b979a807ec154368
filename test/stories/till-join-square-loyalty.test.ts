// Story: the till, on Square with Square Loyalty. A customer orients herself online (a Shopify account with her e-mail
// address and mobile number, and an abandoned checkout for a coffee grinder), then buys the grinder in the café's
// shop. She gives no name or e-mail at the register, only her phone number to collect loyalty points: the order names
// no customer, and only the loyalty ledger knows whose it is. Square's catalog, polled from the same (simulated)
// seller, gives the line its category. Entered only through signed Shopify webhooks and the scheduled polls of the
// simulated Square; ends with one profile and the fields the simulated Copernica receives.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SynclineConfig } from '../../core/config.js';
import { SAMPLE_LOCATIONS, type SquareSimulator } from '../../connectors/square/simulator.js';
import type { LocalStack } from '../../local/local-stack.js';
import { shopifyOrientation, startStoryStack } from '../support/story-stack.js';

const SHOP_DOMAIN = 'koffie-shop.myshopify.com';
const TENANT = 'till-square';
const EMAIL = 'emma.bakker@example.nl';
const PHONE = '+31687654321';
const config = SynclineConfig.parse({
  tenants: [
    {
      id: TENANT,
      sourcePriority: ['shopify', 'square', 'copernica'],
      instances: [
        { id: 'shopify', connector: 'shopify', webhooks: true, settings: { shopDomain: SHOP_DOMAIN, apiBaseUrl: 'simulator' } },
        {
          id: 'square',
          connector: 'square',
          pollEveryMinutes: 15,
          settings: { locationIds: SAMPLE_LOCATIONS, loyalty: true, apiBaseUrl: 'simulator' },
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

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
const GRINDER = 'VARGRINDERPRO00000000001';

describe('story: a Square sale with a loyalty card joins the web customer', () => {
  it('puts the sale that names no customer on the Shopify customer whose phone the loyalty account holds, categorised from the Square catalog', async () => {
    const statuses = await shopifyOrientation(stack, SHOP, {
      startedMinutesAgo: 300,
      time: minutesAgo,
      customer: { id: 9201, email: EMAIL, phone: PHONE, first_name: 'Emma', last_name: 'Bakker' },
      checkoutToken: 'koffie0molen0checkout0token',
      line: { product_id: 711, variant_id: 811, sku: 'MOLEN-PRO', title: 'Koffiemolen Pro', price: '189.00' },
    });
    expect(statuses, 'account, consent and checkout accepted').toEqual([202, 202, 202]);

    // The seller's catalog: the grinder in the category "Koffiemolens".
    const square = stack.simulators.handle<SquareSimulator>(TENANT, 'square')!;
    square.addCatalogObject({
      type: 'CATEGORY',
      id: 'CATKOFFIEMOLENS',
      updated_at: minutesAgo(600),
      version: 1,
      is_deleted: false,
      category_data: { name: 'Koffiemolens' },
    });
    square.addCatalogObject({
      type: 'ITEM',
      id: 'ITEMGRINDERPRO0000000001',
      updated_at: minutesAgo(600),
      version: 1,
      is_deleted: false,
      item_data: {
        name: 'Koffiemolen Pro',
        categories: [{ id: 'CATKOFFIEMOLENS', ordinal: 0 }],
        reporting_category: { id: 'CATKOFFIEMOLENS', ordinal: 0 },
        variations: [
          {
            type: 'ITEM_VARIATION',
            id: GRINDER,
            is_deleted: false,
            updated_at: minutesAgo(600),
            item_variation_data: {
              item_id: 'ITEMGRINDERPRO0000000001',
              name: 'Regular',
              sku: 'MOLEN-PRO',
              pricing_type: 'FIXED_PRICING',
              price_money: { amount: 18_900, currency: 'EUR' },
            },
          },
        ],
      },
    });
    await pollTheTill();

    // At the register, now (after the last poll): her phone number enrols her in loyalty; the sale names no customer.
    square.addLoyaltyAccount({
      id: 'b1f1d2e3-0000-4000-8000-000000009201',
      mapping: { id: 'c2a3b4c5-0000-4000-8000-000000009201', phone_number: PHONE },
      program_id: 'd3b4c5d6-0000-4000-8000-000000000001',
      balance: 19,
      lifetime_points: 19,
      created_at: minutesAgo(1),
      updated_at: minutesAgo(0),
      enrolled_at: minutesAgo(1),
    });
    square.addOrder({
      id: 'ORDEREMMAGRINDER000000001',
      location_id: SAMPLE_LOCATIONS[0]!,
      state: 'COMPLETED',
      created_at: minutesAgo(0),
      updated_at: minutesAgo(0),
      version: 4,
      total_money: { amount: 18_900, currency: 'EUR' },
      line_items: [
        {
          uid: 'line-1',
          name: 'Koffiemolen Pro',
          quantity: '1',
          catalog_object_id: GRINDER,
          variation_name: 'Regular',
          base_price_money: { amount: 18_900, currency: 'EUR' },
          total_money: { amount: 18_900, currency: 'EUR' },
        },
      ],
      tenders: [{ type: 'CARD' }],
    });
    square.addLoyaltyEvent({
      id: 'e4c5d6e7-0000-4000-8000-000000009201',
      type: 'ACCUMULATE_POINTS',
      created_at: minutesAgo(0),
      loyalty_account_id: 'b1f1d2e3-0000-4000-8000-000000009201',
      location_id: SAMPLE_LOCATIONS[0]!,
      source: 'SQUARE',
      accumulate_points: { loyalty_program_id: 'd3b4c5d6-0000-4000-8000-000000000001', points: 19, order_id: 'ORDEREMMAGRINDER000000001' },
    });
    await pollTheTill();

    const profile = await stack.findProfile(TENANT, { email: EMAIL });
    expect(profile?.identifiers.map((i) => i.type).sort(), 'one person: web account, e-mail, phone, loyalty account').toEqual(
      expect.arrayContaining(['customerId:shopify', 'email', 'phone', 'loyaltyId']),
    );
    expect(
      Object.values(profile!.orders).map((o) => [o.channel, o.total, o.lines.map((l) => l.category)]),
      'the in-store purchase on the web customer, its line categorised from the Square catalog',
    ).toEqual([['pos', 189, ['koffiemolens']]]);
    expect(Object.keys(profile!.carts), 'the online orientation on the same profile').toHaveLength(1);

    const received = stack.simulators
      .copernica(TENANT, 'copernica')!
      .profiles()
      .filter((p) => p.fields.email === EMAIL);
    expect(received, 'one Copernica profile for her').toHaveLength(1);
    expect(received[0]!.fields).toMatchObject({
      firstName: 'Emma',
      orderCount: '1',
      totalSpent: '189',
      channels: 'pos',
      categoriesBought: 'koffiemolens',
      custom_loyalty_points: '19',
    });
  }, 180_000);
});
