// Lightspeed Retail (X-Series) products → product.upserted / product.deleted drafts for the tenant's catalog
// (core/catalog/). Every variant is a product of its own, and a sale's line names it by that id, so each product
// record is one catalog product. The category is the product type; the categories (X-Series' tags) are the others.
import type { EventDraft } from '../sdk/index.js';
import { money, utcTime } from './mapping.js';
import type { Product } from './schemas.js';

const present = (value: string | null | undefined): value is string => typeof value === 'string' && value.trim() !== '';

/** Lightspeed's "no image" placeholder is not a picture of the product. */
const realImage = (url: string | null | undefined): url is string =>
  present(url) && /^https?:\/\//.test(url) && !url.includes('/images/placeholder/');

export interface ProductMappingContext {
  /** The retailer's currency (products carry none). */
  currency: string;
  now: Date;
}

export function mapProduct(product: Product, context: ProductMappingContext): EventDraft[] {
  const at = present(product.updated_at)
    ? utcTime(product.updated_at, 'product.updated_at')
    : present(product.created_at)
      ? utcTime(product.created_at, 'product.created_at')
      : context.now.toISOString();
  const change = product.version !== null && product.version !== undefined ? `v${product.version}` : at;
  const sourceEventId = `products/${product.id}/${change}`;
  if (present(product.deleted_at)) {
    return [{ type: 'product.deleted', sourceEventId, occurredAt: at, identifiers: [], data: { productId: product.id } }];
  }
  const name = present(product.variant_name) ? product.variant_name : present(product.name) ? product.name : product.id;
  const type = product.type?.name;
  const categories = (product.categories ?? []).map((c) => c.name).filter(present);
  const price = product.price_including_tax ?? product.price_excluding_tax;
  // Stock lives in the inventory records, which this poll does not read: only a product the retailer stopped selling
  // is known to be unavailable.
  const inactive = product.is_active === false || product.active === false;
  return [
    {
      type: 'product.upserted',
      sourceEventId,
      occurredAt: at,
      identifiers: [],
      data: {
        productId: product.id,
        name: name.trim().slice(0, 500),
        ...(present(type) ? { category: type.trim() } : {}),
        categories: categories.slice(0, 50),
        ...(price !== null && price !== undefined ? { price: money(price), currency: context.currency } : {}),
        ...(realImage(product.image_url) ? { imageUrl: product.image_url } : {}),
        ...(inactive ? { inStock: false } : {}),
        variants: [
          {
            variantId: product.id,
            ...(present(product.sku) ? { sku: product.sku.trim() } : {}),
            ...(price !== null && price !== undefined ? { price: money(price) } : {}),
            ...(inactive ? { inStock: false } : {}),
          },
        ],
      },
    },
  ];
}
