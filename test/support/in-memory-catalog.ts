// The catalog port in memory, for unit tests of the merge: the same rules as aws/dynamo-catalog.ts (newer wins,
// deletes remove the SKUs), and a count of reads so tests can hold the merge to one read per batch.
import { catalogKeyText, type CatalogEntry, type CatalogKey, type CatalogStore } from '../../core/catalog/catalog-store.js';
import type { CatalogChange, CatalogProduct } from '../../core/catalog/product.js';

export class InMemoryCatalog implements CatalogStore {
  readonly reads: CatalogKey[][] = [];
  private readonly products = new Map<string, CatalogProduct & { skus: string[]; deleted?: boolean }>();
  private readonly skus = new Map<string, CatalogProduct>();
  private readonly names = new Map<string, Record<string, string>>();

  async read(keys: readonly CatalogKey[]): Promise<Map<string, CatalogEntry>> {
    this.reads.push([...keys]);
    const found = new Map<string, CatalogEntry>();
    for (const key of keys) {
      const text = catalogKeyText(key);
      if (key.kind === 'categories') {
        const names = this.names.get(key.tenantId);
        if (names) found.set(text, { kind: 'categories', names: { ...names } });
        continue;
      }
      const product = key.kind === 'sku' ? this.skus.get(text) : this.products.get(text);
      if (product && !(product as { deleted?: boolean }).deleted) found.set(text, { kind: 'product', product });
    }
    return found;
  }

  async apply(tenantId: string, changes: readonly CatalogChange[]): Promise<void> {
    for (const change of changes) {
      const id = change.kind === 'upsert' ? change.product : change;
      const key = catalogKeyText({ tenantId, kind: 'product', instance: id.instance, productId: id.productId });
      const stored = this.products.get(key);
      if (stored && stored.updatedAt > id.updatedAt) continue;
      for (const sku of stored?.skus ?? []) this.skus.delete(catalogKeyText({ tenantId, kind: 'sku', sku }));
      if (change.kind === 'delete') {
        this.products.set(key, {
          ...(stored ?? { instance: id.instance, productId: id.productId, name: '', categories: [] }),
          skus: [],
          updatedAt: id.updatedAt,
          deleted: true,
        });
        continue;
      }
      this.products.set(key, { ...change.product, skus: change.variants.map((v) => v.sku!) });
      for (const v of change.variants) this.skus.set(catalogKeyText({ tenantId, kind: 'sku', sku: v.sku! }), v);
      if (change.product.category && change.product.categoryName) {
        this.names.set(tenantId, { ...this.names.get(tenantId), [change.product.category]: change.product.categoryName });
      }
    }
  }

  async inCategory(tenantId: string, category: string): Promise<CatalogProduct[]> {
    return [...this.skus.entries()].filter(([key, p]) => key.startsWith(`${tenantId}|`) && p.category === category).map(([, p]) => p);
  }
}
