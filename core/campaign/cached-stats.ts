// Tenant stats read through a cache: the stats change once per sweep, merges read them constantly.
import type { TenantStatsStore } from '../ports.js';
import type { TenantStats } from './tenant-stats.js';

export function cachedStats(store: TenantStatsStore, ttlMs = 60_000, clock: () => number = Date.now): TenantStatsStore {
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
      // Absent stats (a tenant before its first sweep) are not kept: the first sweep's stats count at once.
      const forget = () => cache.get(tenantId)?.value === value && cache.delete(tenantId);
      value.then((stats) => stats === undefined && forget(), forget);
      return await value;
    },
    async put(stats) {
      await store.put(stats);
      cache.set(stats.tenantId, { until: clock() + ttlMs, value: Promise.resolve(stats) });
    },
  };
}
