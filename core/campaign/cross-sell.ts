// Cross-sell suggestions: what the person looked for lately, then what others bought with what they bought; never
// what they just bought, never what conflicts with a known preference; each with its reason. For what was looked for,
// the category's best sellers come first, then (with the catalog) its comparable products in stock, so a category no
// customer has bought yet still gets suggestions.
import type { CatalogProduct } from '../catalog/product.js';
import type { Profile } from '../profile.js';
import { comparableAlternatives, type CatalogView } from './comparable-alternatives.js';
import type { CrossSellRules } from './config.js';
import { daysBetween, openCarts, productKey } from './orders.js';
import type { TenantStats } from './tenant-stats.js';
import type { Traits } from './traits.js';

export interface Suggestion {
  key: string;
  name: string;
  /** e.g. `searched:washing-machines`, `bought-with:Shaker 600ml`. */
  reason: string;
}

export function suggestCrossSell(
  profile: Profile,
  traits: Traits,
  stats: TenantStats | undefined,
  rules: CrossSellRules,
  now: Date,
  catalog?: CatalogView,
): Suggestion[] {
  if ((!stats && !catalog) || rules.max === 0) return [];
  const recent = traits.lines.filter((l) => daysBetween(l.order.placedAt, now) <= rules.recentDays);
  const excludedProducts = new Set(recent.map((l) => productKey(l.line)));
  // What already sits in an open cart is the cart's reminder, not a suggestion.
  for (const cart of openCarts(profile)) for (const line of cart.lines) excludedProducts.add(productKey(line));
  const excludedCategories = new Set<string>();
  if (rules.recentExclusion === 'category') for (const l of recent) if (l.line.category) excludedCategories.add(l.line.category);
  const everBought = new Set(traits.lines.map((l) => l.line.category).filter((c): c is string => c !== undefined));
  for (const rule of rules.conflicts)
    if (everBought.has(rule.boughtCategory)) for (const c of rule.excludeCategories) excludedCategories.add(c);

  const out: Suggestion[] = [];
  const offer = (
    key: string,
    reason: string,
    product: { name: string; category?: string | undefined } | undefined = stats?.products[key],
  ) => {
    if (!product || out.length >= rules.max || out.some((s) => s.key === key)) return;
    if (excludedProducts.has(key) || (product.category !== undefined && excludedCategories.has(product.category))) return;
    out.push({ key, name: product.name, reason });
  };

  // Behaviour first: a search says what the person wants now (activity is newest first).
  const seen = new Set<string>();
  for (const a of profile.activity) {
    if (
      (a.kind !== 'search.performed' && a.kind !== 'product.viewed') ||
      !a.detail.category ||
      daysBetween(a.at, now) > rules.behaviourDays
    )
      continue;
    if (seen.has(a.detail.category)) continue;
    seen.add(a.detail.category);
    const verb = a.kind === 'search.performed' ? 'searched' : 'viewed';
    for (const key of stats?.popularByCategory[a.detail.category] ?? []) offer(key, `${verb}:${a.detail.category}`);
    const products = catalog?.inCategory[a.detail.category] ?? [];
    for (const p of comparableInCategory(a.detail.category, Number(a.detail.price), products, rules.max + out.length))
      offer(productKey(p), `${verb}:${a.detail.category}`, { name: p.name, category: p.category });
  }
  if (!stats) return out;

  // Then co-purchases of the person's own buys, strongest pair first.
  const scored = new Map<string, { score: number; best: number; because: string }>();
  const own = new Set<string>();
  for (const { line, secondary } of traits.lines) {
    if (secondary || own.has(productKey(line))) continue;
    own.add(productKey(line));
    for (const [partner, count] of stats.coPurchase[productKey(line)] ?? []) {
      if (count < rules.minCoPurchases) continue;
      const known = scored.get(partner) ?? { score: 0, best: 0, because: line.name };
      known.score += count;
      if (count > known.best || (count === known.best && line.name < known.because))
        Object.assign(known, { best: count, because: line.name });
      scored.set(partner, known);
    }
  }
  for (const [key, s] of [...scored.entries()].sort((a, b) => b[1].score - a[1].score || (a[0] < b[0] ? -1 : 1)))
    offer(key, `bought-with:${s.because}`);
  return out;
}

/**
 * The category's products in stock nearest in price to what was viewed (its shown price), or, for a search, to the
 * category's median price: a typical one of the kind, not the cheapest nor the dearest.
 */
function comparableInCategory(category: string, viewedPrice: number, products: readonly CatalogProduct[], max: number) {
  const prices = products
    .filter((p) => p.inStock === true && p.price !== undefined)
    .map((p) => p.price!)
    .sort((a, b) => a - b);
  if (prices.length === 0) return [];
  const price = Number.isFinite(viewedPrice) && viewedPrice > 0 ? viewedPrice : prices[Math.floor((prices.length - 1) / 2)]!;
  const found = comparableAlternatives({ productId: '', category, price }, products, { max, priceTolerance: Number.POSITIVE_INFINITY });
  return found.map((a) => ({ ...a, category }));
}
