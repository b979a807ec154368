// A batch of queued events through the merge engine; reports which messages failed so only those are retried.
import { randomUUID } from 'node:crypto';
import { CanonicalEvent } from '../core/events.js';
import { identifierKey, type Identifier } from '../core/identifiers.js';
import { normaliseEventIdentifiers } from '../core/identity/plan-identity.js';
import type { Profile } from '../core/profile.js';
import { ConflictRetry } from '../core/errors.js';
import { destinationChanged, mergeEvent } from '../core/merge/merge-service.js';
import { isProfileEvent } from '../core/merge/merge-event.js';
import { StagedProfileRepository, StageConflict } from '../core/merge/staged-profile-repository.js';
import type {
  HistoryEntry,
  IdentifierEntry,
  MergeOutcome,
  ProfileRepository,
  PushMessage,
  PushQueue,
  PushSnapshotStore,
  StatusRecorder,
  TenantStatsStore,
} from '../core/ports.js';
import type { Logger } from '../connectors/sdk/index.js';
import type { InstanceResolver } from './instances.js';
import type { QuarantineStore } from '../core/ports.js';
import { queuedQuarantineEntry } from './quarantine/queued-quarantine.js';
import { acceptRedelivered, settleInLedger, type MergeAccounting } from './ledger/settle-in-ledger.js';
import type { CatalogStore } from '../core/catalog/catalog-store.js';
import { catalogStep } from './catalog/catalog-batch.js';
import { groupIntoLanes } from './merge-lanes.js';
import { packSyncs } from './packed-syncs.js';
import type { MessageScope, MessageSender } from './scope/message-scope.js';

export interface MergeBatchDeps {
  instances: InstanceResolver;
  profiles: ProfileRepository;
  push: PushQueue;
  status: StatusRecorder;
  log: Logger;
  newProfileId?: () => string;
  /** Tenant stats of the last campaign sweep (cached), so the merge sees every campaign field that changed. */
  stats?: Pick<TenantStatsStore, 'get'>;
  now?: () => Date;
  /** What the push last wrote to each destination, so a destination's echo of it is acknowledged (core/merge/echoes.ts). */
  snapshots?: Pick<PushSnapshotStore, 'get' | 'getMany'>;
  /** The event ledger and the queue's maxReceiveCount; absent (benchmarks, unit tests of the merge), nothing is accounted. */
  accounting?: MergeAccounting;
  /** The tenants' product catalogs: product changes are stored there, lines without a category get theirs from it. */
  catalog?: CatalogStore;
  /** Keeps the quarantine entries that routes without a table grant (POST /collect) send along the changes queue. */
  quarantine?: Pick<QuarantineStore, 'put'>;
  /** What each message may claim, by its sender (pipeline/scope/): a refused message fails, so it is dead-lettered. */
  scope?: MessageScope;
}

export interface QueuedMessage {
  id: string;
  body: string;
  /** SQS's ApproximateReceiveCount: at the queue's maxReceiveCount a failure sends the message to the DLQ. */
  receiveCount?: number;
  /** Who sent it, as SQS says (the Lambda adapter fills it in); judged by `scope`. */
  sender?: MessageSender;
}

export interface BatchResult {
  failedIds: string[];
  outcomes: Map<string, MergeOutcome['status']>;
  /** Why each failed message failed (for the ledger's dead letters; reasons name fields and errors, not values). */
  reasons: Map<string, string>;
}

/** Events that can touch one profile go through one lane in order (pipeline/merge-lanes.ts); lanes run concurrently. */
const LANES = 8;

export async function mergeBatch(deps: MergeBatchDeps, messages: readonly QueuedMessage[]): Promise<BatchResult> {
  const failed = new Set<string>();
  const reasons = new Map<string, string>();
  const events = new Map<string, CanonicalEvent>();
  const outcomes = new Map<string, MergeOutcome['status']>();
  const pushes: PushMessage[] = [];
  const history = new Map<string, { entries: HistoryEntry[]; keepDays: number; messageIds: string[] }>();
  const erased = new Set<string>();

  const held: Promise<void>[] = [];
  for (const message of messages) {
    const entry = queuedQuarantineEntry(message.body);
    if (entry) {
      if (!refused(deps, message, { quarantine: entry }, failed, reasons))
        held.push(keepQuarantined(deps, message, entry, failed, reasons));
      continue;
    }
    const event = decode(message);
    if (event instanceof Error) {
      // Poison: retrying cannot fix it, but failing it sends it to the DLQ with the reason in the log.
      deps.log.error('message is not a canonical event', { messageId: message.id, reason: event.message });
      failed.add(message.id);
      reasons.set(message.id, `not a canonical event: ${event.message}`);
      continue;
    }
    if (refused(deps, message, { event }, failed, reasons)) continue;
    events.set(message.id, event);
  }
  await Promise.all(held);
  if (deps.accounting) {
    try {
      await acceptRedelivered(deps.accounting, messages, events);
    } catch (error) {
      // Merged without the record, a redelivered message that died now could vanish from the accounting: wait.
      deps.log.error('could not record redelivered messages as accepted; failing them', { reason: (error as Error).message });
      for (const m of messages)
        if ((m.receiveCount ?? 1) > 1 && events.has(m.id)) {
          failed.add(m.id);
          reasons.set(m.id, `could not record it as accepted: ${(error as Error).message}`);
        }
    }
  }
  let ready = messages.flatMap((message) => {
    const event = events.get(message.id);
    return event && !failed.has(message.id) ? [{ message, event }] : [];
  });
  if (deps.catalog) {
    const step = await catalogStep(deps.catalog, deps.log, ready);
    for (const id of step.catalogued) outcomes.set(id, 'catalogued');
    for (const [id, reason] of step.failed) {
      failed.add(id);
      reasons.set(id, reason);
    }
    ready = step.rest;
  }
  // The first attempt of every lane reads through the store's cheaper reads where it has them (see mergeLane).
  const optimistic = deps.profiles.withEventualReads?.() ?? deps.profiles;
  const { reads, keys } = await prefetchBatch({ ...deps, profiles: optimistic }, ready);
  const queue = groupIntoLanes(ready, ({ message, event }) =>
    laneTokens(event.tenantId, keys.get(message.id) ?? [], reads.get(event.tenantId)),
  );
  const counts = new Map<string, { ok: number; error: number; tenantId: string; instance: string }>();
  const worker = async () => {
    for (let lane = queue.shift(); lane; lane = queue.shift()) {
      const result = await mergeLane(deps, lane, { profiles: optimistic, reads: reads.get(lane[0]!.event.tenantId) });
      const tenantHistory = history.get(lane[0]!.event.tenantId) ?? { entries: [], keepDays: 1, messageIds: [] };
      tenantHistory.entries.push(...result.history.entries);
      tenantHistory.keepDays = Math.max(tenantHistory.keepDays, result.history.keepDays);
      if (result.history.entries.length > 0) tenantHistory.messageIds.push(...lane.map((l) => l.message.id));
      history.set(lane[0]!.event.tenantId, tenantHistory);
      for (const id of result.erased) erased.add(id);
      for (const [id, status] of result.outcomes) outcomes.set(id, status);
      for (const id of result.failedIds) failed.add(id);
      for (const [id, reason] of result.reasons) reasons.set(id, reason);
      pushes.push(...result.pushes);
      for (const { message, event } of lane) {
        const key = `${event.tenantId}/${event.source.instance}`;
        const count = counts.get(key) ?? { ok: 0, error: 0, tenantId: event.tenantId, instance: event.source.instance };
        counts.set(key, count);
        if (failed.has(message.id)) count.error++;
        else count.ok++;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(LANES, queue.length) }, worker));

  // History once per tenant and batch (one item per person, aws/dynamo-profile-repository.ts), after every commit it
  // belongs to. A failure fails the lanes that had history: redelivered, they are duplicates and append it again.
  for (const [tenantId, { entries, keepDays, messageIds }] of history) {
    const kept = entries.filter((e) => !erased.has(e.profileId));
    if (kept.length === 0) continue;
    try {
      await deps.profiles.appendHistory(tenantId, kept, keepDays);
    } catch (error) {
      deps.log.error('could not write history; failing its messages for redelivery', { tenantId, reason: (error as Error).message });
      for (const id of messageIds) {
        failed.add(id);
        if (!reasons.has(id)) reasons.set(id, `could not write history: ${(error as Error).message}`);
      }
    }
  }

  try {
    // Packed per tenant: one message carries the batch's syncs (pipeline/packed-syncs.ts).
    await deps.push.send(packSyncs(uniquePushes(pushes)));
  } catch (error) {
    // The merges are committed; redelivery finds them as duplicates and asks for the push again.
    deps.log.error('could not queue pushes; failing the batch for redelivery', { reason: (error as Error).message });
    for (const message of messages) {
      failed.add(message.id);
      if (!reasons.has(message.id)) reasons.set(message.id, `could not queue pushes: ${(error as Error).message}`);
    }
  }
  if (deps.accounting) await settleInLedger({ ...deps.accounting, log: deps.log }, messages, events, { failed, reasons, outcomes });
  for (const c of counts.values()) {
    if (c.ok > 0) await deps.status.record(c.tenantId, c.instance, 'merge', 'ok', c.ok);
    if (c.error > 0) await deps.status.record(c.tenantId, c.instance, 'merge', 'error', c.error);
  }
  return { failedIds: [...failed], outcomes, reasons };
}

interface LaneResult {
  outcomes: Map<string, MergeOutcome['status']>;
  failedIds: string[];
  reasons: Map<string, string>;
  pushes: PushMessage[];
  /** Applied events to record (written by the batch, once per tenant). */
  history: { entries: HistoryEntry[]; keepDays: number };
  erased: Set<string>;
}

const LANE_ATTEMPTS = 5;

/**
 * Merges one lane (events of one tenant sharing an identifier) through a stage, so each profile is written once
 * for the whole lane; a conflict with another writer re-applies the lane from fresh reads.
 *
 * The first attempt is optimistic: it looks identifiers up through `first.profiles` (eventually consistent on DynamoDB,
 * half the read units; profiles are still read strongly) and the batch's reads made with it. A stale identifier entry
 * names a holder whose (strong) profile read shows any change since, and a claim from it is conditioned on it
 * (ProfileRepository.withEventualReads), so a stale read ends in a conflict, whose retry reads strongly
 * (`deps.profiles`), or leads where a current one does. Not trusted to it:
 * - a lane holding an event that is not a profile event (an erasure or access request acts on what it reads, deleting
 *   unconditionally): it reads strongly from the start;
 * - a failed event: the lane is applied again on strong reads.
 */
async function mergeLane(
  deps: MergeBatchDeps,
  lane: readonly { message: QueuedMessage; event: CanonicalEvent }[],
  first: { profiles: ProfileRepository; reads: BatchReads | undefined },
): Promise<LaneResult> {
  const tenantId = lane[0]!.event.tenantId;
  const tenant = deps.instances.tenant(tenantId);
  const unguarded = lane.some(({ event }) => !isProfileEvent(event));
  for (let attempt = 1; ; attempt++) {
    // A store with one kind of read (in memory) serves every lane's first attempt from the batch's reads, as before.
    const cheap = first.profiles !== deps.profiles;
    const optimistic = attempt === 1 && cheap && !unguarded;
    const repository = optimistic ? first.profiles : deps.profiles;
    // The batch's reads serve the first attempt; after a conflict the lane reads afresh, strongly. The optimistic one
    // confirms strongly what no commit condition guards (readThrough's `confirm`).
    const view =
      optimistic || (attempt === 1 && !cheap && first.reads)
        ? readThrough(repository, attempt === 1 && first.reads ? first.reads : emptyReads(), optimistic ? deps.profiles : undefined)
        : undefined;
    const base = view?.repository ?? repository;
    const stage = new StagedProfileRepository(base, tenantId, { deferHistory: true });
    const merge = {
      profiles: stage,
      newProfileId: deps.newProfileId ?? randomUUID,
      ...(deps.stats ? { stats: deps.stats } : {}),
      ...(deps.now ? { now: deps.now } : {}),
      ...(deps.snapshots ? { snapshots: deps.snapshots } : {}),
    };
    const result: LaneResult = {
      outcomes: new Map(),
      failedIds: [],
      reasons: new Map(),
      pushes: [],
      history: { entries: [], keepDays: 1 },
      erased: new Set(),
    };
    try {
      for (const { message, event } of lane) {
        try {
          const outcome = await mergeEvent(merge, tenant, event);
          result.outcomes.set(message.id, outcome.status);
          result.pushes.push(...outcome.push);
        } catch (error) {
          if (error instanceof StageConflict) throw error;
          deps.log.error('merge failed', { messageId: message.id, tenantId, type: event.type, reason: (error as Error).message });
          result.failedIds.push(message.id);
          result.reasons.set(message.id, `merge failed: ${(error as Error).message}`);
        }
      }
      if (optimistic && result.failedIds.length > 0) {
        retriedStrongly(deps, tenantId, lane.length, 'an event failed');
        continue;
      }
      await stage.flush();
      result.history = stage.takeHistory();
      // A lane that commits nothing may still record history: what it decided on is confirmed all the same.
      if (result.history.entries.length > 0) await view?.confirmUnheld(tenantId);
      for (const id of stage.erased) result.erased.add(id);
    } catch (error) {
      const conflict = error instanceof ConflictRetry || error instanceof StageConflict;
      if (conflict && attempt < LANE_ATTEMPTS) {
        if (optimistic) retriedStrongly(deps, tenantId, lane.length, 'a commit condition failed');
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
        continue;
      }
      deps.log.error('lane could not be written', { tenantId, messages: lane.length, reason: (error as Error).message });
      const reason = `lane could not be written: ${(error as Error).message}`;
      return {
        outcomes: new Map(),
        failedIds: lane.map((l) => l.message.id),
        reasons: new Map(lane.map((l) => [l.message.id, reason])),
        pushes: [],
        history: { entries: [], keepDays: 1 },
        erased: new Set(),
      };
    }
    const context = { now: deps.now?.() ?? new Date(), ...(deps.stats ? { stats: await deps.stats.get(tenantId) } : {}) };
    for (const { before, after } of stage.changes()) {
      if (after.mergedInto === undefined && destinationChanged(tenant, before, after, context))
        // The committed version: the push may read the profile eventually consistently unless that read is older.
        result.pushes.push({ kind: 'sync', tenantId, profileId: after.profileId, version: after.version });
    }
    return result;
  }
}

/**
 * One line per lane whose optimistic attempt did not stand: how often eventually consistent reads cost a retry on AWS
 * (DynamoDB Local is never stale), the figure that says whether they pay (docs/benchmarks.md, stop 31). Info, not a
 * warning: a concurrent writer of the same profile causes it as well, an expected turn of optimistic locking (the local
 * stack's start meets a few); prod functions log at info, so the count can be read there.
 */
function retriedStrongly(deps: Pick<MergeBatchDeps, 'log'>, tenantId: string, messages: number, why: string): void {
  deps.log.info('optimistic reads of a lane did not stand; applying it again on strong reads', { tenantId, messages, why });
}

async function keepQuarantined(
  deps: Pick<MergeBatchDeps, 'quarantine' | 'log'>,
  message: QueuedMessage,
  entry: Parameters<QuarantineStore['put']>[0],
  failed: Set<string>,
  reasons: Map<string, string>,
): Promise<void> {
  try {
    if (!deps.quarantine) throw new Error('this merge has no quarantine store');
    await deps.quarantine.put(entry);
  } catch (error) {
    // Retried like any message; at maxReceiveCount it lands in the DLQ, the entry still inside.
    deps.log.error('could not keep a queued quarantine entry', { messageId: message.id, reason: (error as Error).message });
    failed.add(message.id);
    reasons.set(message.id, `quarantine entry not kept: ${(error as Error).message}`);
  }
}

/** A message its sender may not send is failed like poison (dead-lettered with the reason), never applied. */
function refused(
  deps: Pick<MergeBatchDeps, 'scope' | 'log'>,
  message: QueuedMessage,
  claim: Parameters<MessageScope>[1],
  failed: Set<string>,
  reasons: Map<string, string>,
): boolean {
  const reason = deps.scope?.(message.sender ?? {}, claim);
  if (reason === undefined) return false;
  deps.log.error('message refused by its scope', { messageId: message.id, reason });
  failed.add(message.id);
  reasons.set(message.id, reason);
  return true;
}

function decode(message: QueuedMessage): CanonicalEvent | Error {
  try {
    const result = CanonicalEvent.safeParse(JSON.parse(message.body));
    return result.success ? result.data : new Error(result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  } catch {
    return new Error('body is not JSON');
  }
}

/**
 * One message per person and kind. Syncs of one profile keep the highest committed version: a sync without one (a
 * duplicate's, asking again after a crash between a commit and its push) asks for a state the batch's own commit of the
 * profile, read strongly or confirmed before it, already includes.
 */
function uniquePushes(pushes: readonly PushMessage[]): PushMessage[] {
  const byKey = new Map<string, PushMessage>();
  for (const p of pushes) {
    const key =
      p.kind === 'sync'
        ? `sync|${p.tenantId}|${p.profileId}`
        : p.kind === 'erase'
          ? `erase|${p.tenantId}|${p.subject.profileId}`
          : `syncs|${byKey.size}`;
    const known = byKey.get(key);
    if (p.kind === 'sync' && known?.kind === 'sync') {
      const version = Math.max(known.version ?? -1, p.version ?? -1);
      const { version: _version, ...rest } = p;
      byKey.set(key, version >= 0 ? { ...rest, version } : rest);
    } else byKey.set(key, p);
  }
  return [...byKey.values()];
}

/** What one batch read of a tenant at its start: every identifier entry of its events and the profiles they lead to. */
interface BatchReads {
  /** identifierKeys looked up (absent from `entries`: no entry). */
  looked: Set<string>;
  entries: Map<string, IdentifierEntry>;
  /** profileId → profile (undefined: read and absent). */
  profiles: Map<string, Profile | undefined>;
}

/**
 * What decides an event's lane: its identifiers and the live profiles the batch's reads found them leading to (through
 * tombstones), so that every event that can touch one profile is merged in one lane and the profile written once.
 */
function laneTokens(tenantId: string, identifierKeys: readonly string[], reads: BatchReads | undefined): string[] {
  const tokens = identifierKeys.map((key) => `${tenantId}|${key}`);
  for (const key of identifierKeys) {
    let profileId = reads?.entries.get(key)?.profileId;
    for (let hop = 0; profileId !== undefined && hop < PREFETCH_HOPS; hop++) {
      const next = reads?.profiles.get(profileId)?.mergedInto;
      if (next === undefined) break;
      profileId = next;
    }
    if (profileId !== undefined) tokens.push(`${tenantId}|profile|${profileId}`);
  }
  return tokens;
}

/** Tombstone chains are short; this bounds the rounds of reads that follow them. */
const PREFETCH_HOPS = 4;

/**
 * Two BatchGetItem rounds per tenant (identifier entries, then their profiles and any survivors of tombstones) instead
 * of two reads per event. A failure only costs the saving: the lanes then read for themselves.
 */
async function prefetchBatch(
  deps: MergeBatchDeps,
  ready: readonly { message: QueuedMessage; event: CanonicalEvent }[],
): Promise<{ reads: Map<string, BatchReads>; keys: Map<string, string[]> }> {
  const idsByTenant = new Map<string, Map<string, Identifier>>();
  const keys = new Map<string, string[]>();
  for (const { message, event } of ready) {
    try {
      const ids = idsByTenant.get(event.tenantId) ?? new Map<string, Identifier>();
      const normalised = normaliseEventIdentifiers(event.identifiers, deps.instances.tenant(event.tenantId));
      for (const id of normalised) ids.set(identifierKey(id), id);
      idsByTenant.set(event.tenantId, ids);
      keys.set(message.id, normalised.map(identifierKey));
    } catch {
      // An unknown tenant fails in its lane, as before.
      keys.set(message.id, event.identifiers.map(identifierKey));
    }
  }
  const reads = new Map<string, BatchReads>();
  for (const [tenantId, ids] of idsByTenant) {
    try {
      const entries = await deps.profiles.lookupEntries(tenantId, [...ids.values()]);
      const profiles = new Map<string, Profile | undefined>();
      let next = [...new Set([...entries.values()].flatMap((e) => (e.profileId !== undefined ? [e.profileId] : [])))];
      for (let hop = 0; next.length > 0 && hop < PREFETCH_HOPS; hop++) {
        const found = await deps.profiles.getMany(tenantId, next);
        for (const id of next) profiles.set(id, found.get(id));
        next = [...found.values()].flatMap((p) => (p.mergedInto !== undefined && !profiles.has(p.mergedInto) ? [p.mergedInto] : []));
      }
      reads.set(tenantId, { looked: new Set(ids.keys()), entries, profiles });
    } catch (error) {
      deps.log.warn('could not read the batch ahead; lanes read for themselves', { tenantId, reason: (error as Error).message });
    }
  }
  return { reads, keys };
}

/** No reads ahead (the batch's failed, or the lane reads afresh): every read goes to the store. */
function emptyReads(): BatchReads {
  return { looked: new Set(), entries: new Map(), profiles: new Map() };
}

/** An identifier entry as the merge judges one that names no holder: nothing recorded, or a marker and refusals. */
function unheldSignature(entry: IdentifierEntry | undefined): string {
  if (entry === undefined || (entry.erasedAt === undefined && entry.refusedBy.length === 0 && entry.profileId === undefined)) return '';
  return JSON.stringify([entry.profileId ?? null, entry.erasedAt ?? null, entry.refusedBy]);
}

/**
 * The repository with the batch's reads in front; a commit forgets what it wrote, so nothing read after it is stale.
 *
 * `confirm` (the optimistic attempt: the lookups may be eventually consistent): an identifier the lane was told nobody
 * holds decides the lane through what is recorded on it (an erasure marker drops an older event, refusals block a value
 * shared too widely) and no commit condition guards that unless the lane claims it (the store's fresh claim then
 * requires nothing recorded, ProfileRepository.withEventualReads). The others (refused by the identity rules: a second
 * e-mail beyond the limit, a blocked value) are read again strongly through `confirm` before the lane's commit, or
 * before its history when it commits nothing; any difference is a ConflictRetry, whose retry reads strongly.
 */
function readThrough(
  base: ProfileRepository,
  reads: BatchReads,
  confirm?: ProfileRepository,
): { repository: ProfileRepository; confirmUnheld: (tenantId: string) => Promise<void> } {
  /** identifierKey → the identifier and what the lane was told of it, for those told without a holder. */
  const unheld = new Map<string, { id: Identifier; signature: string; mixed: boolean }>();
  const claimed = new Set<string>();
  const told = (ids: readonly Identifier[], found: ReadonlyMap<string, IdentifierEntry>) => {
    if (!confirm) return;
    for (const id of ids) {
      const key = identifierKey(id);
      const entry = found.get(key);
      if (entry?.profileId !== undefined || claimed.has(key)) continue;
      const signature = unheldSignature(entry);
      const known = unheld.get(key);
      if (known === undefined) unheld.set(key, { id, signature, mixed: false });
      else if (known.signature !== signature) known.mixed = true;
    }
  };
  const confirmUnheld = async (tenantId: string): Promise<void> => {
    if (!confirm) return;
    const open = [...unheld].filter(([key]) => !claimed.has(key));
    if (open.length === 0) return;
    const current = await confirm.lookupEntries(
      tenantId,
      open.map(([, { id }]) => id),
    );
    for (const [key, { signature, mixed }] of open) {
      if (mixed || unheldSignature(current.get(key)) !== signature)
        throw new ConflictRetry('an identifier looked up without a holder has changed since its eventually consistent read');
      unheld.delete(key);
    }
  };
  const lookupEntries = async (tenantId: string, ids: readonly Identifier[]): Promise<Map<string, IdentifierEntry>> => {
    const missing = ids.filter((id) => !reads.looked.has(identifierKey(id)));
    const found = missing.length > 0 ? await base.lookupEntries(tenantId, missing) : new Map<string, IdentifierEntry>();
    for (const id of ids) {
      const entry = reads.entries.get(identifierKey(id));
      if (entry && reads.looked.has(identifierKey(id))) found.set(identifierKey(id), entry);
    }
    told(ids, found);
    return found;
  };
  const repository: ProfileRepository = {
    lookupEntries,
    lookup: async (tenantId, ids) => {
      const found = new Map<string, string>();
      for (const [key, entry] of await lookupEntries(tenantId, ids)) if (entry.profileId !== undefined) found.set(key, entry.profileId);
      return found;
    },
    get: (tenantId, profileId) =>
      reads.profiles.has(profileId) ? Promise.resolve(reads.profiles.get(profileId)) : base.get(tenantId, profileId),
    getMany: async (tenantId, profileIds) => {
      const missing = profileIds.filter((id) => !reads.profiles.has(id));
      const found = missing.length > 0 ? await base.getMany(tenantId, missing) : new Map<string, Profile>();
      for (const id of profileIds) {
        const profile = reads.profiles.get(id);
        if (profile) found.set(id, profile);
      }
      return found;
    },
    commit: async (tenantId, commit) => {
      // Claimed: the fresh claim's condition guards what was read. The rest is confirmed before anything is written.
      for (const c of commit.claims) claimed.add(identifierKey(c.identifier));
      await confirmUnheld(tenantId);
      for (const { profile } of commit.puts) reads.profiles.delete(profile.profileId);
      for (const c of [...commit.claims, ...(commit.shares ?? [])]) reads.looked.delete(identifierKey(c.identifier));
      // What it left of the commit's history (core/ports.ts CommittedHistory) goes back to the stage.
      return base.commit(tenantId, commit);
    },
    erase: (tenantId, profile) => {
      for (const id of [profile.profileId, ...profile.mergedFrom]) reads.profiles.delete(id);
      for (const id of profile.identifiers) reads.looked.delete(identifierKey(id));
      return base.erase(tenantId, profile);
    },
    listProfiles: (tenantId) => base.listProfiles(tenantId),
    appendHistory: (tenantId, entries, keepDays) => base.appendHistory(tenantId, entries, keepDays),
    history: (tenantId, profileIds) => base.history(tenantId, profileIds),
    removeHistory: (tenantId, entries) => base.removeHistory(tenantId, entries),
    markErased: async (tenantId, ids, erasedAt, marks) => {
      // An erasure rewrites these index entries: what the batch read ahead of it is stale.
      for (const id of ids) reads.looked.delete(identifierKey(id));
      await base.markErased(tenantId, ids, erasedAt, marks);
    },
  };
  return { repository, confirmUnheld };
}
