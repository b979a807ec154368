// Categories at merge time: order, cart and view lines without a category get their product's from the catalog,
// searches without one get the category their query names. One catalog read per batch, none when nothing lacks one.
// What was merged keeps the category it got: a later catalog change applies from then on (the event as merged,
// category included, is what history and replays keep).
import type { CanonicalEvent, OrderLine } from '../events.js';
import { catalogKeyText, type CatalogEntry, type CatalogKey, type CatalogStore, type CategoryNames } from './catalog-store.js';
import { categorySlug } from './product.js';

type Found = ReadonlyMap<string, CatalogEntry>;

function lineKeys(tenantId: string, instance: string, line: OrderLine): CatalogKey[] {
  if (line.category !== undefined) return [];
  const keys: CatalogKey[] = [];
  if (line.sku) keys.push({ tenantId, kind: 'sku', sku: line.sku });
  if (line.productId) keys.push({ tenantId, kind: 'product', instance, productId: line.productId });
  return keys;
}

/** The catalog keys an event needs read to be categorised; none when it carries its categories. */
export function catalogKeysOf(event: CanonicalEvent): CatalogKey[] {
  const { tenantId } = event;
  const instance = event.source.instance;
  switch (event.type) {
    case 'order.placed':
    case 'order.updated':
    case 'cart.updated':
    case 'checkout.abandoned':
      return event.data.lines.flatMap((line) => lineKeys(tenantId, instance, line));
    case 'product.viewed':
      return event.data.category === undefined ? [{ tenantId, kind: 'product', instance, productId: event.data.productId }] : [];
    case 'search.performed':
      return event.data.category === undefined ? [{ tenantId, kind: 'categories' }] : [];
    default:
      return [];
  }
}

function productCategory(found: Found, key: CatalogKey): string | undefined {
  const entry = found.get(catalogKeyText(key));
  return entry?.kind === 'product' ? entry.product.category : undefined;
}

function lineCategory(found: Found, tenantId: string, instance: string, line: OrderLine): OrderLine {
  if (line.category !== undefined) return line;
  for (const key of lineKeys(tenantId, instance, line)) {
    const category = productCategory(found, key);
    if (category !== undefined) return { ...line, category };
  }
  return line;
}

/** The event with the categories the catalog knows filled in; the same event when there is nothing to fill. */
export function categorise(event: CanonicalEvent, found: Found): CanonicalEvent {
  const { tenantId } = event;
  const instance = event.source.instance;
  switch (event.type) {
    case 'order.placed':
    case 'order.updated':
    case 'cart.updated':
    case 'checkout.abandoned': {
      const lines = event.data.lines.map((line) => lineCategory(found, tenantId, instance, line));
      if (lines.every((line, i) => line === event.data.lines[i])) return event;
      return { ...event, data: { ...event.data, lines } } as CanonicalEvent;
    }
    case 'product.viewed': {
      if (event.data.category !== undefined) return event;
      const category = productCategory(found, { tenantId, kind: 'product', instance, productId: event.data.productId });
      return category === undefined ? event : { ...event, data: { ...event.data, category } };
    }
    case 'search.performed': {
      if (event.data.category !== undefined) return event;
      const entry = found.get(catalogKeyText({ tenantId, kind: 'categories' }));
      const category = entry?.kind === 'categories' ? searchedCategory(event.data.query, entry.names) : undefined;
      return category === undefined ? event : { ...event, data: { ...event.data, category } };
    }
    default:
      return event;
  }
}

/** Letters and digits only, and a plural's last "s" or "en" dropped: "Wasmachines" and "wasmachine" compare equal. */
function stem(text: string): string {
  const flat = categorySlug(text).replace(/-/g, '');
  return flat.replace(/(en|s)$/, '');
}

/**
 * The category a search names: the category whose slug or name, as a stem, equals the query's or starts with it
 * (at least four letters, so "tv" or "pan" do not pick a category by chance). The longest match wins; ties by slug.
 */
export function searchedCategory(query: string, names: CategoryNames): string | undefined {
  const wanted = stem(query);
  if (wanted.length < 4) return undefined;
  let best: { slug: string; length: number } | undefined;
  for (const [slug, name] of Object.entries(names)) {
    for (const candidate of [stem(slug), stem(name)]) {
      if (candidate !== wanted && !candidate.startsWith(wanted) && !wanted.startsWith(candidate)) continue;
      if (candidate.length < 4) continue;
      const length = Math.min(candidate.length, wanted.length);
      if (!best || length > best.length || (length === best.length && slug < best.slug)) best = { slug, length };
    }
  }
  return best?.slug;
}

/**
 * Categorises a batch's events with one catalog read for all of them (one BatchGetItem per 100 distinct keys), and
 * no read when every line, view and search already has its category. A failed read throws: the caller fails the
 * events that needed it (`needsCatalog`), so they are redelivered rather than merged without their categories.
 */
export async function categoriseBatch(catalog: Pick<CatalogStore, 'read'>, events: readonly CanonicalEvent[]): Promise<CanonicalEvent[]> {
  const keys = new Map<string, CatalogKey>();
  for (const event of events) for (const key of catalogKeysOf(event)) keys.set(catalogKeyText(key), key);
  if (keys.size === 0) return [...events];
  const found = await catalog.read([...keys.values()]);
  return events.map((event) => categorise(event, found));
}

export const needsCatalog = (event: CanonicalEvent): boolean => catalogKeysOf(event).length > 0;
