// Gift-like and incidental purchases: they count for revenue, but feed a secondary interest profile, not the primary one.
import type { OrderLine } from '../events.js';
import type { OrderRecord } from '../profile.js';
import type { GiftSeason } from './config.js';

export type SecondaryReason = 'gift' | 'other-address' | `season:${string}`;

export interface ClassifiedLine {
  order: OrderRecord;
  line: OrderLine;
  /** Undefined: the line says something about the person's own interests. */
  secondary?: SecondaryReason;
}

/** The gift season an instant falls in (month and day in UTC, bounds inclusive, periods may wrap the year end). */
export function giftSeasonOf(iso: string, seasons: readonly GiftSeason[]): GiftSeason | undefined {
  const monthDay = iso.slice(5, 10);
  return seasons.find((s) => (s.from <= s.to ? monthDay >= s.from && monthDay <= s.to : monthDay >= s.from || monthDay <= s.to));
}

/**
 * Classifies every line of `orders` (oldest first, as countedOrders gives them). A gift flag or another shipping
 * address makes the whole order secondary, a gift line (a gift card) only itself; in a gift season, a line of a category the person never bought for
 * themselves before is secondary. A first order is never season-secondary: with no history there is nothing to be
 * incidental to, and the person would be left with no primary interests at all.
 * Derived from the joined orders alone, so the result never depends on the order events arrived in.
 */
export function classifyLines(orders: readonly OrderRecord[], seasons: readonly GiftSeason[]): ClassifiedLine[] {
  const out: ClassifiedLine[] = [];
  const ownCategories = new Set<string>();
  let earlierOrders = 0;
  for (const order of orders) {
    const season = earlierOrders > 0 ? giftSeasonOf(order.placedAt, seasons) : undefined;
    const classified = order.lines.map((line): ClassifiedLine => {
      if (order.gift || line.gift) return { order, line, secondary: 'gift' };
      if (order.shippedToOtherAddress) return { order, line, secondary: 'other-address' };
      if (season && line.category !== undefined && !ownCategories.has(line.category))
        return { order, line, secondary: `season:${season.id}` };
      return { order, line };
    });
    for (const c of classified) if (c.secondary === undefined && c.line.category !== undefined) ownCategories.add(c.line.category);
    out.push(...classified);
    earlierOrders++;
  }
  return out;
}
