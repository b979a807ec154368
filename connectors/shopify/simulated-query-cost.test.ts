import { describe, expect, it } from 'vitest';
import { CUSTOMERS_QUERY, ORDER_LINE_ITEMS_QUERY, ORDERS_QUERY } from './client.js';
import { actualCost, parseOperation, requestedCost } from './simulated-query-cost.js';

const ORDERS_WITH_50_LINES = ORDERS_QUERY.replace('lineItems(first: $lineItems)', 'lineItems(first: 50)');

describe("the simulator's query cost (Shopify's documented calculation)", () => {
  it('costs an object 1, a scalar 0 and a connection 2 plus first times one node', () => {
    expect(requestedCost(parseOperation('{ shop { name } }', {}))).toBe(1);
    expect(requestedCost(parseOperation('query P($n: Int!) { products(first: $n) { nodes { title } } }', { n: 10 }))).toBe(12);
    expect(
      requestedCost(
        parseOperation('{ products(first: 10) { edges { node { title variants(first: 5) { edges { node { price } } } } } } }', {}),
      ),
    ).toBe(82);
  });

  it('prices 100 orders with 50 nested line items far above the 1,000-point maximum, as the issue counted', () => {
    // The gift fields (customAttributes, shippingAddress, billingAddress) cost an object each, the address countries
    // (issue 19, item 11) nothing more: 59 points an order with 10 lines.
    expect(requestedCost(parseOperation(ORDERS_WITH_50_LINES, { first: 100 }))).toBe(25_902);
    expect(requestedCost(parseOperation(ORDERS_QUERY, { first: 16, lineItems: 10 }))).toBe(946);
    expect(requestedCost(parseOperation(CUSTOMERS_QUERY, { first: 100 }))).toBe(402);
    expect(requestedCost(parseOperation(ORDER_LINE_ITEMS_QUERY, { id: 'gid://shopify/Order/1', first: 100 }))).toBe(503);
  });

  it('charges what the answer holds as the actual cost', () => {
    const selections = parseOperation('{ products(first: 10) { nodes { title featuredImage { url } } } }', {});
    expect(
      actualCost(selections, {
        products: {
          nodes: [
            { title: 'a', featuredImage: { url: 'u' } },
            { title: 'b', featuredImage: null },
          ],
        },
      }),
    ).toBe(2 + 2 + 1);
  });
});
