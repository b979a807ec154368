// A realistic, deterministic stream of canonical events for one webshop tenant: customers, orders with lines,
// carts and abandoned checkouts, product views, searches, e-mail engagement and consent, over a skewed population
// (a few heavy buyers, many occasional visitors), partly out of order, with duplicates and anonymous sessions that
// later log in (identity merges).
import type { CanonicalEvent } from '../core/events.js';
import { seededRandom } from '../connectors/sdk/seeded-random.js';

export const TENANT = 'bench';
const SHOP = { connector: 'shopify', instance: 'shop' } as const;
const MAIL = { connector: 'copernica', instance: 'mail' } as const;

/** Share of each kind in the stream (sums to 1). */
export const MIX = {
  'customer.upserted': 0.08,
  'order.placed': 0.08,
  'cart.updated': 0.1,
  'checkout.abandoned': 0.02,
  'product.viewed': 0.4,
  'search.performed': 0.04,
  'email.engaged': 0.24,
  'consent.changed': 0.04,
} as const;

export type MixKind = keyof typeof MIX;

/** person = profiles·u^SKEW: the busiest person gets (1/profiles)^(1/SKEW) of the events (1% with 1k profiles). */
const SKEW = 1.5;

/** The SDK's seeded random source (mulberry32), as a plain number generator. */
export const rng = (seed: number): (() => number) => seededRandom(seed).next;

const CATEGORIES = ['coffee', 'tea', 'mugs', 'grinders', 'machines', 'filters', 'gifts', 'chocolate'];
const BASE = Date.parse('2026-01-01T00:00:00Z');

export interface WorkloadOptions {
  profiles: number;
  seed?: number;
  /** Share of events delivered twice (at-least-once queues). */
  duplicates?: number;
  /** Share of anonymous sessions (views, carts) that carry only an anonymous id until a later event links it. */
  anonymous?: number;
}

/**
 * Yields `count` events. Person i is picked with a skewed distribution (i ≈ profiles·u^1.5), so a few profiles
 * collect long histories and most stay small, as in a real shop.
 */
export function* events(count: number, options: WorkloadOptions): Generator<CanonicalEvent> {
  const random = rng(options.seed ?? 7);
  const dupShare = options.duplicates ?? 0.01;
  const anonShare = options.anonymous ?? 0.05;
  const kinds = Object.entries(MIX) as [MixKind, number][];
  let previous: CanonicalEvent | undefined;
  for (let n = 0; n < count; n++) {
    if (previous && random() < dupShare) {
      yield previous;
      continue;
    }
    const person = Math.floor(options.profiles * random() ** SKEW);
    let r = random();
    let kind: MixKind = 'product.viewed';
    for (const [k, share] of kinds) {
      if ((r -= share) < 0) {
        kind = k;
        break;
      }
    }
    // Mostly in order; one in ten arrives up to a day late.
    const at = new Date(BASE + n * 1_000 - (random() < 0.1 ? Math.floor(random() * 86_400_000) : 0)).toISOString();
    const anonymous = (kind === 'product.viewed' || kind === 'cart.updated') && random() < anonShare;
    previous = build(kind, person, n, at, anonymous, random);
    yield previous;
  }
}

function email(person: number): string {
  return `person${person}@example.com`;
}

function build(kind: MixKind, person: number, n: number, at: string, anonymous: boolean, random: () => number): CanonicalEvent {
  const anonymousId = `anon-${person}-${Math.floor(n / 5_000)}`;
  // The cart that carries both ids links an anonymous session to the person: an identity merge.
  const ids: CanonicalEvent['identifiers'] = anonymous
    ? [{ type: 'anonymousId', value: anonymousId }]
    : kind === 'cart.updated' && random() < 0.3
      ? [
          { type: 'email', value: email(person) },
          { type: 'anonymousId', value: anonymousId },
        ]
      : kind === 'customer.upserted' || kind === 'order.placed'
        ? [
            { type: 'email', value: email(person) },
            { type: 'customerId:shop', value: String(100_000 + person) },
          ]
        : [{ type: 'email', value: email(person) }];
  const envelope = { tenantId: TENANT, receivedAt: at, occurredAt: at, identifiers: ids };
  const category = CATEGORIES[Math.floor(random() * CATEGORIES.length)]!;
  const lines = (k: number) =>
    Array.from({ length: k }, (_, i) => {
      const c = CATEGORIES[(Math.floor(random() * CATEGORIES.length) + i) % CATEGORIES.length]!;
      return {
        productId: `p-${c}-${i}`,
        sku: `SKU-${c}-${i}`,
        name: `${c} product ${i}`,
        category: c,
        quantity: 1 + Math.floor(random() * 3),
        price: Math.round(5 + random() * 60),
      };
    });
  switch (kind) {
    case 'customer.upserted':
      return {
        ...envelope,
        source: SHOP,
        sourceEventId: `customer-${person}-${n}`,
        type: kind,
        data: {
          email: email(person),
          firstName: `First${person % 977}`,
          lastName: `Last${n % 31}`,
          phone: null,
          locale: 'nl-NL',
          address: { line1: `Straat ${person % 300}`, city: 'Utrecht', postalCode: '3511AB', country: 'NL' },
        },
      };
    case 'order.placed': {
      const l = lines(1 + Math.floor(random() * 4));
      return {
        ...envelope,
        source: SHOP,
        sourceEventId: `order-${n}`,
        type: kind,
        data: {
          orderId: String(n),
          channel: random() < 0.2 ? 'pos' : 'web',
          currency: 'EUR',
          total: l.reduce((s, x) => s + x.price * x.quantity, 0),
          placedAt: at,
          status: 'paid',
          lines: l,
        },
      };
    }
    case 'cart.updated':
    case 'checkout.abandoned': {
      const l = lines(1 + Math.floor(random() * 3));
      return {
        ...envelope,
        source: SHOP,
        sourceEventId: `cart-${n}`,
        type: kind,
        data: {
          cartId: `cart-${person}-${Math.floor(n / 2_000)}`,
          currency: 'EUR',
          total: l.reduce((s, x) => s + x.price * x.quantity, 0),
          lines: l,
        },
      };
    }
    case 'product.viewed':
      return {
        ...envelope,
        source: SHOP,
        sourceEventId: `view-${n}`,
        type: kind,
        data: { productId: `p-${category}-${n % 40}`, name: `${category} ${n % 40}`, category },
      };
    case 'search.performed':
      return { ...envelope, source: SHOP, sourceEventId: `search-${n}`, type: kind, data: { query: `${category} deal`, category } };
    case 'email.engaged': {
      const r = random();
      const k = r < 0.5 ? 'sent' : r < 0.8 ? 'open' : r < 0.97 ? 'click' : 'bounce';
      return {
        ...envelope,
        source: MAIL,
        sourceEventId: `mail-${n}`,
        type: kind,
        data: { kind: k, campaign: `c-${Math.floor(n / 10_000)}`, ...(k === 'click' ? { url: `https://shop.example/${category}` } : {}) },
      };
    }
    case 'consent.changed':
      return {
        ...envelope,
        source: SHOP,
        sourceEventId: `consent-${n}`,
        type: kind,
        data: { purpose: 'email_marketing', granted: random() < 0.85 },
      };
  }
}
