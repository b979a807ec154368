// Zod schemas of the Lightspeed eCom payloads syncline reads, in Lightspeed's own (camelCase) field names.
// The API marks absent values with `false` as often as with null (e.g. a country, a linked resource), so
// optional fields accept both. Objects are non-strict: Lightspeed adds fields.
import * as z from 'zod';

const Text = z
  .string()
  .nullish()
  .or(z.literal(false))
  .transform((v) => (v === false ? null : v));
const Amount = z.union([z.number().finite(), z.string().regex(/^-?\d+(\.\d+)?$/, 'a decimal amount')]).transform(Number);
const Id = z.number().int().nonnegative();
const Country = z
  .object({ code: Text, title: Text })
  .nullish()
  .or(z.literal(false))
  .transform((v) => (v === false ? null : v));
/** `{"resource": {"id": 123, "url": "customers/123", "link": "…"}}`; `id` is false for collections. */
const Resource = z
  .object({ resource: z.object({ id: z.union([Id, z.literal(false)]).nullish(), url: Text }) })
  .nullish()
  .or(z.literal(false))
  .transform((v) => (v === false ? null : v));

const Person = {
  email: Text,
  firstname: Text,
  middlename: Text,
  lastname: Text,
  phone: Text,
  mobile: Text,
  birthDate: Text,
  addressBillingStreet: Text,
  addressBillingStreet2: Text,
  addressBillingNumber: z
    .union([z.string(), z.number()])
    .nullish()
    .or(z.literal(false))
    .transform((v) => (v === false || v === null || v === undefined ? null : String(v))),
  addressBillingExtension: Text,
  addressBillingZipcode: Text,
  addressBillingCity: Text,
  addressBillingRegion: Text,
  addressBillingCountry: Country,
};

export const Customer = z.object({
  id: Id,
  createdAt: z.string().min(1),
  updatedAt: z.string().min(1),
  isConfirmed: z.boolean().nullish(),
  ...Person,
});
export type Customer = z.infer<typeof Customer>;
export type CustomerJson = z.input<typeof Customer>;

export const OrderProduct = z.object({
  id: Id,
  productTitle: Text,
  variantTitle: Text,
  articleCode: Text,
  sku: Text,
  ean: Text,
  quantityOrdered: z.number().int(),
  quantityRefunded: z.number().int().nullish(),
  /** Unit price including tax. */
  priceIncl: Amount,
  product: Resource,
  variant: Resource,
});
export type OrderProduct = z.infer<typeof OrderProduct>;
export type OrderProductJson = z.input<typeof OrderProduct>;

export const Order = z.object({
  id: Id,
  createdAt: z.string().min(1),
  updatedAt: z.string().min(1),
  number: Text,
  /** e.g. processing_awaiting_payment, processing_awaiting_shipment, completed_shipped, cancelled. */
  status: Text,
  paymentStatus: Text,
  shipmentStatus: Text,
  priceIncl: Amount,
  currency: Text,
  customer: Resource,
  /** Who the invoice and the parcel are addressed to: a parcel for someone else is a gift (mapping.ts). */
  addressBillingName: Text,
  addressShippingName: Text,
  /** Only when the payload embeds the order's products; usually a resource link instead. */
  products: z.union([z.array(OrderProduct), Resource]).optional(),
  ...Person,
});
export type Order = z.infer<typeof Order>;
export type OrderJson = z.input<typeof Order>;

export const CustomerBody = z.object({ customer: Customer });
export const OrderBody = z.object({ order: Order });
export const CustomersPage = z.object({ customers: z.array(Customer) });
export const OrdersPage = z.object({ orders: z.array(Order) });
export const OrderProductsPage = z.object({ orderProducts: z.array(OrderProduct) });
