// What the abandoned-cart follow-up needs beside its name, per the seed: price doubts → comparable alternatives,
// product doubts → other customers' reviews of that product, doubts about the shop → try or borrow it in the nearest store.
import type { FieldValue } from '../../destination.js';
import type { OrderLine } from '../../events.js';
import type { Profile } from '../../profile.js';
import type { AbandonedCart } from '../abandoned-cart.js';
import { productKey } from '../orders.js';
import type { TenantStats } from '../tenant-stats.js';
import type { SurveyRules, SurveyStore } from './survey-config.js';

/** The follow-up names (values of `abandonedCart.followUps`) whose content this file fills in. */
export const FOLLOW_UP_CONTENT = { alternatives: 'alternatives', reviews: 'reviews', store: 'store' } as const;

export interface Alternative {
  key: string;
  name: string;
}

/**
 * Products of the cart's category that others buy most, never what is in the cart. A stand-in for "comparable"
 * (same category, similar price, in stock) until the tenant catalog gives price and stock: this knows only categories,
 * from the cart line or from the orders the tenant stats have seen.
 */
export function cartAlternatives(lines: readonly OrderLine[], stats: TenantStats | undefined, max: number): Alternative[] {
  if (!stats || max === 0) return [];
  const inCart = new Set(lines.map(productKey));
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
 * The store in the customer's city; else the one whose postal code is numerically closest (Dutch postal codes
 * run by region, so near numbers are near places); else the first configured.
 */
export function nearestStore(profile: Profile, stores: readonly SurveyStore[]): SurveyStore | undefined {
  const city = profile.fields.city?.value;
  if (typeof city === 'string') {
    const inCity = stores.find((s) => s.city.trim().toLowerCase() === city.trim().toLowerCase());
    if (inCity) return inCity;
  }
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

/** The follow-up content fields; every slot always present, so content that goes away is cleared at the destination. */
export function followUpFields(
  profile: Profile,
  cart: AbandonedCart | undefined,
  rules: SurveyRules,
  stats: TenantStats | undefined,
): Record<string, FieldValue> {
  const path = cart?.followUp;
  const lines = cart?.cart.lines ?? [];
  const alternatives = path === FOLLOW_UP_CONTENT.alternatives ? cartAlternatives(lines, stats, rules.alternatives) : [];
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
  }
  return out;
}
