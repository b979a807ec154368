// Lightspeed eCom products → product.upserted / product.deleted drafts for the tenant's catalog (core/catalog/). A
// product's variants carry its SKUs, prices and stock; its categories come from the categories↔products relations.
// Pure: the same product, variants and categories always give the same event.
import type { EventDraft } from '../sdk/index.js';
import { utcTime, type MappingContext } from './mapping.js';
import type { Category, Product, Variant } from './product-schemas.js';

const present = (value: string | null | undefined): value is string => typeof value === 'string' && value.trim() !== '';
const money = (amount: number) => Math.round(amount * 10_000) / 10_000;

/** Sellable: stock not tracked (`disabled`), or tracked with some in stock. */
const variantInStock = (v: Variant) => !present(v.stockTracking) || v.stockTracking === 'disabled' || (v.stockLevel ?? 0) > 0;

/**
 * The product as the catalog keeps it. Its category is the most specific of its categories (the deepest; the first
 * related on a tie), the others are groupings. A hidden product is offered nowhere: none of its variants is in stock.
 * The state's time is the latest of the product's and its variants' (a price or stock change touches the variant).
 */
export function mapProduct(
  product: Product,
  variants: readonly Variant[],
  categories: readonly Category[],
  context: MappingContext,
): EventDraft[] {
  const times = [product.updatedAt, product.createdAt, ...variants.map((v) => v.updatedAt)]
    .filter(present)
    .map((t) => utcTime(t, 'updatedAt'));
  const at = times.reduce<string | undefined>((a, b) => (a === undefined || b > a ? b : a), undefined);
  const hidden = product.isVisible === false || product.visibility === 'hidden';
  const byDepth = categories
    .map((c, i) => ({ c, i }))
    .sort((a, b) => (b.c.depth ?? 0) - (a.c.depth ?? 0) || a.i - b.i)
    .map(({ c }) => c.title.trim())
    .filter((t) => t !== '');
  // `title` is the name order products carry (productTitle); `fulltitle`, the longer form, only when it is empty.
  const name = [product.title, product.fulltitle].find(present) ?? `product ${product.id}`;
  const main = variants.find((v) => v.isDefault === true) ?? variants[0];
  const image = product.image?.src;
  return [
    {
      type: 'product.upserted',
      sourceEventId: `products/${product.id}/${at ?? 'unknown'}`,
      occurredAt: at ?? (context.now ?? new Date(0)).toISOString(),
      identifiers: [],
      data: {
        productId: String(product.id),
        name: name.trim(),
        ...(byDepth[0] !== undefined ? { category: byDepth[0] } : {}),
        categories: [...new Set(byDepth)].slice(0, 50),
        ...(typeof main?.priceIncl === 'number' ? { price: money(main.priceIncl) } : {}),
        currency: context.currency,
        ...(present(image) && /^https?:\/\//.test(image) && URL.canParse(image) ? { imageUrl: image } : {}),
        ...(variants.length > 0 ? { inStock: !hidden && variants.some(variantInStock) } : hidden ? { inStock: false } : {}),
        variants: variants.slice(0, 250).map((v) => {
          // Order lines name the SKU, else the article code (mapping.ts): the catalog keys the variant the same way.
          const sku = present(v.sku) ? v.sku.trim() : present(v.articleCode) ? v.articleCode.trim() : undefined;
          return {
            variantId: String(v.id),
            ...(sku ? { sku } : {}),
            ...(typeof v.priceIncl === 'number' ? { price: money(v.priceIncl) } : {}),
            inStock: !hidden && variantInStock(v),
            ...(typeof v.stockLevel === 'number' && present(v.stockTracking) && v.stockTracking !== 'disabled'
              ? { stock: v.stockLevel }
              : {}),
          };
        }),
      },
    },
  ];
}

/** A deleted product: gone from the catalog from the moment the delivery arrived. */
export function mapProductDelete(productId: number, context: MappingContext & { now: Date }): EventDraft[] {
  const at = context.now.toISOString();
  return [
    {
      type: 'product.deleted',
      sourceEventId: `products/${productId}/deleted`,
      occurredAt: at,
      identifiers: [],
      data: { productId: String(productId) },
    },
  ];
}
