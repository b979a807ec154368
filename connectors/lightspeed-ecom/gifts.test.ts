// What a Lightspeed eCom order says about being a gift: a parcel addressed to another person.
import { describe, expect, it } from 'vitest';
import { onlyEvent } from '../sdk/contract-kit.js';
import { lightspeedEcom } from './index.js';
import { contextFor, fixture, signedRequest } from './test-support.js';

type Json = Record<string, unknown>;
const shipped = (change: Json) => {
  const { order } = fixture<{ order: Json }>('orders-updated.json');
  return onlyEvent(lightspeedEcom.parseWebhook!(signedRequest({ order: { ...order, ...change } }), contextFor()), 'order.updated').data
    .shippedToOtherAddress;
};

describe('Lightspeed eCom gifts', () => {
  it('flags an order whose shipping name is not the billing name', () => {
    expect(shipped({ addressShippingName: 'Anna Stelder' })).toBe(true);
  });

  it("compares with the buyer's own name when the billing name is empty, and concludes nothing without a shipping name", () => {
    expect(shipped({ addressBillingName: '', addressShippingName: 'ruud  STELDER' })).toBeUndefined();
    expect(shipped({ addressBillingName: '', addressShippingName: 'Anna Stelder' })).toBe(true);
    expect(shipped({ addressShippingName: false })).toBeUndefined();
  });

  it("does not flag the buyer's own parcel (the reference order ships to Ruud Stelder, who pays)", () => {
    expect(shipped({})).toBeUndefined();
  });
});
