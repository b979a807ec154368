// A backfill: a full (or, with `since`, partial) resync of one instance by polling from the beginning, page by page,
// with a cursor of its own so that the scheduled poll's cursor is never moved back. Interrupted, it resumes from it.
import type { CursorStore, EventQueue } from '../../core/ports.js';
import type { Logger } from '../../connectors/sdk/index.js';
import { completeEvents } from '../complete-event.js';
import type { InstanceResolver } from '../instances.js';

export interface BackfillDeps {
  instances: InstanceResolver;
  events: EventQueue;
  cursors: CursorStore;
  log: Logger;
}

export interface BackfillOptions {
  /** Queue only events that happened at or after this time. The whole source is still read: connectors take an opaque cursor, not a date. */
  since?: Date;
  /** Start from the beginning even when an interrupted backfill left a cursor. */
  restart?: boolean;
  /** Stops after the page in flight; its cursor is saved, so the next run resumes there. */
  signal?: AbortSignal;
  onProgress?: (progress: BackfillProgress) => void;
  /** Time one connector call may take (default 60 s). */
  pageTimeoutMs?: number;
  now?: () => number;
}

export interface BackfillProgress {
  tenantId: string;
  instanceId: string;
  pages: number;
  /** Events read from the vendor. */
  read: number;
  /** Events queued (read minus those before `since`). */
  queued: number;
  elapsedMs: number;
  /** True when this run picked up an interrupted backfill's cursor. */
  resumed: boolean;
  /** Only when the connector tells how far it is (a `progress: { done, total }` on its poll page); none does yet. */
  etaMs?: number;
  percent?: number;
  done: boolean;
  /** True when stopped by the signal before the vendor had no more pages. */
  interrupted: boolean;
}

/** The slot the backfill cursor lives in: instance ids are slugs ([a-z0-9-]), so no real instance can be named like this. */
export function backfillCursorSlot(instanceId: string): string {
  return `${instanceId}~backfill`;
}

interface SavedBackfill {
  cursor?: string;
  completedAt?: string;
}

function readSaved(text: string | undefined): SavedBackfill | undefined {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as SavedBackfill;
  } catch {
    return undefined;
  }
}

/** Optional, read defensively: the SDK's PollPage has no progress field yet, a connector may add one. */
function pageProgress(page: unknown): { done: number; total: number } | undefined {
  const p = (page as { progress?: { done?: unknown; total?: unknown } }).progress;
  if (p && typeof p.done === 'number' && typeof p.total === 'number' && p.total > 0 && p.done >= 0) return { done: p.done, total: p.total };
  return undefined;
}

export async function runBackfill(
  deps: BackfillDeps,
  tenantId: string,
  instanceId: string,
  options: BackfillOptions = {},
): Promise<BackfillProgress> {
  const now = options.now ?? Date.now;
  const { connector, context } = await deps.instances.resolve(tenantId, instanceId);
  if (!connector.poll)
    throw new Error(
      `connector ${connector.name} of ${tenantId}/${instanceId} cannot poll, so it cannot be backfilled (its data arrives by webhook only)`,
    );
  const slot = backfillCursorSlot(instanceId);
  const saved = options.restart ? undefined : readSaved(await deps.cursors.get(tenantId, slot));
  const resumed = saved !== undefined && saved.completedAt === undefined && saved.cursor !== undefined;
  let cursor = resumed ? saved.cursor : undefined;
  const startedAt = now();
  const since = options.since?.toISOString();
  const progress: BackfillProgress = {
    tenantId,
    instanceId,
    pages: 0,
    read: 0,
    queued: 0,
    elapsedMs: 0,
    resumed,
    done: false,
    interrupted: false,
  };

  while (true) {
    if (options.signal?.aborted) {
      progress.interrupted = true;
      break;
    }
    const page = await connector.poll(context, cursor, { maxPages: 1, deadline: now() + (options.pageTimeoutMs ?? 60_000) });
    const events = completeEvents(page.events, { tenantId, connector: connector.name, instance: instanceId, receivedAt: context.now() });
    const wanted = since === undefined ? events : events.filter((e) => new Date(e.occurredAt).toISOString() >= since);
    // Queue before saving the cursor, as the scheduled poll does: a crash repeats a page (deduplicated), never skips one.
    if (wanted.length > 0) await deps.events.send(wanted);
    cursor = page.nextCursor;
    await deps.cursors.put(
      tenantId,
      slot,
      JSON.stringify(page.hasMore ? { cursor } : { cursor, completedAt: new Date(now()).toISOString() }),
    );
    progress.pages++;
    progress.read += events.length;
    progress.queued += wanted.length;
    progress.elapsedMs = now() - startedAt;
    progress.done = !page.hasMore;
    const told = pageProgress(page);
    if (told) {
      progress.percent = Math.min(100, (told.done / told.total) * 100);
      progress.etaMs = told.done > 0 ? Math.round((progress.elapsedMs * (told.total - told.done)) / told.done) : undefined;
    }
    options.onProgress?.({ ...progress });
    if (progress.done) break;
  }
  progress.elapsedMs = now() - startedAt;
  deps.log.info('backfill finished', {
    tenantId,
    instance: instanceId,
    pages: progress.pages,
    queued: progress.queued,
    done: progress.done,
  });
  return progress;
}
