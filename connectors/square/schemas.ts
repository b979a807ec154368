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
