// The sync message names the profile version the merge committed (pipeline/merge-batch.ts), so the push reads the
// profile eventually consistently (half the read units on DynamoDB) and strongly only when that answer is older than
// the commit it announces, or when the message names no version (older messages, resyncs, redeliveries).
import { describe, expect, it } from 'vitest';
import { InMemoryProfileRepository } from '../core/identity/in-memory-profile-repository.js';
import type { ProfileRepository, PushMessage } from '../core/ports.js';
import type { Profile } from '../core/profile.js';
import { delegatingProfiles } from '../test/support/delegating-profiles.js';
import { acmeConfig, fakePipeline } from '../test/support/fake-pipeline.js';
import { fakeConnector } from '../test/support/fake-connector.js';
import { memoryLogger } from '../test/support/memory-ports.js';
import { pushProfiles } from './push-profiles.js';

/** A store whose eventually consistent reads answer from `older` (a copy taken earlier) until it is cleared. */
function setup() {
  const config = acmeConfig();
  const fake = fakeConnector();
  const log = memoryLogger();
  const current = new InMemoryProfileRepository();
  const older = new Map<string, Profile>();
  const reads = { eventual: 0, strong: 0 };
  // An eventually consistent read answers from `older` where a test put a stale copy.
  const profiles: ProfileRepository = delegatingProfiles(current, {
    getMany: async (t, ids, options) => {
      if (options?.eventual !== true) return (reads.strong++, current.getMany(t, ids));
      reads.eventual++;
      const fresh = await current.getMany(t, ids);
      for (const id of ids) {
        const stale = older.get(id);
        if (stale) fresh.set(id, structuredClone(stale));
      }
      return fresh;
    },
  });
  const pipeline = fakePipeline(config, fake, { profiles, log });
  const { deps, merge, round } = pipeline;
  const { instances } = deps;
  const post = (fields: Record<string, unknown>) => pipeline.post({ consent: true, ...fields });
  /** `reads` counts the push's profile reads only (the merge's optimistic attempt reads through the same store). */
  const push = (messages: PushMessage[] = deps.push.sent.splice(0)) => {
    reads.eventual = 0;
    reads.strong = 0;
    return pushProfiles(
      deps,
      messages.map((message, i) => ({ id: `p${round()}-${i}`, message })),
    );
  };
  /** From now on the eventual reads answer the profile as it is stored now. */
  const freeze = () => {
    for (const p of current.liveProfiles('acme')) older.set(p.profileId, structuredClone(p));
  };
  const sentFirstNames = () => fake.pushed.flat().map((c) => c.fields.firstName);
  return { deps, current, reads, post, merge, push, freeze, sentFirstNames };
}

describe('the push reads the profile by the version the merge committed (issue 15, stop 31)', () => {
  it('sends the committed version with each sync the merge asks for', async () => {
    const { deps, current, post, merge } = setup();
    await post({ firstName: 'Anna' });
    await merge();
    await post({ firstName: 'Anne', at: '2026-10-02T10:00:00Z' });
    await merge();
    const [profile] = current.liveProfiles('acme');
    expect(deps.push.sent.map((m) => (m.kind === 'sync' ? m.version : undefined))).toEqual([profile!.version - 1, profile!.version]);
  });

  it('reads eventually consistently, and no strong read, when the answer is as new as the commit', async () => {
    const { reads, post, merge, push, sentFirstNames } = setup();
    await post({ firstName: 'Anna' });
    await merge();
    expect(await push()).toEqual([]);
    expect(reads).toEqual({ eventual: 1, strong: 0 });
    expect(sentFirstNames()).toEqual(['Anna']);
  });

  it('detects a stale eventual read by its version and pushes the committed state read strongly', async () => {
    const { reads, post, merge, push, freeze, sentFirstNames, deps } = setup();
    await post({ firstName: 'Anna' });
    await merge();
    expect(await push()).toEqual([]);
    freeze(); // the replica still holds Anna
    await post({ firstName: 'Anne', at: '2026-10-02T10:00:00Z' });
    await merge();
    expect(await push()).toEqual([]);
    expect(sentFirstNames()).toEqual(['Anna', 'Anne']);
    expect(reads).toEqual({ eventual: 1, strong: 1 });
    expect(deps.snapshots.snapshots.size).toBe(1);
    expect([...deps.snapshots.snapshots.values()][0]).toMatchObject({ firstName: 'Anne' });
  });

  it('reads strongly for a message without a version (sent by the previous release, a resync, a redelivery)', async () => {
    const { reads, post, merge, push, freeze, sentFirstNames, deps, current } = setup();
    await post({ firstName: 'Anna' });
    await merge();
    freeze();
    await post({ firstName: 'Anne', at: '2026-10-02T10:00:00Z' });
    await merge();
    deps.push.sent.splice(0);
    const [profile] = current.liveProfiles('acme');
    expect(await push([{ kind: 'sync', tenantId: 'acme', profileId: profile!.profileId }])).toEqual([]);
    expect(reads).toEqual({ eventual: 0, strong: 1 });
    expect(sentFirstNames()).toEqual(['Anne']);
  });

  it('reads strongly when one of the messages folded for a person names no version', async () => {
    const { reads, post, merge, push, freeze, sentFirstNames, deps } = setup();
    await post({ firstName: 'Anna' });
    await merge();
    freeze();
    await post({ firstName: 'Anne', at: '2026-10-02T10:00:00Z' });
    await merge();
    const [first, second] = deps.push.sent.splice(0) as Extract<PushMessage, { kind: 'sync' }>[];
    const { version: _dropped, ...unversioned } = second!;
    expect(await push([first!, unversioned])).toEqual([]);
    expect(reads).toEqual({ eventual: 0, strong: 1 });
    expect(sentFirstNames()).toEqual(['Anne']);
  });
});
