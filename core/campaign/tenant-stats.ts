// Tenant-wide aggregates (RFM quintiles, co-purchase counts, popular products per category), computed by the
// scheduled sweep from every profile and kept in one per-tenant item that merges and pushes read through a cache.
// Written once per sweep, never per merge: a per-tenant item updated on every merge would be a hot partition.
import type { Profile } from '../profile.js';
import type { CampaignConfig } from './config.js';
import { productKey } from './orders.js';
import { rfmBoundaries, type RfmBoundaries } from './rfm.js';
import { computeTraits } from './traits.js';

export interface ProductInfo {
  name: string;
  category?: string;
  /** Customers who bought it (own purchases). */
  buyers: number;
}

export interface TenantStats {
  tenantId: string;
  computedAt: string;
  /** False while the sweep that computed it is still queueing pushes. */
  complete?: boolean;
  profiles: number;
  rfm: RfmBoundaries;
  products: Record<string, ProductInfo>;
  /** Per product: the products its buyers also bought, with the number of customers who bought both, most first. */
  coPurchase: Record<string, [string, number][]>;
  /** Per category: its products by number of buyers, most first. */
  popularByCategory: Record<string, string[]>;
  /** Profiles per campaign segment as projected when these stats were counted (the status page reads these). */
  segments?: Record<string, number>;
}

/** Bounds that keep the stats item well below DynamoDB's 400 KB. */
const STATS_LIMITS = { products: 2000, partnersPerProduct: 10, popularPerCategory: 10, productsPerCustomer: 50 };

/**
 * The products a customer bought for themselves, newest first, at most 50, by product key: what co-purchases count
 * (gifts say nothing about what goes together for one person). Shared with the analytics export (core/analytics/).
 */
export function ownProducts(traits: Pick<ReturnType<typeof computeTraits>, 'lines'>): Map<string, { name: string; category?: string }> {
  const own = new Map<string, { name: string; category?: string }>();
  for (const { line, secondary } of [...traits.lines].reverse()) {
    if (secondary || own.size >= STATS_LIMITS.productsPerCustomer) continue;
    const key = productKey(line);
    if (!own.has(key)) own.set(key, { name: line.name, ...(line.category !== undefined ? { category: line.category } : {}) });
  }
  return own;
}

/** Streams profiles in and the stats out; memory grows with the catalogue, not with the number of profiles. */
export class TenantStatsBuilder {
  private readonly customers: { lastOrderAt: string | null; orderCount: number; revenue: number }[] = [];
  private readonly products = new Map<string, ProductInfo>();
  private readonly pairs = new Map<string, Map<string, number>>();
  private profiles = 0;

  constructor(
    private readonly tenantId: string,
    private readonly config: CampaignConfig,
  ) {}

  add(profile: Profile): void {
    this.profiles++;
    const traits = computeTraits(profile, this.config);
    this.customers.push({ lastOrderAt: traits.lastOrderAt, orderCount: traits.orderCount, revenue: traits.revenue });
    const own = ownProducts(traits);
    for (const [key, info] of own) {
      const known = this.products.get(key);
      this.products.set(key, {
        ...info,
        ...(known?.category && !info.category ? { category: known.category } : {}),
        buyers: (known?.buyers ?? 0) + 1,
      });
      for (const other of own.keys()) {
        if (other === key) continue;
        const partners = this.pairs.get(key) ?? new Map<string, number>();
        partners.set(other, (partners.get(other) ?? 0) + 1);
        this.pairs.set(key, partners);
      }
    }
  }

  build(now: Date): TenantStats {
    const byBuyers = (a: [string, number], b: [string, number]) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1);
    const kept = [...this.products.entries()]
      .sort((a, b) => byBuyers([a[0], a[1].buyers], [b[0], b[1].buyers]))
      .slice(0, STATS_LIMITS.products);
    const keptKeys = new Set(kept.map(([k]) => k));
    const coPurchase: TenantStats['coPurchase'] = {};
    for (const [key, partners] of this.pairs) {
      if (!keptKeys.has(key)) continue;
      coPurchase[key] = [...partners.entries()]
        .filter(([k]) => keptKeys.has(k))
        .sort(byBuyers)
        .slice(0, STATS_LIMITS.partnersPerProduct);
    }
    const popularByCategory: TenantStats['popularByCategory'] = {};
    for (const [key, info] of kept) {
      if (!info.category) continue;
      const list = (popularByCategory[info.category] ??= []);
      if (list.length < STATS_LIMITS.popularPerCategory) list.push(key);
    }
    return {
      tenantId: this.tenantId,
      computedAt: now.toISOString(),
      profiles: this.profiles,
      rfm: rfmBoundaries(this.customers),
      products: Object.fromEntries(kept),
      coPurchase,
      popularByCategory,
    };
  }
}

export function computeTenantStats(tenantId: string, profiles: Iterable<Profile>, config: CampaignConfig, now: Date): TenantStats {
  const builder = new TenantStatsBuilder(tenantId, config);
  for (const p of profiles) builder.add(p);
  return builder.build(now);
}
