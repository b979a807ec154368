// Zod schemas of Shopify's products, in Shopify's own field names: the products/* webhook bodies (the REST Product
// resource) and the GraphQL Admin API's Product nodes. Non-strict, like schemas.ts.
import * as z from 'zod';

const Id = z
  .union([z.number().nonnegative().refine(Number.isInteger, 'an integer id'), z.string().regex(/^\d+$/)])
  .transform((id) => (typeof id === 'number' ? BigInt(id).toString() : id));
const Money = z.union([z.string().regex(/^-?\d+(\.\d+)?$/, 'a decimal amount'), z.number().finite()]).transform(Number);
const Text = z.string().nullish();

const ProductVariant = z.object({
  id: Id,
  sku: Text,
  price: Money.nullish(),
  inventory_quantity: z.number().int().nullish(),
  /** `continue`: sold when out of stock; `deny`: not. */
  inventory_policy: Text,
  /** Absent in newer payloads (moved to the inventory item); null: Shopify does not track stock. */
  inventory_management: Text,
});

/** products/create and products/update. */
export const ProductPayload = z.object({
  id: Id,
  admin_graphql_api_id: z
    .string()
    .regex(/^gid:\/\/shopify\/\w+\/\d+$/)
    .nullish(),
  title: z.string(),
  handle: Text,
  product_type: Text,
  /** Comma-separated, as in the REST resource. */
  tags: Text,
  status: Text,
  updated_at: Text,
  created_at: Text,
  image: z.object({ src: z.string() }).nullish(),
  images: z.array(z.object({ src: z.string() })).nullish(),
  variants: z.array(ProductVariant).default([]),
});
export type ProductPayload = z.infer<typeof ProductPayload>;

/** products/delete: only the id. */
export const ProductDeletePayload = z.object({ id: Id });
export type ProductDeletePayload = z.infer<typeof ProductDeletePayload>;

// ---- GraphQL Admin API (the poll side) ----

const Gid = z.string().regex(/^gid:\/\/shopify\/\w+\/\d+/, 'a Shopify global id');
const PageInfo = z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullish() });

export const ProductNode = z.object({
  id: Gid,
  title: z.string(),
  handle: Text,
  productType: Text,
  tags: z.array(z.string()).default([]),
  /** ACTIVE, ARCHIVED, DRAFT. */
  status: Text,
  updatedAt: z.string().min(1),
  onlineStoreUrl: Text,
  featuredMedia: z.object({ preview: z.object({ image: z.object({ url: z.string() }).nullish() }).nullish() }).nullish(),
  collections: z.object({ nodes: z.array(z.object({ title: z.string() })) }).nullish(),
  variants: z.object({
    nodes: z.array(
      z.object({
        id: Gid,
        sku: Text,
        price: Money.nullish(),
        inventoryQuantity: z.number().int().nullish(),
        inventoryPolicy: Text,
      }),
    ),
  }),
});
export type ProductNode = z.infer<typeof ProductNode>;
export type ProductNodeJson = z.input<typeof ProductNode>;

export const ProductsPage = z.object({ products: z.object({ nodes: z.array(ProductNode), pageInfo: PageInfo }) });
