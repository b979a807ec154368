// The merge's optimistic first attempt (pipeline/merge-batch.ts mergeLane): it looks identifiers up through the
// store's cheaper, possibly stale reads. A store double whose cheap lookups answer from an older copy of the data within
// the contract of ProfileRepository.withEventualReads: only an entry naming a holder may be stale, profiles are current.
import { describe, expect, it } from 'vitest';
import { SynclineConfig } from '../core/config.js';
import type { CanonicalEvent } from '../core/events.js';
import { InMemoryProfileRepository } from '../core/identity/in-memory-profile-repository.js';
import { identifierKey, type Identifier } from '../core/identifiers.js';
import type { IdentifierEntry, ProfileRepository, PushMessage } from '../core/ports.js';
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
    get: (t, id) => (reads.strong++, current.get(t, id)),
    getMany: (t, ids) => (reads.strong++, current.getMany(t, ids)),
  });
  const store: ProfileRepository = { ...strong, withEventualReads: () => eventual };
  /** The cheap lookups answer what is stored now, until the next change. */
  const snapshot = () => {
    for (const name of ['profiles', 'index', 'sharing', 'erased', 'erasureMarks'] as const) {
      const target = older[name] as Map<string, unknown>;
      target.clear();
      for (const [k, v] of current[name] as Map<string, unknown>) target.set(k, v);
    }
  };
  return { current, store, reads, snapshot };
}

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

const phone = (n: string): Identifier[] => [{ type: 'phone', value: n }];
const sighting = (id: string, ids: Identifier[], at: string, data: Record<string, unknown>) =>
  event({
    type: 'customer.upserted',
    sourceEventId: `c-${id}-${at}`,
    occurredAt: at,
    identifiers: ids,
    data,
  } as Parameters<typeof event>[0]);

describe('the optimistic first attempt of a merge lane', () => {
  it('looks identifiers up eventually consistently; a stale entry naming a merged-away profile ends in a conflict, and the retry applies the event to the survivor', async () => {
    const { current, store, reads, snapshot, log } = setupMerge();
    await log.merge(sighting('1', anna(), '2026-10-01T10:00:00Z', { firstName: 'Anna' }));
    await log.merge(sighting('2', phone('+31611111111'), '2026-10-01T11:00:00Z', { lastName: 'Jansen' }));
    expect(current.liveProfiles('acme')).toHaveLength(2);
    snapshot();
    // The phone's profile is absorbed: its entry moves to the survivor, which the cheap lookup has not seen yet.
    await log.merge(sighting('3', [...anna(), ...phone('+31611111111')], '2026-10-02T10:00:00Z', {}));
    expect(current.liveProfiles('acme')).toHaveLength(1);
    reads.eventual = reads.strong = 0;

    const result = await log.merge(sighting('4', phone('+31611111111'), '2026-10-03T10:00:00Z', { locale: 'nl-NL' }));

    expect(result.outcomes.get('m0')).toBe('applied');
    expect(reads.eventual, 'the first attempt looked up the stale copy').toBeGreaterThan(0);
    const [survivor] = current.liveProfiles('acme');
    expect(current.liveProfiles('acme')).toHaveLength(1);
    expect(survivor!.fields.locale?.value).toBe('nl-NL');
    expect(survivor!.fields.firstName?.value).toBe('Anna');
    const entry = (await current.lookupEntries('acme', phone('+31611111111'))).get(identifierKey(phone('+31611111111')[0]!));
    expect(entry?.profileId, 'the pointer leads to the survivor').toBe(survivor!.profileId);
    expect(log.warnings()).toEqual([
      {
        level: 'info',
        message: 'optimistic reads of a lane did not stand; applying it again on strong reads',
        tenantId: 'acme',
        messages: 1,
        why: 'a commit condition failed',
      },
    ]);
  });

  it('reads identifiers eventually consistently and profiles strongly, and needs nothing more when the lookup was current', async () => {
    const { reads, snapshot, log } = setupMerge();
    await log.merge(customer('1', ANNA, '2026-10-01T10:00:00Z', { firstName: 'Anna' }));
    snapshot();
    reads.eventual = reads.strong = 0;
    const result = await log.merge(customer('1', ANNA, '2026-10-02T10:00:00Z', { lastName: 'Jansen' }));
    expect(result.outcomes.get('m0')).toBe('applied');
    expect(reads).toEqual({ eventual: 1, strong: 1 });
    expect(log.warnings()).toEqual([]);
  });

  it('decides on the current profile even when the lookup is stale: an event an unmerge took out of it is applied, not called a duplicate', async () => {
    const { current, snapshot, log } = setupMerge();
    const first = customer('1', ANNA, '2026-10-01T10:00:00Z', { firstName: 'Anna' });
    await log.merge(first);
    snapshot();
    const [rebuilt] = current.liveProfiles('acme');
    await current.commit('acme', {
      puts: [{ profile: { ...rebuilt!, version: 2, fields: {}, recentEvents: [] }, expectedVersion: 1 }],
      claims: [],
    });

    const result = await log.merge(first);

    expect(result.outcomes.get('m0')).toBe('applied');
    expect(current.liveProfiles('acme')[0]!.fields.firstName?.value).toBe('Anna');
  });

  it('reads strongly from the start for a lane holding an erasure request, whose deletes no condition guards', async () => {
    const { current, reads, snapshot, log } = setupMerge();
    await log.merge(customer('1', ANNA, '2026-10-01T10:00:00Z', { firstName: 'Anna' }));
    snapshot();
    reads.eventual = reads.strong = 0;
    const erasure = event({
      type: 'erasure.requested',
      sourceEventId: 'erase-anna',
      occurredAt: '2026-10-05T10:00:00Z',
      identifiers: anna(),
      data: { scope: 'person' },
    } as Parameters<typeof event>[0]);
    const result = await log.merge(erasure);
    expect(result.outcomes.get('m0')).toBe('erased');
    expect(current.liveProfiles('acme')).toHaveLength(0);
    // The batch looked ahead once with the cheap lookup; the erasure's lane read for itself, strongly.
    expect(reads.eventual).toBe(1);
    expect(reads.strong).toBeGreaterThan(1);
  });
});

/** A stale store, merge deps over it, and the warnings the merge logged. */
function setupMerge() {
  const stale = staleStore();
  const d = deps(stale.store);
  return {
    ...stale,
    log: {
      merge: (...events: CanonicalEvent[]) => merge(d, ...events),
      warnings: () => d.log.lines.filter((l) => l.includes('optimistic reads')).map((l) => JSON.parse(l) as Record<string, unknown>),
    },
  };
}
