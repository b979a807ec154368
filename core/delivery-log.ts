// The delivery log (issue 18): per person and destination instance, the last attempts to deliver the profile there —
// when, which fields (names only), and what came of it — so that "why is Anna not in Klaviyo?" has an answer. It holds
// no value of the profile: field names, times, the outcome and the vendor's reason (blanked of personal data before it
// gets here). It travels inside the push snapshot (pipeline/push-snapshot.ts) under a reserved key, so a delivery
// costs no write of its own: the snapshot is written after every successful push anyway.
import * as z from 'zod';
import type { FieldValue } from './destination.js';

export const DELIVERY_OUTCOMES = ['delivered', 'skipped-consent', 'rejected', 'retrying'] as const;
/**
 * `delivered`: the vendor took the change. `skipped-consent`: not sent, the person has not given the destination's
 * consent purpose. `rejected`: the vendor refused the person for good (its reason is kept). `retrying`: the vendor
 * (or the way to it) failed in a way worth another try; the push is retried.
 */
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

export interface DeliveryAttempt {
  /** ISO time, to the second. */
  at: string;
  outcome: DeliveryOutcome;
  /** The destination's names of the fields sent (none for a skip). */
  fields: string[];
  /** The vendor's reason (rejected, retrying) or ours (skipped), without personal data. */
  reason?: string;
}

/** How many attempts are kept per person and destination, newest first. */
export const DELIVERY_LOG_LENGTH = 10;
/** Attempts older than this are dropped when the log is read or written. */
export const DELIVERY_LOG_DAYS = 90;
/** Field names kept per attempt: a first push sends every field, and the log must not grow the snapshot's write units. */
const MAX_FIELDS = 12;
const MAX_REASON = 300;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Not a field name (field names carry no "@"), like the snapshot's `@remoteId`. */
export const DELIVERY_LOG_KEY = '@deliveries';

// Stored compactly: short keys and one letter per outcome keep the snapshot item small.
const CODES: Record<DeliveryOutcome, string> = { delivered: 'd', 'skipped-consent': 's', rejected: 'r', retrying: 't' };
const OUTCOME_OF = Object.fromEntries(Object.entries(CODES).map(([outcome, code]) => [code, outcome])) as Record<string, DeliveryOutcome>;

const StoredAttempt = z.object({
  a: z.string(),
  o: z.enum(['d', 's', 'r', 't']),
  f: z.array(z.string()).optional(),
  r: z.string().optional(),
});
const StoredLog = z.array(StoredAttempt);

/** The log kept in a snapshot value; anything unreadable counts as no log (it is a diagnostic, never a reason to fail). */
export function decodeDeliveryLog(stored: FieldValue | undefined, now: Date): DeliveryAttempt[] {
  if (typeof stored !== 'string') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(stored);
  } catch {
    return [];
  }
  const result = StoredLog.safeParse(parsed);
  if (!result.success) return [];
  const since = now.getTime() - DELIVERY_LOG_DAYS * DAY_MS;
  return result.data
    .filter((s) => Date.parse(s.a) >= since)
    .map((s) => ({
      at: s.a,
      outcome: OUTCOME_OF[s.o] as DeliveryOutcome,
      fields: s.f ?? [],
      ...(s.r !== undefined ? { reason: s.r } : {}),
    }));
}

export function encodeDeliveryLog(log: readonly DeliveryAttempt[]): string {
  return JSON.stringify(
    log.map((e) => ({
      a: e.at,
      o: CODES[e.outcome],
      ...(e.fields.length > 0 ? { f: e.fields } : {}),
      ...(e.reason !== undefined ? { r: e.reason } : {}),
    })),
  );
}

/** The log with `attempt` first, at most DELIVERY_LOG_LENGTH attempts, none older than DELIVERY_LOG_DAYS. */
export function withAttempt(log: readonly DeliveryAttempt[], attempt: DeliveryAttempt, now: Date): DeliveryAttempt[] {
  const since = now.getTime() - DELIVERY_LOG_DAYS * DAY_MS;
  // What decides whether someone is at a destination comes first: consent, then the person's own fields.
  const ordered = [...attempt.fields].sort((a, b) => rank(a) - rank(b));
  const fields = ordered.length > MAX_FIELDS ? [...ordered.slice(0, MAX_FIELDS), `+${ordered.length - MAX_FIELDS} more`] : ordered;
  const entry: DeliveryAttempt = {
    at: attempt.at.replace(/\.\d+Z$/, 'Z'),
    outcome: attempt.outcome,
    fields,
    ...(attempt.reason !== undefined ? { reason: attempt.reason.slice(0, MAX_REASON) } : {}),
  };
  return [entry, ...log.filter((e) => Date.parse(e.at) >= since)].slice(0, DELIVERY_LOG_LENGTH);
}

const PERSON_FIELDS = new Set(['email', 'firstName', 'lastName', 'phone']);
const rank = (field: string): number => (field.startsWith('consent') ? 0 : PERSON_FIELDS.has(field) ? 1 : 2);

/**
 * Whether a skip for consent is worth a write: only when the log does not already end in one. A person without consent
 * changes as often as anyone; recording each skipped change would cost a write per change for nothing new to say.
 * (The push logs skips only for people the destination has a snapshot of: see pipeline/push-profiles.ts.)
 */
export function isNewSkip(log: readonly DeliveryAttempt[]): boolean {
  return log[0]?.outcome !== 'skipped-consent';
}

/**
 * Attempts per outcome in one push batch at one destination, for the per-instance counters: every delivery, rejection
 * and retry, and every changed profile not sent for want of consent (logged only once per person, when it starts).
 */
export type DeliveryCounts = Partial<Record<DeliveryOutcome, number>>;

/** The counter attribute of each outcome (status item of the push stage): `deliveredCount`, `skippedConsentCount`, … */
export const DELIVERY_COUNTERS = {
  delivered: 'deliveredCount',
  'skipped-consent': 'skippedConsentCount',
  rejected: 'rejectedCount',
  retrying: 'retryingCount',
} as const satisfies Record<DeliveryOutcome, string>;
export type DeliveryCounter = (typeof DELIVERY_COUNTERS)[DeliveryOutcome];
