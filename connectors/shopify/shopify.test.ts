import { describe, expect, it } from 'vitest';
import { InMemoryProfileRepository } from '../../core/identity/in-memory-profile-repository.js';
import { mergeEvent } from '../../core/merge/merge-service.js';
import { completeEvent, onlyEvent, runContractTests } from '../sdk/contract-kit.js';
import { PayloadInvalid, SignatureInvalid, type EventDraft } from '../sdk/index.js';
import { tenant } from '../../test/support/events.js';
import { CanonicalEvent } from '../../core/events.js';
import { shopify } from './index.js';
import { expectedPollEvents, generateSampleShop, signShopifyWebhook, startShopifySimulator } from './simulator.js';
import { contextFor, fixture, secrets, settings, signedRequest, webhookFixture, WEBHOOK_URL, wrongSecrets } from './test-support.js';

const sampleShop = generateSampleShop({ customers: 23, orders: 17 });

runContractTests({
  connector: shopify,
  settings,
  secrets,
  webhooks: {
    url: WEBHOOK_URL,
    sign: (rawBody, k) => signShopifyWebhook(rawBody, k.webhookSecret),
    wrongSecrets,
    fixtures: [
      webhookFixture('customers/create (REST Customer example, shopify_python_api)', 'customers/create', 'customers-create.json', ['customer.upserted']),
      webhookFixture('customers/update (same customer, API 2025-01 shape)', 'customers/update', 'customers-update.json', ['customer.upserted']),
      webhookFixture('orders/create (REST Order example, shopify_python_api)', 'orders/create', 'orders-create.json', ['order.placed']),
      webhookFixture('checkouts/create (REST Abandoned Checkout example)', 'checkouts/create', 'checkouts-create.json', ['cart.updated']),
      webhookFixture('checkouts/update of an anonymous checkout (derived)', 'checkouts/update', 'checkouts-update-anonymous.json', ['cart.updated']),
      webhookFixture('customers/email_marketing_consent_update (built from the field list)', 'customers/email_marketing_consent_update', 'customers-email-marketing-consent-update.json', ['consent.changed']),
      webhookFixture('customers/redact (shopify-app-template-node)', 'customers/redact', 'customers-redact.json', ['erasure.requested']),
      webhookFixture('customers/data_request (shopify-app-template-node)', 'customers/data_request', 'customers-data-request.json', ['access.requested']),
      webhookFixture('shop/redact (shopify-app-template-node)', 'shop/redact', 'shop-redact.json', ['erasure.requested']),
    ],
  },
  poll: {
    startVendor: (faults) => startShopifySimulator({ ...sampleShop, pageSize: 7, ...(faults ? { faults } : {}) }),
    expectedEvents: expectedPollEvents(sampleShop),
  },
});

const parse = (topic: string, body: string | object, headers: Record<string, string> = {}) =>
  shopify.parseWebhook!(signedRequest(topic, body, headers), contextFor());
const verify = (topic: string, body: string | object, headers: Record<string, string> = {}) => shopify.verifyWebhook!(signedRequest(topic, body, headers), secrets, settings, new Date());
const order = (overrides: Record<string, unknown> = {}) => ({ ...fixture('orders-create.json'), ...overrides });

describe('Shopify webhooks', () => {
  it('links an anonymous checkout to the order that completes it', async () => {
    const checkout = fixture<{ token: string }>('checkouts-update-anonymous.json');
    const cart = onlyEvent(parse('checkouts/update', checkout), 'cart.updated');
    expect(cart.identifiers).toEqual([{ type: 'anonymousId', value: `shopify-checkout:${checkout.token}` }]);
    expect(cart.data).toMatchObject({ cartId: checkout.token, recoveryUrl: expect.stringMatching(/^https:\/\/checkout\.local\//), completedAt: null });

    const placed = onlyEvent(parse('orders/create', order({ checkout_token: checkout.token })), 'order.placed');
    expect(placed.identifiers).toContainEqual({ type: 'anonymousId', value: `shopify-checkout:${checkout.token}` });
    expect(placed.data.checkoutToken).toBe(checkout.token);

    // Through the real merge: the cart's anonymous profile and the buyer become one person, the cart completed.
    const repo = new InMemoryProfileRepository();
    let next = 0;
    const deps = { profiles: repo, newProfileId: () => `p${++next}` };
    for (const draft of [cart, placed]) {
      const event = CanonicalEvent.parse({ ...draft, tenantId: 'acme', source: { connector: 'shopify', instance: 'shop' }, receivedAt: '2026-03-10T12:00:00Z' });
      await mergeEvent(deps, tenant(), event);
    }
    const live = repo.liveProfiles('acme');
    expect(live, 'one profile after the order').toHaveLength(1);
    expect(Object.keys(live[0]!.carts)).toEqual([`shop/${checkout.token}`]);
  });

  it('identifies a checkout with an e-mail address by that address and the customer, not by its token', () => {
    const cart = onlyEvent(parse('checkouts/create', fixture('checkouts-create.json')), 'cart.updated');
    expect(cart.identifiers).toEqual([
      { type: 'customerId:shop', value: '207119551' },
      { type: 'email', value: 'bob.norman@hostmail.com' },
    ]);
    expect(cart.data).toMatchObject({ currency: 'USD', total: 409.94, lines: [{ sku: 'IPOD2008RED', name: 'IPod Nano - 8GB - Red', quantity: 1, price: 199 }, { sku: 'IPOD2008PINK' }] });
  });

  it('maps buyer_accepts_marketing to an email consent', () => {
    const events = parse('orders/create', order({ buyer_accepts_marketing: true }));
    const placed = onlyEvent(events, 'order.placed');
    const consent = onlyEvent(events, 'consent.changed');
    expect(consent.data).toEqual({ purpose: 'email_marketing', granted: true, method: 'shopify checkout: buyer_accepts_marketing' });
    expect(consent.identifiers).toEqual(placed.identifiers);
    expect(consent.sourceEventId).not.toBe(placed.sourceEventId);
    // An unticked box at checkout withdraws nothing the customer agreed to elsewhere.
    expect(parse('orders/create', order({ buyer_accepts_marketing: false })).map((e) => e.type)).toEqual(['order.placed']);
  });

  it('maps an order with lines, money as numbers, UTC times and the web channel', () => {
    const placed = onlyEvent(parse('orders/create', order()), 'order.placed');
    expect(placed.occurredAt).toBe('2008-01-10T16:00:00.000Z');
    expect(placed.identifiers).toEqual([
      { type: 'customerId:shop', value: '207119551' },
      { type: 'email', value: 'bob.norman@hostmail.com' },
    ]);
    expect(placed.data).toMatchObject({ orderId: '450789469', orderNumber: '#1001', channel: 'web', currency: 'USD', total: 409.94, status: 'placed' });
    expect(placed.data.lines[0]).toEqual({ productId: '632910392', variantId: '39072856', sku: 'IPOD2008GREEN', name: 'IPod Nano - 8gb - green', quantity: 1, price: 199 });
    expect(placed.data.checkoutToken).toBeUndefined();
  });

  it('maps a point-of-sale order to the pos channel', () => {
    expect(onlyEvent(parse('orders/create', order({ source_name: 'pos' })), 'order.placed').data.channel).toBe('pos');
  });

  it('maps customers/create without consent or tags, as API 2025-01 and later send it', () => {
    const events = parse('customers/update', fixture('customers-update.json'));
    const customer = onlyEvent(events, 'customer.upserted');
    expect(events).toHaveLength(1);
    expect(customer.data).toEqual({
      firstName: 'Bob',
      lastName: 'Norman',
      email: 'bob.norman@hostmail.com',
      address: { line1: 'Chestnut Street 92', city: 'Louisville', postalCode: '40202', region: 'KY', country: 'US' },
      createdAt: '2015-05-27T22:11:24.000Z',
    });
  });

  it('reads the exact customer id from admin_graphql_api_id when the JSON number has too many digits', () => {
    const body = '{"id":706405506930370084,"email":"bob@biller.com","first_name":"Bob","admin_graphql_api_id":"gid://shopify/Customer/706405506930370084"}';
    expect(onlyEvent(parse('customers/create', body), 'customer.upserted').identifiers[0]).toEqual({ type: 'customerId:shop', value: '706405506930370084' });
  });

  it('grants e-mail consent only for the subscribed state', () => {
    const consent = (state: string | null) =>
      onlyEvent(parse('customers/email_marketing_consent_update', { ...fixture<Record<string, unknown>>('customers-email-marketing-consent-update.json'), email_marketing_consent: { state, opt_in_level: null, consent_updated_at: null } }), 'consent.changed').data.granted;
    expect(consent('subscribed')).toBe(true);
    for (const state of ['pending', 'unsubscribed', 'not_subscribed', 'redacted', 'invalid', null]) expect(consent(state), String(state)).toBe(false);
  });

  it('treats shop/redact as erasure of every profile from that shop', () => {
    const erasure = onlyEvent(parse('shop/redact', fixture('shop-redact.json')), 'erasure.requested');
    expect(erasure.data).toEqual({ scope: 'source', requestId: 'shop/redact:954889' });
    expect(erasure.identifiers).toEqual([]);
    expect(erasure.occurredAt).toBe('2025-11-04T15:15:27.877Z');
  });

  it('turns customers/redact into erasure of the person by every identifier Shopify names', () => {
    const erasure = onlyEvent(parse('customers/redact', fixture('customers-redact.json')), 'erasure.requested');
    expect(erasure.data).toEqual({ scope: 'person' });
    expect(erasure.identifiers).toEqual([
      { type: 'customerId:shop', value: '191167' },
      { type: 'email', value: 'john@example.com' },
      { type: 'phone', value: '555-625-1199' },
    ]);
  });

  it('turns customers/data_request into an access request carrying its request id', () => {
    expect(onlyEvent(parse('customers/data_request', fixture('customers-data-request.json')), 'access.requested').data).toEqual({ requestId: '9999' });
  });

  it('rejects an unknown topic with a clear message', () => {
    const attempt = () => parse('products/create', { id: 1, title: 'Secret Person <secret@example.com>' });
    expect(attempt).toThrow(PayloadInvalid);
    expect(attempt).toThrow(/Shopify topic products\/create is not one syncline reads/);
    expect(attempt).not.toThrow(/secret@example\.com/);
  });

  it('rejects a webhook for another shop, because one app secret signs every shop', () => {
    expect(() => parse('orders/create', order(), { 'x-shopify-shop-domain': 'someone-else.myshopify.com' })).toThrow(/someone-else\.myshopify\.com reached the instance for syncline-demo\.myshopify\.com/);
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
    expect(() => shopify.verifyWebhook!({ ...request, headers: { ...headers, ...unprefixed } }, secrets, settings, new Date())).not.toThrow();
    expect(() => shopify.verifyWebhook!({ ...request, headers }, secrets, settings, new Date())).toThrow(SignatureInvalid);
    expect(() => verify('customers/create', body)).not.toThrow();
  });

  it('produces events the pipeline accepts for every fixture', () => {
    for (const [topic, file] of [
      ['customers/create', 'customers-create.json'],
      ['orders/create', 'orders-create.json'],
      ['checkouts/create', 'checkouts-create.json'],
    ] as const) {
      for (const draft of parse(topic, fixture(file))) expect(() => completeEvent(draft, 'shopify')).not.toThrow();
    }
  });
});
