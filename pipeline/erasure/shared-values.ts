// An erasure at a destination asks it to delete by e-mail or phone; a value another live profile also holds (a shared
// family address, a refused duplicate) would erase that other person there too, so it is left out of the subject.
import type { ErasureSubject } from '../../core/destination.js';
import { identifierKey, type Identifier } from '../../core/identifiers.js';
import { liveProfile } from '../../core/live-profile.js';
import type { ProfileRepository } from '../../core/ports.js';

type Profiles = Pick<ProfileRepository, 'lookupEntries' | 'get'>;

/** The subject without the identifiers (and primary e-mail) that a live profile other than the subject holds. */
export async function withoutSharedValues(profiles: Profiles, tenantId: string, subject: ErasureSubject): Promise<ErasureSubject> {
  const candidates: Identifier[] = [...subject.identifiers];
  if (subject.email !== undefined) candidates.push({ type: 'email', value: subject.email });
  const entries = await profiles.lookupEntries(tenantId, candidates);
  const shared = new Set<string>();
  for (const [key, entry] of entries) {
    const holders = [...(entry.profileId !== undefined ? [entry.profileId] : []), ...entry.refusedBy];
    for (const holder of holders) {
      if (holder === subject.profileId) continue;
      const live = await liveProfile(profiles, tenantId, holder);
      if (live !== undefined && live.profileId !== subject.profileId) shared.add(key);
    }
  }
  if (shared.size === 0) return subject;
  const { email, ...rest } = subject;
  const keep = email !== undefined && !shared.has(identifierKey({ type: 'email', value: email }));
  return { ...rest, identifiers: subject.identifiers.filter((id) => !shared.has(identifierKey(id))), ...(keep ? { email } : {}) };
}
