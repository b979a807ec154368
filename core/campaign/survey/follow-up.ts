// What the abandoned-cart follow-up needs beside its name, per the seed: price doubts → comparable alternatives,
// product doubts → other customers' reviews of that product, doubts about the shop → try or borrow it in the nearest store.
import type { FieldValue } from '../../destination.js';
import type { OrderLine } from '../../events.js';
import type { Profile } from '../../profile.js';
import type { AbandonedCart } from '../abandoned-cart.js';
import { comparableAlternatives, type CatalogView } from '../comparable-alternatives.js';
import { countedOrders, productKey } from '../orders.js';
import type { TenantStats } from '../tenant-stats.js';
import type { SurveyRules, SurveyStore } from './survey-config.js';

/** The follow-up names (values of `abandonedCart.followUps`) whose content this file fills in. */
export const FOLLOW_UP_CONTENT = { alternatives: 'alternatives', reviews: 'reviews', store: 'store' } as const;

export interface Alternative {
  key: string;
  name: string;
  price?: number;
  url?: string;
}

/**
 * Comparable alternatives from the catalog for the cart's lines, in line order: same category, price within ±25 % of
 * the line's, in stock, nearest price first (core/campaign/comparable-alternatives.ts); never what is in the cart or
 * in `exclude` (what the person just bought).
 */
export function catalogAlternatives(
  lines: readonly OrderLine[],
  catalog: CatalogView,
  max: number,
  exclude: ReadonlySet<string> = new Set(),
): Alternative[] {
  const skip = new Set([...exclude, ...lines.map(productKey)]);
  const out: Alternative[] = [];
  for (const line of lines) {
    if (line.category === undefined) continue;
    const self = { productId: line.productId ?? '', category: line.category, price: line.price, ...(line.sku ? { sku: line.sku } : {}) };
    for (const a of comparableAlternatives(self, catalog.inCategory[line.category] ?? [], { max: max + skip.size })) {
      const key = productKey(a);
      if (out.length >= max || skip.has(key) || out.some((o) => o.key === key)) continue;
      out.push({ key, name: a.name, price: a.price, ...(a.url !== undefined ? { url: a.url } : {}) });
    }
  }
  return out;
}

/**
 * Products of the cart's category that others buy most, never what is in the cart: what is offered when the catalog
 * has no comparable product (or the push reads no catalog). Knows only categories, from the cart line or the orders
 * the tenant stats have seen.
 */
export function cartAlternatives(
  lines: readonly OrderLine[],
  stats: TenantStats | undefined,
  max: number,
  exclude: ReadonlySet<string> = new Set(),
): Alternative[] {
  if (!stats || max === 0) return [];
  const inCart = new Set([...exclude, ...lines.map(productKey)]);
  const out: Alternative[] = [];
  for (const line of lines) {
    const category = line.category ?? stats.products[productKey(line)]?.category;
    for (const key of category === undefined ? [] : (stats.popularByCategory[category] ?? [])) {
      const product = stats.products[key];
      if (out.length >= max || !product || inCart.has(key) || out.some((a) => a.key === key)) continue;
      out.push({ key, name: product.name });
    }
  }
  return out;
}

/** The review page of the cart's first line the template can be filled for. */
export function reviewUrl(lines: readonly OrderLine[], template: string | undefined): { url: string; product: string } | undefined {
  if (template === undefined) return undefined;
  for (const line of lines) {
    const needsSku = template.includes('{sku}');
    const needsId = template.includes('{productId}');
    if ((needsSku && !line.sku) || (needsId && !line.productId)) continue;
    const url = template
      .replaceAll('{sku}', encodeURIComponent(line.sku ?? ''))
      .replaceAll('{productId}', encodeURIComponent(line.productId ?? ''));
    return { url, product: line.name };
  }
  return undefined;
}

const digits = (postalCode: string) => Number.parseInt(postalCode.replace(/\D/g, '').slice(0, 4), 10);

/**
 * The store in the customer's city; else the store of their last in-store purchase (its till's instance); else the
 * one whose postal code is numerically closest (Dutch postal codes run by region, so near numbers are near places);
 * else the first configured.
 */
export function nearestStore(profile: Profile, stores: readonly SurveyStore[]): SurveyStore | undefined {
  const city = profile.fields.city?.value;
  if (typeof city === 'string') {
    const inCity = stores.find((s) => s.city.trim().toLowerCase() === city.trim().toLowerCase());
    if (inCity) return inCity;
  }
  const lastTill = countedOrders(profile)
    .filter((o) => o.channel === 'pos')
    .at(-1)?.source;
  const known = lastTill === undefined ? undefined : stores.find((s) => s.tillInstance === lastTill);
  if (known) return known;
  const postal = profile.fields.postalCode?.value;
  const own = typeof postal === 'string' ? digits(postal) : Number.NaN;
  if (!Number.isNaN(own)) {
    const ranked = stores
      .filter((s) => !Number.isNaN(digits(s.postalCode)))
      .sort((a, b) => Math.abs(digits(a.postalCode) - own) - Math.abs(digits(b.postalCode) - own));
    if (ranked[0]) return ranked[0];
  }
  return stores[0];
}

/** What the follow-up content is made from besides the profile, the cart and the rules. */
export interface FollowUpSources {
  stats?: TenantStats | undefined;
  /** The cart's categories from the catalog (core/campaign/catalog-view.ts): comparable alternatives for price doubts. */
  catalog?: CatalogView | undefined;
  /** Product keys never offered (what the person just bought). */
  exclude?: ReadonlySet<string>;
}

function priceAlternatives(lines: readonly OrderLine[], max: number, sources: FollowUpSources): Alternative[] {
  const fromCatalog = sources.catalog ? catalogAlternatives(lines, sources.catalog, max, sources.exclude) : [];
  return fromCatalog.length > 0 ? fromCatalog : cartAlternatives(lines, sources.stats, max, sources.exclude);
}

/** The follow-up content fields; every slot always present, so content that goes away is cleared at the destination. */
export function followUpFields(
  profile: Profile,
  cart: AbandonedCart | undefined,
  rules: SurveyRules,
  sources: FollowUpSources,
): Record<string, FieldValue> {
  const path = cart?.followUp;
  const lines = cart?.cart.lines ?? [];
  const alternatives = path === FOLLOW_UP_CONTENT.alternatives ? priceAlternatives(lines, rules.alternatives, sources) : [];
  const review = path === FOLLOW_UP_CONTENT.reviews ? reviewUrl(lines, rules.reviewUrl) : undefined;
  const store = path === FOLLOW_UP_CONTENT.store ? nearestStore(profile, rules.stores) : undefined;
  const out: Record<string, FieldValue> = {
    abandonedCartReviewUrl: review?.url ?? null,
    abandonedCartReviewProduct: review?.product ?? null,
    abandonedCartStoreName: store?.name ?? null,
    abandonedCartStoreCity: store?.city ?? null,
    abandonedCartStoreUrl: store?.url ?? null,
  };
  for (let i = 0; i < rules.alternatives; i++) {
    out[`abandonedCartAlternative${i + 1}Sku`] = alternatives[i]?.key ?? null;
    out[`abandonedCartAlternative${i + 1}Name`] = alternatives[i]?.name ?? null;
    out[`abandonedCartAlternative${i + 1}Price`] = alternatives[i]?.price ?? null;
    out[`abandonedCartAlternative${i + 1}Url`] = alternatives[i]?.url ?? null;
  }
  return out;
}
