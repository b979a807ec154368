// One batch as syncline.js posts it to /collect/{tenant}/{site}: the script's own words (syncline.js, `track`).
import * as z from 'zod';

const Time = z.iso.datetime({ offset: true });
const Text = (max: number) => z.string().max(max);
const Sku = z.string().min(1).max(128);
const Price = z.number().finite().nonnegative();
const Currency = z.string().regex(/^[A-Z]{3}$/);

const CartLine = z.object({
  sku: Sku,
  name: Text(256).optional(),
  category: Text(128).optional(),
  price: Price.optional(),
  quantity: z.number().int().min(1).max(10_000),
});

const base = { id: z.string().min(1).max(64), at: Time, url: Text(2048).optional() };

const Page = z.object({
  ...base,
  type: z.literal('page'),
  data: z.object({ title: Text(512).optional(), referrer: Text(2048).optional() }),
});
const Product = z.object({
  ...base,
  type: z.literal('product'),
  data: z
    .object({
      sku: Sku.optional(),
      productId: Text(128).optional(),
      name: Text(256).optional(),
      category: Text(128).optional(),
      price: Price.optional(),
      currency: Currency.optional(),
    })
    .refine((p) => p.sku !== undefined || p.productId !== undefined, 'a product view names a sku or a productId'),
});
const Search = z.object({
  ...base,
  type: z.literal('search'),
  data: z.object({
    query: z.string().min(1).max(256),
    resultCount: z.number().int().nonnegative().optional(),
    category: Text(128).optional(),
  }),
});
const Cart = z.object({
  ...base,
  type: z.literal('cart'),
  data: z.object({
    action: z.enum(['add', 'remove']),
    sku: Sku,
    quantity: z.number().int().min(1).optional(),
    currency: Currency.optional(),
    lines: z.array(CartLine).max(100),
  }),
});
const Checkout = z.object({
  ...base,
  type: z.literal('checkout'),
  data: z.object({ currency: Currency.optional(), total: Price.optional(), lines: z.array(CartLine).max(100) }),
});
const Identify = z.object({
  ...base,
  type: z.literal('identify'),
  data: z
    .object({
      email: Text(320).optional(),
      customerId: Text(64).optional(),
      via: z.enum(['login', 'newsletter', 'checkout']).optional(),
    })
    .refine((i) => i.email !== undefined || i.customerId !== undefined, 'identify names an email or a customerId'),
});
const Consent = z.object({
  ...base,
  type: z.literal('consent'),
  // `advertising` is absent from scripts older than the purpose: no answer, not a refusal.
  data: z.object({ analytics: z.boolean(), personalisation: z.boolean(), advertising: z.boolean().optional() }),
});

export const CollectEvent = z.discriminatedUnion('type', [Page, Product, Search, Cart, Checkout, Identify, Consent]);
export type CollectEvent = z.infer<typeof CollectEvent>;

/** The script sends 20 events a request; 50 leaves room for other senders without letting one batch grow unbounded. */
export const MAX_EVENTS_PER_BATCH = 50;

export const CollectBatch = z.object({
  writeKey: z.string().min(1).max(128),
  anonymousId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'the script’s id: 8–64 letters, digits, _ or -'),
  sentAt: Time.optional(),
  events: z.array(CollectEvent).min(1).max(MAX_EVENTS_PER_BATCH),
});
export type CollectBatch = z.infer<typeof CollectBatch>;
