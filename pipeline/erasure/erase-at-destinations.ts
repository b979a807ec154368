// An erasure at the destinations: every push instance of the tenant is asked to delete the person, and the erasure
// receipt keeps what each said. A retry (SQS redelivery, or the sweep re-queueing an open receipt) asks only the
// destinations that have not confirmed yet, and only ever deletes: nothing is pushed or re-created on this path.
import type { InstanceConfig } from '../../core/config.js';
import type { ErasureOutcome, ErasureSubject } from '../../core/destination.js';
import { isFinal, subjectDigest, type DestinationErasure } from '../../core/erasure/receipts.js';
import type {
  CampaignContactLog,
  ErasureReceiptStore,
  ProfileRepository,
  PushMessage,
  PushSnapshotStore,
  QuarantineStore,
} from '../../core/ports.js';
import type { Logger } from '../../connectors/sdk/index.js';
import { failureReason } from '../../connectors/sdk/failure-reason.js';
import { redactPersonalData } from '../../connectors/sdk/redact.js';
import type { InstanceResolver } from '../instances.js';
import { readSnapshot, storedSnapshot } from '../push-snapshot.js';
import { withoutSharedValues } from './shared-values.js';
import { eraseQuarantined } from './erase-quarantined.js';

export interface ErasureDeps {
  instances: InstanceResolver;
  snapshots: PushSnapshotStore;
  log: Logger;
  /** With it, values another live profile holds are kept out of what destinations delete by. */
  profiles?: Pick<ProfileRepository, 'lookupEntries' | 'get'>;
  contacts?: CampaignContactLog;
  /** With it, the person's quarantined deliveries are removed (erase-quarantined.ts). */
  quarantine?: QuarantineStore;
  /** Receipts per request and destination; without them every attempt asks every destination again. */
  receipts?: ErasureReceiptStore;
  now?: () => Date;
}

export type EraseMessage = Extract<PushMessage, { kind: 'erase' }>;

/** Throws when a destination failed, so the message is retried; the receipt keeps what was confirmed meanwhile. */
export async function eraseAtDestinations(deps: ErasureDeps, message: EraseMessage): Promise<void> {
  const { tenantId, subject } = message;
  const at = (deps.now?.() ?? new Date()).toISOString();
  const digest = subjectDigest(tenantId, subject.profileId);
  // Messages queued before request ids were always given: one receipt per subject then.
  const requestId = message.requestId ?? `unnamed-${digest}`;
  const mergedFrom = message.mergedFrom ?? [];
  const receipt = await deps.receipts?.open(tenantId, requestId, subject, at, mergedFrom);
  const ids = [subject.profileId, ...mergedFrom];
  if (receipt?.state === 'failed-permanently') {
    // Handed to an operator (too old, or the person came back): a late redelivery must not act behind their back, and
    // what a retry would have needed (the destinations' ids) goes, as the sweep dropped the kept subject.
    for (const id of ids) await deps.snapshots.removeAll(tenantId, id);
    deps.log.warn('erasure closed as failed-permanently: not retried (a new erase request starts over)', { tenantId, requestId });
    return;
  }

  // Decided at each attempt: the receipt keeps the whole subject, and sharing may end (or start) before a retry.
  const toErase = deps.profiles ? await withoutSharedValues(deps.profiles, tenantId, subject) : subject;
  const problems: string[] = [];
  /** The destinations' own ids (per profile id and instance) where the erasure failed: kept, without any field, for the retry. */
  const retryIds: { profileId: string; instance: string; remoteId: string }[] = [];
  let asked = 0;
  for (const instance of deps.instances.tenant(tenantId).instances.filter((i) => i.push)) {
    const earlier = receipt?.destinations[instance.id];
    if (earlier && isFinal(earlier.status)) {
      // Confirmed (or impossible) already: a retry never asks this destination again.
      continue;
    }
    // The destination's own ids (from the push snapshots) address this person only; a shared address would not. The
    // profiles it absorbed were pushed under their own ids, so their records there have ids of their own.
    const remote = await remoteIds(deps.snapshots, tenantId, ids, instance.id);
    const result = await eraseAt(deps, tenantId, instance, erasureSubjects(toErase, remote), earlier, at);
    asked++;
    await deps.receipts?.record(tenantId, requestId, digest, result, at);
    if (result.status === 'failed') {
      problems.push(`${instance.id}: ${result.reason ?? 'failed'}`);
      for (const r of remote) retryIds.push({ ...r, instance: instance.id });
    }
    if (result.status === 'unsupported')
      deps.log.warn('destination cannot erase: remove the person there by hand', {
        tenantId,
        instance: instance.id,
        requestId,
        profileId: subject.profileId,
      });
  }

  await deps.snapshots.removeAll(tenantId, subject.profileId);
  await deps.contacts?.removeAll(tenantId, subject.profileId);
  // The profiles it absorbed were pushed under their own ids once: those snapshots hold the person too.
  for (const id of mergedFrom) {
    await deps.snapshots.removeAll(tenantId, id);
    await deps.contacts?.removeAll(tenantId, id);
  }
  for (const { profileId, instance, remoteId } of retryIds)
    await deps.snapshots.put(tenantId, profileId, instance, storedSnapshot({}, remoteId));
  if (deps.quarantine) await eraseQuarantined(deps.quarantine, tenantId, subject.identifiers);
  // A redelivery of a settled erasure asked nobody: it is no attempt, and changes no receipt.
  if (receipt?.state === 'settled' && asked === 0) return;
  if (problems.length > 0) {
    deps.log.warn('erasure incomplete: will be retried', { tenantId, requestId, failed: problems.length });
    throw new Error(`erasure ${requestId} incomplete at ${problems.join('; ')}`);
  }
  await deps.receipts?.close(tenantId, requestId, digest, 'settled', at);
}

/** Asks one destination instance to delete the subject; never throws: a failure is an outcome with its reason. */
async function eraseAt(
  deps: ErasureDeps,
  tenantId: string,
  instance: InstanceConfig,
  subjects: ErasureSubject[],
  earlier: DestinationErasure | undefined,
  at: string,
): Promise<DestinationErasure> {
  const base = { instance: instance.id, connector: instance.connector };
  const attempt = { attempts: (earlier?.attempts ?? 0) + 1, firstAttemptAt: earlier?.firstAttemptAt ?? at, lastAttemptAt: at };
  let bound;
  try {
    bound = await deps.instances.resolve(tenantId, instance.id);
  } catch (error) {
    // A missing secret or a broken setting: nothing was asked, and a retry after the fix will.
    return {
      ...base,
      status: 'failed',
      reason: cut(`cannot reach ${instance.id}: ${redactPersonalData((error as Error).message)}`),
      attempts: earlier?.attempts ?? 0,
      ...(earlier?.firstAttemptAt ? { firstAttemptAt: earlier.firstAttemptAt } : {}),
      lastAttemptAt: at,
    };
  }
  const connector = bound.connector;
  if (!connector.erase) {
    return {
      ...base,
      status: 'unsupported',
      reason: connector.eraseUnsupported ?? `the ${connector.name} connector has no erasure API: remove the person there by hand`,
      attempts: 0,
    };
  }
  try {
    const outcome = worstOutcome(await connector.erase(bound.context, subjects), subjects.length);
    if (!outcome) return { ...base, ...attempt, status: 'failed', reason: `the ${connector.name} connector returned no outcome` };
    switch (outcome.status) {
      case 'confirmed':
        return { ...base, ...attempt, status: 'confirmed', confirmedAt: at };
      case 'requested':
        // The vendor acknowledged the deletion (e.g. Klaviyo's 202 for a data-privacy deletion job) and completes it on its side.
        return {
          ...base,
          ...attempt,
          status: 'confirmed',
          confirmedAt: at,
          reason: `${connector.name} accepted the deletion and completes it asynchronously`,
        };
      case 'unsupported':
        return {
          ...base,
          ...attempt,
          status: 'unsupported',
          reason: `${connector.name} cannot erase this person through its API: remove them there by hand`,
        };
      case 'failed':
        return { ...base, ...attempt, status: 'failed', reason: cut(redactPersonalData(outcome.reason)) };
    }
  } catch (error) {
    return { ...base, ...attempt, status: 'failed', reason: failureReason(connector.name, error).reason };
  }
}

const cut = (text: string) => text.slice(0, 300);

/** The destination's own id for each of the ids that has one at this instance (one record may serve several). */
async function remoteIds(
  snapshots: PushSnapshotStore,
  tenantId: string,
  ids: readonly string[],
  instance: string,
): Promise<{ profileId: string; remoteId: string }[]> {
  const found: { profileId: string; remoteId: string }[] = [];
  for (const profileId of ids) {
    const remoteId = readSnapshot(await snapshots.get(tenantId, profileId, instance))?.remoteId;
    if (remoteId !== undefined && !found.some((f) => f.remoteId === remoteId)) found.push({ profileId, remoteId });
  }
  return found;
}

/**
 * What the connector is asked to delete: the subject (with the first destination id), and one subject with nothing but
 * its destination id for each further record (an absorbed profile's, reachable otherwise only by a value left out).
 */
function erasureSubjects(subject: ErasureSubject, remote: readonly { remoteId: string }[]): ErasureSubject[] {
  const [first, ...more] = remote;
  return [
    first ? { ...subject, remoteId: first.remoteId } : subject,
    ...more.map((r) => ({ profileId: subject.profileId, identifiers: [], remoteId: r.remoteId })),
  ];
}

/** One outcome for the destination: a failure of any record fails it, then "unsupported", then "requested". */
function worstOutcome(outcomes: readonly ErasureOutcome[], expected: number): ErasureOutcome | undefined {
  if (outcomes.length < expected) return undefined;
  const rank = { failed: 3, unsupported: 2, requested: 1, confirmed: 0 } as const;
  return outcomes.reduce((worst, o) => (rank[o.status] > rank[worst.status] ? o : worst));
}
