import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { PayloadInvalid } from './errors.js';
import { topic, topicTable } from './topic-table.js';

const Customer = z.object({ email: z.string() });
const table = topicTable<[string]>({
  vendor: 'Acme',
  topics: {
    'customer.created': topic(Customer, (c, instance) => [
      {
        type: 'customer.upserted',
        sourceEventId: `${instance}:${c.email}`,
        occurredAt: '2026-01-01T00:00:00.000Z',
        identifiers: [],
        data: {},
      },
    ]),
  },
  acknowledged: ['ping'],
  remedy: 'remove the subscription or add a mapping',
});

describe('topicTable', () => {
  it('maps a topic it reads with its schema and mapping', () => {
    expect(table.find('customer.created')!({ email: 'a@example.com' }, 'shop')).toMatchObject([{ sourceEventId: 'shop:a@example.com' }]);
    expect(() => table.find('customer.created')!({ email: 1 }, 'shop')).toThrow(/Acme customer.created payload does not match/);
  });

  it('acknowledges a topic with no events and refuses one it does not read, by own key only', () => {
    expect(table.find('ping')).toBeUndefined();
    expect(() => table.find('order.created')).toThrow(
      new PayloadInvalid(
        'Acme topic order.created is not one syncline reads (it reads customer.created); remove the subscription or add a mapping',
      ),
    );
    expect(() => table.find('toString')).toThrow(PayloadInvalid);
    expect(() => table.find('x jane@example.com')).toThrow(/<e-mail>/);
  });
});

describe('topicTable with the vendor topic syntax (unused)', () => {
  const lenient = topicTable<[string]>({ vendor: 'Acme', topics: {}, remedy: 'remove it', unused: /^[a-z_]+\.[a-z_]+$/ });

  it('acknowledges a topic of the syntax it does not read, refuses any other name', () => {
    expect(lenient.find('product.created')).toBeUndefined();
    for (const name of ['toString', '__proto__', 'constructor', 'x jane@example.com', 'product.created.extra'])
      expect(() => lenient.find(name), name).toThrow(PayloadInvalid);
  });
});
