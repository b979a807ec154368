// How each configured connector instance is doing, from the status counters the handlers record: shared by
// `syncline instances` and the status page.
import type { SynclineConfig } from '../core/config.js';
import type { StatusRecorder } from '../core/ports.js';
import type { DeliveryCounter } from '../core/delivery-log.js';

type Stage = Parameters<StatusRecorder['record']>[2];
export interface StageCounters extends Partial<Record<DeliveryCounter, number>> {
  okCount?: number;
  okLastAt?: string;
  errorCount?: number;
  errorLastAt?: string;
}

/** What the pushes to a destination instance did, per profile and attempt (core/delivery-log.ts): a floor, see README. */
export interface DeliveryTotals {
  delivered: number;
  skippedConsent: number;
  rejected: number;
  retrying: number;
}

/** DynamoStatusRecorder.read has this shape; tests give a fake. */
export interface StatusReader {
  read(tenantId: string, instance: string): Promise<Partial<Record<Stage, StageCounters>>>;
}

export interface InstanceHealth {
  tenantId: string;
  instanceId: string;
  connector: string;
  webhooks: boolean;
  pollEveryMinutes?: number;
  push: boolean;
  lastWebhookAt?: string;
  lastPollAt?: string;
  lastMergeAt?: string;
  lastPushAt?: string;
  /** Since the last successful webhook or poll; undefined when nothing arrived yet. */
  lagMs?: number;
  /** Events received (webhook + poll) and merged, as counted by the handlers. */
  eventsIn: number;
  errors: { webhook: number; poll: number; merge: number; push: number };
  /** Destinations only: the delivery outcomes counted by the push stage. */
  deliveries?: DeliveryTotals;
  lastErrorAt?: string;
  /** `ok`, `idle` (nothing yet), `late` (a poll more than two intervals ago) or `failing` (the last outcome was an error). */
  state: 'ok' | 'idle' | 'late' | 'failing';
}

const STAGES: Stage[] = ['webhook', 'poll', 'merge', 'push'];

export async function describeInstances(
  config: SynclineConfig,
  status: StatusReader,
  options: { tenantId?: string; now?: Date } = {},
): Promise<InstanceHealth[]> {
  const now = (options.now ?? new Date()).getTime();
  const rows: InstanceHealth[] = [];
  for (const tenant of config.tenants) {
    if (options.tenantId !== undefined && tenant.id !== options.tenantId) continue;
    for (const instance of tenant.instances) {
      const counters = await status.read(tenant.id, instance.id);
      const ok = (stage: Stage) => counters[stage]?.okLastAt;
      const lastIn = [ok('webhook'), ok('poll')]
        .filter((t): t is string => t !== undefined)
        .sort()
        .at(-1);
      const errorTimes = STAGES.map((s) => counters[s]?.errorLastAt)
        .filter((t): t is string => t !== undefined)
        .sort();
      const okTimes = STAGES.map((s) => ok(s))
        .filter((t): t is string => t !== undefined)
        .sort();
      const lastErrorAt = errorTimes.at(-1);
      const lagMs = lastIn === undefined ? undefined : Math.max(0, now - Date.parse(lastIn));
      const lastPollAt = ok('poll');
      let state: InstanceHealth['state'] = okTimes.length === 0 && lastErrorAt === undefined ? 'idle' : 'ok';
      if (
        instance.pollEveryMinutes !== undefined &&
        lastPollAt !== undefined &&
        now - Date.parse(lastPollAt) > 2 * instance.pollEveryMinutes * 60_000
      )
        state = 'late';
      if (lastErrorAt !== undefined && (okTimes.at(-1) === undefined || lastErrorAt > okTimes.at(-1)!)) state = 'failing';
      rows.push({
        tenantId: tenant.id,
        instanceId: instance.id,
        connector: instance.connector,
        webhooks: instance.webhooks,
        ...(instance.pollEveryMinutes !== undefined ? { pollEveryMinutes: instance.pollEveryMinutes } : {}),
        push: instance.push,
        ...defined('lastWebhookAt', ok('webhook')),
        ...defined('lastPollAt', lastPollAt),
        ...defined('lastMergeAt', ok('merge')),
        ...defined('lastPushAt', ok('push')),
        ...defined('lagMs', lagMs),
        eventsIn: (counters.webhook?.okCount ?? 0) + (counters.poll?.okCount ?? 0),
        errors: {
          webhook: counters.webhook?.errorCount ?? 0,
          poll: counters.poll?.errorCount ?? 0,
          merge: counters.merge?.errorCount ?? 0,
          push: counters.push?.errorCount ?? 0,
        },
        ...(instance.push
          ? {
              deliveries: {
                delivered: counters.push?.deliveredCount ?? 0,
                skippedConsent: counters.push?.skippedConsentCount ?? 0,
                rejected: counters.push?.rejectedCount ?? 0,
                retrying: counters.push?.retryingCount ?? 0,
              },
            }
          : {}),
        ...defined('lastErrorAt', lastErrorAt),
        state,
      });
    }
  }
  return rows;
}

function defined<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

/** "4 s", "12 min", "3 h", "2 d": lag and ages at a glance. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return '—';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  if (s < 86_400) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86_400)} d`;
}
