// The scheduled campaign sweep of one tenant (issue 20: its reads grow with what is due, not with the tenant). Every
// run: re-queues the tenant's erasures that are still open (pipeline/erasure/retry-erasures.ts), then reads the
// profiles whose campaign fields change by the clock now (an abandoned-cart window ending, a customer lapsing), found
// through the due items the merge writes (core/campaign/due-time.ts, aws/dynamo-due-items.ts), queues a push sync for
// each whose projection the clock changed and moves its due time on, many at once after their syncs are queued. Only when the tenant stats (RFM quintiles, co-purchases) are older than `statsEveryMinutes`
// (default daily) does it read every profile of the tenant, by the tenant-profiles index, to recount them and queue
// the profiles whose projection the new stats change.
import type { CampaignConfig } from '../../core/campaign/config.js';
import { TenantStatsBuilder, type TenantStats } from '../../core/campaign/tenant-stats.js';
import { changedByClock } from '../../core/campaign/clock-changes.js';
import { DUE_GRID_MAX_MS, nextDueAt } from '../../core/campaign/due-time.js';
import type {
  DueMove,
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
import { packSyncs } from '../packed-syncs.js';

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
  /** The profiles due now (their due items): all a sweep reads of the profiles, besides the slow stats pass. */
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
  /** Of those, the ones whose projection the clock did not change: moved on to their next due time, no sync queued. */
  unchanged: number;
  /** Of the others, the ones consenting to no purpose: moved on, no sync queued (no push could send them anything). */
  withoutConsent: number;
  erasures?: ErasureRetryRun;
}

/**
 * Syncs are sent in chunks so a large tenant never holds them all; each chunk's syncs travel packed
 * (pipeline/packed-syncs.ts: one message per tenant and stats time, up to 100 profiles), as the merge's do.
 */
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
      await deps.push.send(packSyncs(pending));
      queued += pending.length;
      pending = [];
    }
  };
  const flush = async () => {
    if (pending.length > 0) await deps.push.send(packSyncs(pending));
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
      if (consentsToAny(profile) && changedSince(profile, tenant.campaigns, previous, after))
        await queue({ kind: 'sync', tenantId, profileId: profile.profileId, statsAt: fresh.computedAt });
    }
    await flush();
    await deps.stats.put({ ...fresh, segments, complete: true });
    stats = fresh;
  }

  // The clock's changes: only the profiles due by now, and of those only the ones whose projection the clock changed
  // since they were last evaluated (changedByClock: exact; a sync is not cheap, the push reads the profile, its
  // snapshots and the contact markers). A profile the stats pass queued already is not worth remembering. Each sync
  // carries the version read, so the push may read the profile eventually consistently (strongly only when older).
  // Moved on many at once (BatchWriteItem), and only after the syncs they led to are queued: a crash in between leaves
  // them due, and the next run visits them again (harmless: a spurious visit), never loses one.
  let due = 0;
  let unchanged = 0;
  let withoutConsent = 0;
  let moves: DueMove[] = [];
  const moveOn = async () => {
    await flush();
    if (moves.length > 0) await deps.due.reschedule(tenantId, moves);
    moves = [];
  };
  for await (const entry of deps.due.dueProfiles(tenantId, now.toISOString())) {
    const { profile, dueAt } = entry;
    due++;
    const since = dueAt === undefined ? undefined : lastEvaluatedBefore(dueAt);
    if (since !== undefined && !changedByClock(profile, tenant.campaigns, stats, since, now)) unchanged++;
    else if (!consentsToAny(profile)) withoutConsent++;
    else
      await queue({
        kind: 'sync',
        tenantId,
        profileId: profile.profileId,
        version: profile.version,
        ...(stats ? { statsAt: stats.computedAt } : {}),
      });
    moves.push({ due: entry, next: nextDueAt(profile, tenant.campaigns, now) });
    if (moves.length >= SEND_CHUNK) await moveOn();
  }
  await moveOn();
  const profiles = stats?.profiles ?? 0;
  deps.log.info('campaign sweep', { tenantId, profiles, recounted: recount, due, unchanged, withoutConsent, queued });
  return {
    tenantId,
    profiles,
    queued,
    computedAt: stats?.computedAt ?? now.toISOString(),
    recounted: recount,
    due,
    unchanged,
    withoutConsent,
    ...(erasures ? { erasures } : {}),
  };
}

/**
 * Whether the person consents to some purpose. A push sends a person without consent for its purpose nothing but the
 * withdrawal of a consent it pushed before (pipeline/push-profiles.ts), and that withdrawal is a change of the profile,
 * which the merge that recorded it syncs (a failed one waits in the push DLQ for its replay): the clock never makes one.
 * So the sweep queues no sync for a person consenting to nothing, neither for the clock nor for new stats; measured,
 * 162 of 401 due visits' syncs in the bench's 90 days (docs/benchmarks.md, stop 33).
 */
function consentsToAny(profile: Profile): boolean {
  for (const record of Object.values(profile.consent)) if (record?.granted === true) return true;
  return false;
}

/**
 * A moment by which the profile had last been evaluated (by the merge that committed it or the sweep that moved its
 * due time on) or at which its projection was still what that evaluation saw. A stored due time is the first clock
 * threshold after the evaluation rounded up by less than DUE_GRID_MAX_MS, so no threshold lies between the evaluation
 * and this moment when the evaluation was earlier; when it was later, starting here only compares more. The destination
 * holds what some push projected since the evaluation (or gets it from a push still queued), so an unchanged
 * projection from here to now leaves nothing for a push to send.
 */
function lastEvaluatedBefore(dueAt: string): Date | undefined {
  const at = Date.parse(dueAt);
  return Number.isNaN(at) ? undefined : new Date(at - DUE_GRID_MAX_MS);
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
