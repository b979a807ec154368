// A resync's job item: where it stands (the last profile handled, by id), its counts and failures, kept in the cursor
// store under a slot of its own, so that an interrupted resync (Ctrl-C, a killed process, a Lambda's time budget)
// continues after the last profile whose push finished and never from the start.
import { createHash } from 'node:crypto';
import * as z from 'zod';
import type { InstanceConfig, TenantConfig } from '../../core/config.js';
import type { CursorStore } from '../../core/ports.js';

/** Failures kept by profile id (for `syncline profile`); beyond these only the count per reason. */
export const KEPT_FAILURES = 20;

const Counts = z.object({
  /** Consenting profiles the destination took in this job. */
  pushed: z.number().int().nonnegative(),
  /** Consenting profiles the push snapshot shows the destination already has (a normal run only). */
  unchanged: z.number().int().nonnegative(),
  /** Profiles without the destination's consent purpose: nothing of them was sent (a withdrawal, if any, was). */
  skippedConsent: z.number().int().nonnegative(),
  /** Refused by the vendor, or still failing after the client's retries. */
  failed: z.number().int().nonnegative(),
});
export type ResyncCounts = z.infer<typeof Counts>;

export const ResyncJob = z.object({
  tenantId: z.string(),
  instanceId: z.string(),
  /** `full`: every field again, whatever the snapshots say (after a field-mapping change). */
  mode: z.enum(['normal', 'full']),
  /** `queued`: asked for, not started (the resync function in AWS picks it up on its schedule). */
  state: z.enum(['queued', 'running', 'interrupted', 'complete']),
  startedAt: z.string(),
  updatedAt: z.string(),
  completedAt: z.string().optional(),
  /** The last profile id handled: the next run lists the tenant after it. */
  after: z.string().optional(),
  /** Live profiles of the tenant when the job started (from the index keys), for the percentage and ETA. */
  total: z.number().int().nonnegative().optional(),
  counts: Counts,
  failures: z.array(z.object({ profileId: z.string(), reason: z.string() })),
  /** Reason → profiles that failed with it (reasons are the connectors' redacted words, no personal data). */
  failureReasons: z.record(z.string(), z.number().int()),
  /** Profiles per push call asked for (`--batch-size`); absent: the connector's maxBatchSize. */
  batchSize: z.number().int().positive().optional(),
  /** Runs it took (1 + resumptions; 0 while queued) and their time together. */
  runs: z.number().int().nonnegative(),
  elapsedMs: z.number().nonnegative(),
  /** The destination's field mapping and settings when the job started (mappingDigest): a later change offers --full. */
  mappingDigest: z.string(),
});
export type ResyncJob = z.infer<typeof ResyncJob>;

/** The slot of the job item: instance ids are slugs ([a-z0-9-]), so no real instance (or backfill cursor) is named so. */
export function resyncJobSlot(instanceId: string): string {
  return `${instanceId}~resync`;
}

export async function readResyncJob(cursors: CursorStore, tenantId: string, instanceId: string): Promise<ResyncJob | undefined> {
  const text = await cursors.get(tenantId, resyncJobSlot(instanceId));
  if (text === undefined) return undefined;
  try {
    const parsed = ResyncJob.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export async function saveResyncJob(cursors: CursorStore, job: ResyncJob): Promise<void> {
  await cursors.put(job.tenantId, resyncJobSlot(job.instanceId), JSON.stringify(job));
}

/** A new job, not started: what `syncline resync --stage` writes for the resync function (lambdas/resync.ts). */
export function newResyncJob(
  tenant: TenantConfig,
  instance: InstanceConfig,
  mode: ResyncJob['mode'],
  at: string,
  batchSize?: number,
): ResyncJob {
  return {
    ...(batchSize !== undefined ? { batchSize } : {}),
    tenantId: tenant.id,
    instanceId: instance.id,
    mode,
    state: 'queued',
    startedAt: at,
    updatedAt: at,
    counts: { pushed: 0, unchanged: 0, skippedConsent: 0, failed: 0 },
    failures: [],
    failureReasons: {},
    runs: 0,
    elapsedMs: 0,
    mappingDigest: mappingDigest(tenant, instance),
  };
}

/** Whether a run should pick the job up: not finished yet. */
export const isOpen = (job: ResyncJob | undefined): job is ResyncJob => job !== undefined && job.state !== 'complete';

/** What the destination receives depends on: the tenant's field mapping for it and its settings (Mailchimp's merge tags). */
export function mappingDigest(tenant: TenantConfig, instance: InstanceConfig): string {
  const basis = {
    fieldMapping: tenant.campaigns.fieldMapping[instance.id] ?? null,
    settings: instance.settings ?? null,
    purposeConsent: tenant.campaigns.purposeConsent ?? null,
  };
  return createHash('sha256').update(stableJson(basis)).digest('hex').slice(0, 16);
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

/**
 * Whether the destination's mapping changed since the last complete resync: then a full resync re-sends every field
 * under the new names (a normal one would send only fields whose values changed).
 */
export function mappingChangedSince(job: ResyncJob | undefined, tenant: TenantConfig, instance: InstanceConfig): boolean {
  return job !== undefined && job.state === 'complete' && job.mappingDigest !== mappingDigest(tenant, instance);
}
