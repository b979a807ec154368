// Square catalog items → product.upserted / product.deleted drafts for the tenant's catalog (core/catalog/). An order
// line names the item variation it sold (`catalog_object_id`), never the item, so each variation is one catalog
// product: the item's name (and the variation's when there are several), categories, image and URL, with the
// variation's SKU and price. The category is the item's reporting category, else its first category.
import type { EventDraft } from '../sdk/index.js';
import { amount, utcTime } from './mapping.js';
import type { CatalogObject, ItemVariation } from './schemas.js';

const present = (value: string | null | undefined): value is string => typeof value === 'string' && value.trim() !== '';

/** Names of the categories and URLs of the images a page names, from its objects and related objects. */
export interface CatalogLookup {
  categories: ReadonlyMap<string, string>;
  images: ReadonlyMap<string, string>;
}

export function catalogLookup(objects: readonly CatalogObject[]): CatalogLookup {
  const categories = new Map<string, string>();
  const images = new Map<string, string>();
  for (const o of objects) {
    if (o.type === 'CATEGORY' && present(o.category_data?.name) && o.is_deleted !== true) categories.set(o.id, o.category_data.name.trim());
    if (o.type === 'IMAGE' && present(o.image_data?.url) && /^https?:\/\//.test(o.image_data.url)) images.set(o.id, o.image_data.url);
  }
  return { categories, images };
}

function categoryNames(item: NonNullable<CatalogObject['item_data']>, lookup: CatalogLookup): { primary?: string; all: string[] } {
  const ids = [item.reporting_category?.id, ...(item.categories ?? []).map((c) => c.id), item.category_id].filter(present);
  const names = [...new Set(ids.map((id) => lookup.categories.get(id)).filter(present))];
  return names.length > 0 ? { primary: names[0]!, all: names } : { all: [] };
}

function variationName(itemName: string, variation: ItemVariation, several: boolean): string {
  const own = variation.item_variation_data?.name;
  return several && present(own) ? `${itemName} - ${own.trim()}` : itemName;
}

/** One ITEM object → one event per variation (deleted item or variation: product.deleted). Other types give nothing. */
export function mapCatalogItem(object: CatalogObject, lookup: CatalogLookup, now: Date): EventDraft[] {
  if (object.type !== 'ITEM' || !object.item_data) return [];
  const item = object.item_data;
  const at = present(object.updated_at) ? utcTime(object.updated_at, 'updated_at') : now.toISOString();
  const change = typeof object.version === 'number' ? `v${object.version}` : at;
  const variations = item.variations ?? [];
  const itemName = present(item.name) ? item.name.trim() : object.id;
  const { primary, all } = categoryNames(item, lookup);
  const image = (item.image_ids ?? []).map((id) => lookup.images.get(id)).find(present);
  return variations.map((variation): EventDraft => {
    const sourceEventId = `catalog/${variation.id}@${change}`.slice(0, 256);
    if (object.is_deleted === true || variation.is_deleted === true) {
      return { type: 'product.deleted', sourceEventId, occurredAt: at, identifiers: [], data: { productId: variation.id } };
    }
    const data = variation.item_variation_data;
    const money = data?.pricing_type !== 'VARIABLE_PRICING' && data?.price_money ? data.price_money : undefined;
    const price = money ? amount(money) : undefined;
    // Stock is in the Inventory API, which is not read: only a variation Square does not sell is known unavailable.
    const unsellable = data?.sellable === false;
    return {
      type: 'product.upserted',
      sourceEventId,
      occurredAt: at,
      identifiers: [],
      data: {
        productId: variation.id,
        name: variationName(itemName, variation, variations.length > 1).slice(0, 500),
        ...(primary ? { category: primary } : {}),
        categories: all.slice(0, 50),
        ...(price !== undefined && money ? { price, currency: money.currency } : {}),
        ...(present(item.ecom_uri) && /^https?:\/\//.test(item.ecom_uri) ? { url: item.ecom_uri } : {}),
        ...(image ? { imageUrl: image } : {}),
        ...(unsellable ? { inStock: false } : {}),
        variants: [
          {
            variantId: variation.id,
            ...(present(data?.sku) ? { sku: data.sku.trim() } : {}),
            ...(price !== undefined ? { price } : {}),
            ...(unsellable ? { inStock: false } : {}),
          },
        ],
      },
    };
  });
}

/** A SearchCatalogObjects page → its product events. */
export function mapCatalogPage(objects: readonly CatalogObject[], related: readonly CatalogObject[], now: Date): EventDraft[] {
  const lookup = catalogLookup([...objects, ...related]);
  return objects.flatMap((o) => mapCatalogItem(o, lookup, now));
}
