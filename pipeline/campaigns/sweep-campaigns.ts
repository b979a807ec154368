// The scheduled campaign sweep of one tenant: recomputes the tenant stats (RFM quintiles, co-purchases) from every
// profile, then re-evaluates the time-dependent fields (new → lapsed, abandoned carts whose window passed) that no
// event triggers, and queues a push sync for each profile whose projection changed since the previous sweep. First of
// all it re-queues the tenant's erasures that are still open (pipeline/erasure/retry-erasures.ts).
import type { CampaignConfig } from '../../core/campaign/config.js';
import { TenantStatsBuilder, type TenantStats } from '../../core/campaign/tenant-stats.js';
import type { ErasureReceiptStore, PushMessage, PushQueue, ProfileRepository, TenantStatsStore } from '../../core/ports.js';
import type { Profile } from '../../core/profile.js';
import { projectProfile } from '../../core/projection.js';
import type { Logger } from '../../connectors/sdk/index.js';
import type { InstanceResolver } from '../instances.js';
import { retryErasures, type ErasureRetryRun } from '../erasure/retry-erasures.js';

export interface SweepDeps {
  instances: Pick<InstanceResolver, 'tenant' | 'config'>;
  profiles: ProfileRepository;
  stats: TenantStatsStore;
  push: PushQueue;
  log: Logger;
  now?: () => Date;
  /** With receipts, the sweep also re-queues erasures that are still open (pipeline/erasure/retry-erasures.ts). */
  receipts?: ErasureReceiptStore;
}

export interface SweepRun {
  tenantId: string;
  profiles: number;
  queued: number;
  computedAt: string;
  erasures?: ErasureRetryRun;
}

/** Push messages are sent in chunks so a large tenant never holds them all. */
const SEND_CHUNK = 100;

async function sweepTenant(deps: SweepDeps, tenantId: string): Promise<SweepRun> {
  const tenant = deps.instances.tenant(tenantId);
  const now = deps.now?.() ?? new Date();
  // First, and independent of the campaigns: an erasure must not wait for a long stats pass.
  const erasures = deps.receipts
    ? await retryErasures({ receipts: deps.receipts, push: deps.push, profiles: deps.profiles, log: deps.log, now: () => now }, tenantId)
    : undefined;
  const previous = await deps.stats.get(tenantId);

  // Pass 1: the aggregates. Two passes over listProfiles keep memory independent of the number of profiles.
  const builder = new TenantStatsBuilder(tenantId, tenant.campaigns);
  for await (const profile of deps.profiles.listProfiles(tenantId)) builder.add(profile);
  const stats = builder.build(now);
  // Saved before any push is queued, so the pushes project with these stats (the messages say which ones). Marked
  // complete only at the end: a sweep that died half-way makes the next one queue every profile.
  await deps.stats.put({ ...stats, complete: false });

  // Pass 2: what changed for destinations between the previous sweep (its clock and stats) and this one.
  let pending: PushMessage[] = [];
  let queued = 0;
  for await (const profile of deps.profiles.listProfiles(tenantId)) {
    if (!changedSince(profile, tenant.campaigns, previous, stats, now)) continue;
    pending.push({ kind: 'sync', tenantId, profileId: profile.profileId, statsAt: stats.computedAt });
    if (pending.length >= SEND_CHUNK) {
      await deps.push.send(pending);
      queued += pending.length;
      pending = [];
    }
  }
  if (pending.length > 0) await deps.push.send(pending);
  queued += pending.length;
  await deps.stats.put({ ...stats, complete: true });
  deps.log.info('campaign sweep', { tenantId, profiles: stats.profiles, queued });
  return { tenantId, profiles: stats.profiles, queued, computedAt: stats.computedAt, ...(erasures ? { erasures } : {}) };
}

/** True when the campaign fields differ between the previous sweep's view and now; always on a first sweep. */
function changedSince(
  profile: Profile,
  campaigns: CampaignConfig,
  previous: TenantStats | undefined,
  stats: TenantStats,
  now: Date,
): boolean {
  if (!previous || previous.complete === false) return true;
  const before = projectProfile(profile, { campaigns, now: new Date(previous.computedAt), stats: previous });
  const after = projectProfile(profile, { campaigns, now, stats });
  return JSON.stringify(before) !== JSON.stringify(after);
}

export async function sweepAll(deps: SweepDeps, tenantId?: string): Promise<SweepRun[]> {
  const tenants = tenantId ? [tenantId] : deps.instances.config.tenants.map((t) => t.id);
  const runs: SweepRun[] = [];
  for (const id of tenants) runs.push(await sweepTenant(deps, id));
  return runs;
}
