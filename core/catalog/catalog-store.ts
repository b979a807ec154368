// The port the merge and the campaign code read the catalog through (aws/dynamo-catalog.ts on DynamoDB).
import type { CatalogChange, CatalogProduct } from './product.js';

/** What one catalog read may ask for: a SKU, a shop's product id, or the tenant's category names (for searches). */
export type CatalogKey =
  | { tenantId: string; kind: 'sku'; sku: string }
  | { tenantId: string; kind: 'product'; instance: string; productId: string }
  | { tenantId: string; kind: 'categories' };

/** The tenant's categories, slug → the name the shop gives it. */
export type CategoryNames = Record<string, string>;

export type CatalogEntry = { kind: 'product'; product: CatalogProduct } | { kind: 'categories'; names: CategoryNames };

export function catalogKeyText(key: CatalogKey): string {
  switch (key.kind) {
    case 'sku':
      return `${key.tenantId}|sku|${key.sku}`;
    case 'product':
      return `${key.tenantId}|product|${key.instance}|${key.productId}`;
    case 'categories':
      return `${key.tenantId}|categories`;
  }
}

export interface CatalogStore {
  /** The entries these keys name, keyed by catalogKeyText; absent ones are left out. Every tenant in one read. */
  read(keys: readonly CatalogKey[]): Promise<Map<string, CatalogEntry>>;
  /** Applies product changes; one older than what is stored for its product is ignored (any order, any duplicates). */
  apply(tenantId: string, changes: readonly CatalogChange[]): Promise<void>;
  /** The products (one entry per SKU, or per product without SKUs) of one category slug. */
  inCategory(tenantId: string, category: string): Promise<CatalogProduct[]>;
}
