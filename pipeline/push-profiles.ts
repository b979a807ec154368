// Pushes changed profiles to every destination of their tenant: only what changed since the last push, only with
// consent, in the destination's batch size; erasures go to every destination (erase-at-destinations.ts).
import { CONSENT_FIELDS, changedFields, fieldSource, projectProfile } from '../core/projection.js';
import type { FieldValue, ProfileChange } from '../core/destination.js';
import type {
  CampaignContactLog,
  ErasureReceiptStore,
  ProfileRepository,
  PushMessage,
  PushSnapshotStore,
  StatusRecorder,
  TenantStatsStore,
  QuarantineStore,
} from '../core/ports.js';
import type { Profile } from '../core/profile.js';
import { liveProfile } from '../core/live-profile.js';
import type { Logger } from '../connectors/sdk/index.js';
import { redactPersonalData } from '../connectors/sdk/redact.js';
import type { BoundInstance, InstanceResolver } from './instances.js';
import { eraseAtDestinations } from './erasure/erase-at-destinations.js';
import { destinationName, selectFields, withPurposeConsent } from '../core/campaign/field-mapping.js';
import { contactsField, contactsWithin, triggeredCampaigns, type CampaignContact } from '../core/campaign/frequency-cap.js';
import { readSnapshot, storedSnapshot, type PushSnapshot } from './push-snapshot.js';
import {
  DELIVERY_LOG_DAYS,
  decodeDeliveryLog,
  encodeDeliveryLog,
  isNewSkip,
  withAttempt,
  type DeliveryCounts,
  type DeliveryOutcome,
} from '../core/delivery-log.js';
import type { CatalogStore } from '../core/catalog/catalog-store.js';
import type { CatalogProduct } from '../core/catalog/product.js';
import { catalogCategoriesOf, readCatalogView } from '../core/campaign/catalog-view.js';
import { sendsBack } from '../core/merge/echoes.js';
import { encodePending } from '../core/pending-push.js';
import { withSurveyLinks, type SurveyLinkDeps } from './survey/push-survey-links.js';
import { unpackSyncs } from './packed-syncs.js';

export interface PushDeps {
  instances: InstanceResolver;
  profiles: ProfileRepository;
  snapshots: PushSnapshotStore;
  status: StatusRecorder;
  log: Logger;
  /** Tenant stats of the last sweep, for RFM and cross-sell fields (cached). */
  stats?: Pick<TenantStatsStore, 'get'>;
  /** Campaign contacts per profile: with it, pushes are recorded and a contacts-in-window field is sent. */
  contacts?: CampaignContactLog;
  /** Erasures leave a record without personal data here. */
  /** Erasure receipts: what each destination said per request; a retry skips the destinations that confirmed. */
  receipts?: ErasureReceiptStore;
  now?: () => Date;
  /** The person's quarantined deliveries go with an erasure (pipeline/erasure/erase-quarantined.ts). */
  quarantine?: QuarantineStore;
  /** The survey's answer links for the abandoned-cart mail (pipeline/survey/push-survey-links.ts). */
  surveyLinks?: SurveyLinkDeps;
  /**
   * The tenant catalogs: comparable products for cross-sell and the price follow-up (core/campaign/catalog-view.ts),
   * read per category a profile needs, once per batch. Without it those fields come from the tenant stats alone.
   */
  catalog?: Pick<CatalogStore, 'inCategory'>;
}

/** One catalog read per tenant and category per batch, however many profiles and destinations need it. */
type CatalogCache = Map<string, Promise<CatalogProduct[]>>;

export interface QueuedPush {
  id: string;
  message: PushMessage;
}

/**
 * A push limited to one destination (a resync, pipeline/resync/): `full` sends every field as if the destination had
 * no snapshot (after a field-mapping change); `onOutcome` hears what became of each profile there.
 */
export interface PushScope {
  instance: string;
  full?: boolean;
  onOutcome?: (outcome: ScopedOutcome) => void;
}

/** What one profile's push to the scoped destination came to; reasons are the connector's (no personal data). */
export type ScopedOutcome =
  | { messageId: string; profileId: string; status: 'pushed' }
  | { messageId: string; profileId: string; status: 'refused' | 'retrying'; reason: string };

interface Pending {
  messageId: string;
  change: ProfileChange;
  snapshot: Record<string, FieldValue>;
  /** Campaigns this push starts for the person, recorded once the destination took it. */
  contacts: CampaignContact[];
  /** The snapshot diffed against: a failed push keeps it, with the attempt added to its delivery log. */
  previous?: PushSnapshot;
}

/**
 * What a destination gets of a profile: a change to push, nothing for want of consent (logged as a skip), or nothing
 * but a snapshot that records values the destination has already (they came from it), written with the batch's.
 */
type Prepared =
  | { kind: 'push'; pending: Pending }
  | { kind: 'skip'; previous?: PushSnapshot }
  | { kind: 'record'; snapshot: Record<string, FieldValue> };

/** A snapshot item to write at the end of the batch: a pushed one, or a kept one whose delivery log gained an attempt. */
interface SnapshotWrite {
  tenantId: string;
  profileId: string;
  instance: string;
  fields: Record<string, FieldValue>;
  messageId: string;
  /** Only the delivery log changed: a failed write costs the log entry, never a retry of the push. */
  logOnly: boolean;
  expiresAt?: number;
}

/** A single sync or erasure: a queued message, or one profile of a packed one (pipeline/packed-syncs.ts). */
interface SinglePush {
  id: string;
  message: Exclude<PushMessage, { kind: 'syncs' }>;
}

/**
 * Returns the ids of the messages that must be retried. A packed message is pushed as its single syncs, each under an
 * id of its own; any of them failing fails the message, which is retried whole (pipeline/packed-syncs.ts says why).
 */
export async function pushProfiles(deps: PushDeps, messages: readonly QueuedPush[], scope?: PushScope): Promise<string[]> {
  const messageOf = new Map<string, string>();
  const singles = messages.flatMap(({ id, message }): SinglePush[] => {
    if (message.kind !== 'syncs') return [{ id, message }];
    return unpackSyncs(message).map((single, i) => {
      messageOf.set(`${id}#${i}`, id);
      return { id: `${id}#${i}`, message: single };
    });
  });
  const idOf = (unit: string) => messageOf.get(unit) ?? unit;
  const onOutcome = scope?.onOutcome;
  const scoped =
    scope && onOutcome ? { ...scope, onOutcome: (o: ScopedOutcome) => onOutcome({ ...o, messageId: idOf(o.messageId) }) } : scope;
  return [...new Set((await pushSingles(deps, singles, scoped)).map(idOf))];
}

async function pushSingles(deps: PushDeps, messages: readonly SinglePush[], scope?: PushScope): Promise<string[]> {
  const failed = new Set<string>();
  const perDestination = new Map<string, { destination: BoundInstance; pending: Pending[] }>();
  const { unique, sameProfile } = onePerProfile(messages);
  const ahead = await readAhead(deps, unique);
  const written: SnapshotWrite[] = [];
  const catalogCache: CatalogCache = new Map();
  const now = deps.now?.() ?? new Date();
  const counts = new Map<string, DeliveryCounts>();
  const count = (tenantId: string, instance: string, outcome: DeliveryOutcome) => {
    const key = `${tenantId}\u0000${instance}`;
    const c = counts.get(key) ?? {};
    c[outcome] = (c[outcome] ?? 0) + 1;
    counts.set(key, c);
  };
  /** The attempt goes into the person's delivery log: kept in the snapshot written at the end of the batch. */
  const logAttempt = (
    tenantId: string,
    instance: string,
    profileId: string,
    messageId: string,
    previous: PushSnapshot | undefined,
    attempt: { outcome: DeliveryOutcome; fields?: string[]; reason?: string },
  ) => {
    const log = withAttempt(
      decodeDeliveryLog(previous?.deliveries, now),
      {
        at: now.toISOString(),
        outcome: attempt.outcome,
        fields: attempt.fields ?? [],
        ...(attempt.reason !== undefined ? { reason: redactPersonalData(attempt.reason) } : {}),
      },
      now,
    );
    // An item that is nothing but a log (no field was ever delivered, no destination id) expires with it.
    const logOnlyItem = previous === undefined || (Object.keys(previous.fields).length === 0 && previous.remoteId === undefined);
    written.push({
      tenantId,
      profileId,
      instance,
      fields: storedSnapshot(previous?.fields ?? {}, previous?.remoteId, encodeDeliveryLog(log)),
      messageId,
      logOnly: true,
      ...(logOnlyItem ? { expiresAt: Math.floor(now.getTime() / 1000) + DELIVERY_LOG_DAYS * 86_400 } : {}),
    });
  };

  for (const { id, message } of unique) {
    try {
      if (message.kind === 'erase') {
        await eraseAtDestinations(deps, message);
        continue;
      }
      const profile = await liveProfile(ahead.profiles, message.tenantId, message.profileId);
      if (!profile) continue; // erased since: nothing to push
      for (const destination of await deps.instances.destinations(message.tenantId)) {
        if (scope && destination.instance.id !== scope.instance) continue;
        const prepared = await pendingChange(
          { ...deps, snapshots: ahead.snapshots, ...(ahead.contacts ? { contacts: ahead.contacts } : {}) },
          destination,
          profile,
          id,
          message.statsAt,
          catalogCache,
          scope?.full === true,
        );
        if (!prepared) continue;
        if (prepared.kind === 'record') {
          const { tenantId, profileId } = profile;
          written.push({
            tenantId,
            profileId,
            instance: destination.instance.id,
            fields: prepared.snapshot,
            messageId: id,
            logOnly: false,
          });
          continue;
        }
        if (prepared.kind === 'skip') {
          const instance = destination.instance.id;
          count(message.tenantId, instance, 'skipped-consent');
          // Logged only for someone the destination has a record of (a snapshot: delivered, or attempted, before), and
          // once, when the skips start: a person who never consented is shown as such from the profile's consent
          // (pipeline/delivery-log-view.ts), and a write per change of a person without consent would buy nothing.
          if (prepared.previous !== undefined && isNewSkip(decodeDeliveryLog(prepared.previous.deliveries, now)))
            logAttempt(message.tenantId, instance, profile.profileId, id, prepared.previous, {
              outcome: 'skipped-consent',
              reason: `no ${destination.connector.push!.purpose} consent`,
            });
          continue;
        }
        const { pending } = prepared;
        const key = `${message.tenantId}/${destination.instance.id}`;
        const group = perDestination.get(key) ?? { destination, pending: [] };
        group.pending.push(pending);
        perDestination.set(key, group);
      }
    } catch (error) {
      deps.log.error('push preparation failed', { messageId: id, tenantId: message.tenantId, reason: (error as Error).message });
      failed.add(id);
    }
  }

  // What the batch is about to write, recorded first in each person's snapshot item (one write per tenant): a callback
  // that answers a write before its snapshot is stored below is still known as our echo (core/merge/echoes.ts). The
  // snapshot written after the call replaces it. A destination that sends nothing back cannot answer: nothing recorded.
  const pendingWrites = [...perDestination.values()].flatMap(({ destination, pending }) =>
    sendsBack(destination.tenant, destination.instance.id)
      ? pending.map((item) => pendingSnapshot(destination.tenant.id, destination.instance.id, item, now))
      : [],
  );
  const unrecorded = new Set<string>();
  for (const [tenantId, writes] of groupBy(pendingWrites, (w) => w.tenantId)) {
    try {
      await writeSnapshots(deps.snapshots, tenantId, writes);
    } catch (error) {
      // Nothing is pushed for the tenant: its messages are retried.
      unrecorded.add(tenantId);
      deps.log.error('could not record the pending push', { tenantId, profiles: writes.length, reason: (error as Error).message });
    }
  }

  for (const { destination, pending } of perDestination.values()) {
    const push = destination.connector.push!;
    for (let i = 0; i < pending.length; i += push.maxBatchSize) {
      const batch = pending.slice(i, i + push.maxBatchSize);
      const tenantId = destination.tenant.id;
      const instance = destination.instance.id;
      if (unrecorded.has(tenantId)) {
        for (const item of batch) failed.add(item.messageId);
        continue;
      }
      try {
        const outcomes = await push.push(
          destination.context,
          batch.map((p) => p.change),
        );
        let ok = 0;
        for (const [index, item] of batch.entries()) {
          const outcome = outcomes[index];
          const { profileId } = item.change;
          if (outcome?.status === 'pushed') {
            // Contact first: a crash in between may count a contact twice, never lose one (at least once).
            if (item.contacts.length > 0) await deps.contacts?.record(tenantId, item.change.profileId, item.contacts);
            const remoteId = outcome.remoteId ?? item.change.remoteId;
            // The delivery log rides on the snapshot this push writes anyway: a delivery costs no write of its own.
            const log = withAttempt(
              decodeDeliveryLog(item.previous?.deliveries, now),
              { at: now.toISOString(), outcome: 'delivered', fields: item.change.changed },
              now,
            );
            written.push({
              tenantId,
              profileId,
              instance,
              fields: storedSnapshot(item.snapshot, remoteId, encodeDeliveryLog(log)),
              messageId: item.messageId,
              logOnly: false,
            });
            count(tenantId, instance, 'delivered');
            scope?.onOutcome?.({ messageId: item.messageId, profileId, status: 'pushed' });
            ok++;
          } else if (!outcome || outcome.retryable) {
            failed.add(item.messageId);
            const reason = outcome?.reason ?? 'the destination did not report on the profile';
            count(tenantId, instance, 'retrying');
            logAttempt(tenantId, instance, profileId, item.messageId, item.previous, {
              outcome: 'retrying',
              fields: item.change.changed,
              reason,
            });
            scope?.onOutcome?.({ messageId: item.messageId, profileId, status: 'retrying', reason });
          } else {
            count(tenantId, instance, 'rejected');
            logAttempt(tenantId, instance, profileId, item.messageId, item.previous, {
              outcome: 'rejected',
              fields: item.change.changed,
              reason: outcome.reason,
            });
            scope?.onOutcome?.({ messageId: item.messageId, profileId, status: 'refused', reason: outcome.reason });
            // Retrying cannot help (e.g. the destination refuses the record): record it and move on.
            deps.log.warn('destination refused a profile', {
              tenantId,
              instance,
              profileId: item.change.profileId,
              reason: outcome.reason,
            });
          }
        }
        // The delivery counts ride on the push stage's status write that follows (no write of their own).
        takeCounts(deps, counts, tenantId, instance);
        await deps.status.record(tenantId, instance, 'push', 'ok', ok);
        if (ok < batch.length) await deps.status.record(tenantId, instance, 'push', 'error', batch.length - ok);
      } catch (error) {
        deps.log.error('push failed', { tenantId, instance, profiles: batch.length, reason: (error as Error).message });
        for (const item of batch) {
          failed.add(item.messageId);
          count(tenantId, instance, 'retrying');
          logAttempt(tenantId, instance, item.change.profileId, item.messageId, item.previous, {
            outcome: 'retrying',
            fields: item.change.changed,
            reason: (error as Error).message,
          });
          scope?.onOutcome?.({
            messageId: item.messageId,
            profileId: item.change.profileId,
            status: 'retrying',
            reason: (error as Error).message,
          });
        }
        takeCounts(deps, counts, tenantId, instance);
        await deps.status.record(tenantId, instance, 'push', 'error', batch.length);
      }
    }
  }
  // Destinations that only skipped (no push call): their counts wait for the push stage's next status write.
  for (const key of [...counts.keys()]) {
    const [tenantId, instance] = key.split('\u0000') as [string, string];
    takeCounts(deps, counts, tenantId, instance);
  }
  // The snapshots of the batch, with the delivery logs of the attempts that failed or were skipped, in one write per
  // tenant; each replaces the item's pending state (a failed call leaves the confirmed fields as they were). A failure
  // retries the pushed messages (the destination takes a change twice, never misses one), and leaves the pending state
  // in place, so the callbacks of this write are still recognised until the retry stores the snapshot. A lost log
  // entry of a failure is not worth a retry of its push.
  for (const [tenantId, snapshots] of groupBy(written, (w) => w.tenantId)) {
    try {
      await writeSnapshots(deps.snapshots, tenantId, snapshots);
    } catch (error) {
      deps.log.error('could not store push snapshots', { tenantId, profiles: snapshots.length, reason: (error as Error).message });
      for (const w of snapshots) if (!w.logOnly) failed.add(w.messageId);
    }
  }
  // The messages folded into another share its fate.
  return [...failed].flatMap((id) => [id, ...(sameProfile.get(id) ?? [])]);
}

/** A pushed person's snapshot item before the vendor call: the confirmed snapshot as it was, and what is being written. */
function pendingSnapshot(
  tenantId: string,
  instance: string,
  item: Pending,
  now: Date,
): { tenantId: string; profileId: string; instance: string; fields: Record<string, FieldValue>; expiresAt?: number } {
  const { previous } = item;
  // Like an item that holds only a delivery log, one that confirms nothing yet expires unless the push completes.
  const confirmsNothing = previous === undefined || (Object.keys(previous.fields).length === 0 && previous.remoteId === undefined);
  return {
    tenantId,
    profileId: item.change.profileId,
    instance,
    fields: storedSnapshot(
      previous?.fields ?? {},
      previous?.remoteId,
      previous?.deliveries,
      encodePending(previous?.fields, item.snapshot),
    ),
    ...(confirmsNothing ? { expiresAt: Math.floor(now.getTime() / 1000) + DELIVERY_LOG_DAYS * 86_400 } : {}),
  };
}

async function writeSnapshots(
  store: PushSnapshotStore,
  tenantId: string,
  snapshots: readonly { profileId: string; instance: string; fields: Record<string, FieldValue>; expiresAt?: number }[],
): Promise<void> {
  if (store.putMany) await store.putMany(tenantId, snapshots);
  else for (const w of snapshots) await store.put(tenantId, w.profileId, w.instance, w.fields);
}

/** Hands one destination's delivery counts of the batch to the status recorder, once. */
function takeCounts(deps: PushDeps, counts: Map<string, DeliveryCounts>, tenantId: string, instance: string): void {
  const key = `${tenantId}\u0000${instance}`;
  const c = counts.get(key);
  if (!c) return;
  counts.delete(key);
  deps.status.deliveries?.(tenantId, instance, c);
}

/**
 * One sync per profile per batch. Two messages for one profile, prepared one after the other while the merge wrote a
 * newer version in between, became two changes diffed against the same snapshot and pushed concurrently: the older
 * one could land last and stay at the destination, with the snapshot saying the newer one had been sent (found by
 * test/faults.test.ts). The first message stands for the others, with the newest stats any of them asked for.
 */
function onePerProfile(messages: readonly SinglePush[]): { unique: SinglePush[]; sameProfile: Map<string, string[]> } {
  const unique: SinglePush[] = [];
  const sameProfile = new Map<string, string[]>();
  const firstFor = new Map<string, number>();
  for (const queued of messages) {
    const { message } = queued;
    if (message.kind !== 'sync') {
      unique.push(queued);
      continue;
    }
    const key = `${message.tenantId}|${message.profileId}`;
    const at = firstFor.get(key);
    if (at === undefined) {
      firstFor.set(key, unique.length);
      unique.push(queued);
      sameProfile.set(queued.id, []);
      continue;
    }
    const first = unique[at]!;
    const firstMessage = first.message as Extract<PushMessage, { kind: 'sync' }>;
    const statsAt = [firstMessage.statsAt, message.statsAt]
      .filter((s): s is string => s !== undefined)
      .sort()
      .at(-1);
    // A version is the least the read must see; one message without any asks for a strong read of the whole group.
    const version =
      firstMessage.version !== undefined && message.version !== undefined ? Math.max(firstMessage.version, message.version) : undefined;
    const { version: _version, ...rest } = firstMessage;
    unique[at] = {
      id: first.id,
      message: { ...rest, ...(statsAt !== undefined ? { statsAt } : {}), ...(version !== undefined ? { version } : {}) },
    };
    sameProfile.get(first.id)!.push(queued.id);
  }
  return { unique, sameProfile };
}

/** What this destination has not yet seen of the profile, or nothing when consent is missing or nothing changed. */
async function pendingChange(
  deps: PushDeps,
  destination: BoundInstance,
  profile: Profile,
  messageId: string,
  statsAt?: string,
  catalogCache?: CatalogCache,
  full = false,
): Promise<Prepared | undefined> {
  const push = destination.connector.push;
  if (!push) return undefined;
  const tenant = destination.tenant;
  const now = deps.now?.() ?? new Date();
  const { campaigns } = tenant;
  const mapping = campaigns.fieldMapping[destination.instance.id];
  const projected = await withSurveyLinks(
    deps.surveyLinks,
    deps.log,
    tenant,
    profile,
    projectProfile(profile, {
      campaigns,
      now,
      stats: await deps.stats?.get(tenant.id, statsAt),
      ...(deps.catalog
        ? { catalog: await readCatalogView(deps.catalog, tenant.id, catalogCategoriesOf(profile, campaigns, now), catalogCache) }
        : {}),
    }),
    now,
  );
  const fields = selectFields(campaigns.purposeConsent ? withPurposeConsent(projected, profile.consent, push.purpose) : projected, mapping);
  const consented = profile.consent[push.purpose]?.granted === true;
  const previous = readSnapshot(await deps.snapshots.get(profile.tenantId, profile.profileId, destination.instance.id));
  const last = previous?.fields;
  const consentField = CONSENT_FIELDS[push.purpose];
  const consentWasPushed = last !== undefined && last[consentField] === true;
  if (!consented && !consentWasPushed) return { kind: 'skip', ...(previous ? { previous } : {}) };
  // Without consent only the withdrawal itself travels, so the destination stops mailing.
  const outgoing = consented ? fields : { ...(last ?? {}), [consentField]: fields[consentField] ?? false };
  const contacts: CampaignContact[] = [];
  if (consented && deps.contacts) {
    for (const campaign of triggeredCampaigns(campaigns.campaigns, last, outgoing))
      contacts.push({ campaign, instance: destination.instance.id, at: now.toISOString() });
    const field = contactsField(campaigns.frequency.windowDays);
    // The contact log is read only when a destination field carries the count.
    if (selectFields({ [field]: 0 }, mapping)[field] !== undefined) {
      const earlier = await deps.contacts.list(profile.tenantId, profile.profileId);
      outgoing[field] = contactsWithin([...earlier, ...contacts], now, campaigns.frequency.windowDays);
    }
  }
  // A value that came from this destination is there already: it is not written back (that write would come back as
  // one more callback), only recorded as known there (issue 22).
  const instance = destination.instance.id;
  // A full resync diffs against nothing: every field goes again (a field-mapping change renamed or added some).
  const changed = changedFields(full ? undefined : last, outgoing).filter((k) => fieldSource(profile, k) !== instance);
  if (changed.length === 0) {
    return changedFields(last, outgoing).length > 0
      ? { kind: 'record', snapshot: storedSnapshot(outgoing, previous?.remoteId, previous?.deliveries) }
      : undefined;
  }
  const email = typeof fields.email === 'string' ? fields.email : undefined;
  // The destination knows the person by the address it last received: an address change must move that member.
  const lastEmail = typeof last?.email === 'string' ? last.email : undefined;
  const previousEmail =
    lastEmail !== undefined && email !== undefined && lastEmail.toLowerCase() !== email.toLowerCase() ? lastEmail : undefined;
  // Snapshots keep syncline's names; the destination gets its own (a renamed consent field is refused by the config).
  const named = (k: string) => destinationName(k, mapping);
  const pending: Pending = {
    messageId,
    snapshot: outgoing,
    contacts,
    ...(previous ? { previous } : {}),
    change: {
      profileId: profile.profileId,
      identifiers: profile.identifiers.map(({ type, value }) => ({ type, value })),
      ...(email ? { email } : {}),
      fields: Object.fromEntries(changed.map((k) => [named(k), outgoing[k] ?? null])),
      changed: changed.map(named),
      consent: Object.fromEntries(Object.entries(profile.consent).map(([purpose, record]) => [purpose, record.granted])),
      ...(previousEmail !== undefined ? { previousEmail } : {}),
      ...(previous?.remoteId !== undefined ? { remoteId: previous.remoteId } : {}),
    },
  };
  return { kind: 'push', pending };
}

/**
 * The batch's profiles (tombstones followed) and their snapshots at every pushing destination, read ahead in one
 * BatchGetItem round each; a failure only costs the saving (each is then read alone). A profile whose message names the
 * version the merge committed is read eventually consistently (half the read units) and again strongly only when that
 * answer is older or absent: the sync is sent after the commit, so a replica may not have it yet, and the push would
 * then record the older state as delivered. A message without a version is read strongly, as before.
 */
async function readAhead(
  deps: PushDeps,
  unique: readonly SinglePush[],
): Promise<{ profiles: Pick<ProfileRepository, 'get'>; snapshots: PushSnapshotStore; contacts?: CampaignContactLog }> {
  const profiles = new Map<string, Profile | undefined>();
  const snapshots = new Map<string, Record<string, FieldValue> | undefined>();
  /** tenant → the persons asked about, and those of them that may have contacts in the window (others: read the log). */
  const contacted = new Map<string, { live: Set<string>; contacted: ReadonlySet<string> }>();
  const syncs = unique.flatMap(({ message }) => (message.kind === 'sync' ? [message] : []));
  for (const [tenantId, messages] of groupBy(syncs, (m) => m.tenantId)) {
    try {
      const least = new Map<string, number>();
      const strong = new Set<string>();
      for (const m of messages) {
        if (m.version === undefined || strong.has(m.profileId)) {
          strong.add(m.profileId);
          least.delete(m.profileId);
        } else least.set(m.profileId, Math.max(least.get(m.profileId) ?? 0, m.version));
      }
      if (least.size > 0) {
        const found = await deps.profiles.getMany(tenantId, [...least.keys()], { eventual: true });
        for (const [id, version] of least) {
          const profile = found.get(id);
          if (profile !== undefined && profile.version >= version) profiles.set(`${tenantId}|${id}`, profile);
          else strong.add(id);
        }
      } else for (const id of least.keys()) strong.add(id);
      let next = [...strong];
      // Tombstones of the eventual answers are followed by the strong reads below (an absorption is newer than it says).
      for (const [key, p] of profiles)
        if (key.startsWith(`${tenantId}|`) && p?.mergedInto !== undefined && !profiles.has(`${tenantId}|${p.mergedInto}`))
          next.push(p.mergedInto);
      next = [...new Set(next)];
      for (let hop = 0; next.length > 0 && hop < 4; hop++) {
        const found = await deps.profiles.getMany(tenantId, next);
        for (const id of next) profiles.set(`${tenantId}|${id}`, found.get(id));
        next = [...found.values()].flatMap((p) =>
          p.mergedInto !== undefined && !profiles.has(`${tenantId}|${p.mergedInto}`) ? [p.mergedInto] : [],
        );
      }
      if (!deps.snapshots.getMany) continue;
      const live = [...profiles.entries()].flatMap(([key, p]) =>
        key.startsWith(`${tenantId}|`) && p && p.mergedInto === undefined ? [p.profileId] : [],
      );
      const destinations = (await deps.instances.destinations(tenantId)).filter((d) => d.connector.push);
      const instances = destinations.map((d) => d.instance.id);
      const keys = live.flatMap((profileId) => instances.map((instance) => ({ profileId, instance })));
      const found = keys.length > 0 ? await deps.snapshots.getMany(tenantId, keys) : new Map<string, Record<string, FieldValue>>();
      for (const k of keys) snapshots.set(`${tenantId}|${k.profileId}/${k.instance}`, found.get(`${k.profileId}/${k.instance}`));
      // Who may have contacts in the window, asked for all of the batch's persons at once: those a destination that
      // carries the count has consent to reach (pendingChange reads the log for no one else).
      const campaigns = destinations[0]?.tenant.campaigns;
      if (campaigns && deps.contacts?.contactedSince) {
        const field = contactsField(campaigns.frequency.windowDays);
        const carrying = destinations.filter(
          (d) => selectFields({ [field]: 0 }, campaigns.fieldMapping[d.instance.id])[field] !== undefined,
        );
        const asked = live.filter((id) => {
          const consent = profiles.get(`${tenantId}|${id}`)?.consent;
          return carrying.some((d) => consent?.[d.connector.push!.purpose]?.granted === true);
        });
        if (asked.length > 0) {
          const since = new Date((deps.now?.() ?? new Date()).getTime() - campaigns.frequency.windowDays * 86_400_000);
          contacted.set(tenantId, { live: new Set(asked), contacted: await deps.contacts.contactedSince(tenantId, asked, since) });
        }
      }
    } catch (error) {
      deps.log.warn('could not read the push batch ahead; reading each alone', { tenantId, reason: (error as Error).message });
    }
  }
  const store = deps.snapshots;
  const log = deps.contacts;
  return {
    // A person the batch asked about and found without a contact in the window: nothing to read in the log.
    ...(log && contacted.size > 0
      ? {
          contacts: {
            record: (tenantId, profileId, contacts) => log.record(tenantId, profileId, contacts),
            removeAll: (tenantId, profileId) => log.removeAll(tenantId, profileId),
            list: (tenantId, profileId) => {
              const known = contacted.get(tenantId);
              return known?.live.has(profileId) && !known.contacted.has(profileId) ? Promise.resolve([]) : log.list(tenantId, profileId);
            },
          } satisfies CampaignContactLog,
        }
      : {}),
    profiles: {
      get: (tenantId, profileId) =>
        profiles.has(`${tenantId}|${profileId}`)
          ? Promise.resolve(profiles.get(`${tenantId}|${profileId}`))
          : deps.profiles.get(tenantId, profileId),
    },
    snapshots: {
      get: (tenantId, profileId, instance) => {
        const key = `${tenantId}|${profileId}/${instance}`;
        return snapshots.has(key) ? Promise.resolve(snapshots.get(key)) : store.get(tenantId, profileId, instance);
      },
      put: (tenantId, profileId, instance, fields) => store.put(tenantId, profileId, instance, fields),
      removeAll: (tenantId, profileId) => store.removeAll(tenantId, profileId),
    },
  };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}
