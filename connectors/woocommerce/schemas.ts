// Zod schemas of the WooCommerce REST API v3 resources syncline reads, in WooCommerce's own field names. Webhooks
// carry the same resources as GET /wp-json/wc/v3/{customers,orders}/<id>. Objects are non-strict: plugins add fields.
import * as z from 'zod';

const Id = z.number().int().nonnegative();
const Text = z.string().nullish();
/** `_gmt` times come without an offset ("2017-03-21T19:09:28"); mapping reads them as UTC. */
const GmtTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/, 'a WooCommerce date-time');
/** Money is a decimal string ("29.35"). */
const Money = z
  .string()
  .regex(/^-?\d+(\.\d+)?$/, 'a decimal amount')
  .transform(Number);

export const Address = z.object({
  first_name: Text,
  last_name: Text,
  company: Text,
  address_1: Text,
  address_2: Text,
  city: Text,
  state: Text,
  postcode: Text,
  country: Text,
  email: Text,
  phone: Text,
});
export type Address = z.infer<typeof Address>;

/** GET /customers/<id>; the customer.created and customer.updated webhook bodies. */
export const Customer = z.object({
  id: Id,
  date_created_gmt: GmtTime.nullish(),
  date_modified_gmt: GmtTime.nullish(),
  email: Text,
  first_name: Text,
  last_name: Text,
  role: Text,
  billing: Address.nullish(),
  shipping: Address.nullish(),
});
export type Customer = z.infer<typeof Customer>;
export type CustomerJson = z.input<typeof Customer>;

const LineItem = z.object({
  id: Id.nullish(),
  name: z.string(),
  product_id: Id.nullish(),
  variation_id: Id.nullish(),
  quantity: z.number().int().nonnegative(),
  sku: Text,
  /** Unit price after discounts, a number (unlike the totals, which are strings). */
  price: z
    .union([
      z.number().finite(),
      z
        .string()
        .regex(/^-?\d+(\.\d+)?$/)
        .transform(Number),
    ])
    .nullish(),
  total: Money.nullish(),
});
export type LineItem = z.infer<typeof LineItem>;

/** GET /orders/<id>; the order.created and order.updated webhook bodies. */
export const Order = z.object({
  id: Id,
  number: Text,
  created_via: Text,
  status: z.string().min(1),
  currency: z.string().length(3),
  total: Money,
  customer_id: Id.nullish(),
  date_created_gmt: GmtTime,
  date_modified_gmt: GmtTime.nullish(),
  date_paid_gmt: GmtTime.nullish(),
  cart_hash: Text,
  billing: Address.nullish(),
  shipping: Address.nullish(),
  line_items: z.array(LineItem),
});
export type Order = z.infer<typeof Order>;
export type OrderJson = z.input<typeof Order>;

export const CustomerPage = z.array(Customer);
export const OrderPage = z.array(Order);

/** The unsigned request WooCommerce sends once when a webhook is saved: the form body `webhook_id=<id>`. */
export const PING_BODY = /^webhook_id=\d{1,20}$/;
