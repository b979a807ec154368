import { describe, expect, it } from 'vitest';
import { InMemoryProfileRepository } from '../identity/in-memory-profile-repository.js';
import { mergeEvent } from './merge-service.js';
import { StagedProfileRepository } from './staged-profile-repository.js';
import { ConflictRetry } from '../errors.js';
import { customer, order, tenant } from '../../test/support/events.js';

const anna = [{ type: 'email' as const, value: 'anna@example.com' }];
const events = [
  customer('1', 'anna@example.com', '2026-10-01T10:00:00Z', { firstName: 'Anna' }),
  order('a', anna, '2026-10-02T10:00:00Z'),
  order('b', anna, '2026-10-03T10:00:00Z'),
  customer('1', 'anna@example.com', '2026-10-04T10:00:00Z', { firstName: 'Annie' }),
];

describe('staged profile repository', () => {
  it('writes a lane of events for one person as one commit of one profile', async () => {
    const base = new InMemoryProfileRepository();
    const commits: number[] = [];
    const commit = base.commit.bind(base);
    base.commit = async (t, c) => {
      commits.push(c.puts.length);
      return commit(t, c);
    };
    const stage = new StagedProfileRepository(base, 'acme');
    for (const e of events) await mergeEvent({ profiles: stage, newProfileId: () => 'p1' }, tenant(), e);
    await stage.flush();
    expect(commits, 'one commit holding one profile').toEqual([1]);
    const [profile] = base.liveProfiles('acme');
    expect(profile?.version, 'stored as one version step').toBe(1);
    expect(profile?.fields.firstName?.value).toBe('Annie');
    expect(Object.keys(profile?.orders ?? {})).toHaveLength(2);
  });

  it('ends in the same profile as writing every event on its own', async () => {
    const direct = new InMemoryProfileRepository();
    for (const e of events) await mergeEvent({ profiles: direct, newProfileId: () => 'p1' }, tenant(), e);
    const staged = new InMemoryProfileRepository();
    const stage = new StagedProfileRepository(staged, 'acme');
    for (const e of events) await mergeEvent({ profiles: stage, newProfileId: () => 'p1' }, tenant(), e);
    await stage.flush();
    const { version: _a, ...expected } = direct.liveProfiles('acme')[0]!;
    const { version: _b, ...actual } = staged.liveProfiles('acme')[0]!;
    expect(actual).toEqual(expected);
    expect(stage.changes().map((c) => [c.before, c.after.profileId])).toEqual([[undefined, 'p1']]);
  });

  it('fails the flush with ConflictRetry when another writer changed the profile since it was read', async () => {
    const base = new InMemoryProfileRepository();
    await mergeEvent({ profiles: base, newProfileId: () => 'p1' }, tenant(), events[0]!);
    const stage = new StagedProfileRepository(base, 'acme');
    await mergeEvent({ profiles: stage, newProfileId: () => 'p2' }, tenant(), events[1]!);
    await mergeEvent({ profiles: base, newProfileId: () => 'p3' }, tenant(), events[2]!);
    await expect(stage.flush()).rejects.toBeInstanceOf(ConflictRetry);
  });
});
