// Canonical events: the one language every connector maps its vendor payloads into.
import * as z from 'zod';
import { Identifier } from './identifiers.js';

const IsoTime = z.iso.datetime({ offset: true });
const Money = z.number().finite();

export const Source = z.object({
  connector: z.string().min(1).max(64),
  instance: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/),
});
export type Source = z.infer<typeof Source>;

/** The source of operator-made events (the CLI's erasure requests); instance ids are config slugs, and a tenant should not name one `cli`. */
export const CLI_SOURCE = { connector: 'cli', instance: 'cli' } as const satisfies Source;

export const Address = z.object({
  line1: z.string().optional(),
  line2: z.string().optional(),
  city: z.string().optional(),
  postalCode: z.string().optional(),
  region: z.string().optional(),
  country: z.string().optional(),
});
export type Address = z.infer<typeof Address>;

export const OrderLine = z.object({
  productId: z.string().optional(),
  variantId: z.string().optional(),
  sku: z.string().optional(),
  name: z.string(),
  category: z.string().optional(),
  quantity: z.number().int().nonnegative(),
  price: Money,
  /** A line bought for someone else (a gift card): it counts for revenue, not for the buyer's own interests. */
  gift: z.boolean().optional(),
});
export type OrderLine = z.infer<typeof OrderLine>;

/** `advertising`: matching the person in ad platforms' audiences (Meta Custom Audiences, Google Customer Match). */
export const ConsentPurpose = z.enum(['email_marketing', 'sms_marketing', 'personalisation', 'profiling', 'advertising']);
export type ConsentPurpose = z.infer<typeof ConsentPurpose>;

/** Named like a destination field (letters, digits, underscores), so a field mapping can pass it on unrenamed. */
export const CustomAttributeName = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_]{0,39}$/, 'a letter, then up to 39 letters, digits or underscores');
const CustomAttributes = z
  .record(CustomAttributeName, z.union([z.string().max(1_000), z.number().finite(), z.boolean(), z.null()]))
  .refine((attributes) => Object.keys(attributes).length <= 50, 'at most 50 custom attributes per event');

const CustomerUpserted = z.object({
  type: z.literal('customer.upserted'),
  data: z.object({
    firstName: z.string().nullable().optional(),
    lastName: z.string().nullable().optional(),
    email: z.string().nullable().optional(),
    phone: z.string().nullable().optional(),
    birthdate: z.string().nullable().optional(),
    locale: z.string().nullable().optional(),
    address: Address.nullable().optional(),
    createdAt: IsoTime.optional(),
    /** Vendor fields with no canonical place (shoe size, points balance), by attribute name (core/merge/custom-attributes.ts). */
    attributes: CustomAttributes.optional(),
  }),
});

const OrderData = z.object({
  orderId: z.string().min(1),
  orderNumber: z.string().optional(),
  channel: z.enum(['web', 'pos']),
  currency: z.string().length(3),
  total: Money,
  placedAt: IsoTime,
  status: z.enum(['placed', 'paid', 'fulfilled', 'cancelled', 'refunded']).default('placed'),
  lines: z.array(OrderLine),
  /** Cart or checkout this order completes, so an abandoned cart can be cleared. */
  checkoutToken: z.string().optional(),
  gift: z.boolean().optional(),
  shippedToOtherAddress: z.boolean().optional(),
});
export type OrderData = z.infer<typeof OrderData>;
const OrderPlaced = z.object({ type: z.literal('order.placed'), data: OrderData });
const OrderUpdated = z.object({ type: z.literal('order.updated'), data: OrderData });

const CartData = z.object({
  cartId: z.string().min(1),
  currency: z.string().length(3).optional(),
  total: Money.optional(),
  lines: z.array(OrderLine),
  recoveryUrl: z.string().url().optional(),
  completedAt: IsoTime.nullable().optional(),
  /** `checkout`: the shopper started the checkout with this cart (the website's tracking script says so). */
  stage: z.enum(['cart', 'checkout']).optional(),
});
export type CartData = z.infer<typeof CartData>;
const CartUpdated = z.object({ type: z.literal('cart.updated'), data: CartData });
const CheckoutAbandoned = z.object({ type: z.literal('checkout.abandoned'), data: CartData });

const ProductViewed = z.object({
  type: z.literal('product.viewed'),
  data: z.object({
    productId: z.string(),
    name: z.string().optional(),
    category: z.string().optional(),
    /** What the website's tracking script sees on a product page: the variant's SKU and its shown price. */
    sku: z.string().optional(),
    price: Money.optional(),
    currency: z.string().length(3).optional(),
  }),
});
const SearchPerformed = z.object({
  type: z.literal('search.performed'),
  data: z.object({
    query: z.string(),
    category: z.string().optional(),
    /** How many results the site showed: a search with none says what the shop lacks. */
    resultCount: z.number().int().nonnegative().optional(),
  }),
});
const EmailEngaged = z.object({
  type: z.literal('email.engaged'),
  data: z.object({
    kind: z.enum(['sent', 'open', 'click', 'bounce', 'unsubscribe', 'complaint']),
    campaign: z.string().optional(),
    url: z.string().optional(),
  }),
});
const ConsentChanged = z.object({
  type: z.literal('consent.changed'),
  data: z.object({
    purpose: ConsentPurpose,
    granted: z.boolean(),
    method: z.string().optional(),
    /** A grant an order implies (accepted marketing at checkout): it never overrides an explicit withdrawal. */
    implied: z.literal(true).optional(),
  }),
});
const SurveyAnswered = z.object({
  type: z.literal('survey.answered'),
  data: z.object({ question: z.string(), answer: z.string() }),
});
/** One sellable variant of a catalog product: the SKU order lines name, with its own price and stock. */
const ProductVariant = z.object({
  variantId: z.string().optional(),
  sku: z.string().min(1).max(200).optional(),
  price: Money.optional(),
  inStock: z.boolean().optional(),
  stock: z.number().int().optional(),
});
/**
 * A shop's product as it is now (core/catalog/): its category (the vendor's product type or first category), the
 * other groupings it is in, and its variants. Products name no person: the merge stores them in the tenant's catalog.
 */
const ProductUpserted = z.object({
  type: z.literal('product.upserted'),
  data: z.object({
    productId: z.string().min(1).max(200),
    name: z.string(),
    category: z.string().optional(),
    categories: z.array(z.string()).max(50).optional(),
    price: Money.optional(),
    currency: z.string().length(3).optional(),
    url: z.string().url().optional(),
    imageUrl: z.string().url().optional(),
    inStock: z.boolean().optional(),
    variants: z.array(ProductVariant).max(250).default([]),
  }),
});
const ProductDeleted = z.object({
  type: z.literal('product.deleted'),
  data: z.object({ productId: z.string().min(1).max(200) }),
});
/** GDPR art. 17: remove the person everywhere. `scope: tenant` removes every profile of the tenant's source (Shopify shop/redact). */
const ErasureRequested = z.object({
  type: z.literal('erasure.requested'),
  data: z.object({ scope: z.enum(['person', 'source']), requestId: z.string().optional() }),
});
/** GDPR art. 15: the person asked for a copy of their data. */
const AccessRequested = z.object({
  type: z.literal('access.requested'),
  data: z.object({ requestId: z.string().optional() }),
});

const Body = z.discriminatedUnion('type', [
  CustomerUpserted,
  OrderPlaced,
  OrderUpdated,
  CartUpdated,
  CheckoutAbandoned,
  ProductViewed,
  SearchPerformed,
  EmailEngaged,
  ConsentChanged,
  SurveyAnswered,
  ErasureRequested,
  AccessRequested,
  ProductUpserted,
  ProductDeleted,
]);

const Envelope = z.object({
  tenantId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/),
  source: Source,
  /** Stable per vendor event: the dedup key together with the source. */
  sourceEventId: z.string().min(1).max(256),
  occurredAt: IsoTime,
  receivedAt: IsoTime,
  /**
   * Vendor times that lay further in the future than receipt plus the clock skew, as the vendor sent them, by path
   * (`occurredAt`, `data.placedAt`): the event carries the receipt time there instead (pipeline/complete-event.ts).
   */
  clamped: z.record(z.string(), IsoTime).optional(),
  identifiers: z.array(Identifier).max(50),
});

export const CanonicalEvent = z.intersection(Envelope, Body);
export type CanonicalEvent = z.infer<typeof CanonicalEvent>;
export type EventType = CanonicalEvent['type'];
export type EventOf<T extends EventType> = Extract<CanonicalEvent, { type: T }>;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** What a connector produces: the pipeline fills in tenant, source and receipt time. */
export type EventDraft = DistributiveOmit<CanonicalEvent, 'tenantId' | 'source' | 'receivedAt' | 'clamped'>;

/**
 * `<instance>/<sourceEventId>`, built as one flat string. A template literal of 13 characters or more is a rope (a cons
 * string) in V8; the merge's dedup cache and the activity keep event keys, and every duplicate check compares a new key
 * with up to 100 of them, mostly of the same length: a rope on either side sends each comparison to the runtime (~4×
 * the time of flat strings, measured on 100-key arrays). Array.prototype.join builds a flat string; String() converts
 * as the template literal did.
 */
export function eventKey(e: Pick<CanonicalEvent, 'source' | 'sourceEventId'>): string {
  return [String(e.source.instance), String(e.sourceEventId)].join('/');
}
