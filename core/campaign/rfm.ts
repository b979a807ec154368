// RFM scores 1–5 against the tenant's quintiles. The quintiles are a tenant-wide aggregate: computed by the
// scheduled sweep from all profiles (tenant-stats.ts), never updated on a merge (a hot per-tenant item).
import type { Traits } from './traits.js';

export interface RfmBoundaries {
  /** Last-order times at the 20/40/60/80 % points, as ISO strings: a later last order scores higher. */
  recency: string[];
  frequency: number[];
  monetary: number[];
}

export interface RfmScore {
  recency: number;
  frequency: number;
  monetary: number;
}

/** Cut points at the 20, 40, 60 and 80 % positions of the sorted values. */
export function quintileCuts<T extends number | string>(values: readonly T[]): T[] {
  if (values.length === 0) return [];
  const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return [0.2, 0.4, 0.6, 0.8].map((q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
}

/** 1 plus the number of cut points the value lies strictly above: equal values always score the same. */
export function scoreAgainst<T extends number | string>(value: T, cuts: readonly T[]): number {
  return 1 + cuts.filter((c) => value > c).length;
}

export function rfmBoundaries(customers: readonly Pick<Traits, 'lastOrderAt' | 'orderCount' | 'revenue'>[]): RfmBoundaries {
  const buyers = customers.filter((c) => c.orderCount > 0 && c.lastOrderAt !== null);
  return {
    recency: quintileCuts(buyers.map((c) => c.lastOrderAt!)),
    frequency: quintileCuts(buyers.map((c) => c.orderCount)),
    monetary: quintileCuts(buyers.map((c) => c.revenue)),
  };
}

export function rfmScore(
  traits: Pick<Traits, 'lastOrderAt' | 'orderCount' | 'revenue'>,
  boundaries: RfmBoundaries | undefined,
): RfmScore | undefined {
  if (!boundaries || boundaries.recency.length === 0 || traits.orderCount === 0 || traits.lastOrderAt === null) return undefined;
  return {
    recency: scoreAgainst(traits.lastOrderAt, boundaries.recency),
    frequency: scoreAgainst(traits.orderCount, boundaries.frequency),
    monetary: scoreAgainst(traits.revenue, boundaries.monetary),
  };
}
