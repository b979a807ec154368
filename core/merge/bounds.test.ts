import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InMemoryProfileRepository } from '../identity/in-memory-profile-repository.js';
import { mergeEvent } from './merge-service.js';
import type { CanonicalEvent } from '../events.js';
import type { Profile } from '../profile.js';
import { projectProfile } from '../projection.js';
import { event, order, tenant } from '../../test/support/events.js';
import { CART_LIMIT, FULL_ORDERS, LINE_LIMIT, ORDER_LIMIT, REFUSED_LIMIT, TEXT_LIMIT } from './bounds.js';

const ANNA = [{ type: 'email' as const, value: 'anna@example.com' }];

async function merged(events: readonly CanonicalEvent[]): Promise<Profile> {
  const repo = new InMemoryProfileRepository();
  const deps = { profiles: repo, newProfileId: () => 'p1' };
  for (const e of events) await mergeEvent(deps, tenant(), e);
  const [profile] = repo.liveProfiles('acme');
  if (profile === undefined) throw new Error('no profile was stored');
  return profile;
}

const day = (n: number) => new Date(Date.parse('2026-01-01T10:00:00Z') + n * 86_400_000).toISOString();

function hugeCheckout(n: number): CanonicalEvent {
  return event({
    type: 'checkout.abandoned',
    sourceEventId: `checkout-${n}`,
    occurredAt: day(n % 300),
    identifiers: ANNA,
    data: {
      cartId: `attacker-${n}`,
      currency: 'EUR',
      total: 1,
      recoveryUrl: `https://shop.example/recover?${'x'.repeat(5_000)}`,
      lines: Array.from({ length: 250 }, (_, i) => ({ sku: `S${i}`, name: 'n'.repeat(1_000), quantity: 1, price: 1 })),
    },
  });
}

describe('bounded profile', () => {
  it('stays small whatever one sender piles onto a person: carts, lines, names and URLs are capped', async () => {
    const profile = await merged(Array.from({ length: 200 }, (_, n) => hugeCheckout(n)));
    const carts = Object.values(profile.carts);
    expect(carts).toHaveLength(CART_LIMIT);
    expect(carts.every((c) => c.lines.length === LINE_LIMIT && c.lines.every((l) => l.name.length === TEXT_LIMIT))).toBe(true);
    expect(
      carts.every((c) => c.recoveryUrl === undefined),
      'a cut URL would be broken: too long ones are dropped',
    ).toBe(true);
    expect(JSON.stringify(profile).length).toBeLessThan(64_000);
  });

  it('keeps the refused identifiers bounded when a sender names the victim with ever new phone numbers', async () => {
    const checkouts = Array.from({ length: 300 }, (_, n) =>
      event({
        type: 'cart.updated',
        sourceEventId: `phone-${n}`,
        occurredAt: day(n),
        identifiers: [...ANNA, { type: 'phone', value: `+3161${String(n).padStart(7, '0')}` }],
        data: { cartId: `phone-cart-${n}`, lines: [] },
      }),
    );
    const profile = await merged(checkouts);
    expect(profile.refusedIdentifiers.length).toBeLessThanOrEqual(REFUSED_LIMIT);
    expect(profile.identifiers.filter((i) => i.type === 'phone')).toHaveLength(3);
    expect(JSON.stringify(profile).length).toBeLessThan(64_000);
  });

  it('keeps counting every order once when old orders are compacted and folded into the archive', async () => {
    const count = ORDER_LIMIT + 30;
    const orders = Array.from({ length: count }, (_, n) => order(`o${n}`, ANNA, day(n), 10));
    // A refund of an order that is compact by now: applied to its record, not counted as a new order.
    const refund = event({
      type: 'order.updated',
      sourceEventId: 'refund',
      occurredAt: day(count + 1),
      identifiers: ANNA,
      data: { ...(orders[count - FULL_ORDERS - 5]! as { data: object }).data, status: 'refunded' } as never,
    });
    const profile = await merged([...orders, refund, ...orders.slice(0, 5)]);
    expect(Object.keys(profile.orders)).toHaveLength(ORDER_LIMIT);
    expect(Object.values(profile.orders).filter((o) => o.compact !== true)).toHaveLength(FULL_ORDERS);
    expect(profile.orderArchive?.count, 'the oldest orders are folded; redelivered ones are not counted again').toBe(30);
    const projected = projectProfile(profile);
    expect(projected.orderCount).toBe(count - 1);
    expect(projected.totalSpent).toBe((count - 1) * 10);
    expect(projected.firstOrderAt).toBe(day(0));
    expect(projected.lastOrderAt).toBe(day(count - 1));
  });

  it('gives the same bounded profile for any order of the same events, with any duplicates', async () => {
    const arbEvent = fc.oneof(
      fc
        .record({ n: fc.integer({ min: 0, max: 25 }), d: fc.integer({ min: 0, max: 40 }), refunded: fc.boolean() })
        .map(({ n, d, refunded }) =>
          event({
            type: refunded ? 'order.updated' : 'order.placed',
            sourceEventId: `order-${n}-${d}-${refunded}`,
            occurredAt: day(n + d),
            identifiers: ANNA,
            data: {
              orderId: `o${n}`,
              channel: 'web',
              currency: 'EUR',
              total: n,
              placedAt: day(n),
              status: refunded ? 'refunded' : 'paid',
              lines: [{ name: `item ${n}`, category: `c${n % 4}`, quantity: 1, price: n }],
            },
          }),
        ),
      fc.record({ n: fc.integer({ min: 0, max: 20 }), d: fc.integer({ min: 0, max: 40 }) }).map(({ n, d }) =>
        event({
          type: 'cart.updated',
          sourceEventId: `cart-${n}-${d}`,
          occurredAt: day(d),
          identifiers: ANNA,
          data: { cartId: `c${n}`, total: d, lines: [{ name: 'Mug', quantity: 1, price: d }] },
        }),
      ),
    );
    const content = ({ version: _v, recentEvents: _r, ...rest }: Profile) => rest;
    await fc.assert(
      fc.asyncProperty(
        fc
          .array(arbEvent, { minLength: 1, maxLength: 60 })
          .chain((events) => fc.tuple(fc.constant(events), fc.shuffledSubarray([...events, ...events], { minLength: events.length * 2 }))),
        async ([events, shuffled]) => {
          expect(content(await merged(shuffled))).toEqual(content(await merged(events)));
        },
      ),
      { numRuns: 60 },
    );
  });
});
