// Zod schemas of WooCommerce REST API v3 products (GET /wp-json/wc/v3/products[/<id>]), in WooCommerce's own field
// names: the product.created / updated / restored webhook bodies are the same resource. Non-strict: plugins add fields.
import * as z from 'zod';

const Id = z.number().int().nonnegative();
const Text = z.string().nullish();
/** `_gmt` times come without an offset ("2017-03-23T20:01:14"); mapping reads them as UTC. */
const GmtTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/, 'a WooCommerce date-time');
/** Prices are decimal strings; "" when none is set (a variable product's own price, a draft). */
const Price = z.union([z.literal(''), z.string().regex(/^-?\d+(\.\d+)?$/, 'a decimal amount')]).nullish();

const Term = z.object({ id: Id.nullish(), name: z.string(), slug: Text });

/** A product, or (type `variation`) a variation: product.created and product.updated fire for variations too. */
export const Product = z.object({
  id: Id,
  name: z.string(),
  slug: Text,
  permalink: Text,
  date_created_gmt: GmtTime.nullish(),
  date_modified_gmt: GmtTime.nullish(),
  /** simple, grouped, external, variable; `variation` when a variation's own change is delivered. */
  type: Text,
  /** publish, draft, pending, private (and future). */
  status: Text,
  sku: Text,
  price: Price,
  /** instock, outofstock, onbackorder. */
  stock_status: Text,
  stock_quantity: z.number().int().nullish(),
  parent_id: Id.nullish(),
  categories: z.array(Term).nullish(),
  tags: z.array(Term).nullish(),
  images: z.array(z.object({ src: z.string() })).nullish(),
  /** Variation ids only: a variation's SKU and price are not in its product's resource. */
  variations: z.array(Id).nullish(),
});
export type Product = z.infer<typeof Product>;
export type ProductJson = z.input<typeof Product>;

/** product.deleted (the product was moved to the trash): WC_Webhook::build_payload sends only `{"id": <id>}`. */
export const ProductDeleted = z.object({ id: Id });
export type ProductDeleted = z.infer<typeof ProductDeleted>;

export const ProductPage = z.array(Product);
