// What the status page shows, read from the stores of the running local stack: one read per page load.
import type { SynclineConfig } from '../../core/config.js';
import type { ProfileRepository, PushSnapshotStore, QuarantineEntry } from '../../core/ports.js';
import { deliveryLogOf, type DestinationDeliveries, type PushPurposes } from '../../pipeline/delivery-log-view.js';
import type { TenantStats } from '../../core/campaign/tenant-stats.js';
import { describeInstances, type InstanceHealth, type StatusReader } from '../../operator/instance-health.js';
import { findProfile, profileQuery, viewProfile, type ProfileView } from '../../operator/profile-view.js';
import type { EventRate } from './event-rate.js';
import { readResyncRows, type ResyncRow, type ResyncSources } from './resync-section.js';

export interface StatusSources {
  config: SynclineConfig;
  status: StatusReader;
  profiles: Pick<ProfileRepository, 'lookup' | 'get'>;
  stats: { get(tenantId: string): Promise<TenantStats | undefined> };
  quarantine: { list(tenantId: string, limit?: number): Promise<QuarantineEntry[]> };
  queueDepths(): Promise<Record<string, number>>;
  rate: EventRate;
  /** The push snapshots, for a profile's delivery log at each destination (core/delivery-log.ts). */
  snapshots?: Pick<PushSnapshotStore, 'get' | 'getMany'>;
  /** The installed connectors: the consent purpose each destination needs. */
  connectors?: PushPurposes;
  now?: () => Date;
  /** The resync jobs of each destination (resync-section.ts). */
  resync?: ResyncSources;
}

export interface TenantView {
  id: string;
  /** As counted by the last stats run (at `countedAt`); undefined before the first one. */
  profiles: number | undefined;
  countedAt: string | undefined;
  /** Profiles per segment of the campaign projection at `countedAt`, largest first. */
  segments: { name: string; profiles: number }[];
  instances: (InstanceHealth & { perMinute: number[] })[];
  /** Reasons are the parser's words about an attacker-influenced payload: the page escapes them. */
  quarantine: { id: string; instance: string; receivedAt: string; reason: string }[];
  /** Per destination: its last resync job. */
  resync?: ResyncRow[];
}

export interface StatusView {
  generatedAt: string;
  queues: Record<string, number>;
  tenants: TenantView[];
  search?: { tenantId: string; query: string; profile?: ProfileView; deliveries?: DestinationDeliveries[]; error?: string };
}

export const rateKey = (tenantId: string, instanceId: string) => `${tenantId}/${instanceId}`;

export async function readStatusView(sources: StatusSources, search?: { tenantId: string; query: string }): Promise<StatusView> {
  const now = sources.now?.() ?? new Date();
  await sources.rate.sample().catch(() => {});
  const [queues, health] = await Promise.all([sources.queueDepths(), describeInstances(sources.config, sources.status, { now })]);
  const tenants: TenantView[] = [];
  for (const tenant of sources.config.tenants) {
    // Counted by the sweep's stats run (daily by default), not per page view: one item read per tenant.
    const stats = await sources.stats.get(tenant.id);
    const quarantine = (await sources.quarantine.list(tenant.id, 200)).map(({ id, instance, receivedAt, reason }) => ({
      id,
      instance,
      receivedAt,
      reason,
    }));
    tenants.push({
      id: tenant.id,
      profiles: stats?.profiles,
      countedAt: stats?.computedAt,
      segments: Object.entries(stats?.segments ?? {})
        .map(([name, count]) => ({ name, profiles: count }))
        .sort((a, b) => b.profiles - a.profiles || a.name.localeCompare(b.name)),
      instances: health
        .filter((h) => h.tenantId === tenant.id)
        .map((h) => ({ ...h, perMinute: sources.rate.series(rateKey(tenant.id, h.instanceId)) })),
      quarantine,
      resync: sources.resync ? await readResyncRows(sources.resync, tenant) : [],
    });
  }
  const view: StatusView = { generatedAt: now.toISOString(), queues, tenants };
  if (search && search.query.trim() !== '') {
    const tenant = sources.config.tenants.find((t) => t.id === search.tenantId);
    if (!tenant) view.search = { ...search, error: `unknown tenant "${search.tenantId}"` };
    else {
      const profile = await findProfile(sources.profiles, tenant.id, profileQuery(search.query.trim()));
      view.search = profile
        ? {
            ...search,
            profile: viewProfile(profile, tenant, await sources.stats.get(tenant.id), now),
            ...(sources.snapshots
              ? { deliveries: await deliveryLogOf(sources.snapshots, tenant, profile, sources.connectors ?? {}, now) }
              : {}),
          }
        : { ...search, error: `no profile for "${search.query.trim()}" in tenant ${tenant.id}` };
    }
  }
  return view;
}
