// The tenants' product catalogs on the profiles table (beside the profiles: domain data, read by the merge). Every
// key starts with the tenant. Items, all under the partition `T#<tenant>#CAT` but the category lists:
//   P#<instance>#<product id>  the product (its SKUs, category, a deletion mark) — what newer-wins is decided on
//   S#<sku>                    one per sellable SKU: what the merge reads to categorise a line
//   CATEGORIES                 the category names (`c_<slug>` attributes): what a search is matched against
//   T#<tenant>#CAT#C#<slug> / <sku or P#…>   the category's products, for comparable alternatives (one Query)
// A product change is a GetItem, one BatchWriteItem and an UpdateItem: products change rarely next to orders.
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { catalogKeyText, type CatalogEntry, type CatalogKey, type CatalogStore } from '../core/catalog/catalog-store.js';
import type { CatalogChange, CatalogProduct } from '../core/catalog/product.js';
import { batchDelete, batchGet, batchPut, type BatchOptions } from './dynamo-batch.js';
import { queryItems } from './dynamo-query.js';
import type { Key } from './tables.js';

const part = (kind: string, value: string) => {
  if (value.length === 0 || value.includes('#')) throw new Error(`${kind} "${value}" cannot be used in a storage key`);
  return value;
};
/** SKUs and product ids are the vendor's text: encoded, so a '#' in one cannot reach another key. */
const enc = (value: string) => encodeURIComponent(value).replace(/#/g, '%23');
const partition = (tenantId: string) => `T#${part('tenant id', tenantId)}#CAT`;
const categoryPartition = (tenantId: string, slug: string) => `${partition(tenantId)}#C#${part('category', slug)}`;

const catalogKeys = {
  product: (tenantId: string, instance: string, productId: string): Key => ({
    pk: partition(tenantId),
    sk: `P#${part('instance', instance)}#${enc(productId)}`,
  }),
  sku: (tenantId: string, sku: string): Key => ({ pk: partition(tenantId), sk: `S#${enc(sku)}` }),
  categories: (tenantId: string): Key => ({ pk: partition(tenantId), sk: 'CATEGORIES' }),
};

function keyOf(key: CatalogKey): Key {
  switch (key.kind) {
    case 'sku':
      return catalogKeys.sku(key.tenantId, key.sku);
    case 'product':
      return catalogKeys.product(key.tenantId, key.instance, key.productId);
    case 'categories':
      return catalogKeys.categories(key.tenantId);
  }
}

const CATEGORY_PREFIX = 'c_';

interface ProductItem {
  product: CatalogProduct;
  skus: string[];
  /** The category lists the product is in (their partition and sort keys), to clear them on a change. */
  members: Key[];
  deleted?: boolean;
  updatedAt: string;
}

/** How long this store reads a tenant's catalog strongly after writing it: well past DynamoDB's replication lag. */
const READ_OWN_WRITES_MS = 10_000;

export class DynamoCatalogStore implements CatalogStore {
  /** Per tenant, when this store last wrote its catalog (read strongly for a while after, see read). */
  private readonly writtenAt = new Map<string, number>();

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly options: BatchOptions = {},
  ) {}

  async read(keys: readonly CatalogKey[]): Promise<Map<string, CatalogEntry>> {
    const byItem = new Map<string, CatalogKey[]>();
    for (const key of keys) {
      const k = keyOf(key);
      const text = `${k.pk}\u0000${k.sk}`;
      byItem.set(text, [...(byItem.get(text) ?? []), key]);
    }
    // Eventually consistent (half the read units): what the merge reads here (a line's category and price, the category
    // names a search is matched against) is enrichment of a profile, not a condition of any write, and products change
    // rarely next to orders; a product another container stored in the last second or so may be missed, as one stored
    // a moment after the order is. What this store wrote itself lately is read strongly: a batch stores its product
    // changes and then categorises its own order lines from them (pipeline/catalog/catalog-batch.ts). A product change
    // reads its stored item strongly (applyOne: newer-wins is decided on it).
    const now = Date.now();
    const consistentRead = keys.some((key) => now - (this.writtenAt.get(key.tenantId) ?? -Infinity) < READ_OWN_WRITES_MS);
    const items = await batchGet(this.db, this.table, keys.map(keyOf), { consistentRead });
    const found = new Map<string, CatalogEntry>();
    for (const item of items) {
      for (const key of byItem.get(`${item.pk as string}\u0000${item.sk as string}`) ?? []) {
        if (key.kind === 'categories') {
          const names: Record<string, string> = {};
          for (const [attribute, value] of Object.entries(item))
            if (attribute.startsWith(CATEGORY_PREFIX) && typeof value === 'string') names[attribute.slice(CATEGORY_PREFIX.length)] = value;
          found.set(catalogKeyText(key), { kind: 'categories', names });
        } else if (item.deleted !== true && item.product) {
          found.set(catalogKeyText(key), { kind: 'product', product: item.product as CatalogProduct });
        }
      }
    }
    return found;
  }

  async apply(tenantId: string, changes: readonly CatalogChange[]): Promise<void> {
    // In time order, so that within one call the newest change is the one left standing.
    const ordered = [...changes].sort((a, b) => (updatedAtOf(a) < updatedAtOf(b) ? -1 : 1));
    for (const change of ordered) await this.applyOne(tenantId, change);
    this.writtenAt.set(tenantId, Date.now());
  }

  private async applyOne(tenantId: string, change: CatalogChange): Promise<void> {
    const id = change.kind === 'upsert' ? change.product : change;
    const productKey = catalogKeys.product(tenantId, id.instance, id.productId);
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: productKey, ConsistentRead: true }));
    const stored = Item as (ProductItem & Key) | undefined;
    if (stored && stored.updatedAt > id.updatedAt) return;

    const puts: (Key & Record<string, unknown>)[] = [];
    let skus: string[] = [];
    let members: Key[] = [];
    if (change.kind === 'upsert') {
      const entries = change.variants.length > 0 ? change.variants : [change.product];
      skus = change.variants.map((v) => v.sku!);
      for (const v of change.variants) puts.push({ ...catalogKeys.sku(tenantId, v.sku!), product: v, updatedAt: v.updatedAt });
      if (change.product.category !== undefined) {
        const category = change.product.category;
        members = entries.map((e) => ({
          pk: categoryPartition(tenantId, category),
          sk: e.sku !== undefined ? `S#${enc(e.sku)}` : productKey.sk,
        }));
        entries.forEach((e, i) => puts.push({ ...members[i]!, product: e, updatedAt: e.updatedAt }));
      }
    }
    const item: ProductItem & Key = {
      ...productKey,
      product:
        change.kind === 'upsert'
          ? change.product
          : {
              ...(stored?.product ?? { instance: id.instance, productId: id.productId, name: '', categories: [] }),
              updatedAt: id.updatedAt,
            },
      skus,
      members,
      updatedAt: id.updatedAt,
      ...(change.kind === 'delete' ? { deleted: true } : {}),
    };
    puts.push(item as unknown as Key & Record<string, unknown>);
    const kept = new Set(puts.map((p) => `${p.pk as string}\u0000${p.sk as string}`));
    const gone = [...(stored?.skus ?? []).map((sku) => catalogKeys.sku(tenantId, sku)), ...(stored?.members ?? [])].filter(
      (k) => !kept.has(`${k.pk}\u0000${k.sk}`),
    );
    await batchPut(this.db, this.table, puts, this.options);
    await batchDelete(this.db, this.table, gone, this.options);
    if (change.kind === 'upsert' && change.product.category && change.product.categoryName) {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: catalogKeys.categories(tenantId),
          UpdateExpression: 'SET #c = :name',
          ExpressionAttributeNames: { '#c': `${CATEGORY_PREFIX}${change.product.category}` },
          ExpressionAttributeValues: { ':name': change.product.categoryName },
        }),
      );
    }
  }

  async inCategory(tenantId: string, category: string): Promise<CatalogProduct[]> {
    const items = await queryItems(this.db, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': categoryPartition(tenantId, category) },
    });
    return items.map((i) => i.product as CatalogProduct);
  }
}

const updatedAtOf = (change: CatalogChange) => (change.kind === 'upsert' ? change.product.updatedAt : change.updatedAt);
