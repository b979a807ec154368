// The status page reads the tenant stats item (profiles and segments as counted by the last stats run, with its
// time), never every profile: a page view costs the same for a tenant of 100 and of 200,000 profiles.
import { describe, expect, it } from 'vitest';
import type { TenantStats } from '../../core/campaign/tenant-stats.js';
import { SynclineConfig } from '../../core/config.js';
import { operatorTenant } from '../../test/support/operator-stack.js';
import { readStatusView, type StatusSources } from './status-view.js';

const stats: TenantStats = {
  tenantId: 'shop',
  computedAt: '2026-11-23T03:00:00.000Z',
  complete: true,
  profiles: 120_000,
  segments: { repeat: 40_000, lapsed: 9_000 },
  rfm: { recency: [], frequency: [], monetary: [] } as unknown as TenantStats['rfm'],
  products: {},
  coPurchase: {},
  popularByCategory: {},
};

// Whatever else the repository offers, listing every profile must not be used.
const profiles = {
  listProfiles: () => {
    throw new Error('the status page paged through every profile');
  },
  lookup: async () => new Map<string, string>(),
  get: async () => undefined,
};

function sources(stored: TenantStats | undefined): StatusSources {
  return {
    config: SynclineConfig.parse({ tenants: [operatorTenant('shop')] }),
    status: { read: async () => ({}) },
    profiles,
    stats: { get: async () => stored },
    quarantine: { list: async () => [] },
    queueDepths: async () => ({}),
    rate: { minutes: 30, sample: async () => {}, series: () => [], stop: () => {} },
    now: () => new Date('2026-11-23T09:00:00.000Z'),
  };
}

describe('status view', () => {
  it('shows the profile and segment counts of the stats item with the time they were counted', async () => {
    const view = await readStatusView(sources(stats));
    expect(view.tenants[0]).toMatchObject({
      profiles: 120_000,
      countedAt: '2026-11-23T03:00:00.000Z',
      segments: [
        { name: 'repeat', profiles: 40_000 },
        { name: 'lapsed', profiles: 9_000 },
      ],
    });
  });

  it('says nothing is counted before the first stats run', async () => {
    const view = await readStatusView(sources(undefined));
    expect(view.tenants[0]).toMatchObject({ profiles: undefined, countedAt: undefined, segments: [] });
  });
});
