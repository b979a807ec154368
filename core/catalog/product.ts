// The tenant's product catalog as the core sees it: one entry per product and one per sellable SKU, built from a
// connector's product.upserted / product.deleted events. Categories are slugs so that rules match however a shop
// spells them ("Lactose-free protein" and "lactose-free-protein" are one category).
import type { EventOf } from '../events.js';
import { utc } from '../merge/provenance.js';

export interface CatalogProduct {
  /** The connector instance the product comes from: product ids are the shop's own, SKUs are shared by a tenant's shops and tills. */
  instance: string;
  productId: string;
  /** Present on a variant's entry. */
  sku?: string;
  variantId?: string;
  name: string;
  /** The primary category's slug: what order lines are categorised with. */
  category?: string;
  /** The category as the shop names it, for display. */
  categoryName?: string;
  /** Every grouping the product is in (category, collections, tags), as slugs. */
  categories: string[];
  price?: number;
  currency?: string;
  url?: string;
  imageUrl?: string;
  inStock?: boolean;
  /** The vendor's time of this state: an older change never overwrites a newer one. */
  updatedAt: string;
}

export type CatalogChange =
  | { kind: 'upsert'; product: CatalogProduct; variants: CatalogProduct[] }
  | { kind: 'delete'; instance: string; productId: string; updatedAt: string };

/** "Wasmachines & drogers" → "wasmachines-drogers"; accents folded, at most 80 characters. */
export function categorySlug(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
}

/** The catalog change a product event asks for. */
export function catalogChangeOf(event: EventOf<'product.upserted'> | EventOf<'product.deleted'>): CatalogChange {
  const instance = event.source.instance;
  const updatedAt = utc(event.occurredAt);
  if (event.type === 'product.deleted') return { kind: 'delete', instance, productId: event.data.productId, updatedAt };
  const { data } = event;
  const category = data.category?.trim() ? data.category.trim() : undefined;
  const slug = category ? categorySlug(category) : undefined;
  const categories = [
    ...new Set([slug, ...(data.categories ?? []).map(categorySlug)].filter((c): c is string => c !== undefined && c !== '')),
  ];
  const variantsInStock = data.variants.map((v) => v.inStock).filter((s): s is boolean => s !== undefined);
  const product: CatalogProduct = {
    instance,
    productId: data.productId,
    name: data.name,
    ...(slug ? { category: slug, categoryName: category } : {}),
    categories,
    ...(data.price !== undefined ? { price: data.price } : lowestPrice(data.variants)),
    ...(data.currency ? { currency: data.currency } : {}),
    ...(data.url ? { url: data.url } : {}),
    ...(data.imageUrl ? { imageUrl: data.imageUrl } : {}),
    ...(data.inStock !== undefined
      ? { inStock: data.inStock }
      : variantsInStock.length > 0
        ? { inStock: variantsInStock.some(Boolean) }
        : {}),
    updatedAt,
  };
  const variants = data.variants.flatMap((v): CatalogProduct[] => {
    if (v.sku === undefined) return [];
    const price = v.price ?? product.price;
    const inStock = v.inStock ?? product.inStock;
    return [
      {
        ...product,
        sku: v.sku,
        ...(v.variantId ? { variantId: v.variantId } : {}),
        ...(price !== undefined ? { price } : {}),
        ...(inStock !== undefined ? { inStock } : {}),
      },
    ];
  });
  return { kind: 'upsert', product, variants };
}

function lowestPrice(variants: readonly { price?: number | undefined }[]): { price?: number } {
  const prices = variants.map((v) => v.price).filter((p): p is number => p !== undefined);
  return prices.length > 0 ? { price: Math.min(...prices) } : {};
}
