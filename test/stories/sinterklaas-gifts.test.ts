// Story: Sinterklaas gift profile. A Shopify customer buys for herself in October and, in the Sinterklaas season,
// a gift card and a parcel with a gift message shipped to someone else. Entered only through signed Shopify
// webhooks on the local server; ends with the fields the simulated Copernica receives.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SynclineConfig } from '../../core/config.js';
import { computeTraits } from '../../core/campaign/traits.js';
import { signShopifyWebhook } from '../../connectors/shopify/simulator.js';
import { startLocalStack, type LocalStack } from '../../local/local-stack.js';
import { sharedDynamo } from '../support/shared-stack.js';

const SHOP_DOMAIN = 'sint-shop.myshopify.com';
const TENANT = 'sint';
const EMAIL = 'marieke@example.nl';
const config = SynclineConfig.parse({
  tenants: [
    {
      id: TENANT,
      sourcePriority: ['shopify', 'copernica'],
      instances: [
        { id: 'shopify', connector: 'shopify', webhooks: true, settings: { shopDomain: SHOP_DOMAIN, apiBaseUrl: 'simulator' } },
        { id: 'copernica', connector: 'copernica', push: true, settings: { databaseId: 1, apiBaseUrl: 'simulator' } },
      ],
      // Personalisation consent is its own story: here the interest fields travel with e-mail consent alone.
      campaigns: { purposeConsent: false, giftSeasons: [{ id: 'sinterklaas', from: '11-15', to: '12-05' }] },
    },
  ],
});

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({ config, port: 0, pollAtStart: false, visibilityTimeout: 2, maxReceiveCount: 2, ...sharedDynamo() });
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

const MARIEKE = { id: 7001, email: EMAIL, first_name: 'Marieke', last_name: 'Bos' };
const address = (first: string, last: string) => ({
  first_name: first,
  last_name: last,
  name: `${first} ${last}`,
  address1: 'Oudegracht 12',
  city: 'Utrecht',
  zip: '3511 AB',
  country: 'Netherlands',
  country_code: 'NL',
});
const item = (id: number, title: string, price: string, extra: Record<string, unknown> = {}) => ({
  id,
  product_id: id + 100,
  variant_id: id + 200,
  sku: title.toUpperCase().replace(/\W+/g, '-'),
  title,
  name: title,
  quantity: 1,
  price,
  gift_card: false,
  ...extra,
});

/** An orders/create body in the shape of Shopify's Order resource (connectors/shopify/fixtures/orders-create.json). */
function order(id: number, at: string, lines: object[], extra: Record<string, unknown> = {}) {
  return {
    id,
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    name: `#${id}`,
    email: EMAIL,
    created_at: at,
    updated_at: at,
    processed_at: at,
    currency: 'EUR',
    total_price: lines.reduce((sum: number, l) => sum + Number((l as { price: string }).price), 0).toFixed(2),
    financial_status: 'paid',
    source_name: 'web',
    buyer_accepts_marketing: true,
    customer: MARIEKE,
    billing_address: address('Marieke', 'Bos'),
    shipping_address: address('Marieke', 'Bos'),
    note_attributes: [],
    line_items: lines,
    ...extra,
  };
}

async function deliver(topic: string, id: string, body: object): Promise<number> {
  const secret = stack.simulators.secretsFor(TENANT, 'shopify')?.webhookSecret as string;
  const raw = JSON.stringify(body);
  const response = await fetch(`${stack.url}/webhooks/${TENANT}/shopify`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': topic,
      'x-shopify-shop-domain': SHOP_DOMAIN,
      'x-shopify-webhook-id': id,
      ...signShopifyWebhook(raw, secret),
    },
    body: raw,
  });
  return response.status;
}

describe('story: the Sinterklaas gift profile', () => {
  it('keeps gift purchases in the season apart from her own interests and sends the gift season to Copernica', async () => {
    const own = order(9001, '2026-10-03T10:00:00+02:00', [item(1, 'Hardloopschoenen', '89.95')]);
    // A gift card for herself to give away, beside a second pair of running socks for herself.
    const giftCard = order(9002, '2026-11-20T19:30:00+01:00', [
      item(2, 'Hardloopsokken', '12.50'),
      item(3, 'Cadeaukaart', '25.00', { gift_card: true, variant_title: '€25' }),
    ]);
    // A parcel with a gift message, shipped to her nephew.
    const parcel = order(9003, '2026-12-01T20:15:00+01:00', [item(4, 'LEGO brandweerkazerne', '79.99')], {
      shipping_address: address('Daan', 'Bos'),
      note_attributes: [{ name: 'Gift message', value: 'Van de Sint, voor Daan' }],
    });
    for (const [i, body] of [own, giftCard, parcel].entries()) expect(await deliver('orders/create', `sint-${i}`, body)).toBe(202);
    await stack.waitUntilIdle(60_000);

    const profile = await stack.findProfile(TENANT, { email: EMAIL });
    expect(profile, 'one profile for Marieke').toBeDefined();
    const traits = computeTraits(profile!, config.tenants[0]!.campaigns);
    const secondary = traits.lines.filter((l) => l.secondary !== undefined).map((l) => [l.line.name, l.secondary]);
    expect(secondary, 'the gift card line and the whole gift parcel, nothing she bought for herself').toEqual([
      ['Cadeaukaart', 'gift'],
      ['LEGO brandweerkazerne', 'gift'],
    ]);

    const copernica = stack.simulators.copernica(TENANT, 'copernica')!;
    const fields = copernica.profiles().find((p) => p.fields.email === EMAIL)?.fields;
    expect(fields, 'Copernica received Marieke').toBeDefined();
    expect(fields).toMatchObject({
      orderCount: '3',
      // Gifts count for revenue…
      totalSpent: '207.44',
      // …and name the season they were bought in.
      giftSeasons: 'sinterklaas',
      consentEmailMarketing: '1',
    });
  }, 120_000);
});
