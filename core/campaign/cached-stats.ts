// Tenant stats read through a cache: the stats change once per sweep, merges read them constantly.
import type { TenantStatsStore } from '../ports.js';
import type { TenantStats } from './tenant-stats.js';

/** How long the absence of stats (a tenant before its first sweep) is kept: short, so the first sweep's stats count soon. */
export const ABSENT_STATS_TTL_MS = 5_000;

export function cachedStats(
  store: TenantStatsStore,
  ttlMs = 60_000,
  clock: () => number = Date.now,
  absentTtlMs = ABSENT_STATS_TTL_MS,
): TenantStatsStore {
  const cache = new Map<string, { until: number; value: Promise<TenantStats | undefined> }>();
  return {
    async get(tenantId, computedSince) {
      const hit = cache.get(tenantId);
      if (hit && hit.until > clock()) {
        const cached = await hit.value.catch(() => undefined);
        if (computedSince === undefined || (cached !== undefined && cached.computedAt >= computedSince)) return cached;
      }
      const value = store.get(tenantId);
      cache.set(tenantId, { until: clock() + ttlMs, value });
      // Absent stats (a tenant before its first sweep) are kept only briefly: the first sweep's stats count within
      // seconds, and a busy tenant's merges still read the store once per few seconds, not once per batch.
      const mine = () => cache.get(tenantId)?.value === value;
      value.then(
        (stats) => stats === undefined && mine() && cache.set(tenantId, { until: clock() + absentTtlMs, value }),
        () => mine() && cache.delete(tenantId),
      );
      return await value;
    },
    async put(stats) {
      await store.put(stats);
      cache.set(stats.tenantId, { until: clock() + ttlMs, value: Promise.resolve(stats) });
    },
  };
}
