// Zod schemas of the Lightspeed Retail (X-Series) payloads syncline reads, in Lightspeed's own field names.
// API 2.0 sends numbers and ISO times; webhooks send the API 1.0 shape, where amounts may be decimal strings
// ("0.00000") and times may lack the "T" and the offset. Objects are non-strict: Lightspeed adds fields.
import * as z from 'zod';

const Text = z.string().nullish();
/** Amounts: numbers in API 2.0, decimal strings in API 1.0 payloads. */
export const Amount = z.union([z.number().finite(), z.string().regex(/^-?\d+(\.\d+)?$/, 'a decimal amount')]).transform(Number);
const Version = z.number().int().nonnegative();

export const Customer = z
  .object({
    id: z.string().min(1),
    customer_code: Text,
    first_name: Text,
    last_name: Text,
    email: Text,
    phone: Text,
    mobile: Text,
    date_of_birth: Text,
    do_not_email: z.boolean().nullish(),
    enable_promotional_sms: z.boolean().nullish(),
    physical_address_1: Text,
    physical_address_2: Text,
    physical_city: Text,
    physical_postcode: Text,
    physical_state: Text,
    physical_country_id: Text,
    postal_address_1: Text,
    postal_address_2: Text,
    postal_city: Text,
    postal_postcode: Text,
    postal_state: Text,
    postal_country_id: Text,
    /** API 1.0 spelling of the same address fields. */
    physical_address1: Text,
    physical_address2: Text,
    created_at: Text,
    updated_at: Text,
    deleted_at: Text,
    version: Version.nullish(),
  })
  // Loose: the fields with no canonical place (loyalty_balance, custom_field_1…4) travel as custom attributes.
  .loose();
export type Customer = z.infer<typeof Customer>;
export type CustomerJson = z.input<typeof Customer>;

export const LineItem = z.object({
  id: Text,
  product_id: Text,
  /** API 1.0 register sale products carry the product name; API 2.0 line items do not. */
  name: Text,
  quantity: Amount,
  /** Unit price, tax exclusive. */
  price: Amount,
  /** Unit tax. */
  tax: Amount.nullish(),
  is_return: z.boolean().nullish(),
});
export type LineItem = z.infer<typeof LineItem>;

/** The customer embedded in API 1.0 register sales (webhooks). */
const EmbeddedCustomer = z.object({ id: Text, customer_code: Text, email: Text, phone: Text, mobile: Text });

export const Sale = z.object({
  id: z.string().min(1),
  customer_id: Text,
  customer: EmbeddedCustomer.nullish(),
  invoice_number: Text,
  receipt_number: Text,
  /** CLOSED, ONACCOUNT_CLOSED, LAYBY_CLOSED, SAVED, ONACCOUNT, LAYBY, VOIDED, … */
  status: z.string().min(1),
  return_for: Text,
  /** Tax exclusive. */
  total_price: Amount,
  total_tax: Amount.nullish(),
  created_at: Text,
  updated_at: Text,
  sale_date: Text,
  deleted_at: Text,
  line_items: z.array(LineItem).nullish(),
  /** API 1.0 name of the line items (webhook payloads). */
  register_sale_products: z.array(LineItem).nullish(),
  version: Version.nullish(),
});
export type Sale = z.infer<typeof Sale>;
export type SaleJson = z.input<typeof Sale>;

/** A named reference inside a product: its `type`, `brand`, `categories` ({} when the product has none). */
const Named = z.object({ id: Text, name: Text });

/**
 * A product as the API 2.0 change feed lists it. Every variant is a product of its own (its id is what a sale's
 * line items name); `type` is the product type and `categories` the groupings the retailer puts it in.
 */
export const Product = z.object({
  id: z.string().min(1),
  name: Text,
  variant_name: Text,
  sku: Text,
  handle: Text,
  /** What the shopper pays; `price_excluding_tax` is the price before tax. */
  price_including_tax: Amount.nullish(),
  price_excluding_tax: Amount.nullish(),
  type: Named.nullish(),
  brand: Named.nullish(),
  categories: z.array(Named).nullish(),
  image_url: Text,
  is_active: z.boolean().nullish(),
  active: z.boolean().nullish(),
  created_at: Text,
  updated_at: Text,
  deleted_at: Text,
  version: Version.nullish(),
});
export type Product = z.infer<typeof Product>;
export type ProductJson = z.input<typeof Product>;

/** Every API 2.0 list: a page of the change feed and the version range it covers. */
const collection = <T extends z.ZodType>(item: T) =>
  z.object({
    data: z.array(item),
    version: z.object({ min: Version.nullish(), max: Version.nullish() }).nullish(),
  });
export const CustomerCollection = collection(Customer);
export const SaleCollection = collection(Sale);
export const ProductCollection = collection(Product);

/** The form fields of a webhook delivery (application/x-www-form-urlencoded). */
export const WebhookForm = z.object({
  payload: z.string().min(1),
  type: z.string().optional(),
  domain_prefix: z.string().optional(),
  environment: z.string().optional(),
  retailer_id: z.string().optional(),
});
export type WebhookForm = z.infer<typeof WebhookForm>;
