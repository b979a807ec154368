// WooCommerce products (webhook bodies and polled pages) → product.upserted / product.deleted drafts for the tenant's
// catalog (core/catalog/). The category is the product's first category; its other categories and its tags are
// the other groupings. Pure: the same resource always gives the same events.
import type { EventDraft } from '../sdk/index.js';
import { decodeEntities, gmtTime, resourceEventId, type MappingContext } from './mapping.js';
import type { Product, ProductDeleted } from './product-schemas.js';

export interface ProductMappingContext extends MappingContext {
  /** X-WC-Webhook-Delivery-ID: what tells one trashing of a product from another (its body is only the id). */
  deliveryId?: string;
}

const present = (value: string | null | undefined): value is string => typeof value === 'string' && value.trim() !== '';
const webUrl = (value: string | null | undefined) =>
  present(value) && /^https?:\/\//.test(value) && URL.canParse(value) ? value : undefined;

/**
 * WooCommerce files a product saved without a category under the default one, "Uncategorized" (slug
 * `uncategorized`, renamable but keeping its slug): that is no category.
 */
const DEFAULT_CATEGORY = 'uncategorized';

/** Sellable now: published, and in stock or on backorder. A draft, pending or private product is not offered. */
function sellable(p: Product): boolean {
  if (present(p.status) && p.status !== 'publish') return false;
  return p.stock_status !== 'outofstock';
}

/**
 * A product → product.upserted. A variation delivered on its own (product.created and product.updated fire for
 * variations too, with the variation as the products endpoint shows it: type `variation`, no categories) maps to
 * nothing: order lines name the parent's product_id, and the parent's delivery carries the categories.
 */
export function mapProduct(p: Product, context: ProductMappingContext): EventDraft[] {
  if (p.type === 'variation') return [];
  const modified = present(p.date_modified_gmt)
    ? gmtTime(p.date_modified_gmt, 'date_modified_gmt')
    : present(p.date_created_gmt)
      ? gmtTime(p.date_created_gmt, 'date_created_gmt')
      : undefined;
  const categories = (p.categories ?? []).filter((c) => c.slug !== DEFAULT_CATEGORY).map((c) => decodeEntities(c.name));
  const tags = (p.tags ?? []).map((t) => decodeEntities(t.name));
  const price = present(p.price) ? Number(p.price) : undefined;
  const inStock = sellable(p);
  const url = webUrl(p.permalink);
  const imageUrl = webUrl(p.images?.[0]?.src);
  return [
    {
      type: 'product.upserted',
      sourceEventId: resourceEventId('product', p.id, modified ?? 'unknown'),
      occurredAt: modified ?? context.now.toISOString(),
      identifiers: [],
      data: {
        productId: String(p.id),
        name: decodeEntities(p.name),
        ...(categories[0] !== undefined ? { category: categories[0] } : {}),
        categories: [...new Set([...categories, ...tags])].slice(0, 50),
        ...(price !== undefined ? { price } : {}),
        ...(url ? { url } : {}),
        ...(imageUrl ? { imageUrl } : {}),
        inStock,
        // A simple product is its own SKU; a variable product's variations are ids only (see above).
        variants: present(p.sku) ? [{ sku: p.sku.trim(), ...(price !== undefined ? { price } : {}), inStock }] : [],
      },
    },
  ];
}

/** product.deleted: the product went to the trash. Its body names only the id; the time is when it arrived. */
export function mapProductDelete(p: ProductDeleted, context: ProductMappingContext): EventDraft[] {
  const at = context.now.toISOString();
  return [
    {
      type: 'product.deleted',
      sourceEventId: `product/${p.id}#deleted/${context.deliveryId ?? at}`.slice(0, 256),
      occurredAt: at,
      identifiers: [],
      data: { productId: String(p.id) },
    },
  ];
}
