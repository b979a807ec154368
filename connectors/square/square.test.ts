import { describe, expect, it } from 'vitest';
import { onlyEvent, runContractTests } from '../sdk/contract-kit.js';
import { ConfigInvalid, PayloadInvalid, SignatureInvalid, type EventDraft } from '../sdk/index.js';
import { square } from './index.js';
import { mapCatalogPage } from './catalog-mapping.js';
import { mapLoyaltyAccount } from './loyalty-mapping.js';
import { mapOrder } from './mapping.js';
import { LoyaltyAccount, Order, SearchCatalogObjectsResponse } from './schemas.js';
import { expectedPollEvents, generateSampleSeller, SAMPLE_LOCATIONS, signSquareWebhook, startSquareSimulator } from './simulator.js';
import {
  contextFor,
  fixture,
  fixtureText,
  secrets,
  settings,
  signedRequest,
  deliveryHeaders,
  WEBHOOK_URL,
  wrongSecrets,
} from './test-support.js';
import { SquareSettings } from './config.js';

const sampleSeller = generateSampleSeller({ customers: 11, orders: 10 });

runContractTests({
  connector: square,
  instance: 'pos',
  settings,
  secrets,
  webhooks: {
    url: WEBHOOK_URL,
    sign: (rawBody, k, url) => signSquareWebhook(url, rawBody, k.signatureKey),
    wrongSecrets,
    headers: deliveryHeaders(),
  },
  golden: {
    mappings: {
      order: (answer, context) =>
        mapOrder(Order.parse((answer as { order: unknown }).order), { instance: context.instance, now: context.now() }),
      catalog: (answer, context) => {
        const page = SearchCatalogObjectsResponse.parse(answer);
        return mapCatalogPage(page.objects ?? [], page.related_objects ?? [], context.now());
      },
      loyaltyAccount: (answer, context) =>
        mapLoyaltyAccount(LoyaltyAccount.parse((answer as { loyalty_account: unknown }).loyalty_account), {
          instance: context.instance,
          now: context.now(),
        }),
    },
  },
  poll: {
    startVendor: (faults) =>
      startSquareSimulator({
        ...sampleSeller,
        locationIds: SAMPLE_LOCATIONS,
        settings: { customersPageSize: 4, ordersPageSize: 3 },
        ...(faults ? { faults } : {}),
      }),
    expectedEvents: expectedPollEvents(sampleSeller),
  },
});

const parse = (body: string | object, s = settings) => square.parseWebhook!(signedRequest(body), contextFor(s));

describe('Square webhook signature (known answers from square-nodejs-sdk tests/integration/webhooks.test.ts)', () => {
  const body = fixtureText('webhooks-test-notification.json');
  const url = 'https://webhook.site/679a4f3a-dcfa-49ee-bac5-9d0edad886b9';
  const key = 'Ibxx_5AKakO-3qeNVR61Dw';
  const verify = (rawBody: string, signature: string, signatureKey: string, notificationUrl: string, requestUrl = notificationUrl) =>
    square.verifyWebhook!(
      { method: 'POST', url: requestUrl, headers: { 'x-square-hmacsha256-signature': signature }, rawBody: Buffer.from(rawBody) },
      { accessToken: 'x', signatureKey },
      SquareSettings.parse({ locationIds: ['L'], notificationUrl }),
      new Date(),
    );

  it('accepts the signatures Square computed', () => {
    expect(() => verify(body, 'GF4YkrJgGBDZ9NIYbNXBnMzqb2HoL4RW/S6vkZ9/2N4=', key, url)).not.toThrow();
    expect(() =>
      verify(
        '{"data":{"type":"webhooks","id":"fake_id"}}',
        'W3FlCNk5IA3ZQ2LHTWoajvzfaDu/OwY2tNHIHC3IUOA=',
        'signature-key',
        'https://webhook.site/webhooks',
      ),
    ).not.toThrow();
    // Characters JSON encoders like to escape: the signature is over the bytes as sent.
    expect(() =>
      verify(
        '{"data":{"type":"webhooks","id":">id<"}}',
        'Cxt7+aTi4rKgcA0bC4g9EHdVtLSDWdqccmL5MvihU4U=',
        'signature-key',
        'https://webhook.site/webhooks',
      ),
    ).not.toThrow();
  });

  it('rejects another URL, key, signature or body, and the same body re-formatted', () => {
    const sig = 'GF4YkrJgGBDZ9NIYbNXBnMzqb2HoL4RW/S6vkZ9/2N4=';
    expect(() => verify(body, sig, key, 'https://webhook.site/79a4f3a-dcfa-49ee-bac5-9d0edad886b9')).toThrow(SignatureInvalid);
    expect(() => verify(body, sig, 'MCmhFRxGX82xMwg5FsaoQA', url)).toThrow(SignatureInvalid);
    expect(() => verify(body, '1z2n3DEJJiUPKcPzQo1ftvbxGdw=', key, url)).toThrow(SignatureInvalid);
    expect(() => verify(body.replace('2022-07-13', '2022-06-13'), sig, key, url)).toThrow(SignatureInvalid);
    expect(() => verify(JSON.stringify(JSON.parse(body), null, 4), sig, key, url)).toThrow(SignatureInvalid);
  });

  it('verifies when the registered URL and the setting differ only by a trailing slash or an explicit :443 (issue 19, item 16)', () => {
    const payload = '{"merchant_id":"M","type":"customer.updated"}';
    const base = 'https://hooks.syncline.example/webhooks/acme/pos';
    for (const [registered, configured] of [
      [`${base}/`, base],
      [base, `${base}/`],
      ['https://hooks.syncline.example:443/webhooks/acme/pos', base],
      [base, 'https://hooks.syncline.example:443/webhooks/acme/pos/'],
    ] as const) {
      const sig = signSquareWebhook(registered, payload, key)['x-square-hmacsha256-signature']!;
      expect(() => verify(payload, sig, key, configured), `${registered} signed, ${configured} configured`).not.toThrow();
    }
    // Another path, scheme or port is another URL.
    const sig = signSquareWebhook(`${base}/`, payload, key)['x-square-hmacsha256-signature']!;
    expect(() => verify(payload, sig, key, `${base}x`)).toThrow(SignatureInvalid);
    expect(() => verify(payload, sig, key, 'https://hooks.syncline.example:8443/webhooks/acme/pos')).toThrow(SignatureInvalid);
  });

  it('checks against the registered notification URL, not the URL a proxy delivered to', () => {
    const sig = 'GF4YkrJgGBDZ9NIYbNXBnMzqb2HoL4RW/S6vkZ9/2N4=';
    expect(() => verify(body, sig, key, url, 'http://10.0.3.7:8080/webhooks/acme/square')).not.toThrow();
  });

  it('refuses to verify without settings.notificationUrl instead of trusting the Host the request names (issue 19, item 16)', () => {
    // Signed by whoever chose the Host header: without the registered URL there is nothing trustworthy to check against.
    const forged = signedRequest(fixture('customer-created.json'), 'https://attacker.example/webhooks/acme/square');
    const { notificationUrl: _, ...withoutUrl } = settings;
    expect(() => square.verifyWebhook!(forged, secrets, withoutUrl, new Date())).toThrow(ConfigInvalid);
    expect(() => square.verifyWebhook!(forged, secrets, settings, new Date())).toThrow(SignatureInvalid);
    expect(() => square.verifyWebhook!(signedRequest(fixture('customer-created.json')), secrets, settings, new Date())).not.toThrow();
  });
});

describe('Square webhooks', () => {
  it("reads a national phone number in the customer's address country, and makes no identifier of it without one (issue 19, item 11)", () => {
    const body = fixture('customer-created.json') as { data: { object: { customer: Record<string, unknown> } } };
    const customer = body.data.object.customer;
    customer.phone_number = '0470 12 34 56';
    customer.address = { ...(customer.address as object), country: 'BE' };
    const phone = (events: ReturnType<typeof parse>) => onlyEvent(events, 'customer.upserted').identifiers.find((i) => i.type === 'phone');
    expect(phone(parse(body))).toEqual({ type: 'phone', value: '+32470123456' });
    customer.address = null;
    expect(phone(parse(body))?.value).not.toMatch(/^\+/);
  });

  it('turns an email unsubscribe into a withdrawn e-mail consent, and the default into nothing', () => {
    const body = fixture('customer-updated.json') as { data: { object: { customer: Record<string, unknown> } } };
    body.data.object.customer.preferences = { email_unsubscribed: true };
    const events = parse(body);
    const consent = onlyEvent(events, 'consent.changed');
    expect(consent.data).toEqual({ purpose: 'email_marketing', granted: false, method: 'square: preferences.email_unsubscribed' });
    expect(consent.identifiers).toEqual(onlyEvent(events, 'customer.upserted').identifiers);
  });

  it('drops a birthday whose year Square does not know', () => {
    const body = fixture('customer-created.json') as { data: { object: { customer: Record<string, unknown> } } };
    body.data.object.customer.birthday = '0000-03-04';
    expect(onlyEvent(parse(body), 'customer.upserted').data.birthdate).toBeUndefined();
  });

  it('refuses an event for another merchant when the merchant id is configured', () => {
    const s = SquareSettings.parse({ locationIds: ['L'], merchantId: 'OTHERMERCHANT' });
    expect(() => parse(fixture('customer-created.json'), s)).toThrow(/merchant G7MMEBVW021Q4 reached the instance for OTHERMERCHANT/);
  });

  it("acknowledges an event type it does not read, refuses a type that is none of Square's, without echoing personal data", () => {
    expect(parse({ ...fixture('customer-created.json'), type: 'invoice.created' })).toEqual([]);
    const attempt = () => parse({ ...fixture('customer-created.json'), type: 'Invoice for jenkins.smorly@example.com' });
    expect(attempt).toThrow(PayloadInvalid);
    expect(attempt).not.toThrow(/jenkins/);
    const bad = fixture('customer-created.json') as { data: { object: { customer: Record<string, unknown> } } };
    bad.data.object.customer.updated_at = 'jenkins.smorly@example.com';
    expect(() => parse(bad)).toThrow(/updated_at/);
    expect(() => parse(bad)).not.toThrow(/jenkins/);
  });
});

describe('Square order mapping (variants of the CreateOrder response example, Square API reference)', () => {
  const order = Order.parse((fixture('create-order-response.json') as { order: unknown }).order);
  const context = { instance: 'pos', now: new Date('2026-03-10T12:00:00Z') };

  it('skips anonymous sales and drafts, and reads the customer from the tender when the order has none', () => {
    expect(mapOrder({ ...order, customer_id: null }, context)).toEqual([]);
    expect(mapOrder({ ...order, state: 'DRAFT' }, context)).toEqual([]);
    const viaTender = onlyEvent(
      mapOrder({ ...order, customer_id: null, tenders: [{ type: 'CARD', customer_id: 'CUST1' }] }, context),
      'order.placed',
    );
    expect(viaTender.identifiers).toEqual([{ type: 'customerId:pos', value: 'CUST1' }]);
  });

  it('maps states, shipped orders to the web channel, weighed items to one line, and zero-decimal currencies', () => {
    const status = (state: string) =>
      (mapOrder({ ...order, state }, context)[0] as Extract<EventDraft, { type: 'order.placed' }>).data.status;
    expect(status('COMPLETED')).toBe('paid');
    expect(status('CANCELED')).toBe('cancelled');
    const shipped = onlyEvent(mapOrder({ ...order, fulfillments: [{ type: 'SHIPMENT' }] }, context), 'order.placed');
    expect(shipped.data.channel).toBe('web');
    const weighed = onlyEvent(
      mapOrder(
        {
          ...order,
          line_items: [
            {
              name: 'Koffiebonen',
              quantity: '0.5',
              base_price_money: { amount: 2400, currency: 'EUR' },
              total_money: { amount: 1200, currency: 'EUR' },
            },
          ],
        },
        context,
      ),
      'order.placed',
    );
    expect(weighed.data.lines).toEqual([{ name: 'Koffiebonen', quantity: 1, price: 12 }]);
    const yen = onlyEvent(mapOrder({ ...order, total_money: { amount: 1500, currency: 'JPY' } }, context), 'order.placed');
    expect(yen.data.total).toBe(1500);
  });

  it('calls an order changed after it was created an update', () => {
    const updated = mapOrder({ ...order, updated_at: '2020-01-17T21:00:00Z' }, context);
    expect(updated.map((e) => e.type)).toEqual(['order.updated']);
  });
});
