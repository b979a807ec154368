// Gifts read by the GraphQL orders poll by the same rules as the orders/create webhook (mapping.ts, gifts.ts): a
// gift-card line (LineItem.isGiftCard), a gift note attribute (Order.customAttributes) and a parcel addressed to
// someone other than the buyer (shippingAddress against billingAddress, else the customer).
import { describe, expect, it } from 'vitest';
import { onePageBudget } from '../sdk/contract-kit.js';
import { drainPoll, withVendor } from '../sdk/testing/index.js';
import type { EventDraft } from '../sdk/index.js';
import { shopify } from './index.js';
import { pollShopify } from './poll.js';
import type { OrderNodeJson } from './schemas.js';
import { generateSampleShop, startShopifySimulator } from './simulator.js';
import { contextFor, fixture, settings, signedRequest } from './test-support.js';

type Order = Extract<EventDraft, { type: 'order.placed' }>;
const gid = (kind: string, id: number) => `gid://shopify/${kind}/${id}`;
const webhookGift = () => fixture<Record<string, unknown>>('orders-create-gift.json');

/** The webhook fixture's gift order as the GraphQL Admin API shows the same order. */
function giftNode(change: Partial<OrderNodeJson> = {}): OrderNodeJson {
  const base = generateSampleShop({ customers: 1, orders: 1 }).orders[0]!;
  const line = base.lineItems.nodes[0]!;
  return {
    ...base,
    id: gid('Order', 820982911946154508),
    customer: { id: gid('Customer', 115310627314723954), firstName: 'Bob', lastName: 'Norman' },
    customAttributes: [{ key: 'Gift message', value: 'Fijne Sinterklaas, Pieter!' }],
    shippingAddress: { name: 'Pieter Norman', firstName: 'Pieter', lastName: 'Norman' },
    billingAddress: { name: 'Bob Norman', firstName: 'Bob', lastName: 'Norman' },
    lineItems: {
      nodes: [
        { ...line, name: 'IPod Nano - 8gb - green', isGiftCard: false },
        { ...line, sku: null, name: 'Gift Card - $25', isGiftCard: true, product: null, variant: null },
      ],
    },
    ...change,
  };
}

async function polled(node: OrderNodeJson, context = contextFor()): Promise<Order['data']> {
  let order: Order | undefined;
  await withVendor(startShopifySimulator({ customers: [], orders: [node], products: [] }), async (sim) => {
    const { events } = await drainPoll((cursor) =>
      pollShopify(
        { ...context, settings: { ...sim.settings, giftAttributeWords: context.settings.giftAttributeWords }, secrets: sim.secrets },
        cursor,
        onePageBudget(),
      ),
    );
    order = events.find((e): e is Order => e.type === 'order.placed');
  });
  return order!.data;
}

const flags = (data: Order['data']) => ({
  gift: data.gift ?? false,
  shippedToOtherAddress: data.shippedToOtherAddress ?? false,
  lineGifts: data.lines.map((l) => l.gift ?? false),
});

describe('Shopify orders poll: gifts', () => {
  it('flags the gift-card line, the gift message and the other addressee exactly as the webhook does for the same order', async () => {
    const webhook = shopify.parseWebhook!(signedRequest('orders/create', webhookGift()), contextFor());
    const fromWebhook = flags((webhook.find((e): e is Order => e.type === 'order.placed') as Order).data);
    expect(fromWebhook).toEqual({ gift: true, shippedToOtherAddress: true, lineGifts: [false, true] });
    expect(flags(await polled(giftNode()))).toEqual(fromWebhook);
  });

  it('reads no gift from a "Gift wrap: No" attribute, a parcel to the buyer, or a pickup without a shipping address', async () => {
    const own = giftNode({
      customAttributes: [{ key: 'Gift wrap', value: 'No' }],
      shippingAddress: { name: 'Bob Norman', firstName: 'Bob', lastName: 'Norman' },
      lineItems: { nodes: [{ ...giftNode().lineItems.nodes[0]! }] },
    });
    expect(flags(await polled(own))).toEqual({ gift: false, shippedToOtherAddress: false, lineGifts: [false] });
    const pickup = giftNode({ customAttributes: [], shippingAddress: null });
    expect(flags(await polled(pickup)).shippedToOtherAddress).toBe(false);
  });

  it("compares the addressee with the customer's name when the order has no billing address, and reads the instance's own gift words", async () => {
    const node = giftNode({ billingAddress: null, customAttributes: [{ key: 'Inpakken als surprise', value: 'ja' }] });
    const context = contextFor({ ...settings, giftAttributeWords: ['surprise'] });
    expect(flags(await polled(node, context))).toMatchObject({ gift: true, shippedToOtherAddress: true });
  });
});
