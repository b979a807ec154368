// Merges one profile into another when an identifier proves they are the same person.
import { identifierKey } from '../identifiers.js';
import { addActivity, RECENT_EVENTS_LIMIT } from '../merge/merge-event.js';
import type { IdentityJournalEntry, Profile, ProfileIdentifier } from '../profile.js';
import { latest } from '../merge/provenance.js';
import { boundCarts, boundOrders, joinArchives, REFUSED_LIMIT } from '../merge/bounds.js';
import { boundCustomAttributes } from '../merge/custom-attributes.js';

/** The survivor of a merge: the profile seen first, then the smaller id, so every worker picks the same one. */
export function survivorOf(profiles: readonly Profile[]): Profile {
  const [first, ...rest] = profiles;
  if (first === undefined) throw new Error('survivorOf needs at least one profile');
  return rest.reduce(
    (a, b) => (b.firstSeenAt < a.firstSeenAt || (b.firstSeenAt === a.firstSeenAt && b.profileId < a.profileId) ? b : a),
    first,
  );
}

/** Returns `survivor` with everything `absorbed` knew; per-key winners chosen by provenance as in applyEvent. */
export function joinProfiles(survivor: Profile, absorbed: Profile): Profile {
  const next: Profile = structuredClone(survivor);
  next.firstSeenAt = absorbed.firstSeenAt < next.firstSeenAt ? absorbed.firstSeenAt : next.firstSeenAt;
  next.lastSeenAt = absorbed.lastSeenAt > next.lastSeenAt ? absorbed.lastSeenAt : next.lastSeenAt;
  next.identifiers = unionIdentifiers(next.identifiers, absorbed.identifiers);
  const refused = new Map([...absorbed.refusedIdentifiers, ...next.refusedIdentifiers].map((r) => [identifierKey(r), r]));
  next.refusedIdentifiers = [...refused.values()].sort((a, b) => (identifierKey(a) < identifierKey(b) ? -1 : 1)).slice(0, REFUSED_LIMIT);
  for (const [name, record] of Object.entries(absorbed.fields)) next.fields[name] = latest(next.fields[name], record) ?? record;
  boundCustomAttributes(next);
  for (const [purpose, record] of Object.entries(absorbed.consent)) {
    const key = purpose as keyof Profile['consent'];
    next.consent[key] = latest(next.consent[key], record) ?? record;
  }
  for (const [key, record] of Object.entries(absorbed.orders)) next.orders[key] = latest(next.orders[key], record) ?? record;
  for (const [key, record] of Object.entries(absorbed.carts)) next.carts[key] = latest(next.carts[key], record) ?? record;
  const archive = joinArchives(next.orderArchive, absorbed.orderArchive);
  if (archive !== undefined) next.orderArchive = archive;
  boundOrders(next);
  boundCarts(next);
  addActivity(next, ...absorbed.activity);
  next.recentEvents = [...new Set([...absorbed.recentEvents, ...next.recentEvents])].slice(-RECENT_EVENTS_LIMIT);
  next.mergedFrom = [...new Set([...next.mergedFrom, absorbed.profileId, ...absorbed.mergedFrom])].sort();
  const journal = joinJournals(next.identityJournal, absorbed.identityJournal);
  if (journal.length > 0) next.identityJournal = journal;
  const unlinkable = [...new Set([...(next.unlinkable ?? []), ...(absorbed.unlinkable ?? [])])].sort();
  if (unlinkable.length > 0) next.unlinkable = unlinkable;
  return next;
}

/** Union by identifier, keeping the earliest sighting of each; sorted so the result does not depend on order. */
export function unionIdentifiers(a: readonly ProfileIdentifier[], b: readonly ProfileIdentifier[]): ProfileIdentifier[] {
  const byKey = new Map<string, ProfileIdentifier>();
  for (const id of [...a, ...b]) {
    const key = identifierKey(id);
    const known = byKey.get(key);
    if (known === undefined || id.at < known.at || (id.at === known.at && id.source < known.source)) byKey.set(key, id);
  }
  return [...byKey.entries()].sort(([x], [y]) => (x < y ? -1 : 1)).map(([, id]) => id);
}

/** Both journals, each entry once, oldest first. */
export function joinJournals(a: readonly IdentityJournalEntry[] = [], b: readonly IdentityJournalEntry[] = []): IdentityJournalEntry[] {
  const byText = new Map<string, IdentityJournalEntry>();
  for (const entry of [...a, ...b]) byText.set(JSON.stringify(entry), entry);
  return [...byText.entries()]
    .sort(([x, e], [y, f]) => (e.at !== f.at ? (e.at < f.at ? -1 : 1) : x < y ? -1 : x > y ? 1 : 0))
    .map(([, e]) => e);
}
