// The ports the core needs from the outside world, in one file: profiles, queues, cursors, quarantine, status, the
// logger, campaign state, erasure receipts and the event ledger. Adapters implement them for DynamoDB/SQS (aws) and in memory (tests).
import type { CanonicalEvent } from './events.js';
import type { ErasureSubject, FieldValue } from './destination.js';
import type { Identifier } from './identifiers.js';
import type { Profile } from './profile.js';
import type { CampaignContact } from './campaign/frequency-cap.js';
import type { DeliveryCounts } from './delivery-log.js';
import type { TenantStats } from './campaign/tenant-stats.js';
import type { DestinationErasure, ErasureReceipt, ErasureState, PendingErasure, SubjectReceipt } from './erasure/receipts.js';

/** Where everything of ours logs; connectors get it through the SDK. Details name fields and ids, never personal data. */
export interface Logger {
  debug(message: string, details?: Record<string, unknown>): void;
  info(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
  error(message: string, details?: Record<string, unknown>): void;
}

/** One atomic write of the merge engine: every part succeeds or none does. */
export interface ProfileCommit {
  /** Profiles to write; each must still be at `expectedVersion` (0: must not exist). Written with version + 1. */
  puts: { profile: Profile; expectedVersion: number }[];
  /** Identifier index entries: point `identifier` at `profileId`. `previousProfileId` undefined means the entry must not exist yet. */
  claims: { identifier: Identifier; profileId: string; previousProfileId?: string }[];
  /** `profileId` carries (was refused) an identifier another profile holds: counted to block values shared too widely. */
  shares?: { identifier: Identifier; profileId: string }[];
  /**
   * The events applied to the profiles of `puts` (their history), kept `keepDays`: a repository may store some of them
   * with the profiles, in the same write (aws/dynamo-profile-repository.ts keeps them in the profile item while they fit
   * its write unit). What it did not store it answers (CommittedHistory); the caller appends that as history.
   */
  history?: { entries: readonly HistoryEntry[]; keepDays: number };
}

/** What a commit left of its `history` for the caller to append (a repository that stores none answers nothing). */
export interface CommittedHistory {
  historyLeft: HistoryEntry[];
}

/** What the identifier index knows of one value. */
export interface IdentifierEntry {
  /** The profile holding it (may be a tombstone: follow mergedInto); undefined when only sharing is recorded. */
  profileId?: string;
  /** How many profiles carry the value: the holder plus those refused it. */
  sharedBy: number;
  /** The profiles that were refused the value (their ids as recorded; they may have been merged since). */
  refusedBy: string[];
  /** When a person holding the value was erased (the erasure's receivedAt): older events must not re-create them. */
  erasedAt?: string;
  /** What that erasure did with the value: a redelivery of the request asks the destinations for the same people again. */
  erasure?: ErasureMark;
}

/** Left on an erased identifier's index entry beside `erasedAt`: profile ids and a flag, never a value. */
export interface ErasureMark {
  /** The profiles the erasure removed that held the value, each with the ids it had absorbed. */
  subjects: { profileId: string; mergedFrom: string[] }[];
  /** The value was left out of what destinations delete by (another profile had been refused it). */
  withheld: boolean;
}

/** An event as applied to a profile: the history an unmerge or a rule change rebuilds profiles from. */
export interface HistoryEntry {
  profileId: string;
  event: CanonicalEvent;
}

export interface ProfileRepository {
  /** Which profile each identifier points at (keyed by identifierKey); absent identifiers are unknown. */
  lookup(tenantId: string, identifiers: readonly Identifier[]): Promise<Map<string, string>>;
  get(tenantId: string, profileId: string): Promise<Profile | undefined>;
  /**
   * Throws ConflictRetry when a version or claim condition fails: re-read and try again. Answers the part of
   * `commit.history` it did not store (nothing: none of it stored).
   */
  commit(tenantId: string, commit: ProfileCommit): Promise<CommittedHistory | void>;
  /** Deletes the profile, its tombstones' items, its identifier entries and its history (GDPR erasure). */
  erase(tenantId: string, profile: Profile): Promise<void>;
  /**
   * Every live profile of a tenant, in profile id order. A full read: only for rare operations such as a whole-source
   * erasure. `after`: only the profiles after this id (a resync resumes there, pipeline/resync/).
   */
  listProfiles(tenantId: string, options?: { after?: string }): AsyncIterable<Profile>;
  /** How many live profiles the tenant has, from the tenant's index keys alone (no profile is read): a resync's total. */
  countProfiles?(tenantId: string): Promise<number>;
  /** Index entries of the identifiers that have one, keyed by identifierKey. */
  lookupEntries(tenantId: string, identifiers: readonly Identifier[]): Promise<Map<string, IdentifierEntry>>;
  /** Records applied events under the profile they were applied to; idempotent per profile and event key. */
  appendHistory(tenantId: string, entries: readonly HistoryEntry[], keepDays: number): Promise<void>;
  /** The recorded events of these profiles (a live profile and its mergedFrom), each entry once. */
  history(tenantId: string, profileIds: readonly string[]): Promise<HistoryEntry[]>;
  /** Removes history entries that moved to another profile (an unmerge). */
  removeHistory(tenantId: string, entries: readonly { profileId: string; eventKey: string }[]): Promise<void>;
  /**
   * Leaves only an erasure marker on the index entries of these identifiers (no holder, no refused profiles): the
   * merge drops events received at or before `erasedAt` that carry one, so replays re-create nobody (core/erasure/erase-person.ts).
   */
  markErased(
    tenantId: string,
    identifiers: readonly Identifier[],
    erasedAt: string,
    marks?: ReadonlyMap<string, ErasureMark>,
  ): Promise<void>;
  /** Several profiles at once (one BatchGetItem on DynamoDB), keyed by profile id; absent ones are left out. */
  /**
   * `eventual`: the caller checks what it gets (the push, by the version its message names) and reads again strongly
   * what is behind, so an eventually consistent read (half the read units on DynamoDB) is enough. Stores without such
   * reads ignore it.
   */
  getMany(tenantId: string, profileIds: readonly string[], options?: { eventual?: boolean }): Promise<Map<string, Profile>>;
  /**
   * The same store for an optimistic first attempt of the merge, where identifier lookups cost less (DynamoDB:
   * eventually consistent, half the read units). Any entry may be a moment old. One naming a holder: the holder changes
   * only with a write of the profile that held it, which the profile read after the lookup shows (profiles are read as
   * freshly as by the store itself), and a claim from it is conditioned on it. One without a holder (or none): a fresh
   * claim through this view requires nothing recorded on the identifier (no holder, erasure marker or refusal), and the
   * merge confirms strongly the ones it does not claim. So a stale entry ends in a ConflictRetry or leads where the
   * current one does. Absent: the store has one kind of read.
   */
  withEventualReads?(): ProfileRepository;
}

/** Messages on the push queue: a profile to sync to destinations, or a person to erase at them. */
export type PushMessage =
  /**
   * `statsAt`: a campaign sweep asks for a push with the tenant stats it computed at that time, or newer. `version`: the
   * profile version the merge committed before sending, so the push may read the profile eventually consistently and
   * strongly only when that read is older; without it (older messages, resyncs, redeliveries) the push reads strongly.
   */
  | { kind: 'sync'; tenantId: string; profileId: string; statsAt?: string; version?: number }
  /**
   * Many syncs of one tenant in one message: what a merge batch changed (pipeline/packed-syncs.ts). A message is the
   * unit SQS retries and dead-letters, so a failure of any profile in it retries the whole message; its delivered
   * profiles then find their snapshots unchanged and cost reads, not vendor calls.
   */
  | { kind: 'syncs'; tenantId: string; profiles: PackedSync[]; statsAt?: string }
  | {
      kind: 'erase';
      tenantId: string;
      subject: ErasureSubject;
      requestId?: string;
      /** Ids the subject's profile absorbed: their push snapshots and contacts go too. */
      mergedFrom?: string[];
    };

/** One profile of a packed sync message, with the version the merge committed (see `version` above). */
export interface PackedSync {
  profileId: string;
  version?: number;
}

export interface MessageQueue<T> {
  /** Sends in batches the queue accepts; throws when any message could not be sent. */
  send(messages: readonly T[]): Promise<void>;
}

export type EventQueue = MessageQueue<CanonicalEvent>;
export type PushQueue = MessageQueue<PushMessage>;

export interface CursorStore {
  get(tenantId: string, instance: string): Promise<string | undefined>;
  put(tenantId: string, instance: string, cursor: string): Promise<void>;
}

export interface QuarantineEntry {
  id: string;
  tenantId: string;
  instance: string;
  receivedAt: string;
  reason: string;
  /** Everything needed to replay the delivery through the same route. */
  request: { method: string; url: string; headers: Record<string, string>; bodyBase64: string };
}

export interface QuarantineStore {
  /** Keeps the entry once: a put with the id of an entry still kept changes nothing (a redelivery after a 503). */
  put(entry: QuarantineEntry): Promise<void>;
  list(tenantId: string, limit?: number): Promise<QuarantineEntry[]>;
  remove(tenantId: string, id: string): Promise<void>;
}

/** The last field values pushed to one destination instance, so that only changes are sent. */
export interface PushSnapshotStore {
  get(tenantId: string, profileId: string, instance: string): Promise<Record<string, FieldValue> | undefined>;
  put(tenantId: string, profileId: string, instance: string, fields: Record<string, FieldValue>): Promise<void>;
  removeAll(tenantId: string, profileId: string): Promise<void>;
  /** Several snapshots in one request (a push batch), keyed `profileId/instance`; absent ones are left out. */
  getMany?(tenantId: string, keys: readonly { profileId: string; instance: string }[]): Promise<Map<string, Record<string, FieldValue>>>;
  /**
   * Several snapshots written in one request (a push batch). `expiresAt` (seconds since the epoch): the item may go
   * then (TTL); given only for an item that holds nothing but a delivery log (core/delivery-log.ts).
   */
  putMany?(
    tenantId: string,
    snapshots: readonly { profileId: string; instance: string; fields: Record<string, FieldValue>; expiresAt?: number }[],
  ): Promise<void>;
}

export interface SecretsProvider {
  /** The raw secret of one connector instance; the connector's schema validates it. */
  get(tenantId: string, instance: string): Promise<unknown>;
}

/** Counters an operator reads: last success per instance and stage, errors. */
export interface StatusRecorder {
  record(
    tenantId: string,
    instance: string,
    stage: 'webhook' | 'poll' | 'merge' | 'push',
    outcome: 'ok' | 'error',
    count?: number,
  ): Promise<void>;
  /**
   * A webhook delivery refused before anything was read for it (bad signature, unknown tenant or instance): counted as
   * a metric, never a table write, so a flood of forged requests costs no DynamoDB capacity (issue 16 items 4, 11).
   */
  refused?(tenantId: string, instance: string): void;
  /**
   * What one push batch did at one destination instance, per delivery outcome (core/delivery-log.ts): counted for
   * `syncline instances` without reading any log. Added to the push stage's next status write (no write of its own).
   */
  deliveries?(tenantId: string, instance: string, counts: DeliveryCounts): void;
}

// Campaign features: tenant stats, the contact log for frequency capping.
export interface TenantStatsStore {
  /** `computedSince`: a cache must not answer with stats computed before this (a sweep's push names its stats). */
  get(tenantId: string, computedSince?: string): Promise<TenantStats | undefined>;
  put(stats: TenantStats): Promise<void>;
}

/** Campaign contacts per profile; kept beside the push snapshots (ops table), not in the profile item. */
export interface CampaignContactLog {
  record(tenantId: string, profileId: string, contacts: readonly CampaignContact[]): Promise<void>;
  list(tenantId: string, profileId: string): Promise<CampaignContact[]>;
  removeAll(tenantId: string, profileId: string): Promise<void>;
  /**
   * Which of these persons may have a contact recorded after `since` (the others certainly have none, so their `list`
   * need not be read): one request for many persons instead of a `list` each. Absent: every person may.
   */
  contactedSince?(tenantId: string, profileIds: readonly string[], since: Date): Promise<ReadonlySet<string>>;
}

/** The record of every erasure: what each destination said, how often it was asked, when; no personal data. */
export interface ErasureReceiptStore {
  /**
   * Opens the receipt of one subject (idempotent: a retry gets the receipt as it stands) and keeps the subject, with the
   * ids its profile absorbed (their destination ids are kept for a retry too), for retries.
   */
  open(tenantId: string, requestId: string, subject: ErasureSubject, at: string, mergedFrom?: readonly string[]): Promise<SubjectReceipt>;
  /** Records what one destination said; written at once, so a crash never forgets a confirmation, and never over one. */
  record(tenantId: string, requestId: string, subjectDigest: string, destination: DestinationErasure, at: string): Promise<void>;
  /** Ends the receipt of a subject and forgets the kept subject. */
  close(
    tenantId: string,
    requestId: string,
    subjectDigest: string,
    state: Exclude<ErasureState, 'open'>,
    at: string,
    reason?: string,
  ): Promise<void>;
  /** The sweep queued a retry: `lastTriedAt` moves so that the next sweep waits again. */
  touch(tenantId: string, requestId: string, subjectDigest: string, at: string): Promise<void>;
  /** Subjects whose erasure is still open. */
  pending(tenantId: string): Promise<PendingErasure[]>;
  get(tenantId: string, requestId: string): Promise<ErasureReceipt | undefined>;
  /** Newest first. */
  list(tenantId: string, limit?: number): Promise<ErasureReceipt[]>;
}

/** What the merge made of one event (mergeEvent in core/merge/merge-service.ts); the event ledger records its status. */
export type MergeOutcome =
  | { status: 'applied'; profileId: string; push: PushMessage[] }
  | { status: 'duplicate' | 'unchanged'; profileId: string; push: PushMessage[] }
  | { status: 'unidentified'; push: PushMessage[] }
  | { status: 'erased'; profileIds: string[]; push: PushMessage[] }
  | { status: 'access-requested'; profileIds: string[]; push: PushMessage[] }
  /** Received at or before the erasure of a person it names (a dead letter or an old message replayed): dropped. */
  | { status: 'predates-erasure'; push: PushMessage[] }
  /** A product change, stored in the tenant's catalog (core/catalog/): it names no person. */
  | { status: 'catalogued'; push: PushMessage[] };

// The event ledger: what became of every event that entered the changes queue (pipeline/ledger/event-ledger.ts).
/** How the merge settled an event: every one of these is "applied" in the accounting, reported apart as a breakdown. */
export type SettledOutcome = MergeOutcome['status'];

export type LedgerState = 'accepted' | 'applied' | 'dead-lettered';

export interface LedgerEvent {
  tenantId: string;
  instance: string;
  sourceEventId: string;
}

/** The records of one connector instance (within the retention), by state. */
export interface InstanceLedger {
  /** Distinct events recorded; each is in exactly one of the states below. */
  events: number;
  /** Accepted and neither applied nor dead-lettered yet: on the queue, being merged, or lost. */
  accepted: number;
  applied: number;
  appliedBy: Partial<Record<SettledOutcome, number>>;
  deadLettered: number;
  /** Reason → events dead-lettered with it. Reasons name fields and errors, never values. */
  deadLetterReasons: Record<string, number>;
  /** When the oldest event still in state accepted was accepted: a long-past time means it was lost, not slow. */
  oldestAcceptedAt?: string;
}

/** What the merge learnt of one event: applied (with how), or dead-lettered on its last receive (with why). */
export type LedgerSettlement = LedgerEvent & ({ state: 'applied'; outcome: SettledOutcome } | { state: 'dead-lettered'; reason: string });

export interface EventLedger {
  /** The events are on the changes queue. Creates missing records; an existing record keeps its state and counts once. */
  accepted(events: readonly LedgerEvent[]): Promise<void>;
  /**
   * A merge batch's outcomes, written together (one record per instance, not per event). Applied is final: a later
   * failure of another copy does not undo it, and only the copy that did the work replaces a duplicate. A dead
   * letter never overrides applied. An event settled without an accepted record is "in" all the same.
   */
  settled(settlements: readonly LedgerSettlement[]): Promise<void>;
  count(tenantId: string, instance: string): Promise<InstanceLedger>;
}

/**
 * Profiles whose campaign fields change by the clock (core/campaign/due-time.ts), by when: the campaign sweep reads
 * only these, never the whole tenant.
 */
/** A live profile found due, with the due time it was found by (the one computed when it was last evaluated). */
export interface DueProfile {
  profile: Profile;
  dueAt: string | undefined;
  /** The store's own reference to the entry that was due (undefined: an entry the store finds by the profile alone). */
  entry?: string;
}

/** A due profile the sweep handled, and its next due time (undefined: none). */
export interface DueMove {
  due: DueProfile;
  next: string | undefined;
}

export interface DueProfiles {
  /** Live profiles due at or before `until` (ISO time), each once. */
  dueProfiles(tenantId: string, until: string): AsyncIterable<DueProfile>;
  /**
   * Moves handled profiles on to their next due time, many at once. Called after the syncs they led to were queued: a
   * crash before it leaves them due (a spurious visit next run), never lost.
   */
  reschedule(tenantId: string, moves: readonly DueMove[]): Promise<void>;
}
