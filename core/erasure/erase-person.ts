// What erasing a person removes, decided in one place (issue 16 item 1): every live profile holding one of their
// identifiers is erased (with its tombstones and history); a profile that was only refused one of the values (a second
// shop account with the same address) is kept but blanked of it, its history too; and the index keeps an erasure marker
// per identifier (a digest, never the value) so that an event received before the erasure (a dead letter, a replay)
// re-creates nobody. The push snapshots, contacts and quarantined deliveries are the push's part
// (pipeline/erasure/erase-at-destinations.ts), told the merged-away ids through the erase message.
import { eventKey, type CanonicalEvent } from '../events.js';
import { identifierKey, uniqueIdentifiers, type Identifier } from '../identifiers.js';
import { liveProfile } from '../live-profile.js';
import type { ErasureMark, HistoryEntry, IdentifierEntry, ProfileRepository } from '../ports.js';
import type { Profile } from '../profile.js';

export interface ErasedSubject {
  profileId: string;
  identifiers: Identifier[];
  /** Ids the profile absorbed: their snapshots and contacts are the person's too. */
  mergedFrom: string[];
}

export interface PersonErasure {
  /** The erased profiles; empty when none matched. */
  subjects: ErasedSubject[];
  /** Profiles kept but blanked of the person's values (they had been refused one). */
  blanked: string[];
  /**
   * identifierKeys another live profile was refused: left out of what destinations delete by (another person may hold
   * the address there; pipeline/erasure/shared-values.ts decided this from the index, which now holds only markers).
   */
  shared: Set<string>;
}

/**
 * Erases the person `ids` name: `candidates` are the live profiles holding them (the merge has loaded these);
 * `erasedAt` is the erasure request's receivedAt, so a redelivery of the request marks the same time.
 */
export async function erasePerson(
  repo: ProfileRepository,
  tenantId: string,
  ids: readonly Identifier[],
  candidates: readonly Profile[],
  erasedAt: string,
  historyDays: number,
): Promise<PersonErasure> {
  const erasedIds = new Set(candidates.map((p) => p.profileId));
  const identifiers = uniqueIdentifiers([...ids, ...candidates.flatMap((p) => p.identifiers.map(({ type, value }) => ({ type, value })))]);
  const keys = new Set(identifiers.map(identifierKey));
  const values = new Set(identifiers.map((id) => id.value.trim().toLowerCase()));

  // Profiles refused one of the values: found through the index before its entries become markers.
  const refused = new Map<string, Profile>();
  const shared = new Set<string>();
  for (const [key, entry] of await repo.lookupEntries(tenantId, identifiers)) {
    for (const id of entry.refusedBy) {
      const profile = await liveProfile(repo, tenantId, id);
      if (!profile || erasedIds.has(profile.profileId)) continue;
      refused.set(profile.profileId, profile);
      shared.add(key);
    }
  }

  for (const profile of candidates) await repo.erase(tenantId, profile);
  await repo.markErased(tenantId, identifiers, erasedAt, erasureMarks(identifiers, candidates, shared));

  for (const profile of refused.values()) {
    const blanked = blankProfile(profile, keys, values);
    await repo.commit(tenantId, {
      puts: [{ profile: { ...blanked, version: profile.version + 1 }, expectedVersion: profile.version }],
      claims: [],
    });
    const history = await repo.history(tenantId, [profile.profileId, ...profile.mergedFrom]);
    const rewritten: HistoryEntry[] = history
      .filter((h) => mentions(h.event, values))
      .map((h) => ({ profileId: h.profileId, event: blankEvent(h.event, keys, values) }));
    // Removed, then written again blanked: history items may hold several events (aws/dynamo-profile-repository.ts).
    if (rewritten.length > 0) {
      await repo.removeHistory(
        tenantId,
        rewritten.map((h) => ({ profileId: h.profileId, eventKey: eventKey(h.event) })),
      );
      await repo.appendHistory(tenantId, rewritten, historyDays);
    }
  }

  return {
    subjects: candidates.map((p) => ({
      profileId: p.profileId,
      identifiers: p.identifiers.map(({ type, value }) => ({ type, value })),
      mergedFrom: [...p.mergedFrom],
    })),
    blanked: [...refused.keys()],
    shared,
  };
}

/**
 * Per identifier, the erased profiles that held it (all of them for a value none held, as one they were refused) and
 * whether it was withheld from the destinations: what a redelivery of the request needs (erasureRedelivered).
 */
function erasureMarks(
  identifiers: readonly Identifier[],
  candidates: readonly Profile[],
  shared: ReadonlySet<string>,
): Map<string, ErasureMark> {
  const subject = (p: Profile) => ({ profileId: p.profileId, mergedFrom: [...p.mergedFrom] });
  const marks = new Map<string, ErasureMark>();
  if (candidates.length === 0) return marks;
  for (const id of identifiers) {
    const key = identifierKey(id);
    const holders = candidates.filter((p) => p.identifiers.some((h) => identifierKey(h) === key));
    marks.set(key, { subjects: (holders.length > 0 ? holders : candidates).map(subject), withheld: shared.has(key) });
  }
  return marks;
}

/**
 * A redelivered erasure request, whose profiles are gone (its first run erased them, and its push messages may or may
 * not have gone out): the subjects that run had, with the request's own identifiers that were not withheld, so that the
 * push opens the same receipts instead of a second, "unknown" subject. They are named by this erasure's markers, or,
 * while the first run is still between erasing and marking (SQS handed the message out again meanwhile), by the index
 * entries that still point at the erased profile. Undefined when neither names a profile.
 */
export function erasureRedelivered(
  ids: readonly Identifier[],
  entries: ReadonlyMap<string, Pick<IdentifierEntry, 'profileId' | 'refusedBy' | 'erasedAt' | 'erasure'>>,
  erasedAt: string,
): ErasedSubject[] | undefined {
  const subjects = new Map<string, ErasedSubject>();
  const add = (profileId: string, mergedFrom: readonly string[], id: Identifier | undefined) => {
    const subject = subjects.get(profileId) ?? { profileId, identifiers: [], mergedFrom: [...mergedFrom] };
    if (id) subject.identifiers.push({ type: id.type, value: id.value });
    subjects.set(profileId, subject);
  };
  for (const id of ids) {
    const entry = entries.get(identifierKey(id));
    if (entry?.erasedAt === erasedAt && entry.erasure)
      for (const { profileId, mergedFrom } of entry.erasure.subjects) add(profileId, mergedFrom, entry.erasure.withheld ? undefined : id);
    else if (entry?.profileId !== undefined) add(entry.profileId, [], entry.refusedBy.length > 0 ? undefined : id);
  }
  return subjects.size > 0 ? [...subjects.values()] : undefined;
}

function blankProfile(profile: Profile, keys: ReadonlySet<string>, values: ReadonlySet<string>): Profile {
  const fields = Object.fromEntries(Object.entries(profile.fields).filter(([, f]) => !isErasedValue(f.value, values)));
  const { identityJournal, unlinkable, ...rest } = profile;
  const journal = identityJournal?.filter((entry) => !mentions(entry, values));
  const links = unlinkable?.filter((key) => !keys.has(key));
  return {
    ...rest,
    refusedIdentifiers: profile.refusedIdentifiers.filter((r) => !keys.has(identifierKey(r))),
    fields,
    ...(journal ? { identityJournal: journal } : {}),
    ...(links ? { unlinkable: links } : {}),
  };
}

function blankEvent(event: CanonicalEvent, keys: ReadonlySet<string>, values: ReadonlySet<string>): CanonicalEvent {
  return {
    ...event,
    identifiers: event.identifiers.filter((id) => !keys.has(identifierKey(id)) && !isErasedValue(id.value, values)),
    data: withoutValues(event.data, values) as CanonicalEvent['data'],
  } as CanonicalEvent;
}

function isErasedValue(value: unknown, values: ReadonlySet<string>): boolean {
  return typeof value === 'string' && values.has(value.trim().toLowerCase());
}

/** The value without any string equal to an erased value (object entries and array elements dropped). */
function withoutValues(value: unknown, values: ReadonlySet<string>): unknown {
  if (Array.isArray(value)) return value.filter((v) => !isErasedValue(v, values)).map((v) => withoutValues(v, values));
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => !isErasedValue(v, values))
        .map(([k, v]) => [k, withoutValues(v, values)]),
    );
  return value;
}

function mentions(value: unknown, values: ReadonlySet<string>): boolean {
  const text = JSON.stringify(value).toLowerCase();
  for (const v of values) if (text.includes(v)) return true;
  return false;
}
