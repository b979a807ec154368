// Identity resolution: which profile an event belongs to, which profiles it proves to be one person, and which
// identifiers are refused because they would break a tenant's limits (a shared family e-mail must not fuse a household).
import type { TenantConfig } from './config.js';
import { identifierKey, normaliseIdentifier, uniqueIdentifiers, type Identifier } from './identifiers.js';
import { joinProfiles, survivorOf, unionIdentifiers } from './join-profiles.js';
import type { Profile, ProfileIdentifier, RefusedIdentifier } from './profile.js';

export interface IdentityPlan {
  /** The profile the event lands on, already joined with the absorbed ones. */
  profile: Profile;
  /** Existing profiles merged into `profile`: they become tombstones. */
  absorbed: Profile[];
  /** Identifiers of the event new to the profile. */
  attached: ProfileIdentifier[];
  refused: RefusedIdentifier[];
}

export function normaliseEventIdentifiers(ids: readonly Identifier[], tenant: TenantConfig): Identifier[] {
  return uniqueIdentifiers(ids.map((id) => normaliseIdentifier(id, tenant.defaultCountryCode)).filter((id): id is Identifier => id !== undefined));
}

export function limitFor(tenant: TenantConfig, type: string): number {
  return tenant.identifierLimits[type] ?? (type.startsWith('customerId:') ? 1 : Number.POSITIVE_INFINITY);
}

const RANK: Record<string, number> = { loyaltyId: 1, email: 2, phone: 3, anonymousId: 4 };

/** Lower is more specific: a shop's own customer id says more than an e-mail address a family may share. */
function rank(id: Identifier): number {
  return id.type.startsWith('customerId:') ? 0 : (RANK[id.type] ?? 5);
}

function exceedsLimits(tenant: TenantConfig, ids: readonly Identifier[]): string | undefined {
  const counts = new Map<string, number>();
  for (const id of ids) counts.set(id.type, (counts.get(id.type) ?? 0) + 1);
  for (const [type, count] of counts) if (count > limitFor(tenant, type)) return `more than ${limitFor(tenant, type)} ${type}`;
  return undefined;
}

/**
 * @param candidates live profiles the event's identifiers point at (tombstones already followed)
 * @param owners identifierKey → id of the live profile holding it
 * @param fresh a new empty profile, used when no candidate exists
 */
export function planIdentity(
  tenant: TenantConfig,
  eventIds: readonly Identifier[],
  candidates: readonly Profile[],
  owners: ReadonlyMap<string, string>,
  fresh: () => Profile,
  sighting: { source: string; at: string },
): IdentityPlan {
  const refused: RefusedIdentifier[] = [];
  const refuse = (id: Identifier, reason: string) => refused.push({ type: id.type, value: id.value, reason, at: sighting.at });

  // The profile found by the most specific identifier anchors the event; others join it only within the limits.
  const anchorId = [...eventIds].sort((a, b) => rank(a) - rank(b)).find((id) => owners.has(identifierKey(id)));
  const anchor = candidates.find((c) => c.profileId === (anchorId && owners.get(identifierKey(anchorId))));
  const group: Profile[] = anchor ? [anchor] : [];
  for (const other of [...candidates].sort((a, b) => (survivorOf([a, b]) === a ? -1 : 1))) {
    if (group.includes(other)) continue;
    const broken = exceedsLimits(tenant, [...group.flatMap((p) => p.identifiers), ...other.identifiers]);
    if (broken === undefined) group.push(other);
    else for (const id of eventIds) if (owners.get(identifierKey(id)) === other.profileId) refuse(id, `would merge two profiles into one with ${broken}`);
  }
  const survivor = group.length > 0 ? survivorOf(group) : fresh();
  const absorbed = group.filter((p) => p !== survivor);
  let profile = absorbed.reduce(joinProfiles, survivor);

  const held = new Set(profile.identifiers.map(identifierKey));
  const attached: ProfileIdentifier[] = [];
  const sightings: ProfileIdentifier[] = [];
  for (const id of eventIds) {
    const key = identifierKey(id);
    if (held.has(key)) {
      sightings.push({ ...id, ...sighting });
      continue;
    }
    const owner = owners.get(key);
    if (owner !== undefined && owner !== profile.profileId) continue; // refused above: stays with its own profile
    const broken = exceedsLimits(tenant, [...profile.identifiers, ...attached, id]);
    if (broken === undefined) attached.push({ ...id, ...sighting });
    else refuse(id, `profile would hold ${broken}`);
  }

  // unionIdentifiers keeps the earliest sighting, so the result does not depend on arrival order; an earlier
  // sighting of a held identifier is the only other change.
  const heldById = new Map(profile.identifiers.map((h) => [identifierKey(h), h]));
  const earlier = sightings.some((s) => {
    const h = heldById.get(identifierKey(s));
    return h !== undefined && (s.at < h.at || (s.at === h.at && s.source < h.source));
  });
  if (attached.length > 0 || refused.length > 0 || earlier) {
    const identifiers = unionIdentifiers(profile.identifiers, [...attached, ...sightings]);
    profile = {
      ...profile,
      identifiers,
      refusedIdentifiers: mergeRefusals(profile.refusedIdentifiers, refused),
    };
  }
  return { profile, absorbed, attached, refused };
}

function mergeRefusals(known: readonly RefusedIdentifier[], added: readonly RefusedIdentifier[]): RefusedIdentifier[] {
  const byKey = new Map(known.map((r) => [identifierKey(r), r]));
  for (const r of added) if (!byKey.has(identifierKey(r))) byKey.set(identifierKey(r), r);
  return [...byKey.values()].sort((a, b) => (identifierKey(a) < identifierKey(b) ? -1 : 1));
}
