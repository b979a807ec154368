// Zod schemas of the Shopify payloads syncline reads, in Shopify's own field names. Objects are non-strict:
// Shopify adds fields every quarter, and we only require what mapping.ts uses.
import * as z from 'zod';

/**
 * Shopify ids arrive as JSON numbers or strings. Numbers beyond 2^53 (the documentation's samples use them) would
 * lose digits in JSON.parse: webhook bodies are parsed with parseJsonBodyExactIntegers, which hands them over as
 * strings, and mapping prefers `admin_graphql_api_id`, an exact string, when the payload has it.
 */
const Id = z
  .union([z.number().nonnegative().refine(Number.isInteger, 'an integer id'), z.string().regex(/^\d+$/)])
  .transform((id) => (typeof id === 'number' ? BigInt(id).toString() : id));
/** `gid://shopify/Customer/123`: the exact id, whatever JSON.parse did to the number. */
const AdminGraphqlId = z
  .string()
  .regex(/^gid:\/\/shopify\/\w+\/\d+$/)
  .nullish();
/** Money is a decimal string ("409.94"); some payloads send numbers. */
const Money = z.union([z.string().regex(/^-?\d+(\.\d+)?$/, 'a decimal amount'), z.number().finite()]).transform(Number);
const Time = z.string().min(1);
const Text = z.string().nullish();

export const MailingAddress = z.object({
  /** The addressee: on a shipping address, who receives the parcel. */
  name: Text,
  first_name: Text,
  last_name: Text,
  address1: Text,
  address2: Text,
  city: Text,
  zip: Text,
  province: Text,
  province_code: Text,
  country: Text,
  country_code: Text,
  phone: Text,
});
export type MailingAddress = z.infer<typeof MailingAddress>;

/** customers/create, customers/update (since 2025-01 without consent, tags and order totals). */
export const CustomerPayload = z.object({
  id: Id,
  admin_graphql_api_id: AdminGraphqlId,
  email: Text,
  phone: Text,
  first_name: Text,
  last_name: Text,
  locale: Text,
  created_at: Time.nullish(),
  updated_at: Time.nullish(),
  default_address: MailingAddress.nullish(),
});
export type CustomerPayload = z.infer<typeof CustomerPayload>;

/** The customer embedded in orders and checkouts: only its id is certain. */
const EmbeddedCustomer = z.object({
  id: Id,
  admin_graphql_api_id: AdminGraphqlId,
  email: Text,
  phone: Text,
  first_name: Text,
  last_name: Text,
});

const LineItem = z.object({
  product_id: Id.nullish(),
  variant_id: Id.nullish(),
  sku: Text,
  name: Text,
  title: z.string(),
  variant_title: Text,
  quantity: z.number().int().nonnegative(),
  price: Money,
  /** Whether the item is a gift card: bought for someone else. */
  gift_card: z.boolean().nullish(),
});
export type LineItem = z.infer<typeof LineItem>;

/** orders/create (the REST Order resource). */
export const OrderPayload = z.object({
  id: Id,
  admin_graphql_api_id: AdminGraphqlId,
  name: Text,
  email: Text,
  contact_email: Text,
  phone: Text,
  created_at: Time,
  updated_at: Time.nullish(),
  processed_at: Time.nullish(),
  cancelled_at: Time.nullish(),
  currency: z.string().length(3),
  total_price: Money,
  financial_status: Text,
  source_name: Text,
  buyer_accepts_marketing: z.boolean().nullish(),
  /** True for an order placed in test mode (the Bogus Gateway). */
  test: z.boolean().nullish(),
  checkout_token: Text,
  customer: EmbeddedCustomer.nullish(),
  billing_address: MailingAddress.nullish(),
  shipping_address: MailingAddress.nullish(),
  /** Order attributes collected with the cart (gift messages, delivery instructions): `[{name, value}]`. */
  note_attributes: z.array(z.object({ name: z.string(), value: z.unknown() })).nullish(),
  line_items: z.array(LineItem),
});
export type OrderPayload = z.infer<typeof OrderPayload>;

/** checkouts/create, checkouts/update (the REST Abandoned Checkout resource). */
export const CheckoutPayload = z.object({
  id: Id.nullish(),
  token: z.string().min(1),
  email: Text,
  phone: Text,
  created_at: Time.nullish(),
  updated_at: Time.nullish(),
  completed_at: Time.nullish(),
  currency: z.string().length(3).nullish(),
  total_price: Money.nullish(),
  abandoned_checkout_url: Text,
  customer: EmbeddedCustomer.nullish(),
  /** Their country reads the checkout's national phone number (issue 19, item 11). */
  billing_address: MailingAddress.nullish(),
  shipping_address: MailingAddress.nullish(),
  line_items: z.array(LineItem),
});
export type CheckoutPayload = z.infer<typeof CheckoutPayload>;

/** customers/email_marketing_consent_update. */
export const EmailMarketingConsentPayload = z.object({
  customer_id: Id,
  email_address: Text,
  email_marketing_consent: z.object({
    state: Text,
    opt_in_level: Text,
    consent_updated_at: Time.nullish(),
  }),
});
export type EmailMarketingConsentPayload = z.infer<typeof EmailMarketingConsentPayload>;

const PrivacyCustomer = z.object({ id: Id.nullish(), email: Text, phone: Text });

/** customers/redact (mandatory compliance topic). */
export const CustomersRedactPayload = z.object({
  shop_id: Id,
  shop_domain: z.string(),
  customer: PrivacyCustomer,
  orders_to_redact: z.array(Id).default([]),
});
export type CustomersRedactPayload = z.infer<typeof CustomersRedactPayload>;

/** customers/data_request (mandatory compliance topic). */
export const CustomersDataRequestPayload = z.object({
  shop_id: Id,
  shop_domain: z.string(),
  customer: PrivacyCustomer,
  orders_requested: z.array(Id).default([]),
  data_request: z.object({ id: Id }),
});
export type CustomersDataRequestPayload = z.infer<typeof CustomersDataRequestPayload>;

/** shop/redact (mandatory compliance topic), 48 hours after the shop uninstalled the app. */
export const ShopRedactPayload = z.object({
  shop_id: Id,
  shop_domain: z.string(),
});
export type ShopRedactPayload = z.infer<typeof ShopRedactPayload>;

// ---- GraphQL Admin API (the poll side) ----

const Gid = z.string().regex(/^gid:\/\/shopify\/\w+\/\d+/, 'a Shopify global id');
const MoneyV2 = z.object({ amount: Money, currencyCode: z.string().length(3) });

export const CustomerNode = z.object({
  id: Gid,
  firstName: Text,
  lastName: Text,
  locale: Text,
  createdAt: Time,
  updatedAt: Time,
  defaultEmailAddress: z.object({ emailAddress: Text }).nullish(),
  defaultPhoneNumber: z.object({ phoneNumber: Text }).nullish(),
  defaultAddress: z.object({ address1: Text, address2: Text, city: Text, zip: Text, provinceCode: Text, countryCodeV2: Text }).nullish(),
});
export type CustomerNode = z.infer<typeof CustomerNode>;
/** A customer node as the API sends it (money as decimal strings). */
export type CustomerNodeJson = z.input<typeof CustomerNode>;

const PageInfo = z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullish() });

const LineItemNode = z.object({
  sku: Text,
  name: z.string(),
  quantity: z.number().int().nonnegative(),
  product: z.object({ id: Gid }).nullish(),
  variant: z.object({ id: Gid }).nullish(),
  originalUnitPriceSet: z.object({ shopMoney: MoneyV2 }),
  /** LineItem.isGiftCard: the line sells a gift card. */
  isGiftCard: z.boolean().nullish(),
});
/** A page of an order's line items; the orders query asks for the first few, the order query for the rest. */
const LineItems = z.object({ nodes: z.array(LineItemNode), pageInfo: PageInfo.optional() });

export const OrderNode = z.object({
  id: Gid,
  name: Text,
  email: Text,
  phone: Text,
  createdAt: Time,
  updatedAt: Time,
  cancelledAt: Time.nullish(),
  sourceName: Text,
  customerAcceptsMarketing: z.boolean().nullish(),
  /** True for a test order (Order.test in the Admin GraphQL API). */
  test: z.boolean().nullish(),
  displayFinancialStatus: Text,
  totalPriceSet: z.object({ shopMoney: MoneyV2 }),
  customer: z.object({ id: Gid, firstName: Text, lastName: Text }).nullish(),
  /** Order.customAttributes: the checkout's note attributes (a gift message, gift wrap), keyed `key`, not `name`. */
  customAttributes: z.array(z.object({ key: z.string(), value: Text })).nullish(),
  /** The addressee names (whether the parcel goes to someone else, gifts.ts) and the country that reads the order's
   *  national phone number (issue 19, item 11). */
  shippingAddress: z.object({ name: Text, firstName: Text, lastName: Text, countryCodeV2: Text }).nullish(),
  billingAddress: z.object({ name: Text, firstName: Text, lastName: Text, countryCodeV2: Text }).nullish(),
  lineItems: LineItems,
});
export type OrderNode = z.infer<typeof OrderNode>;
export type OrderNodeJson = z.input<typeof OrderNode>;

export const CustomersPage = z.object({ customers: z.object({ nodes: z.array(CustomerNode), pageInfo: PageInfo }) });
export const OrdersPage = z.object({ orders: z.object({ nodes: z.array(OrderNode), pageInfo: PageInfo }) });
export const OrderLineItemsPage = z.object({ order: z.object({ lineItems: LineItems }).nullable() });

export const ThrottleStatus = z.object({
  maximumAvailable: z.number(),
  currentlyAvailable: z.number(),
  restoreRate: z.number().positive(),
});

/** Every GraphQL Admin API answer: data and/or errors, and the query cost under extensions. */
export const GraphqlResponse = z.object({
  data: z.unknown().optional(),
  errors: z
    .array(z.object({ message: z.string(), extensions: z.object({ code: z.string().optional() }).loose().optional() }).loose())
    .optional(),
  extensions: z
    .object({
      cost: z
        .object({
          requestedQueryCost: z.number(),
          actualQueryCost: z.number().nullish(),
          throttleStatus: ThrottleStatus,
        })
        .optional(),
    })
    .loose()
    .optional(),
});
export type GraphqlResponse = z.infer<typeof GraphqlResponse>;
