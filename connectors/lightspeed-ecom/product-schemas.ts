// Zod schemas of the Lightspeed eCom catalog resources syncline reads, in Lightspeed's own (camelCase) names:
// products, their variants, the shop's categories and the categories↔products relations. `false` stands for an
// absent value as often as null (schemas.ts). Objects are non-strict: Lightspeed adds fields.
import * as z from 'zod';

const Text = z
  .string()
  .nullish()
  .or(z.literal(false))
  .transform((v) => (v === false ? null : v));
const Amount = z.union([z.number().finite(), z.string().regex(/^-?\d+(\.\d+)?$/, 'a decimal amount')]).transform(Number);
const Id = z.number().int().nonnegative();
/** `{"resource": {"id": 123, "url": "products/123", "link": "…"}}`; `id` is false for a collection. */
const Resource = z
  .object({ resource: z.object({ id: z.union([Id, z.literal(false)]).nullish(), url: Text }) })
  .nullish()
  .or(z.literal(false))
  .transform((v) => (v === false ? null : v));
const Image = z
  .object({ src: Text })
  .nullish()
  .or(z.literal(false))
  .transform((v) => (v === false ? null : v));

export const Variant = z.object({
  id: Id,
  updatedAt: Text,
  isDefault: z.boolean().nullish(),
  articleCode: Text,
  ean: Text,
  sku: Text,
  /** Price including tax, as the shop shows it. */
  priceIncl: Amount.nullish(),
  /** `disabled` (not tracked: always sellable), `enabled` or `indicator`. */
  stockTracking: Text,
  stockLevel: z.number().int().nullish(),
  title: Text,
  product: Resource,
});
export type Variant = z.infer<typeof Variant>;
export type VariantJson = z.input<typeof Variant>;

export const Category = z.object({
  id: Id,
  updatedAt: Text,
  isVisible: z.boolean().nullish(),
  depth: z.number().int().nullish(),
  url: Text,
  title: z.string(),
  parent: Resource,
});
export type Category = z.infer<typeof Category>;
export type CategoryJson = z.input<typeof Category>;

/** One product in one category (`/categories/products.json?product=<id>`). */
export const CategoriesProduct = z.object({ id: Id, sortOrder: z.number().int().nullish(), category: Resource, product: Resource });
export type CategoriesProductJson = z.input<typeof CategoriesProduct>;

export const Product = z.object({
  id: Id,
  createdAt: Text,
  updatedAt: Text,
  isVisible: z.boolean().nullish(),
  /** `visible`, `hidden`, `auto` (visible while in stock). */
  visibility: Text,
  /** The product's URL slug, relative to the shop's domain. */
  url: Text,
  title: Text,
  fulltitle: Text,
  image: Image,
  /** Usually a resource link; an array when a delivery embeds them. */
  categories: z.union([z.array(Category), Resource]).optional(),
  variants: z.union([z.array(Variant), Resource]).optional(),
});
export type Product = z.infer<typeof Product>;
export type ProductJson = z.input<typeof Product>;

export const ProductBody = z.object({ product: Product });
export const ProductsPage = z.object({ products: z.array(Product) });
export const VariantsPage = z.object({ variants: z.array(Variant) });
export const CategoriesPage = z.object({ categories: z.array(Category) });
export const CategoriesProductsPage = z.object({ categoriesProducts: z.array(CategoriesProduct) });
