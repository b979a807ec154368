// The merge's optimistic first attempt (pipeline/merge-batch.ts mergeLane): it reads through the store's cheaper,
// possibly stale reads, and only a commit's conditions confirm what it read. A store double whose cheap reads answer
// from an older copy of the data, within the contract of ProfileRepository.withEventualReads (stale only where a
// commit condition guards the answer: a live profile, an identifier naming a holder).
import { describe, expect, it } from 'vitest';
import { SynclineConfig } from '../core/config.js';
import type { CanonicalEvent } from '../core/events.js';
import { InMemoryProfileRepository } from '../core/identity/in-memory-profile-repository.js';
import { identifierKey, type Identifier } from '../core/identifiers.js';
import type { IdentifierEntry, ProfileRepository, PushMessage } from '../core/ports.js';
import type { Profile } from '../core/profile.js';
import { customer, event } from '../test/support/events.js';
import { delegatingProfiles } from '../test/support/delegating-profiles.js';
import { fakeConnector } from '../test/support/fake-connector.js';
import { MemoryQueue, MemoryStatus, memoryLogger } from '../test/support/memory-ports.js';
import { createInstanceResolver } from './instances.js';
import { mergeBatch } from './merge-batch.js';

const ANNA = 'anna@example.com';

/** The current data, and a copy taken earlier that the cheap reads answer from where the contract allows it. */
function staleStore() {
  const current = new InMemoryProfileRepository();
  const older = new InMemoryProfileRepository();
  const reads = { eventual: 0, strong: 0 };
  const strong = delegatingProfiles(current, {
    lookupEntries: (t, ids) => (reads.strong++, current.lookupEntries(t, ids)),
    get: (t, id) => (reads.strong++, current.get(t, id)),
    getMany: (t, ids) => (reads.strong++, current.getMany(t, ids)),
  });
  const eventual: ProfileRepository = delegatingProfiles(current, {
    lookupEntries: async (t, ids) => {
      reads.eventual++;
      const stale = await older.lookupEntries(t, ids);
      const fresh = await current.lookupEntries(t, ids);
      const found = new Map<string, IdentifierEntry>();
      for (const id of ids) {
        const key = identifierKey(id);
        // An entry naming a holder may be stale; anything else the adapter reads again strongly.
        const entry = stale.get(key)?.profileId !== undefined ? stale.get(key) : fresh.get(key);
        if (entry) found.set(key, entry);
      }
      return found;
    },
    get: async (t, id) => (reads.eventual++, live(await older.get(t, id)) ?? (await current.get(t, id))),
    getMany: async (t, ids) => {
      reads.eventual++;
      const found = new Map<string, Profile>();
      for (const id of ids) {
        const profile = live(await older.get(t, id)) ?? (await current.get(t, id));
        if (profile) found.set(id, profile);
      }
      return found;
    },
  });
  const store: ProfileRepository = { ...strong, withEventualReads: () => eventual };
  /** The cheap reads answer what is stored now, until the next change. */
  const snapshot = () => {
    for (const name of ['profiles', 'index', 'sharing', 'erased', 'erasureMarks'] as const) {
      const target = older[name] as Map<string, unknown>;
      target.clear();
      for (const [k, v] of current[name] as Map<string, unknown>) target.set(k, v);
    }
  };
  return { current, store, reads, snapshot };
}

const live = (profile: Profile | undefined) => (profile?.mergedInto === undefined ? profile : undefined);

function deps(profiles: ProfileRepository) {
  const config = SynclineConfig.parse({
    tenants: [{ id: 'acme', instances: [{ id: 'shop', connector: 'fake', webhooks: true }] }],
  });
  const log = memoryLogger();
  return {
    instances: createInstanceResolver({
      config,
      connectors: { fake: fakeConnector().connector },
      secrets: { get: async () => ({}) },
      log,
    }),
    profiles,
    push: new MemoryQueue<PushMessage>(),
    status: new MemoryStatus(),
    log,
    newProfileId: (() => {
      let n = 0;
      return () => `p${++n}`;
    })(),
  };
}

const merge = (d: ReturnType<typeof deps>, ...events: CanonicalEvent[]) =>
  mergeBatch(
    d,
    events.map((e, i) => ({ id: `m${i}`, body: JSON.stringify(e) })),
  );

const anna = (): Identifier[] => [{ type: 'email', value: ANNA }];

describe('the optimistic first attempt of a merge lane', () => {
  it('reads eventually consistently, and a stale profile ends in a conflict whose retry applies the event on the current one', async () => {
    const { current, store, reads, snapshot } = staleStore();
    const d = deps(store);
    await merge(d, customer('1', ANNA, '2026-10-01T10:00:00Z', { firstName: 'Anna' }));
    snapshot();
    await merge(d, customer('1', ANNA, '2026-10-02T10:00:00Z', { lastName: 'Jansen' }));
    const [holder] = current.liveProfiles('acme');
    expect(holder?.version).toBe(2);

    reads.eventual = reads.strong = 0;
    const result = await merge(d, customer('1', ANNA, '2026-10-03T10:00:00Z', { locale: 'nl-NL' }));

    expect(result.outcomes.get('m0')).toBe('applied');
    expect(reads.eventual, 'the first attempt read the stale copy').toBeGreaterThan(0);
    expect(reads.strong, 'the retry read strongly').toBeGreaterThan(0);
    const after = current.liveProfiles('acme');
    expect(after).toHaveLength(1);
    expect(after[0]!.version).toBe(3);
    expect(after[0]!.fields.lastName?.value, 'the change the stale copy missed is kept').toBe('Jansen');
    expect(after[0]!.fields.locale?.value).toBe('nl-NL');
    expect(d.log.lines.filter((l) => l.includes('optimistic reads')).map((l) => JSON.parse(l) as Record<string, unknown>)).toEqual([
      {
        level: 'warn',
        message: 'optimistic reads of a lane did not stand; applying it again on strong reads',
        tenantId: 'acme',
        messages: 1,
        why: 'a commit condition failed',
      },
    ]);
  });

  it('reads nothing strongly when the cheap reads were current', async () => {
    const { store, reads, snapshot } = staleStore();
    const d = deps(store);
    await merge(d, customer('1', ANNA, '2026-10-01T10:00:00Z', { firstName: 'Anna' }));
    snapshot();
    reads.eventual = reads.strong = 0;
    const result = await merge(d, customer('1', ANNA, '2026-10-02T10:00:00Z', { lastName: 'Jansen' }));
    expect(result.outcomes.get('m0')).toBe('applied');
    expect(reads).toEqual({ eventual: 2, strong: 0 });
    expect(d.log.lines.some((l) => l.includes('optimistic reads'))).toBe(false);
  });

  it('confirms an outcome that writes nothing by one strong read of the versions it read', async () => {
    const { current, store, reads, snapshot } = staleStore();
    const d = deps(store);
    const first = customer('1', ANNA, '2026-10-01T10:00:00Z', { firstName: 'Anna' });
    await merge(d, first);
    snapshot();
    reads.eventual = reads.strong = 0;
    const result = await merge(d, first);
    expect(result.outcomes.get('m0')).toBe('duplicate');
    expect(reads).toEqual({ eventual: 2, strong: 1 });
    expect(current.liveProfiles('acme')[0]!.version).toBe(1);
  });

  it('decides an outcome that writes nothing again on strong reads: a duplicate on a stale copy is applied to the current profile', async () => {
    const { current, store, snapshot } = staleStore();
    const d = deps(store);
    const first = customer('1', ANNA, '2026-10-01T10:00:00Z', { firstName: 'Anna' });
    await merge(d, first);
    snapshot();
    // An unmerge rebuilt the profile without that event (it went to the profile it came from): no version guards a
    // "duplicate", so only a strong read can tell.
    const [rebuilt] = current.liveProfiles('acme');
    await current.commit('acme', {
      puts: [{ profile: { ...rebuilt!, version: 2, fields: {}, recentEvents: [] }, expectedVersion: 1 }],
      claims: [],
    });

    const result = await merge(d, first);

    expect(result.outcomes.get('m0'), 'on the stale copy it was a duplicate').toBe('applied');
    expect(current.liveProfiles('acme')[0]!.fields.firstName?.value).toBe('Anna');
  });

  it('reads strongly from the start for a lane holding an erasure request, whose deletes no condition guards', async () => {
    const { current, store, reads, snapshot } = staleStore();
    const d = deps(store);
    await merge(d, customer('1', ANNA, '2026-10-01T10:00:00Z', { firstName: 'Anna' }));
    snapshot();
    reads.eventual = reads.strong = 0;
    const erasure = event({
      type: 'erasure.requested',
      sourceEventId: 'erase-anna',
      occurredAt: '2026-10-05T10:00:00Z',
      identifiers: anna(),
      data: { scope: 'person' },
    } as Parameters<typeof event>[0]);
    const result = await merge(d, erasure);
    expect(result.outcomes.get('m0')).toBe('erased');
    expect(current.liveProfiles('acme')).toHaveLength(0);
    expect(reads.strong).toBeGreaterThan(0);
    // The batch read ahead with the cheap reads (one lookup, one profile read); the erasure's lane did not use them.
    expect(reads.eventual).toBe(2);
  });
});
