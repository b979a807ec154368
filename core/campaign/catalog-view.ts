// The slice of the tenant catalog one profile's campaign fields need: the products of the categories the person
// viewed or searched lately (cross-sell) and of the abandoned cart's lines (the price follow-up's comparable
// alternatives). The projection stays pure: the caller reads the slice (readCatalogView) and passes it in.
import type { CatalogStore } from '../catalog/catalog-store.js';
import type { CatalogProduct } from '../catalog/product.js';
import type { Profile } from '../profile.js';
import { abandonedCart } from './abandoned-cart.js';
import type { CatalogView } from './comparable-alternatives.js';
import type { CampaignConfig } from './config.js';
import { daysBetween } from './orders.js';
import { FOLLOW_UP_CONTENT } from './survey/follow-up.js';

/** At most this many categories are read per profile: a person's last few interests, not their whole history. */
const MAX_CATEGORIES = 5;

/** The categories whose products the profile's campaign fields may use now; none when no rule would use them. */
export function catalogCategoriesOf(profile: Profile, config: CampaignConfig, now: Date): string[] {
  const out = new Set<string>();
  if (config.survey.enabled) {
    const cart = abandonedCart(profile, config.abandonedCart, now);
    if (cart?.followUp === FOLLOW_UP_CONTENT.alternatives)
      for (const line of cart.cart.lines) if (line.category !== undefined) out.add(line.category);
  }
  if (config.crossSell.max > 0)
    for (const a of profile.activity) {
      if (out.size >= MAX_CATEGORIES) break;
      if (a.kind !== 'search.performed' && a.kind !== 'product.viewed') continue;
      if (a.detail.category && daysBetween(a.at, now) <= config.crossSell.behaviourDays) out.add(a.detail.category);
    }
  return [...out].slice(0, MAX_CATEGORIES);
}

/**
 * Reads the slice; `cache` (per push batch) keeps one read per category when many profiles of a batch share one.
 * A failed read throws, so the push is retried rather than sent without the suggestions it should carry.
 */
export async function readCatalogView(
  catalog: Pick<CatalogStore, 'inCategory'>,
  tenantId: string,
  categories: readonly string[],
  cache?: Map<string, Promise<CatalogProduct[]>>,
): Promise<CatalogView> {
  const inCategory: Record<string, readonly CatalogProduct[]> = {};
  for (const category of categories) {
    const key = `${tenantId}|${category}`;
    let read = cache?.get(key);
    if (!read) {
      read = catalog.inCategory(tenantId, category);
      if (cache) {
        cache.set(key, read);
        // A failed read is not remembered: the batch's next profile asks again.
        read.catch(() => cache.delete(key));
      }
    }
    inCategory[category] = await read;
  }
  return { inCategory };
}
