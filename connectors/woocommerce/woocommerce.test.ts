import { describe, expect, it } from 'vitest';
import { onlyEvent, runContractTests } from '../sdk/contract-kit.js';
import { PayloadInvalid, SignatureInvalid, type EventDraft, type WebhookRequest } from '../sdk/index.js';
import { woocommerce } from './index.js';
import { expectedPollEvents, generateSampleStore, signWooCommerceWebhook, startWooCommerceSimulator } from './simulator.js';
import {
  contextFor,
  fixture,
  fixtureText,
  secrets,
  settings,
  signedRequest,
  WEBHOOK_URL,
  WOO_HEADERS,
  wrongSecrets,
} from './test-support.js';

const sampleStore = generateSampleStore({ customers: 17, orders: 13 });

runContractTests({
  connector: woocommerce,
  instance: 'woo',
  settings,
  secrets,
  webhooks: {
    url: WEBHOOK_URL,
    sign: (rawBody, k) => signWooCommerceWebhook(rawBody, k.webhookSecret),
    wrongSecrets,
    headers: WOO_HEADERS,
  },
  poll: {
    startVendor: (faults) => startWooCommerceSimulator({ ...sampleStore, settings: { pageSize: 5 }, ...(faults ? { faults } : {}) }),
    expectedEvents: expectedPollEvents(sampleStore),
  },
});

const parse = (topic: string, body: string | object, headers: Record<string, string> = {}) =>
  woocommerce.parseWebhook!(signedRequest(topic, body, headers), contextFor());
const ping = (body = fixtureText('webhook-ping.txt')): WebhookRequest => ({
  method: 'POST',
  url: WEBHOOK_URL,
  headers: { 'user-agent': 'WooCommerce/9.8.1 Hookshot (WordPress/6.8)', 'content-type': 'application/x-www-form-urlencoded' },
  rawBody: Buffer.from(body),
});

describe('WooCommerce webhooks', () => {
  it("reads a Belgian buyer's national phone number as Belgian, not in the tenant's country (issue 19, item 11)", () => {
    const body = fixture('order-created.json') as { billing: Record<string, unknown> };
    body.billing = { ...body.billing, country: 'BE', phone: '0470 12 34 56' };
    const placed = parse('order.created', body).find((e) => e.type === 'order.placed')!;
    expect(placed.identifiers.find((i) => i.type === 'phone')).toEqual({ type: 'phone', value: '+32470123456' });
  });

  it('identifies a registered buyer by customer id and flags an order shipped to another address', () => {
    const order = {
      ...fixture('order-created.json'),
      customer_id: 25,
      shipping: { first_name: 'Jane', address_1: '1 Gift Street', postcode: '10001', country: 'US' },
    };
    const placed = onlyEvent(parse('order.created', order), 'order.placed');
    expect(placed.identifiers[0]).toEqual({ type: 'customerId:woo', value: '25' });
    expect(placed.data.shippedToOtherAddress).toBe(true);
  });

  it('maps statuses to the canonical order status and skips checkout drafts', () => {
    const status = (s: string) =>
      parse('order.updated', { ...fixture('order-created.json'), status: s }).map(
        (e) => (e as Extract<EventDraft, { type: 'order.updated' }>).data.status,
      );
    expect(status('pending')).toEqual(['placed']);
    expect(status('on-hold')).toEqual(['placed']);
    expect(status('completed')).toEqual(['fulfilled']);
    expect(status('failed')).toEqual(['cancelled']);
    expect(status('refunded')).toEqual(['refunded']);
    expect(status('checkout-draft')).toEqual([]);
  });

  it('maps an order created through a point-of-sale plugin to the pos channel', () => {
    expect(onlyEvent(parse('order.created', { ...fixture('order-created.json'), created_via: 'pos' }), 'order.placed').data.channel).toBe(
      'pos',
    );
  });

  it('gives a redelivery the same event id although WooCommerce sends a new delivery id', () => {
    const first = parse('order.created', fixture('order-created.json'));
    const again = parse('order.created', fixture('order-created.json'), { 'x-wc-webhook-delivery-id': 'another-delivery' });
    expect(again.map((e) => e.sourceEventId)).toEqual(first.map((e) => e.sourceEventId));
  });

  it('accepts the unsigned ping WooCommerce sends when a webhook is saved, and makes no events of it', () => {
    expect(() => woocommerce.verifyWebhook!(ping(), secrets, settings, new Date())).not.toThrow();
    expect(woocommerce.parseWebhook!(ping(), contextFor())).toEqual([]);
  });

  it('does not let anything else through unsigned', () => {
    expect(() => woocommerce.verifyWebhook!(ping('webhook_id=142&customer=1'), secrets, settings, new Date())).toThrow(SignatureInvalid);
    const unsignedOrder = {
      ...signedRequest('order.created', fixture('order-created.json')),
      headers: { 'x-wc-webhook-topic': 'order.created' },
    };
    expect(() => woocommerce.verifyWebhook!(unsignedOrder, secrets, settings, new Date())).toThrow(SignatureInvalid);
    const pingWithTopic = { ...ping(), headers: { 'x-wc-webhook-topic': 'order.created' } };
    expect(() => woocommerce.verifyWebhook!(pingWithTopic, secrets, settings, new Date())).toThrow(SignatureInvalid);
  });

  it('acknowledges the deleted topics without events', () => {
    expect(parse('customer.deleted', { id: 25 })).toEqual([]);
    expect(parse('order.deleted', { id: 727 })).toEqual([]);
  });

  it("acknowledges a topic it does not read, rejects a topic header that is none of WooCommerce's, and a delivery from another store", () => {
    expect(parse('coupon.created', { id: 1 })).toEqual([]);
    expect(() => parse('Product Created!', { id: 1 })).toThrow(/WooCommerce topic "Product Created!" is not one syncline reads/);
    expect(() => parse('order.created', fixture('order-created.json'), { 'x-wc-webhook-source': 'https://other-store.example/' })).toThrow(
      /other-store\.example/,
    );
    // A trailing slash or letter case is not another store.
    expect(() => parse('order.created', fixture('order-created.json'), { 'x-wc-webhook-source': 'https://EXAMPLE.com' })).not.toThrow();
  });

  it('keeps personal data out of validation errors', () => {
    const attempt = () => parse('order.created', { ...fixture('order-created.json'), total: 'john.doe@example.com' });
    expect(attempt).toThrow(/total/);
    expect(attempt).not.toThrow(/john\.doe/);
  });

  it('refuses plain-http store URLs, except for a local simulator', () => {
    expect(woocommerce.settingsSchema.safeParse({ storeUrl: 'http://shop.example.com/' }).success).toBe(false);
    expect(woocommerce.settingsSchema.safeParse({ storeUrl: 'http://127.0.0.1:8080/' }).success).toBe(true);
  });
});
