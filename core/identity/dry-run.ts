// "What would these identity rules do to my profiles?": replays every recorded event of a tenant under the new rules
// in a sandbox and compares who ends up with whom against the stored profiles. Writes nothing.
import type { TenantConfig } from '../config.js';
import { eventKey, type CanonicalEvent } from '../events.js';
import { identifierKey, type Identifier as Id } from '../identifiers.js';
import { describeMatchRule, type IdentityRules } from './rules.js';
import type { Profile } from '../profile.js';
import { replayIdentity } from './replay.js';
import type { ProfileRepository } from '../ports.js';

export interface DryRunReport {
  tenantId: string;
  /** Live profiles now, and those with recorded events (the others cannot be replayed: older than the history). */
  profilesNow: number;
  profilesReplayed: number;
  profilesAfter: number;
  events: number;
  /** New profiles that would join events of several current profiles. */
  merges: { count: number; examples: { profiles: string[]; by: string[] }[] };
  /** Current profiles whose events would go to several new profiles. */
  splits: { count: number; examples: { profileId: string; into: number; events: number[] }[] };
  /** Current profiles that stay exactly as they are (same events together, nothing else joined). */
  unchanged: number;
}

/** Shows a value enough to recognise it, not enough to leak it: "an***@example.com", "***5678". */
export function maskIdentifier(id: Id): string {
  if (id.type === 'email') {
    const [local = '', domain = ''] = id.value.split('@');
    return `${id.type} ${local.slice(0, 2)}***@${domain}`;
  }
  if (id.type === 'phone') return `${id.type} ***${id.value.slice(-4)}`;
  return `${id.type} ${id.value.slice(0, 3)}***`;
}

/** Reads the profiles and their history: the table (a Query per profile), or an export (local/analytics/). */
export async function dryRunIdentityRules(
  repo: Pick<ProfileRepository, 'listProfiles' | 'history'>,
  tenant: TenantConfig,
  rules: IdentityRules,
  options: { examples?: number } = {},
): Promise<DryRunReport> {
  const examples = options.examples ?? 5;
  const current = new Map<string, string>(); // eventKey → current live profile id
  const events: CanonicalEvent[] = [];
  const split = new Set<string>();
  const stored = new Map<string, Profile>();
  let profilesNow = 0;
  let profilesReplayed = 0;
  for await (const profile of repo.listProfiles(tenant.id)) {
    profilesNow++;
    stored.set(profile.profileId, profile);
    for (const key of profile.unlinkable ?? []) split.add(key); // earlier unmerges stay in force
    const history = await repo.history(tenant.id, [profile.profileId, ...profile.mergedFrom]);
    if (history.length > 0) profilesReplayed++;
    for (const { event } of history) {
      if (current.has(eventKey(event))) continue;
      current.set(eventKey(event), profile.profileId);
      events.push(event);
    }
  }

  const replay = await replayIdentity({ ...tenant, identity: rules }, events, split);
  const newGroups = new Map<string, Set<string>>(); // sandbox id → current ids whose events it holds
  const currentGroups = new Map<string, Map<string, number>>(); // current id → sandbox id → events
  for (const [key, sandboxId] of replay.placement) {
    const now = current.get(key)!;
    newGroups.set(sandboxId, new Set([...(newGroups.get(sandboxId) ?? []), now]));
    const into = currentGroups.get(now) ?? new Map<string, number>();
    into.set(sandboxId, (into.get(sandboxId) ?? 0) + 1);
    currentGroups.set(now, into);
  }

  const merges = [...newGroups].filter(([, ids]) => ids.size > 1);
  const splits = [...currentGroups].filter(([, into]) => into.size > 1);
  const touched = new Set([...merges.flatMap(([, ids]) => [...ids]), ...splits.map(([id]) => id)]);
  const byId = new Map(replay.profiles.map((p) => [p.profileId, p]));
  return {
    tenantId: tenant.id,
    profilesNow,
    profilesReplayed,
    profilesAfter: replay.profiles.length + (profilesNow - profilesReplayed),
    events: events.length,
    merges: {
      count: merges.length,
      examples: merges.slice(0, examples).map(([sandboxId, ids]) => ({
        profiles: [...ids].sort(),
        by: joiningIdentifiers(
          byId.get(sandboxId),
          [...ids].map((id) => stored.get(id)!),
        ).map((id) => `${maskIdentifier(id)} (${describeMatchRule(rules, id.type)})`),
      })),
    },
    splits: {
      count: splits.length,
      examples: splits
        .slice(0, examples)
        .map(([profileId, into]) => ({ profileId, into: into.size, events: [...into.values()].sort((a, b) => b - a) })),
    },
    unchanged: profilesReplayed - [...touched].length,
  };
}

/** Identifiers of the new profile that two or more of the current profiles carry (held or refused): what joins them. */
function joiningIdentifiers(after: Profile | undefined, now: readonly Profile[]): Id[] {
  return (after?.identifiers ?? [])
    .filter(
      (id) => now.filter((p) => [...p.identifiers, ...p.refusedIdentifiers].some((c) => identifierKey(c) === identifierKey(id))).length > 1,
    )
    .map(({ type, value }) => ({ type, value }));
}
