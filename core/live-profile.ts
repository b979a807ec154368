// A merged-away profile leaves a tombstone pointing at its survivor: readers follow it to the live profile.
import type { ProfileRepository } from './ports.js';
import type { Profile } from './profile.js';

/** Chains longer than this mean a bug (a cycle), not a history: stop rather than loop. */
const MAX_TOMBSTONE_HOPS = 10;

/** The live profile `profileId` leads to, or undefined when it (or its survivor) no longer exists. */
export async function liveProfile(repo: Pick<ProfileRepository, 'get'>, tenantId: string, profileId: string): Promise<Profile | undefined> {
  let profile = await repo.get(tenantId, profileId);
  for (let hop = 0; profile?.mergedInto !== undefined && hop < MAX_TOMBSTONE_HOPS; hop++)
    profile = await repo.get(tenantId, profile.mergedInto);
  return profile?.mergedInto === undefined ? profile : undefined;
}
