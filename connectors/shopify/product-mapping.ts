// Shopify products (webhook bodies and GraphQL nodes) → product.upserted / product.deleted drafts for the tenant's
// catalog. The category is the product type; collections and tags are the other groupings.
import type { EventDraft } from '../sdk/index.js';
import { numericId, utcTime, type Delivery, type MappingContext } from './mapping.js';
import type { ProductDeletePayload, ProductNode, ProductPayload } from './product-schemas.js';

const present = (value: string | null | undefined): value is string => typeof value === 'string' && value.trim() !== '';

/**
 * Sellable now: a variant with stock, or one Shopify sells when out of stock (`continue`) or does not track. A
 * product that is not active (draft, archived) is not offered at all.
 */
function sellable(status: string | null | undefined, quantity: number | null | undefined, policy: string | null | undefined): boolean {
  if (present(status) && status.toLowerCase() !== 'active') return false;
  if (policy?.toLowerCase() === 'continue') return true;
  return quantity === null || quantity === undefined || quantity > 0;
}

const storefrontUrl = (shopDomain: string | undefined, handle: string | null | undefined) =>
  shopDomain && present(handle) ? { url: `https://${shopDomain}/products/${encodeURIComponent(handle)}` } : {};

function occurred(delivery: Delivery, context: MappingContext, time: string | null | undefined): string {
  return present(time) ? utcTime(time, 'updated_at') : (delivery.triggeredAt ?? context.now.toISOString());
}

export function mapProduct(p: ProductPayload, delivery: Delivery, context: MappingContext & { shopDomain?: string }): EventDraft[] {
  const productId = numericId(p.id, p.admin_graphql_api_id);
  const at = occurred(delivery, context, p.updated_at ?? p.created_at);
  const image = p.image?.src ?? p.images?.[0]?.src;
  const tags = (p.tags ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  return [
    {
      type: 'product.upserted',
      sourceEventId: `${delivery.topic}/${productId}/${delivery.deliveryId ?? at}`.slice(0, 256),
      occurredAt: at,
      identifiers: [],
      data: {
        productId,
        name: p.title,
        ...(present(p.product_type) ? { category: p.product_type } : {}),
        categories: tags,
        ...storefrontUrl(context.shopDomain, p.handle),
        ...(image && /^https?:\/\//.test(image) ? { imageUrl: image } : {}),
        variants: p.variants.map((v) => ({
          variantId: v.id,
          ...(present(v.sku) ? { sku: v.sku.trim() } : {}),
          ...(v.price !== null && v.price !== undefined ? { price: v.price } : {}),
          inStock: sellable(p.status, v.inventory_management === null ? null : v.inventory_quantity, v.inventory_policy),
        })),
      },
    },
  ];
}

export function mapProductDelete(p: ProductDeletePayload, delivery: Delivery, context: MappingContext): EventDraft[] {
  const at = delivery.triggeredAt ?? context.now.toISOString();
  return [
    {
      type: 'product.deleted',
      sourceEventId: `${delivery.topic}/${p.id}/${delivery.deliveryId ?? at}`.slice(0, 256),
      occurredAt: at,
      identifiers: [],
      data: { productId: p.id },
    },
  ];
}

/** A product as the poll reads it; the same event as its webhook, but for the poll's id and the collections it adds. */
export function mapProductNode(node: ProductNode, context: MappingContext): EventDraft[] {
  const productId = numericId(node.id, node.id);
  const at = utcTime(node.updatedAt, 'updatedAt');
  const image = node.featuredMedia?.preview?.image?.url;
  return [
    {
      type: 'product.upserted',
      sourceEventId: `poll/products/${productId}/${at}`,
      occurredAt: at,
      identifiers: [],
      data: {
        productId,
        name: node.title,
        ...(present(node.productType) ? { category: node.productType } : {}),
        categories: [...(node.collections?.nodes ?? []).map((c) => c.title), ...node.tags].slice(0, 50),
        ...(present(node.onlineStoreUrl) ? { url: node.onlineStoreUrl } : {}),
        ...(image ? { imageUrl: image } : {}),
        variants: node.variants.nodes.map((v) => ({
          variantId: numericId(v.id, v.id),
          ...(present(v.sku) ? { sku: v.sku.trim() } : {}),
          ...(v.price !== null && v.price !== undefined ? { price: v.price } : {}),
          inStock: sellable(node.status, v.inventoryQuantity, v.inventoryPolicy),
        })),
      },
    },
  ];
}
