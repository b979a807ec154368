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

export interface OrderTotals {
  count: number;
  revenue: number;
  firstOrderAt: string | null;
  lastOrderAt: string | null;
}

/** RFM figures over every counted order: those the profile keeps plus those folded into its archive. */
export function orderTotals(profile: Profile, counted: readonly OrderRecord[] = countedOrders(profile)): OrderTotals {
  const archive = profile.orderArchive;
  const revenue = counted.reduce((sum, o) => sum + o.total, archive?.revenue ?? 0);
  const first = counted[0]?.placedAt ?? null;
  const last = counted.at(-1)?.placedAt ?? null;
  const earliest = (a: string | null, b: string | null) => (a === null ? b : b === null || a < b ? a : b);
  const newest = (a: string | null, b: string | null) => (a === null ? b : b === null || a > b ? a : b);
  return {
    count: counted.length + (archive?.count ?? 0),
    revenue: Math.round(revenue * 100) / 100,
    firstOrderAt: earliest(archive?.firstOrderAt ?? null, first),
    lastOrderAt: newest(archive?.lastOrderAt ?? null, last),
  };
}

/**
 * How long before a cart's last change an order sharing one of its products still completes it. A website cart's time
 * is the visitor's browser clock, and a page may report the cart again (the script's stored copy) just after the order.
 */
export const CART_ORDER_OVERLAP_MS = DAY_MS;

/**
 * Carts and checkouts that no order completed, newest first: abandoned-cart candidates. An order completes a cart by
 * its checkout token, by being placed after the cart's last change (in the shop or at the till: the person bought), or
 * by sharing a product with it shortly before (a website cart has no checkout token: it is matched by the person).
 */
export function openCarts(profile: Profile): CartRecord[] {
  const orders = countedOrders(profile);
  const completedTokens = new Set(
    Object.values(profile.orders)
      .map((o) => o.checkoutToken)
      .filter((t): t is string => t !== undefined),
  );
  const completes = (order: OrderRecord, cart: CartRecord) =>
    order.placedAt >= cart.at ||
    (Date.parse(order.placedAt) >= Date.parse(cart.at) - CART_ORDER_OVERLAP_MS &&
      order.lines.some((l) => cart.lines.some((c) => productKey(c) === productKey(l))));
  return Object.values(profile.carts)
    .filter((c) => !c.completedAt && !completedTokens.has(c.cartId) && !orders.some((o) => completes(o, c)))
    .sort((a, b) => (a.at !== b.at ? (a.at < b.at ? 1 : -1) : a.cartId < b.cartId ? 1 : -1));
}

/** The key a product is known by across orders: SKU, else product id, else its name. */
export function productKey(line: { sku?: string | undefined; productId?: string | undefined; name: string }): string {
  return line.sku ?? (line.productId !== undefined ? `product:${line.productId}` : `name:${line.name}`);
}

export function daysBetween(fromIso: string, to: Date): number {
  return (to.getTime() - Date.parse(fromIso)) / DAY_MS;
}
