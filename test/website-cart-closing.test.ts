// Issue 13: the shop's order closes the visitor's website cart. A website cart has no checkout token the order could
// name, so the order of the same person completes it by time (placed after the cart's last change) or by a product the
// two share (placed shortly before it: the browser's clock, or a page reporting the stored cart after the order).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { abandonedCart } from '../core/campaign/abandoned-cart.js';
import { CampaignConfig } from '../core/campaign/config.js';
import { openCarts } from '../core/campaign/orders.js';
import { InMemoryProfileRepository } from '../core/identity/in-memory-profile-repository.js';
import { mergeEvent } from '../core/merge/merge-service.js';
import { personalizeAnswer } from '../core/personalize/answer.js';
import { projectProfile } from '../core/projection.js';
import { SynclineConfig } from '../core/config.js';
import { contextFor } from '../connectors/sdk/testing/index.js';
import { shopify, ShopifySettings } from '../connectors/shopify/index.js';
import { website } from '../connectors/website/index.js';
import { WebsiteSettings } from '../connectors/website/settings.js';
import { completeEvents } from '../pipeline/complete-event.js';

const EMAIL = 'bob.norman@hostmail.com';
const config = SynclineConfig.parse({
  tenants: [
    {
      id: 'acme',
      instances: [
        { id: 'shop', connector: 'shopify', webhooks: true, settings: { shopDomain: 'acme.myshopify.com' } },
        { id: 'site', connector: 'website', settings: { writeKey: 'pk_acme_site_0123456789', origins: ['https://acme.example'] } },
      ],
      campaigns: { giftSeasons: [] },
    },
  ],
});
const tenant = config.tenants[0]!;
const rules = CampaignConfig.parse({ giftSeasons: [] });
const siteSettings = WebsiteSettings.parse(tenant.instances[1]!.settings);
const minutes = (base: string, m: number) => new Date(Date.parse(base) + m * 60_000).toISOString();

/** A visit as syncline.js posts it: one cart change, then the checkout e-mail that joins the visitor to the person. */
function visit(at: string, skus: string[], visitor = 'visitor-0001') {
  const lines = skus.map((sku) => ({ sku, name: sku, price: 10, quantity: 1 }));
  const body = {
    writeKey: siteSettings.writeKey,
    anonymousId: visitor,
    events: [
      { type: 'cart', id: `cart-${at}`, at, data: { action: 'add', sku: skus.at(-1), currency: 'EUR', lines } },
      { type: 'identify', id: `id-${at}`, at, data: { email: EMAIL, via: 'checkout' } },
    ],
  };
  const drafts = website.collect!.parse(body, contextFor('site', siteSettings, {}, new Date(at)));
  return completeEvents(drafts, { tenantId: 'acme', connector: 'website', instance: 'site', receivedAt: new Date(at) });
}

/** Shopify's orders/create for the same person (the fixture's shape), with its own checkout token and our lines. */
function shopOrder(at: string, skus: string[], id = 820982911946154500) {
  const fixture = JSON.parse(readFileSync('connectors/shopify/fixtures/orders-create.json', 'utf8'));
  const body = JSON.stringify({
    ...fixture,
    id,
    created_at: at,
    updated_at: at,
    checkout_token: `chk-${id}`,
    line_items: skus.map((sku, i) => ({ ...fixture.line_items[0], id: id + i, sku, title: sku, name: sku, price: '10.00', quantity: 1 })),
  });
  const request = {
    method: 'POST',
    url: 'https://api.example/webhooks/acme/shop',
    headers: { 'x-shopify-topic': 'orders/create', 'x-shopify-shop-domain': 'acme.myshopify.com', 'x-shopify-webhook-id': `w-${id}` },
    rawBody: Buffer.from(body),
  };
  const context = contextFor('shop', ShopifySettings.parse({ shopDomain: 'acme.myshopify.com' }), { webhookSecret: 's', accessToken: 't' });
  const drafts = shopify.parseWebhook!(request, context);
  return completeEvents(drafts, { tenantId: 'acme', connector: 'shopify', instance: 'shop', receivedAt: new Date(at) });
}

async function person(...batches: ReturnType<typeof visit>[]) {
  const profiles = new InMemoryProfileRepository();
  let next = 0;
  const deps = { profiles, newProfileId: () => `p${++next}` };
  for (const event of batches.flat()) await mergeEvent(deps, tenant, event);
  const live = profiles.liveProfiles('acme');
  expect(live, 'the visit and the order joined on the e-mail address').toHaveLength(1);
  return live[0]!;
}

const CART_AT = '2026-12-01T10:00:00.000Z';
const LATER = new Date('2026-12-01T16:00:00Z');

describe('closing a website cart when the shop order arrives', () => {
  it('leaves the website cart open, abandoned once the window has passed, while no order comes', async () => {
    const profile = await person(visit(CART_AT, ['KOF-BON-1KG', 'FLT-PAP-100']));
    expect(openCarts(profile).map((c) => c.cartId)).toEqual(['web-visitor-0001']);
    expect(abandonedCart(profile, rules.abandonedCart, LATER)?.lines).toBe('1× KOF-BON-1KG | 1× FLT-PAP-100');
  });

  it('closes it by the order placed after its last change, in either arrival order', async () => {
    for (const events of [
      [visit(CART_AT, ['KOF-BON-1KG']), shopOrder(minutes(CART_AT, 5), ['KOF-BON-1KG'])],
      [shopOrder(minutes(CART_AT, 5), ['KOF-BON-1KG']), visit(CART_AT, ['KOF-BON-1KG'])],
    ]) {
      const profile = await person(...events);
      expect(openCarts(profile)).toEqual([]);
      expect(abandonedCart(profile, rules.abandonedCart, LATER)).toBeUndefined();
      expect(projectProfile(profile)).toMatchObject({ openCartValue: null, openCartUrl: null, openCartUpdatedAt: null, orderCount: 1 });
      expect(personalizeAnswer(profile, { campaigns: { ...rules, purposeConsent: false }, now: LATER }).cart).toBeNull();
    }
  });

  it('closes it by a shared product when the cart was last reported after the order (browser clock, stored cart)', async () => {
    const profile = await person(shopOrder(CART_AT, ['KOF-BON-1KG']), visit(minutes(CART_AT, 20), ['KOF-BON-1KG', 'FLT-PAP-100']));
    expect(openCarts(profile)).toEqual([]);
    expect(projectProfile(profile).openCartValue).toBeNull();
  });

  it('keeps a later cart of other products open, and one that shares a product with an order days old', async () => {
    const other = await person(shopOrder(CART_AT, ['KOF-BON-1KG']), visit(minutes(CART_AT, 20), ['MOK-STW-2']));
    expect(openCarts(other).map((c) => c.lines.map((l) => l.sku))).toEqual([['MOK-STW-2']]);
    const again = await person(shopOrder(CART_AT, ['KOF-BON-1KG']), visit(minutes(CART_AT, 3 * 24 * 60), ['KOF-BON-1KG']));
    expect(openCarts(again), 'the beans again, three days on: a new cart').toHaveLength(1);
  });
});
