// The merge's optimistic first attempt (pipeline/merge-batch.ts mergeLane): it looks identifiers up through the
// store's cheaper, possibly stale reads. A store double whose cheap lookups answer from an older copy of the data within
// the contract of ProfileRepository.withEventualReads: any identifier entry may be stale (a holder, an erasure marker,
// refusals, or no item at all), profiles are current, and a fresh claim made through the cheap view requires nothing
// recorded on the identifier, as the DynamoDB adapter's does.
import { describe, expect, it } from 'vitest';
import { SynclineConfig } from '../core/config.js';
import { ConflictRetry } from '../core/errors.js';
import type { CanonicalEvent } from '../core/events.js';
import { InMemoryProfileRepository } from '../core/identity/in-memory-profile-repository.js';
import { identifierKey, type Identifier } from '../core/identifiers.js';
import type { ProfileRepository, PushMessage } from '../core/ports.js';
import { customer, event } from '../test/support/events.js';
import { delegatingProfiles } from '../test/support/delegating-profiles.js';
import { fakeConnector } from '../test/support/fake-connector.js';
import { MemoryQueue, MemoryStatus, memoryLogger } from '../test/support/memory-ports.js';
import { createInstanceResolver } from './instances.js';
import { mergeBatch } from './merge-batch.js';

const ANNA = 'anna@example.com';

/** The current data, and a copy taken earlier that the cheap reads answer from. */
function staleStore() {
  const current = new InMemoryProfileRepository();
  const older = new InMemoryProfileRepository();
  const reads = { eventual: 0, strong: 0, strongLookups: 0 };
  const strong = delegatingProfiles(current, {
    lookupEntries: (t, ids) => (reads.strong++, reads.strongLookups++, current.lookupEntries(t, ids)),
    get: (t, id) => (reads.strong++, current.get(t, id)),
    getMany: (t, ids) => (reads.strong++, current.getMany(t, ids)),
  });
  const eventual: ProfileRepository = delegatingProfiles(current, {
    lookupEntries: (t, ids) => (reads.eventual++, older.lookupEntries(t, ids)),
    get: (t, id) => (reads.strong++, current.get(t, id)),
    getMany: (t, ids) => (reads.strong++, current.getMany(t, ids)),
    commit: async (t, commit) => {
      // A fresh claim through the cheap view: nothing may be recorded on the identifier (no holder, marker or refusal).
      for (const claim of commit.claims) {
        const key = `${t}|${identifierKey(claim.identifier)}`;
        if (claim.previousProfileId === undefined && (current.index.has(key) || current.erased.has(key) || current.sharing.has(key)))
          throw new ConflictRetry('identifier has something recorded');
      }
      return current.commit(t, commit);
    },
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

function deps(profiles: ProfileRepository, identity: Record<string, unknown> = {}) {
  const config = SynclineConfig.parse({
    tenants: [{ id: 'acme', identity, instances: [{ id: 'shop', connector: 'fake', webhooks: true }] }],
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
    expect(reads).toEqual({ eventual: 1, strong: 1, strongLookups: 0 });
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

  it('a new person whose lookup was current costs no strong read of an identifier', async () => {
    const { current, reads, log } = setupMerge();
    const result = await log.merge(customer('1', ANNA, '2026-10-01T10:00:00Z', { firstName: 'Anna' }));
    expect(result.outcomes.get('m0')).toBe('applied');
    expect(current.liveProfiles('acme')).toHaveLength(1);
    expect(reads.eventual).toBeGreaterThan(0);
    expect(reads.strongLookups, 'no identifier read again strongly').toBe(0);
    expect(log.warnings()).toEqual([]);
  });

  it('a stale miss of a concurrent claim ends in one retry, which applies the event to the holder', async () => {
    const { current, reads, log } = setupMerge();
    // The cheap lookups have not seen Anna's profile yet (the copy they answer from is empty).
    await log.merge(customer('1', ANNA, '2026-10-01T10:00:00Z', { firstName: 'Anna' }));
    reads.strongLookups = 0;

    const result = await log.merge(customer('1', ANNA, '2026-10-02T10:00:00Z', { lastName: 'Jansen' }));

    expect(result.outcomes.get('m0')).toBe('applied');
    const live = current.liveProfiles('acme');
    expect(live, 'no second profile for the same person').toHaveLength(1);
    expect(live[0]!.fields.lastName?.value).toBe('Jansen');
    expect(reads.strongLookups, 'the retry read strongly').toBeGreaterThan(0);
    expect(log.warnings().map((w) => w.why)).toEqual(['a commit condition failed']);
  });

  it('a stale miss of an erasure marker cannot re-create the erased person: the fresh claim fails, the retry drops the event', async () => {
    const { current, log } = setupMerge();
    await log.merge(customer('1', ANNA, '2026-10-01T10:00:00Z', { firstName: 'Anna' }));
    const [anna1] = current.liveProfiles('acme');
    await current.erase('acme', anna1!);
    await current.markErased('acme', [...anna(), { type: 'customerId:shop', value: '1' }], '2026-11-02T00:00:00.000Z');

    // Received (2026-11-01) before the erasure: a late delivery, which the cheap lookup answers with no item at all.
    const result = await log.merge(customer('1', ANNA, '2026-10-05T10:00:00Z', { lastName: 'Jansen' }));

    expect(result.outcomes.get('m0')).toBe('predates-erasure');
    expect(current.liveProfiles('acme')).toHaveLength(0);
    expect(log.warnings().map((w) => w.why)).toEqual(['a commit condition failed']);
  });

  it('an identifier the rules refuse is confirmed strongly before the commit: a stale miss of its erasure marker drops the event', async () => {
    const { current, reads, snapshot, log } = setupMerge({ limits: { email: { max: 1 } } });
    await log.merge(customer('1', ANNA, '2026-10-01T10:00:00Z', { firstName: 'Anna' }));
    snapshot();
    // Someone else held bob@ and was erased since; the cheap lookups have not seen the marker.
    const bob: Identifier = { type: 'email', value: 'bob@example.com' };
    await current.markErased('acme', [bob], '2026-11-02T00:00:00.000Z');
    reads.strongLookups = 0;

    // Anna's customer id with a second e-mail beyond her limit of one: the e-mail is refused, not claimed.
    const late = event({
      type: 'customer.upserted',
      sourceEventId: 'late-bob',
      occurredAt: '2026-10-05T10:00:00Z',
      identifiers: [{ type: 'customerId:shop', value: '1' }, bob],
      data: { lastName: 'Jansen' },
    } as Parameters<typeof event>[0]);
    const result = await log.merge(late);

    expect(result.outcomes.get('m0')).toBe('predates-erasure');
    const [kept] = current.liveProfiles('acme');
    expect(kept!.fields.lastName, 'nothing of the late event applied').toBeUndefined();
    expect(
      kept!.refusedIdentifiers.map((r) => r.value),
      'the erased value is stored nowhere',
    ).not.toContain('bob@example.com');
    expect(reads.strongLookups).toBeGreaterThan(0);
    expect(log.warnings().map((w) => w.why)).toEqual(['a commit condition failed']);
  });

  it('an identifier the rules refuse that the lookup saw rightly costs one strong read and no retry', async () => {
    const { current, reads, snapshot, log } = setupMerge({ limits: { email: { max: 1 } } });
    await log.merge(customer('1', ANNA, '2026-10-01T10:00:00Z', { firstName: 'Anna' }));
    snapshot();
    reads.strongLookups = 0;
    const second = event({
      type: 'customer.upserted',
      sourceEventId: 'second-email',
      occurredAt: '2026-10-05T10:00:00Z',
      identifiers: [
        { type: 'customerId:shop', value: '1' },
        { type: 'email', value: 'anna.j@example.com' },
      ],
      data: { lastName: 'Jansen' },
    } as Parameters<typeof event>[0]);
    const result = await log.merge(second);
    expect(result.outcomes.get('m0')).toBe('applied');
    const [kept] = current.liveProfiles('acme');
    expect(kept!.fields.lastName?.value).toBe('Jansen');
    expect(kept!.refusedIdentifiers.map((r) => r.value)).toContain('anna.j@example.com');
    expect(reads.strongLookups, 'the refused e-mail, confirmed once').toBe(1);
    expect(log.warnings()).toEqual([]);
  });

  it('an event after the erasure may claim the marked identifier: the cheap attempt leaves that to its strong retry', async () => {
    const { current, snapshot, log } = setupMerge();
    await log.merge(customer('1', ANNA, '2026-10-01T10:00:00Z', { firstName: 'Anna' }));
    const [anna1] = current.liveProfiles('acme');
    await current.erase('acme', anna1!);
    await current.markErased('acme', [...anna(), { type: 'customerId:shop', value: '1' }], '2026-10-20T00:00:00.000Z');
    snapshot();

    const result = await log.merge(customer('1', ANNA, '2026-10-25T10:00:00Z', { firstName: 'Anna' }));

    expect(result.outcomes.get('m0')).toBe('applied');
    expect(current.liveProfiles('acme')).toHaveLength(1);
    expect(log.warnings().map((w) => w.why)).toEqual(['a commit condition failed']);
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
function setupMerge(identity: Record<string, unknown> = {}) {
  const stale = staleStore();
  const d = deps(stale.store, identity);
  return {
    ...stale,
    log: {
      merge: (...events: CanonicalEvent[]) => merge(d, ...events),
      warnings: () => d.log.lines.filter((l) => l.includes('optimistic reads')).map((l) => JSON.parse(l) as Record<string, unknown>),
    },
  };
}
