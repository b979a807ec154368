// Rebuilds profiles from recorded events in a sandbox (an in-memory repository): what an unmerge writes back, and
// what an identity dry run compares with the stored profiles. Nothing here touches the real repository.
import type { TenantConfig } from '../config.js';
import { eventKey, type CanonicalEvent } from '../events.js';
import { InMemoryProfileRepository } from './in-memory-profile-repository.js';
import { liveProfile } from '../live-profile.js';
import { mergeEvent } from '../merge/merge-service.js';
import type { Profile } from '../profile.js';
import { utc } from '../merge/provenance.js';

export interface Replay {
  /** Live profiles of the sandbox, with sandbox ids (`replay-0001`, …), oldest first. */
  profiles: Profile[];
  /** eventKey → sandbox id of the live profile holding the event. */
  placement: Map<string, string>;
}

/** Vendor time, then event key: the one order every replay uses, so the same events always rebuild the same profiles. */
export function replayOrder(events: readonly CanonicalEvent[]): CanonicalEvent[] {
  const unique = new Map(events.map((e) => [eventKey(e), e]));
  return [...unique.values()]
    .map((event) => ({ event, at: utc(event.occurredAt), key: eventKey(event) }))
    .sort((a, b) => (a.at !== b.at ? (a.at < b.at ? -1 : 1) : a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(({ event }) => event);
}

/**
 * Applies the events in replay order under `tenant`'s rules; `split` identifiers may not join two profiles (an
 * unmerge, or earlier unmerges a dry run must keep).
 */
export async function replayIdentity(
  tenant: TenantConfig,
  events: readonly CanonicalEvent[],
  split: ReadonlySet<string> = new Set(),
): Promise<Replay> {
  const sandbox = new InMemoryProfileRepository();
  let next = 0;
  const deps = { profiles: sandbox, newProfileId: () => `replay-${String(++next).padStart(4, '0')}`, split };
  for (const event of replayOrder(events)) {
    if (event.tenantId !== tenant.id) throw new Error(`replay for tenant "${tenant.id}" was given an event of tenant "${event.tenantId}"`);
    await mergeEvent(deps, tenant, event);
  }
  const placement = new Map<string, string>();
  for (const entry of await sandbox.history(
    tenant.id,
    [...sandbox.profiles.values()].map((p) => p.profileId),
  )) {
    const live = await liveProfile(sandbox, tenant.id, entry.profileId);
    if (live) placement.set(eventKey(entry.event), live.profileId);
  }
  const profiles = sandbox
    .liveProfiles(tenant.id)
    .sort((a, b) => (a.firstSeenAt !== b.firstSeenAt ? (a.firstSeenAt < b.firstSeenAt ? -1 : 1) : a.profileId < b.profileId ? -1 : 1));
  return { profiles, placement };
}
