// What a WooCommerce order says about being a gift: only where it ships (core WooCommerce has no gift field).
import { describe, expect, it } from 'vitest';
import { onlyEvent } from '../sdk/contract-kit.js';
import { woocommerce } from './index.js';
import { contextFor, fixture, signedRequest } from './test-support.js';

type Json = Record<string, unknown>;
const order = () => fixture('order-created.json') as Json;
const shipped = (shipping: Json, extra: Json = {}) =>
  onlyEvent(
    woocommerce.parseWebhook!(
      signedRequest('order.created', { ...order(), ...extra, shipping: { ...(order().shipping as Json), ...shipping } }),
      contextFor(),
    ),
    'order.placed',
  ).data.shippedToOtherAddress;

describe('WooCommerce gifts', () => {
  it("flags a parcel for another person at the buyer's own address (checkout's ship to a different address, another name)", () => {
    expect(shipped({ first_name: 'Jane' })).toBe(true);
  });

  it('does not flag the buyer shipping to themselves, whatever the spelling of the name', () => {
    expect(shipped({})).toBeUndefined();
    expect(shipped({ first_name: 'JOHN', last_name: ' doe ' })).toBeUndefined();
  });

  it('reads neither the free-text customer note nor plugin meta as a gift: nothing in core WooCommerce says so', () => {
    expect(
      shipped({}, { customer_note: 'Cadeautje voor oma, graag inpakken', meta_data: [{ id: 1, key: '_gift_wrap', value: 'yes' }] }),
    ).toBeUndefined();
  });
});
