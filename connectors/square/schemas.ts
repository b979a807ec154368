// Zod schemas of the Square payloads syncline reads, in Square's own field names. Objects are non-strict: Square
// adds fields with every API version.
import * as z from 'zod';

const Text = z.string().nullish();
const Time = z.string().min(1);

/** Money in the currency's smallest unit: `{ amount: 1599, currency: "USD" }` is $15.99. */
export const Money = z.object({ amount: z.number().int(), currency: z.string().min(3).max(20) });
export type Money = z.infer<typeof Money>;

export const SquareAddress = z.object({
  address_line_1: Text,
  address_line_2: Text,
  locality: Text,
  postal_code: Text,
  administrative_district_level_1: Text,
  country: Text,
});

export const Customer = z.object({
  id: z.string().min(1),
  created_at: Time.nullish(),
  updated_at: Time.nullish(),
  given_name: Text,
  family_name: Text,
  email_address: Text,
  phone_number: Text,
  /** YYYY-MM-DD; the year is 0000 when the seller recorded only day and month. */
  birthday: Text,
  address: SquareAddress.nullish(),
  preferences: z.object({ email_unsubscribed: z.boolean().nullish() }).nullish(),
  version: z.number().int().nullish(),
});
export type Customer = z.infer<typeof Customer>;
export type CustomerJson = z.input<typeof Customer>;

const LineItem = z.object({
  uid: Text,
  name: Text,
  /** A decimal string: "1", or "0.5" for items sold by weight. */
  quantity: z.string().regex(/^\d+(\.\d+)?$/, 'a decimal quantity'),
  catalog_object_id: Text,
  variation_name: Text,
  base_price_money: Money.nullish(),
  total_money: Money.nullish(),
});
export type LineItem = z.infer<typeof LineItem>;

export const Order = z.object({
  id: z.string().min(1),
  location_id: z.string().min(1),
  customer_id: Text,
  line_items: z.array(LineItem).nullish(),
  tenders: z.array(z.object({ customer_id: Text }).loose()).nullish(),
  fulfillments: z.array(z.object({ type: Text }).loose()).nullish(),
  created_at: Time,
  updated_at: Time,
  state: z.string().min(1),
  version: z.number().int().nullish(),
  total_money: Money,
});
export type Order = z.infer<typeof Order>;
export type OrderJson = z.input<typeof Order>;

/** Every webhook notification: `{merchant_id, type, event_id, created_at, data{type, id, object}}`. */
export const EventNotification = z.object({
  merchant_id: z.string().min(1),
  type: z.string().min(1),
  event_id: z.string().min(1).max(128),
  created_at: Time,
  data: z.object({ type: z.string(), id: z.string(), object: z.record(z.string(), z.unknown()).nullish() }),
});
export type EventNotification = z.infer<typeof EventNotification>;

export const CustomerObject = z.object({ customer: Customer });

const SquareErrors = z.array(z.object({ category: z.string(), code: z.string(), detail: z.string().optional() }).loose()).optional();

export const SearchCustomersResponse = z.object({
  customers: z.array(Customer).optional(),
  cursor: z.string().optional(),
  errors: SquareErrors,
});
export const SearchOrdersResponse = z.object({ orders: z.array(Order).optional(), cursor: z.string().optional(), errors: SquareErrors });

// ---- Catalog API (the poll's catalog stream) ----

const CatalogRef = z.object({ id: z.string().min(1), ordinal: z.number().nullish() });

export const ItemVariation = z.object({
  type: z.literal('ITEM_VARIATION'),
  id: z.string().min(1),
  is_deleted: z.boolean().nullish(),
  updated_at: Text,
  item_variation_data: z
    .object({
      item_id: Text,
      name: Text,
      sku: Text,
      /** FIXED_PRICING carries price_money; VARIABLE_PRICING is priced at the register. */
      pricing_type: Text,
      price_money: Money.nullish(),
      /** False: not sold on its own (a stockable component). */
      sellable: z.boolean().nullish(),
    })
    .nullish(),
});
export type ItemVariation = z.infer<typeof ItemVariation>;

/** A catalog object: ITEM (with its variations), CATEGORY and IMAGE are read; other types are passed over. */
export const CatalogObject = z
  .object({
    type: z.string().min(1),
    id: z.string().min(1),
    updated_at: Text,
    version: z.number().int().nullish(),
    is_deleted: z.boolean().nullish(),
    item_data: z
      .object({
        name: Text,
        /** The categories the item is in (since 2023-12-13), and the one reports group it under. */
        categories: z.array(CatalogRef).nullish(),
        reporting_category: CatalogRef.nullish(),
        /** Deprecated single category, still sent by older catalogs. */
        category_id: Text,
        variations: z.array(ItemVariation).nullish(),
        image_ids: z.array(z.string()).nullish(),
        ecom_uri: Text,
      })
      .nullish(),
    category_data: z.object({ name: Text }).nullish(),
    image_data: z.object({ url: Text }).nullish(),
  })
  .loose();
export type CatalogObject = z.infer<typeof CatalogObject>;
export type CatalogObjectJson = z.input<typeof CatalogObject>;

export const SearchCatalogObjectsResponse = z.object({
  objects: z.array(CatalogObject).optional(),
  related_objects: z.array(CatalogObject).optional(),
  cursor: z.string().optional(),
  latest_time: z.string().optional(),
  errors: SquareErrors,
});
export type SearchCatalogObjectsResponse = z.infer<typeof SearchCatalogObjectsResponse>;

// ---- Loyalty API (the poll's loyalty stream) ----

export const LoyaltyAccount = z.object({
  id: z.string().min(1),
  program_id: Text,
  /** The buyer's phone number in E.164: how Square finds the account at the register. */
  mapping: z.object({ id: Text, phone_number: Text }).nullish(),
  balance: z.number().int().nullish(),
  lifetime_points: z.number().int().nullish(),
  customer_id: Text,
  enrolled_at: Text,
  created_at: Text,
  updated_at: Text,
});
export type LoyaltyAccount = z.infer<typeof LoyaltyAccount>;
export type LoyaltyAccountJson = z.input<typeof LoyaltyAccount>;

export const LoyaltyEvent = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  created_at: Time,
  loyalty_account_id: z.string().min(1),
  location_id: Text,
  source: Text,
  accumulate_points: z.object({ loyalty_program_id: Text, points: z.number().int().nullish(), order_id: Text }).nullish(),
});
export type LoyaltyEvent = z.infer<typeof LoyaltyEvent>;
export type LoyaltyEventJson = z.input<typeof LoyaltyEvent>;

export const SearchLoyaltyEventsResponse = z.object({
  events: z.array(LoyaltyEvent).optional(),
  cursor: z.string().optional(),
  errors: SquareErrors,
});
export const RetrieveLoyaltyAccountResponse = z.object({ loyalty_account: LoyaltyAccount.optional(), errors: SquareErrors });
export const BatchRetrieveOrdersResponse = z.object({ orders: z.array(Order).optional(), errors: SquareErrors });
