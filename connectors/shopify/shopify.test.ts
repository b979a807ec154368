import { describe, expect, it } from 'vitest';
import { InMemoryProfileRepository } from '../../core/identity/in-memory-profile-repository.js';
import { mergeEvent } from '../../core/merge/merge-service.js';
import { onlyEvent, runContractTests } from '../sdk/contract-kit.js';
import { PayloadInvalid, SignatureInvalid } from '../sdk/index.js';
import { tenant } from '../../test/support/events.js';
import { CanonicalEvent } from '../../core/events.js';
import { shopify } from './index.js';
import { expectedPollEvents, generateSampleShop, signShopifyWebhook, startShopifySimulator } from './simulator.js';
import {
  contextFor,
  fixture,
  fixtureText,
  secrets,
  settings,
  signedRequest,
  SHOPIFY_HEADERS,
  WEBHOOK_URL,
  wrongSecrets,
} from './test-support.js';

const sampleShop = generateSampleShop({ customers: 23, orders: 17 });

runContractTests({
  connector: shopify,
  instance: 'shop',
  settings,
  secrets,
  webhooks: {
    url: WEBHOOK_URL,
    sign: (rawBody, k) => signShopifyWebhook(rawBody, k.webhookSecret),
    wrongSecrets,
    headers: SHOPIFY_HEADERS,
  },
  poll: {
    startVendor: (faults) => startShopifySimulator({ ...sampleShop, pageSize: 7, ...(faults ? { faults } : {}) }),
    expectedEvents: expectedPollEvents(sampleShop),
  },
});

const parse = (topic: string, body: string | object, headers: Record<string, string> = {}) =>
  shopify.parseWebhook!(signedRequest(topic, body, headers), contextFor());
const verify = (topic: string, body: string | object, headers: Record<string, string> = {}) =>
  shopify.verifyWebhook!(signedRequest(topic, body, headers), secrets, settings, new Date());
const order = (overrides: Record<string, unknown> = {}) => ({ ...fixture('orders-create.json'), ...overrides });

describe('Shopify webhooks', () => {
  it("reads a national phone number in the address's country (issue 19, item 11)", () => {
    const customer = { ...fixture('customers-create.json'), phone: '0470 12 34 56' } as Record<string, unknown>;
    customer.default_address = { ...(customer.default_address as object), country_code: 'BE' };
    const phone = (events: ReturnType<typeof parse>) => events[0]!.identifiers.find((i) => i.type === 'phone');
    expect(phone(parse('customers/create', customer))).toEqual({ type: 'phone', value: '+32470123456' });
    const buyer = order({ phone: '0470 12 34 56', billing_address: { country_code: 'BE' } });
    expect(phone(parse('orders/create', buyer))).toEqual({ type: 'phone', value: '+32470123456' });
  });

  it("reads a checkout's national phone number in its billing, else shipping, country, and makes no identifier without one (issue 19, item 11)", () => {
    const checkout = { ...fixture('checkouts-create.json'), phone: '0470 12 34 56' } as Record<string, unknown>;
    const phone = (events: ReturnType<typeof parse>) => onlyEvent(events, 'cart.updated').identifiers.find((i) => i.type === 'phone');
    const at = (billing: string | null, shipping: string | null) =>
      phone(
        parse('checkouts/update', {
          ...checkout,
          billing_address: billing ? { country_code: billing } : null,
          shipping_address: shipping ? { country_code: shipping } : null,
        }),
      );
    expect(at('BE', 'NL')).toEqual({ type: 'phone', value: '+32470123456' });
    expect(at(null, 'BE')).toEqual({ type: 'phone', value: '+32470123456' });
    expect(at(null, null)?.value).not.toMatch(/^\+/);
  });

  it('links an anonymous checkout to the order that completes it', async () => {
    const checkout = fixture<{ token: string }>('checkouts-update-anonymous.json');
    const cart = onlyEvent(parse('checkouts/update', checkout), 'cart.updated');
    expect(cart.identifiers).toEqual([{ type: 'anonymousId', value: `shopify-checkout:${checkout.token}` }]);
    expect(cart.data).toMatchObject({
      cartId: checkout.token,
      recoveryUrl: expect.stringMatching(/^https:\/\/checkout\.local\//),
      completedAt: null,
    });

    const placed = onlyEvent(parse('orders/create', order({ checkout_token: checkout.token })), 'order.placed');
    expect(placed.identifiers).toContainEqual({ type: 'anonymousId', value: `shopify-checkout:${checkout.token}` });
    expect(placed.data.checkoutToken).toBe(checkout.token);

    // Through the real merge: the cart's anonymous profile and the buyer become one person, the cart completed.
    const repo = new InMemoryProfileRepository();
    let next = 0;
    const deps = { profiles: repo, newProfileId: () => `p${++next}` };
    for (const draft of [cart, placed]) {
      const event = CanonicalEvent.parse({
        ...draft,
        tenantId: 'acme',
        source: { connector: 'shopify', instance: 'shop' },
        receivedAt: '2026-03-10T12:00:00Z',
      });
      await mergeEvent(deps, tenant(), event);
    }
    const live = repo.liveProfiles('acme');
    expect(live, 'one profile after the order').toHaveLength(1);
    expect(Object.keys(live[0]!.carts)).toEqual([`shop/${checkout.token}`]);
  });

  it('maps buyer_accepts_marketing to an email consent the order implies (never above an explicit withdrawal)', () => {
    const events = parse('orders/create', order({ buyer_accepts_marketing: true }));
    const placed = onlyEvent(events, 'order.placed');
    const consent = onlyEvent(events, 'consent.changed');
    expect(consent.data).toEqual({
      purpose: 'email_marketing',
      granted: true,
      method: 'shopify checkout: buyer_accepts_marketing',
      implied: true,
    });
    expect(consent.identifiers).toEqual(placed.identifiers);
    expect(consent.sourceEventId).not.toBe(placed.sourceEventId);
    // An unticked box at checkout withdraws nothing the customer agreed to elsewhere.
    expect(parse('orders/create', order({ buyer_accepts_marketing: false })).map((e) => e.type)).toEqual(['order.placed']);
  });

  it("stamps an order-implied consent with the order's creation time, as the poll does (issue 22, case 3)", () => {
    // An order edited after an unsubscribe (fulfilled) carries a later updated_at: it must not re-grant consent then.
    const created = order({ buyer_accepts_marketing: true });
    const updated = order({ buyer_accepts_marketing: true, updated_at: '2026-04-01T09:00:00-04:00' });
    const first = onlyEvent(parse('orders/create', created), 'consent.changed');
    const late = onlyEvent(parse('orders/create', updated), 'consent.changed');
    const createdAt = new Date(String((created as { created_at: string }).created_at)).toISOString();
    expect(first.occurredAt).toBe(createdAt);
    expect(late.occurredAt).toBe(createdAt);
    // One grant, whichever path or state of the order reported it: the same id as the poll's.
    expect(late.sourceEventId).toBe(first.sourceEventId);
    expect(first.sourceEventId).toBe(`poll/orders/${String((created as { id: number }).id)}#email_marketing`);
  });

  it('keeps a test order (`test: true`) out of the profile unless the instance says to include test orders (issue 19, item 14)', () => {
    // Shopify marks orders placed with the Bogus Gateway or in test mode `test: true`; they are no purchases.
    expect(parse('orders/create', order({ test: true, buyer_accepts_marketing: true }))).toEqual([]);
    expect(onlyEvent(parse('orders/create', order({ test: false })), 'order.placed').data.orderId).toMatch(/^\d+$/);
    const including = contextFor({ ...settings, testOrders: 'include' });
    const events = shopify.parseWebhook!(signedRequest('orders/create', order({ test: true })), including);
    expect(onlyEvent(events, 'order.placed').data.orderId).toMatch(/^\d+$/);
  });

  it('maps a point-of-sale order to the pos channel', () => {
    expect(onlyEvent(parse('orders/create', order({ source_name: 'pos' })), 'order.placed').data.channel).toBe('pos');
  });

  it('reads the exact customer id from admin_graphql_api_id when the JSON number has too many digits', () => {
    const body =
      '{"id":706405506930370084,"email":"bob@biller.com","first_name":"Bob","admin_graphql_api_id":"gid://shopify/Customer/706405506930370084"}';
    expect(onlyEvent(parse('customers/create', body), 'customer.upserted').identifiers[0]).toEqual({
      type: 'customerId:shop',
      value: '706405506930370084',
    });
  });

  it("keeps ids above 2^53 exact where the payload has no admin_graphql_api_id for them (a line item's product and variant)", () => {
    // 788032119674292922 is the product id of Shopify's REST product sample; JSON.parse makes it …2900.
    const body = fixtureText('orders-create.json')
      .replace('"product_id": 632910392', '"product_id": 788032119674292922')
      .replace('"variant_id": 39072856', '"variant_id": 9007199254740993');
    const [first] = onlyEvent(parse('orders/create', body), 'order.placed').data.lines;
    expect(first).toMatchObject({ productId: '788032119674292922', variantId: '9007199254740993' });
  });

  it('grants e-mail consent only for the subscribed state', () => {
    const consent = (state: string | null) =>
      onlyEvent(
        parse('customers/email_marketing_consent_update', {
          ...fixture<Record<string, unknown>>('customers-email-marketing-consent-update.json'),
          email_marketing_consent: { state, opt_in_level: null, consent_updated_at: null },
        }),
        'consent.changed',
      ).data.granted;
    expect(consent('subscribed')).toBe(true);
    for (const state of ['pending', 'unsubscribed', 'not_subscribed', 'redacted', 'invalid', null])
      expect(consent(state), String(state)).toBe(false);
  });

  it('acknowledges a topic it does not read with no events (Shopify retries a failed delivery and may remove the subscription)', () => {
    expect(parse('inventory_levels/update', { id: 1, title: 'Secret Person <secret@example.com>' })).toEqual([]);
  });

  it('rejects a topic header that is no Shopify topic with a clear message, without echoing personal data', () => {
    const attempt = () => parse('Secret Person <secret@example.com>', { id: 1 });
    expect(attempt).toThrow(PayloadInvalid);
    expect(attempt).toThrow(/is not one syncline reads/);
    expect(attempt).not.toThrow(/secret@example\.com/);
  });

  it('rejects a webhook for another shop, because one app secret signs every shop', () => {
    expect(() => parse('orders/create', order(), { 'x-shopify-shop-domain': 'someone-else.myshopify.com' })).toThrow(
      /someone-else\.myshopify\.com reached the instance for syncline-demo\.myshopify\.com/,
    );
  });

  it('rejects a signed webhook without an X-Shopify-Shop-Domain header, because the signature does not name the shop', () => {
    const request = signedRequest('orders/create', order());
    const { 'x-shopify-shop-domain': _dropped, ...headers } = request.headers;
    const attempt = () => shopify.parseWebhook!({ ...request, headers }, contextFor());
    expect(attempt).toThrow(PayloadInvalid);
    expect(attempt).toThrow(/without an X-Shopify-Shop-Domain header/);
    expect(() => parse('orders/create', order(), { 'x-shopify-shop-domain': '' })).toThrow(/without an X-Shopify-Shop-Domain header/);
  });

  it("rejects a privacy request whose body names another shop than the instance's, even under the right header", () => {
    const privacy = {
      'shop/redact': { shop_id: 1, shop_domain: 'someone-else.myshopify.com' },
      'customers/redact': {
        shop_id: 1,
        shop_domain: 'someone-else.myshopify.com',
        customer: { id: 2, email: 'a@example.com', phone: null },
        orders_to_redact: [],
      },
      'customers/data_request': {
        shop_id: 1,
        shop_domain: 'someone-else.myshopify.com',
        customer: { id: 2, email: 'a@example.com', phone: null },
        orders_requested: [],
        data_request: { id: 3 },
      },
    };
    for (const [topic, body] of Object.entries(privacy)) {
      const attempt = () => parse(topic, body);
      expect(attempt, topic).toThrow(PayloadInvalid);
      expect(attempt, topic).toThrow(
        /names shop someone-else\.myshopify\.com in its body; this instance is for syncline-demo\.myshopify\.com/,
      );
      expect(() => parse(topic, { ...body, shop_domain: settings.shopDomain }), `${topic} for this shop`).not.toThrow();
    }
    expect(() => parse('shop/redact', { shop_id: 1 }), 'shop/redact naming no shop').toThrow(PayloadInvalid);
  });

  it('keeps personal data out of validation errors', () => {
    const attempt = () => parse('orders/create', order({ total_price: 'bob.norman@hostmail.com' }));
    expect(attempt).toThrow(/total_price/);
    expect(attempt).not.toThrow(/bob\.norman/);
  });

  it('gives a retried delivery the same event ids and another delivery new ones', () => {
    const first = parse('orders/create', order());
    expect(parse('orders/create', order()).map((e) => e.sourceEventId)).toEqual(first.map((e) => e.sourceEventId));
    const other = parse('orders/create', order(), { 'x-shopify-event-id': 'another-event', 'x-shopify-webhook-id': 'another-webhook' });
    expect(other[0]?.sourceEventId).not.toBe(first[0]?.sourceEventId);
  });

  it('accepts the un-prefixed shopify-hmac-sha256 header of newer deliveries and rejects a missing one', () => {
    const body = JSON.stringify(fixture('customers-create.json'));
    const unprefixed = { 'shopify-hmac-sha256': signShopifyWebhook(body, secrets.webhookSecret)['x-shopify-hmac-sha256']! };
    const request = signedRequest('customers/create', body);
    const { 'x-shopify-hmac-sha256': _dropped, ...headers } = request.headers;
    expect(() =>
      shopify.verifyWebhook!({ ...request, headers: { ...headers, ...unprefixed } }, secrets, settings, new Date()),
    ).not.toThrow();
    expect(() => shopify.verifyWebhook!({ ...request, headers }, secrets, settings, new Date())).toThrow(SignatureInvalid);
    expect(() => verify('customers/create', body)).not.toThrow();
  });
});

describe('Shopify gifts', () => {
  const gift = () => fixture<Record<string, unknown>>('orders-create-gift.json');

  it('flags a gift-card line as a gift and leaves the other lines of the order as they are', () => {
    const lines = onlyEvent(parse('orders/create', gift()), 'order.placed').data.lines;
    expect(lines.map((l) => [l.name, l.gift ?? false])).toEqual([
      ['IPod Nano - 8gb - green', false],
      ['Gift Card - $25', true],
    ]);
  });

  it('marks an order with a gift message note attribute as a gift, and one with an engraving note as not', () => {
    expect(onlyEvent(parse('orders/create', gift()), 'order.placed').data.gift).toBe(true);
    expect(onlyEvent(parse('orders/create', fixture('orders-create.json')), 'order.placed').data.gift).toBeUndefined();
    const saidNo = { ...gift(), note_attributes: [{ name: 'Gift wrap', value: 'No' }] };
    expect(onlyEvent(parse('orders/create', saidNo), 'order.placed').data.gift).toBeUndefined();
  });

  it("reads gift attributes in the instance's own words", () => {
    const dutch = { ...gift(), note_attributes: [{ name: 'Inpakken als surprise', value: 'ja' }] };
    const context = contextFor({ ...settings, giftAttributeWords: ['surprise'] });
    const events = shopify.parseWebhook!(signedRequest('orders/create', dutch), context);
    expect(onlyEvent(events, 'order.placed').data.gift).toBe(true);
  });

  it("marks an order shipped to another person's name as shipped to another address, not one shipped to the buyer", () => {
    expect(onlyEvent(parse('orders/create', gift()), 'order.placed').data.shippedToOtherAddress).toBe(true);
    const own = fixture<Record<string, unknown>>('orders-create.json');
    expect(onlyEvent(parse('orders/create', own), 'order.placed').data.shippedToOtherAddress).toBeUndefined();
    const pickup = { ...gift(), shipping_address: null };
    expect(onlyEvent(parse('orders/create', pickup), 'order.placed').data.shippedToOtherAddress).toBeUndefined();
  });
});
