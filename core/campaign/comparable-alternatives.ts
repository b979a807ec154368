// "Comparable alternatives" for a product someone hesitated over (a price doubt, a product out of stock): other
// products of its category at a similar price that are in stock, nearest price first. Pure: the caller reads the
// category's products from the catalog (CatalogStore.inCategory) and passes them in.
import type { CatalogProduct } from '../catalog/product.js';

/** The catalog's products of the categories one profile needs, read by the caller (core/campaign/catalog-view.ts). */
export interface CatalogView {
  /** Category slug → its products (one entry per SKU), as CatalogStore.inCategory gives them. */
  inCategory: Readonly<Record<string, readonly CatalogProduct[]>>;
}

export interface AlternativeRules {
  /** How far the price may lie from the product's, as a share of it (0.25: ±25 %). */
  priceTolerance: number;
  max: number;
  /** Only cheaper ones (a price doubt), or either side. */
  cheaperOnly: boolean;
}

const DEFAULTS: AlternativeRules = { priceTolerance: 0.25, max: 3, cheaperOnly: false };

export interface Alternative {
  productId: string;
  sku?: string;
  name: string;
  price: number;
  url?: string;
  imageUrl?: string;
  /** `comparable:<category>`, in the manner of the cross-sell reasons. */
  reason: string;
}

/**
 * Same category, in stock, price within the tolerance, not the product itself; one entry per product (its variant
 * nearest in price), nearest price first, then by name. Nothing for a product without a category or price.
 */
export function comparableAlternatives(
  product: Pick<CatalogProduct, 'productId' | 'category' | 'price'> & { sku?: string },
  candidates: readonly CatalogProduct[],
  rules: Partial<AlternativeRules> = {},
): Alternative[] {
  const { priceTolerance, max, cheaperOnly } = { ...DEFAULTS, ...rules };
  const { category, price } = product;
  if (category === undefined || price === undefined || max <= 0) return [];
  const low = price * (1 - priceTolerance);
  const high = cheaperOnly ? price : price * (1 + priceTolerance);
  const best = new Map<string, CatalogProduct & { price: number }>();
  for (const c of candidates) {
    if (c.category !== category || c.inStock !== true || c.price === undefined) continue;
    if (c.productId === product.productId || (product.sku !== undefined && c.sku === product.sku)) continue;
    if (c.price < low || c.price > high) continue;
    const key = `${c.instance}|${c.productId}`;
    const known = best.get(key);
    if (!known || Math.abs(c.price - price) < Math.abs(known.price - price)) best.set(key, { ...c, price: c.price });
  }
  return [...best.values()]
    .sort((a, b) => Math.abs(a.price - price) - Math.abs(b.price - price) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .slice(0, max)
    .map((c) => ({
      productId: c.productId,
      ...(c.sku !== undefined ? { sku: c.sku } : {}),
      name: c.name,
      price: c.price,
      ...(c.url !== undefined ? { url: c.url } : {}),
      ...(c.imageUrl !== undefined ? { imageUrl: c.imageUrl } : {}),
      reason: `comparable:${category}`,
    }));
}
