// Ports of the campaign features: tenant stats, the contact log for frequency capping, the erasure audit.
import type { CampaignContact } from './frequency-cap.js';
import type { TenantStats } from './tenant-stats.js';

export interface TenantStatsStore {
  /** `computedSince`: a cache must not answer with stats computed before this (a sweep's push names its stats). */
  get(tenantId: string, computedSince?: string): Promise<TenantStats | undefined>;
  put(stats: TenantStats): Promise<void>;
}

/** Campaign contacts per profile; kept beside the push snapshots (ops table), not in the profile item. */
export interface CampaignContactLog {
  record(tenantId: string, profileId: string, contacts: readonly CampaignContact[]): Promise<void>;
  list(tenantId: string, profileId: string): Promise<CampaignContact[]>;
  removeAll(tenantId: string, profileId: string): Promise<void>;
}

/** Proof that an erasure ran, with nothing that identifies the person. */
export interface ErasureAuditEntry {
  tenantId: string;
  /** SHA-256 of tenant and profile id: ties retries of one erasure together, names nobody. */
  subjectDigest: string;
  requestId?: string;
  erasedAt: string;
  /** Identifier types the person had (never values). */
  identifierTypes: string[];
  destinations: { instance: string; status: 'confirmed' | 'requested' | 'unsupported' | 'failed' }[];
}

export interface ErasureAudit {
  record(entry: ErasureAuditEntry): Promise<void>;
  list(tenantId: string): Promise<ErasureAuditEntry[]>;
}

/** Reads tenant stats through a cache: the stats change once per sweep, merges read them constantly. */
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
      value.catch(() => cache.delete(tenantId));
      return await value;
    },
    async put(stats) {
      await store.put(stats);
      cache.set(stats.tenantId, { until: clock() + ttlMs, value: Promise.resolve(stats) });
    },
  };
}
