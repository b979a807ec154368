// The scheduled campaign sweep of one tenant (issue 20: its reads grow with what is due, not with the tenant). Every
// run: re-queues the tenant's erasures that are still open (pipeline/erasure/retry-erasures.ts), then reads the
// profiles whose campaign fields change by the clock now (an abandoned-cart window ending, a customer lapsing), found
// through the tenant-due index the merge writes (core/campaign/due-time.ts), queues a push sync for each and moves
// its due time on. Only when the tenant stats (RFM quintiles, co-purchases) are older than `statsEveryMinutes`
// (default daily) does it read every profile of the tenant, by the tenant-profiles index, to recount them and queue
// the profiles whose projection the new stats change.
import type { CampaignConfig } from '../../core/campaign/config.js';
import { TenantStatsBuilder, type TenantStats } from '../../core/campaign/tenant-stats.js';
import { nextDueAt } from '../../core/campaign/due-time.js';
import type {
  DueProfiles,
  ErasureReceiptStore,
  PushMessage,
  PushQueue,
  PushSnapshotStore,
  ProfileRepository,
  TenantStatsStore,
} from '../../core/ports.js';
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
  /** With them, an erasure given up drops the destination ids kept for its retries (retry-erasures.ts). */
  snapshots?: Pick<PushSnapshotStore, 'removeAll'>;
  /** The profiles due now (the tenant-due index): all a sweep reads of the profiles, besides the slow stats pass. */
  due: DueProfiles;
}

export interface SweepRun {
  tenantId: string;
  profiles: number;
  queued: number;
  /** When the stats this sweep pushed with were counted (by this sweep when `recounted`). */
  computedAt: string;
  recounted: boolean;
  /** Profiles that were due and were re-evaluated. */
  due: number;
  erasures?: ErasureRetryRun;
}

/** Push messages are sent in chunks so a large tenant never holds them all. */
const SEND_CHUNK = 100;

async function sweepTenant(deps: SweepDeps, tenantId: string): Promise<SweepRun> {
  const tenant = deps.instances.tenant(tenantId);
  const now = deps.now?.() ?? new Date();
  // First, and independent of the campaigns: an erasure must not wait for a long stats pass.
  const erasures = deps.receipts
    ? await retryErasures(
        {
          receipts: deps.receipts,
          push: deps.push,
          profiles: deps.profiles,
          log: deps.log,
          now: () => now,
          ...(deps.snapshots ? { snapshots: deps.snapshots } : {}),
        },
        tenantId,
      )
    : undefined;
  const previous = await deps.stats.get(tenantId);
  const statsAge = previous ? now.getTime() - Date.parse(previous.computedAt) : Number.POSITIVE_INFINITY;
  const recount = !previous || previous.complete === false || statsAge >= tenant.campaigns.statsEveryMinutes * 60_000;

  let pending: PushMessage[] = [];
  let queued = 0;
  const queue = async (message: PushMessage) => {
    pending.push(message);
    if (pending.length >= SEND_CHUNK) {
      await deps.push.send(pending);
      queued += pending.length;
      pending = [];
    }
  };
  const flush = async () => {
    if (pending.length > 0) await deps.push.send(pending);
    queued += pending.length;
    pending = [];
  };

  let stats = previous;
  if (recount) {
    // Pass 1: the aggregates. Two passes over listProfiles keep memory independent of the number of profiles.
    const builder = new TenantStatsBuilder(tenantId, tenant.campaigns);
    for await (const profile of deps.profiles.listProfiles(tenantId)) builder.add(profile);
    const fresh = builder.build(now);
    // Saved before any push is queued, so the pushes project with these stats (the messages say which ones). Marked
    // complete only at the end: a sweep that died half-way makes the next one recount and queue every profile.
    await deps.stats.put({ ...fresh, complete: false });
    // Pass 2: what changed for destinations between the previous stats (and their clock) and these.
    // The same pass counts profiles per segment, so the status page reads one item instead of every profile.
    const segments: Record<string, number> = {};
    for await (const profile of deps.profiles.listProfiles(tenantId)) {
      const after = projectProfile(profile, { campaigns: tenant.campaigns, now, stats: fresh });
      if (typeof after.segments === 'string' && after.segments !== '')
        for (const segment of after.segments.split(',')) segments[segment] = (segments[segment] ?? 0) + 1;
      if (changedSince(profile, tenant.campaigns, previous, after))
        await queue({ kind: 'sync', tenantId, profileId: profile.profileId, statsAt: fresh.computedAt });
    }
    await flush();
    await deps.stats.put({ ...fresh, segments, complete: true });
    stats = fresh;
  }

  // The clock's changes: only the profiles due by now. A sync is cheap when nothing changed at a destination (the
  // push sends differences only), so a profile the stats pass queued already is not worth remembering.
  let due = 0;
  for await (const profile of deps.due.dueProfiles(tenantId, now.toISOString())) {
    due++;
    await queue({ kind: 'sync', tenantId, profileId: profile.profileId, ...(stats ? { statsAt: stats.computedAt } : {}) });
    await deps.due.reschedule(tenantId, profile, nextDueAt(profile, tenant.campaigns, now));
  }
  await flush();
  const profiles = stats?.profiles ?? 0;
  deps.log.info('campaign sweep', { tenantId, profiles, recounted: recount, due, queued });
  return {
    tenantId,
    profiles,
    queued,
    computedAt: stats?.computedAt ?? now.toISOString(),
    recounted: recount,
    due,
    ...(erasures ? { erasures } : {}),
  };
}

/** True when the campaign fields differ between the previous sweep's view and now; always on a first sweep. */
function changedSince(
  profile: Profile,
  campaigns: CampaignConfig,
  previous: TenantStats | undefined,
  after: ReturnType<typeof projectProfile>,
): boolean {
  if (!previous || previous.complete === false) return true;
  const before = projectProfile(profile, { campaigns, now: new Date(previous.computedAt), stats: previous });
  return JSON.stringify(before) !== JSON.stringify(after);
}

export async function sweepAll(deps: SweepDeps, tenantId?: string): Promise<SweepRun[]> {
  const tenants = tenantId ? [tenantId] : deps.instances.config.tenants.map((t) => t.id);
  const runs: SweepRun[] = [];
  for (const id of tenants) runs.push(await sweepTenant(deps, id));
  return runs;
}
