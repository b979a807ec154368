// Erasure receipts: per erasure request and destination, whether the deletion was requested, confirmed, unsupported
// or failed (with the reason), how often it was tried and when. Nothing in a receipt names the person: profile ids and
// identifier digests only. The subject itself (e-mail, identifiers) is kept apart, only until the erasure settles,
// because a retry must be able to ask the destinations again.
import { createHash } from 'node:crypto';
import type { ErasureSubject } from '../destination.js';
import type { CanonicalEvent } from '../events.js';
import type { IdentifierDigest } from '../identifier-digest.js';
import { identifierDigest } from '../identifiers.js';

export type DestinationErasureStatus = 'requested' | 'confirmed' | 'unsupported' | 'failed';

/** What one destination instance said about one subject of a request. */
export interface DestinationErasure {
  instance: string;
  /** The connector behind the instance (copernica, squeezely, …). */
  connector: string;
  status: DestinationErasureStatus;
  /** Why: the redacted vendor error of a failure, what an unsupported connector lacks, how a confirmation came. */
  reason?: string;
  /** Calls made to the destination (an unsupported one is never called). */
  attempts: number;
  firstAttemptAt?: string;
  lastAttemptAt?: string;
  confirmedAt?: string;
}

/** `open` until every destination is confirmed or unsupported (`settled`); `failed-permanently` after the max age. */
export type ErasureState = 'open' | 'settled' | 'failed-permanently';

/** The receipt of one subject (one erased profile) of a request: a whole-source erasure has many. */
export interface SubjectReceipt {
  tenantId: string;
  requestId: string;
  /** SHA-256 of tenant and profile id: ties retries of one erasure together, names nobody. */
  subjectDigest: string;
  /** syncline's own profile id (a random id); absent when no profile matched the request. */
  profileId?: string;
  /**
   * The keyed digest (core/identifier-digest.ts; the legacy one on receipts written before the stage had a key) of each
   * identifier the person had: lets an operator answer "was this address erased?".
   */
  identifierDigests: string[];
  /** Identifier types (never values). */
  identifierTypes: string[];
  requestedAt: string;
  updatedAt: string;
  state: ErasureState;
  /** Why a receipt was closed without every destination confirming (past the max age, the person came back). */
  closedReason?: string;
  destinations: Record<string, DestinationErasure>;
}

/** One erasure request as an operator follows it: its subjects and, per destination, the status over all of them. */
export interface ErasureReceipt {
  tenantId: string;
  requestId: string;
  requestedAt: string;
  updatedAt: string;
  state: ErasureState;
  subjects: SubjectReceipt[];
  destinations: DestinationErasure[];
}

/** A subject whose erasure has not settled, with what a retry needs (personal data: kept only until it settles). */
export interface PendingErasure {
  tenantId: string;
  requestId: string;
  subjectDigest: string;
  subject: ErasureSubject;
  /** Ids the subject's profile absorbed: a retry erases their records at the destinations too. */
  mergedFrom?: string[];
  requestedAt: string;
  /** The last time the push tried, or the sweep queued a retry. */
  lastTriedAt: string;
}

/** The digest that names a subject in receipts and logs: SHA-256 of tenant and profile id. */
export function subjectDigest(tenantId: string, profileId: string): string {
  return createHash('sha256').update(`${tenantId}\u0000${profileId}`).digest('base64url').slice(0, 32);
}

/**
 * The request id of an erasure event: the vendor's or operator's own, else one derived from the event, so that a
 * redelivered event gives the same id (and the same receipt) and the id carries nothing of the person.
 */
export function erasureRequestId(
  event: Pick<CanonicalEvent, 'tenantId' | 'source' | 'sourceEventId'> & { data: { requestId?: string | undefined } },
): string {
  if (event.data.requestId) return event.data.requestId;
  const digest = createHash('sha256')
    .update(`${event.tenantId}\u0000${event.source.instance}\u0000${event.sourceEventId}`)
    .digest('base64url')
    .slice(0, 22);
  return `${event.source.instance}-${digest}`;
}

/** A new receipt for a subject: no destination asked yet. */
export function newSubjectReceipt(
  tenantId: string,
  requestId: string,
  subject: ErasureSubject,
  at: string,
  digest: IdentifierDigest = identifierDigest,
): SubjectReceipt {
  return {
    tenantId,
    requestId,
    subjectDigest: subjectDigest(tenantId, subject.profileId),
    // `unknown:<source event id>` is a placeholder for "no profile matched"; the event id is the vendor's, so it stays out.
    ...(subject.profileId.startsWith('unknown:') ? {} : { profileId: subject.profileId }),
    identifierDigests: [...new Set(subject.identifiers.map((id) => digest(tenantId, id)))].sort(),
    identifierTypes: [...new Set(subject.identifiers.map((i) => (i.type.startsWith('customerId:') ? 'customerId' : i.type)))].sort(),
    requestedAt: at,
    updatedAt: at,
    state: 'open',
    destinations: {},
  };
}

/** A destination needs no more attempts once it confirmed or cannot erase at all. */
export function isFinal(status: DestinationErasureStatus | undefined): boolean {
  return status === 'confirmed' || status === 'unsupported';
}

/** Folds the subjects of one request into the receipt an operator reads; undefined without subjects. */
function combineReceipt(subjects: readonly SubjectReceipt[]): ErasureReceipt | undefined {
  const first = subjects[0];
  if (!first) return undefined;
  const rank: Record<DestinationErasureStatus, number> = { failed: 3, requested: 2, unsupported: 1, confirmed: 0 };
  const byInstance = new Map<string, DestinationErasure>();
  for (const subject of subjects) {
    for (const d of Object.values(subject.destinations)) {
      const seen = byInstance.get(d.instance);
      if (!seen) {
        byInstance.set(d.instance, { ...d });
        continue;
      }
      // The worst status wins (one failed subject makes the destination failed); attempts add up.
      const worse = rank[d.status] > rank[seen.status] ? d : seen;
      byInstance.set(d.instance, {
        ...worse,
        attempts: seen.attempts + d.attempts,
        ...minMax(seen, d),
      });
    }
  }
  const states = new Set(subjects.map((s) => s.state));
  const state: ErasureState = states.has('failed-permanently') ? 'failed-permanently' : states.has('open') ? 'open' : 'settled';
  return {
    tenantId: first.tenantId,
    requestId: first.requestId,
    requestedAt: subjects.map((s) => s.requestedAt).sort()[0]!,
    updatedAt: subjects
      .map((s) => s.updatedAt)
      .sort()
      .at(-1)!,
    state,
    subjects: [...subjects],
    destinations: [...byInstance.values()].sort((a, b) => a.instance.localeCompare(b.instance)),
  };
}

function minMax(a: DestinationErasure, b: DestinationErasure): Pick<DestinationErasure, 'firstAttemptAt' | 'lastAttemptAt'> {
  const firsts = [a.firstAttemptAt, b.firstAttemptAt].filter((x): x is string => x !== undefined).sort();
  const lasts = [a.lastAttemptAt, b.lastAttemptAt].filter((x): x is string => x !== undefined).sort();
  return { ...(firsts[0] ? { firstAttemptAt: firsts[0] } : {}), ...(lasts.at(-1) ? { lastAttemptAt: lasts.at(-1)! } : {}) };
}

/** Groups subject receipts by request, newest request first. */
export function receiptsByRequest(subjects: readonly SubjectReceipt[], limit = Number.POSITIVE_INFINITY): ErasureReceipt[] {
  const groups = new Map<string, SubjectReceipt[]>();
  for (const s of subjects) groups.set(s.requestId, [...(groups.get(s.requestId) ?? []), s]);
  return [...groups.values()]
    .map((g) => combineReceipt(g)!)
    .sort((a, b) => (a.requestedAt < b.requestedAt ? 1 : a.requestedAt > b.requestedAt ? -1 : a.requestId.localeCompare(b.requestId)))
    .slice(0, limit);
}
