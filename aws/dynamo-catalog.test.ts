// The catalog on DynamoDB Local: what the merge reads (SKUs, products, category names), newer-wins in any order,
// deletions, and a category's products for comparable alternatives.
import { describe, expect, it } from 'vitest';
import { CanonicalEvent } from '../core/events.js';
import { catalogChangeOf } from '../core/catalog/product.js';
import { catalogKeyText } from '../core/catalog/catalog-store.js';
import { useEmulators } from '../test/support/emulators.js';
import { DynamoCatalogStore } from './dynamo-catalog.js';

const env = useEmulators({ sqs: false });

function upsert(tenantId: string, productId: string, at: string, data: Record<string, unknown>) {
  const event = CanonicalEvent.parse({
    tenantId,
    source: { connector: 'shopify', instance: 'shop' },
    sourceEventId: `${productId}-${at}`,
    occurredAt: at,
    receivedAt: at,
    identifiers: [],
    type: 'product.upserted',
    data: { productId, ...data },
  });
  return catalogChangeOf(event as Parameters<typeof catalogChangeOf>[0]);
}

const whey = (at: string, category: string, sku = 'WHEY#1KG') =>
  upsert('fitness', '1', at, { name: 'Whey 1kg', category, variants: [{ sku, price: 30, inStock: true }] });

describe('DynamoCatalogStore', () => {
  it('reads a SKU, a product and the category names of one tenant in one read, and nothing of another tenant', async () => {
    const store = new DynamoCatalogStore(env.db, env.tables.profiles);
    await store.apply('fitness', [whey('2026-03-01T10:00:00Z', 'Protein powder')]);
    const keys = [
      { tenantId: 'fitness', kind: 'sku', sku: 'WHEY#1KG' },
      { tenantId: 'fitness', kind: 'product', instance: 'shop', productId: '1' },
      { tenantId: 'fitness', kind: 'categories' },
      { tenantId: 'other', kind: 'sku', sku: 'WHEY#1KG' },
    ] as const;
    const found = await store.read(keys);
    expect(found.get(catalogKeyText(keys[0]))).toMatchObject({
      kind: 'product',
      product: { sku: 'WHEY#1KG', category: 'protein-powder', price: 30 },
    });
    expect(found.get(catalogKeyText(keys[1]))).toMatchObject({ kind: 'product', product: { productId: '1', category: 'protein-powder' } });
    expect(found.get(catalogKeyText(keys[2]))).toEqual({ kind: 'categories', names: { 'protein-powder': 'Protein powder' } });
    expect(found.has(catalogKeyText(keys[3])), 'tenant in every key').toBe(false);
  });

  it('reads eventually consistently, but strongly for a while after writing the tenant’s catalog itself', async () => {
    const consistency: (boolean | undefined)[] = [];
    const db = {
      send: (command: { input: { RequestItems?: Record<string, { ConsistentRead?: boolean }> } }) => {
        const batch = Object.values(command.input.RequestItems ?? {})[0];
        if (batch && 'Keys' in batch) consistency.push(batch.ConsistentRead);
        return env.db.send(command as never);
      },
    };
    const store = new DynamoCatalogStore(db as unknown as typeof env.db, env.tables.profiles);
    const sku = (tenantId: string) => [{ tenantId, kind: 'sku', sku: 'WHEY#1KG' }] as const;
    await store.read(sku('gym'));
    await store.apply('gym', [upsert('gym', '7', '2026-03-01T10:00:00Z', { name: 'Whey', variants: [{ sku: 'WHEY#1KG', price: 30 }] })]);
    const found = await store.read(sku('gym'));
    await store.read(sku('yoga'));
    expect(found.get(catalogKeyText(sku('gym')[0])), 'the batch finds the product it just stored').toMatchObject({ kind: 'product' });
    expect(consistency).toEqual([false, true, false]);
  });

  it('keeps the newest state whatever order the changes arrive in, and moves a product out of its old category', async () => {
    const store = new DynamoCatalogStore(env.db, env.tables.profiles);
    await store.apply('order', [whey('2026-03-02T10:00:00Z', 'Lactose-free protein', 'LF-1')]);
    await store.apply('order', [whey('2026-03-01T10:00:00Z', 'Protein powder', 'LF-1')]);
    expect((await store.inCategory('order', 'lactose-free-protein')).map((p) => p.sku)).toEqual(['LF-1']);
    expect(await store.inCategory('order', 'protein-powder'), 'the older change was ignored').toEqual([]);
    await store.apply('order', [whey('2026-03-03T10:00:00Z', 'Protein powder', 'LF-1')]);
    expect(await store.inCategory('order', 'lactose-free-protein'), 'moved out').toEqual([]);
    expect((await store.inCategory('order', 'protein-powder')).map((p) => p.sku)).toEqual(['LF-1']);
  });

  it("forgets a deleted product's SKUs, and an older upsert arriving after the delete does not bring it back", async () => {
    const store = new DynamoCatalogStore(env.db, env.tables.profiles);
    await store.apply('gone', [whey('2026-03-01T10:00:00Z', 'Protein powder', 'G-1')]);
    await store.apply('gone', [{ kind: 'delete', instance: 'shop', productId: '1', updatedAt: '2026-03-02T10:00:00.000Z' }]);
    await store.apply('gone', [whey('2026-03-01T12:00:00Z', 'Protein powder', 'G-1')]);
    const found = await store.read([{ tenantId: 'gone', kind: 'sku', sku: 'G-1' }]);
    expect(found.size).toBe(0);
    expect(await store.inCategory('gone', 'protein-powder')).toEqual([]);
  });
});
