// Which orders and carts count: the shared starting point of the projection and every campaign rule.
import type { CartRecord, OrderRecord, Profile } from '../profile.js';

export const DAY_MS = 24 * 60 * 60 * 1000;

/** Orders that still stand (not cancelled or refunded), oldest first; ties by key so the order is total. */
export function countedOrders(profile: Profile): OrderRecord[] {
  return Object.entries(profile.orders)
    .filter(([, o]) => o.status !== 'cancelled' && o.status !== 'refunded')
    .sort(([ka, a], [kb, b]) => (a.placedAt !== b.placedAt ? (a.placedAt < b.placedAt ? -1 : 1) : ka < kb ? -1 : 1))
    .map(([, o]) => o);
}

/** Carts and checkouts that no order completed, newest first: abandoned-cart candidates. */
export function openCarts(profile: Profile): CartRecord[] {
  const completedTokens = new Set(
    Object.values(profile.orders)
      .map((o) => o.checkoutToken)
      .filter((t): t is string => t !== undefined),
  );
  return Object.values(profile.carts)
    .filter((c) => !c.completedAt && !completedTokens.has(c.cartId))
    .sort((a, b) => (a.at !== b.at ? (a.at < b.at ? 1 : -1) : a.cartId < b.cartId ? 1 : -1));
}

/** The key a product is known by across orders: SKU, else product id, else its name. */
export function productKey(line: { sku?: string | undefined; productId?: string | undefined; name: string }): string {
  return line.sku ?? (line.productId !== undefined ? `product:${line.productId}` : `name:${line.name}`);
}

export function daysBetween(fromIso: string, to: Date): number {
  return (to.getTime() - Date.parse(fromIso)) / DAY_MS;
}
