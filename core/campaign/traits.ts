// Per-profile traits: what the person bought, how often, how much, where, and what they looked at lately.
import type { Profile } from '../profile.js';
import type { CampaignConfig } from './config.js';
import { countedOrders, DAY_MS, orderTotals } from './orders.js';
import { classifyLines, giftSeasonOf, type ClassifiedLine } from './secondary-profile.js';

export interface Traits {
  orderCount: number;
  revenue: number;
  averageOrderValue: number | null;
  firstOrderAt: string | null;
  lastOrderAt: string | null;
  /** Mean days between consecutive orders; null below two orders. */
  averageIntervalDays: number | null;
  channels: string[];
  /** Categories of the person's own purchases, sorted. */
  categories: string[];
  /** Categories only ever bought as gifts or incidentally, sorted. */
  secondaryCategories: string[];
  /** Gift seasons the person bought in, sorted. */
  giftSeasons: string[];
  lastViewedCategory: string | null;
  lastSearchedCategory: string | null;
  lines: ClassifiedLine[];
}

const round2 = (n: number) => Math.round(n * 100) / 100;

export function computeTraits(profile: Profile, config: CampaignConfig): Traits {
  const orders = countedOrders(profile);
  // Orders folded into the archive (a person with hundreds of orders) count with their sums and categories.
  const archive = profile.orderArchive;
  const { count, revenue, firstOrderAt: first, lastOrderAt: last } = orderTotals(profile, orders);
  const lines = classifyLines(orders, config.giftSeasons);
  const categories = new Set([
    ...(archive?.categories ?? []),
    ...lines.filter((l) => !l.secondary && l.line.category).map((l) => l.line.category!),
  ]);
  const secondary = new Set(
    lines.filter((l) => l.secondary && l.line.category && !categories.has(l.line.category)).map((l) => l.line.category!),
  );
  // A new category bought in the season, or a gift (a gift card, a gift note, another recipient) bought in it.
  const seasons = new Set(
    lines.flatMap(({ secondary, order }) =>
      secondary?.startsWith('season:')
        ? [secondary.slice('season:'.length)]
        : secondary !== undefined
          ? [giftSeasonOf(order.placedAt, config.giftSeasons)?.id].filter((id): id is string => id !== undefined)
          : [],
    ),
  );
  // profile.activity is newest first.
  const lastOf = (kind: 'product.viewed' | 'search.performed') =>
    profile.activity.find((a) => a.kind === kind && a.detail.category)?.detail.category ?? null;
  return {
    orderCount: count,
    revenue,
    averageOrderValue: count > 0 ? round2(revenue / count) : null,
    firstOrderAt: first,
    lastOrderAt: last,
    averageIntervalDays:
      count >= 2 && first && last ? Math.round(((Date.parse(last) - Date.parse(first)) / DAY_MS / (count - 1)) * 10) / 10 : null,
    channels: [...new Set([...(archive?.channels ?? []), ...orders.map((o) => o.channel)])].sort(),
    categories: [...categories].sort(),
    secondaryCategories: [...secondary].sort(),
    giftSeasons: [...seasons].sort(),
    lastViewedCategory: lastOf('product.viewed'),
    lastSearchedCategory: lastOf('search.performed'),
    lines,
  };
}
