// A resync lists a tenant's profiles in id order and resumes after the last one it handled, on DynamoDB Local: the
// tenant-profiles index is queried from that key on, never from the start, and other tenants are not read.
import { describe, expect, it } from 'vitest';
import { emptyProfile, type Profile } from '../core/profile.js';
import { useEmulators } from '../test/support/emulators.js';
import { DynamoProfileRepository } from './dynamo-profile-repository.js';

const env = useEmulators({ sqs: false });
const repo = () => new DynamoProfileRepository(env.db, env.tables.profiles);
const profileOf = (tenantId: string, profileId: string, mergedInto?: string): Profile => ({
  ...emptyProfile(tenantId, profileId, '2026-01-01T00:00:00Z'),
  version: 1,
  ...(mergedInto ? { mergedInto } : {}),
});

async function ids(items: AsyncIterable<Profile>): Promise<string[]> {
  const out: string[] = [];
  for await (const p of items) out.push(p.profileId);
  return out;
}

describe('listing a tenant from a resume point', () => {
  it('lists live profiles in id order, resumes after a given id (present or merged away), and counts them from the index', async () => {
    const puts = ['p-03', 'p-01', 'p-05', 'p-02', 'p-04'].map((id) => ({ profile: profileOf('resume-a', id), expectedVersion: 0 }));
    puts.push({ profile: profileOf('resume-a', 'p-025', 'p-02'), expectedVersion: 0 });
    await repo().commit('resume-a', { puts, claims: [] });
    await repo().commit('resume-b', { puts: [{ profile: profileOf('resume-b', 'p-00'), expectedVersion: 0 }], claims: [] });

    expect(await ids(repo().listProfiles('resume-a'))).toEqual(['p-01', 'p-02', 'p-03', 'p-04', 'p-05']);
    expect(await ids(repo().listProfiles('resume-a', { after: 'p-02' }))).toEqual(['p-03', 'p-04', 'p-05']);
    // The tombstone's key: the listing still starts right after it.
    expect(await ids(repo().listProfiles('resume-a', { after: 'p-025' }))).toEqual(['p-03', 'p-04', 'p-05']);
    expect(await ids(repo().listProfiles('resume-a', { after: 'p-05' }))).toEqual([]);
    expect(await repo().countProfiles('resume-a')).toBe(5);
    expect(await repo().countProfiles('resume-b')).toBe(1);
  });
});
