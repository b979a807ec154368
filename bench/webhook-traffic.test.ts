import { describe, expect, it } from 'vitest';
import { webhookDeliveries } from './webhook-traffic.js';

const topicsOf = (ordering: 'bursty' | 'interleaved') =>
  webhookDeliveries(400, 67, ordering).reduce<Record<string, number>>((counts, d) => {
    counts[d.topic] = (counts[d.topic] ?? 0) + 1;
    return counts;
  }, {});

const customerOf = (body: string): string => {
  const b = JSON.parse(body) as { email?: string; email_address?: string };
  return b.email ?? b.email_address ?? '';
};

describe('the end-to-end bench traffic', () => {
  it('sends the same mix of topics in both orderings, so their figures compare', () => {
    const interleaved = topicsOf('interleaved');
    const bursty = topicsOf('bursty');
    const sum = (c: Record<string, number>) => Object.values(c).reduce((s, n) => s + n, 0);
    expect(sum(bursty)).toBe(400);
    expect(sum(interleaved)).toBe(400);
    expect(bursty['orders/create']).toBe(interleaved['orders/create']);
    expect(bursty['checkouts/update']).toBe(interleaved['checkouts/update']);
    expect(bursty['customers/email_marketing_consent_update']).toBe(interleaved['customers/email_marketing_consent_update']);
  });

  it('interleaved never sends one person twice within 67 deliveries; bursty sends a session back to back', () => {
    const interleaved = webhookDeliveries(400, 67, 'interleaved').map((d) => customerOf(d.body));
    for (let n = 1; n < 67; n++) expect(interleaved[n]).not.toBe(interleaved[n - 1]);
    const bursty = webhookDeliveries(10, 67, 'bursty');
    // The first session: sign-up, consent, checkout, order of one person.
    expect(bursty.slice(0, 4).map((d) => d.topic)).toEqual([
      'customers/create',
      'customers/email_marketing_consent_update',
      'checkouts/update',
      'orders/create',
    ]);
    expect(new Set(bursty.slice(0, 4).map((d) => customerOf(d.body))).size).toBe(1);
    expect(customerOf(bursty[4]!.body)).not.toBe(customerOf(bursty[3]!.body));
  });

  it("gives an order the checkout token of its session's checkout, as Shopify does", () => {
    const [, , checkout, order] = webhookDeliveries(4, 67, 'bursty').map(
      (d) => JSON.parse(d.body) as { token?: string; checkout_token?: string },
    );
    expect(order!.checkout_token).toBe(checkout!.token);
  });
});
