import { describe, expect, it } from 'vitest';
import type { TenantStatsStore } from '../ports.js';
import { cachedStats } from './cached-stats.js';
import type { TenantStats } from './tenant-stats.js';

function counting(initial?: TenantStats) {
  let stored = initial;
  let reads = 0;
  const store: TenantStatsStore = {
    get: async () => (reads++, stored),
    put: async (stats) => void (stored = stats),
  };
  return { store, reads: () => reads, set: (stats: TenantStats) => (stored = stats) };
}

const stats = (computedAt: string) => ({ tenantId: 'acme', computedAt }) as unknown as TenantStats;

describe('cached tenant stats', () => {
  it('reads the store once per minute while the stats exist', async () => {
    let now = 0;
    const s = counting(stats('2026-12-06T10:00:00Z'));
    const cached = cachedStats(s.store, 60_000, () => now);
    await cached.get('acme');
    now = 59_000;
    await cached.get('acme');
    expect(s.reads()).toBe(1);
    now = 61_000;
    await cached.get('acme');
    expect(s.reads()).toBe(2);
  });

  it('keeps the absence of stats for seconds only: the first sweep’s stats are read soon, not a minute later', async () => {
    let now = 0;
    const s = counting();
    const cached = cachedStats(s.store, 60_000, () => now, 5_000);
    expect(await cached.get('acme')).toBeUndefined();
    s.set(stats('2026-12-06T10:00:00Z'));
    now = 4_000;
    expect(await cached.get('acme'), 'a busy tenant before its first sweep does not read per batch').toBeUndefined();
    expect(s.reads()).toBe(1);
    now = 5_001;
    expect(await cached.get('acme')).toEqual(stats('2026-12-06T10:00:00Z'));
    expect(s.reads()).toBe(2);
  });
});
