// The resync on in-memory ports with a destination that records what it received: every consenting profile once,
// the rest skipped for consent, resumable after an interruption, a full re-send, a dry run without vendor calls.
import * as z from 'zod';
import { describe, expect, it } from 'vitest';
import { SynclineConfig } from '../../core/config.js';
import { InMemoryProfileRepository } from '../../core/identity/in-memory-profile-repository.js';
import { emptyProfile, type Profile } from '../../core/profile.js';
import { defineConnector, type ProfileChange } from '../../connectors/sdk/index.js';
import { MemoryCursors, MemorySnapshots, MemoryStatus, memoryLogger } from '../../test/support/memory-ports.js';
import { createInstanceResolver } from '../instances.js';
import { readResyncJob } from './resync-job.js';
import { runResync, type ResyncOptions } from './run-resync.js';

const AT = '2026-11-01T10:00:00.000Z';
const NO_PACE = { minIntervalMs: 0, basis: 'test', documented: false };

function person(id: string, consent: boolean | undefined): Profile {
  const p: Profile = { ...emptyProfile('acme', id, AT), version: 1 };
  const email = `${id}@example.com`;
  p.identifiers = [{ type: 'email', value: email, source: 'shop', at: AT }];
  p.fields.email = { value: email, source: 'shop', at: AT, eventId: `e-${id}`, priority: 1 };
  p.fields.firstName = { value: `Name ${id}`, source: 'shop', at: AT, eventId: `e-${id}`, priority: 1 };
  if (consent !== undefined) p.consent.email_marketing = { granted: consent, source: 'shop', at: AT, eventId: `c-${id}`, priority: 1 };
  return p;
}

function setup(options: { refuse?: string[]; fieldMapping?: Record<string, unknown> } = {}) {
  const received: ProfileChange[][] = [];
  const destination = defineConnector({
    name: 'recorder',
    kind: 'email',
    description: 'records pushes',
    settingsSchema: z.object({}),
    secretsSchema: z.object({}),
    push: {
      purpose: 'email_marketing',
      maxBatchSize: 3,
      async push(_ctx, changes) {
        received.push(structuredClone(changes));
        return changes.map((c) =>
          options.refuse?.includes(c.email ?? '')
            ? { profileId: c.profileId, status: 'failed' as const, reason: 'Invalid email address.', retryable: false }
            : { profileId: c.profileId, status: 'pushed' as const },
        );
      },
    },
  });
  const config = SynclineConfig.parse({
    tenants: [
      {
        id: 'acme',
        instances: [
          { id: 'old', connector: 'recorder', push: true },
          { id: 'new', connector: 'recorder', push: true },
        ],
        campaigns: options.fieldMapping ? { fieldMapping: { new: options.fieldMapping } } : {},
      },
    ],
  });
  const log = memoryLogger();
  const profiles = new InMemoryProfileRepository();
  const snapshots = new MemorySnapshots();
  const cursors = new MemoryCursors();
  const instances = createInstanceResolver({ config, connectors: { recorder: destination }, secrets: { get: async () => ({}) }, log });
  const deps = { push: { instances, profiles, snapshots, status: new MemoryStatus(), log, now: () => new Date(AT) }, cursors, log };
  const resync = (o: ResyncOptions = {}) => runResync(deps, 'acme', 'new', { pace: NO_PACE, ...o });
  const sentTo = () => received.flat().map((c) => c.profileId);
  return { deps, profiles, snapshots, cursors, received, resync, sentTo };
}

async function seed(profiles: InMemoryProfileRepository, people: Profile[]) {
  await profiles.commit('acme', { puts: people.map((profile) => ({ profile, expectedVersion: 0 })), claims: [] });
}

// p01..p10: p03 and p07 never consented, p05 withdrew.
const people = () =>
  Array.from({ length: 10 }, (_, i) => `p${String(i + 1).padStart(2, '0')}`).map((id) =>
    person(id, id === 'p03' || id === 'p07' ? undefined : id !== 'p05'),
  );
const consenting = ['p01', 'p02', 'p04', 'p06', 'p08', 'p09', 'p10'];

describe('resync of a destination', () => {
  it("pushes every consenting profile once to that destination only, in the connector's batch size, and sums up", async () => {
    const { profiles, resync, received, sentTo, snapshots } = setup();
    await seed(profiles, people());
    const result = await resync();
    expect(sentTo()).toEqual(consenting);
    expect(received.every((batch) => batch.length <= 3)).toBe(true);
    expect(received.flat()[0]!.fields).toMatchObject({ email: 'p01@example.com', firstName: 'Name p01', consentEmailMarketing: true });
    expect(result).toMatchObject({ finished: true, interrupted: false, done: 10, total: 10, percent: 100 });
    expect(result.counts).toEqual({ pushed: 7, unchanged: 0, skippedConsent: 3, failed: 0 });
    expect(
      [...snapshots.snapshots.keys()].filter((k) => k.endsWith('/old')),
      'the other destination is not touched',
    ).toEqual([]);
  });

  it('resumes an interrupted run after the last page it finished: no profile is pushed twice', async () => {
    const { profiles, resync, sentTo, cursors } = setup();
    await seed(profiles, people());
    const stop = new AbortController();
    const first = await resync({ signal: stop.signal, onProgress: () => stop.abort() });
    expect(first).toMatchObject({ interrupted: true, finished: false, done: 3 });
    expect(sentTo()).toEqual(['p01', 'p02']);
    expect(await readResyncJob(cursors, 'acme', 'new')).toMatchObject({ state: 'interrupted', after: 'p03' });

    const second = await resync();
    expect(second).toMatchObject({ resumed: true, finished: true, done: 10 });
    expect(second.counts).toEqual({ pushed: 7, unchanged: 0, skippedConsent: 3, failed: 0 });
    expect(sentTo()).toEqual(consenting);
    expect(await readResyncJob(cursors, 'acme', 'new')).toMatchObject({ state: 'complete', runs: 2 });
  });

  it('sends only what changed on a second normal run, and every field again with full', async () => {
    const { profiles, resync, received } = setup();
    await seed(profiles, people());
    await resync();
    received.length = 0;
    const again = await resync();
    expect(received, 'the snapshots say the destination has them').toEqual([]);
    expect(again.counts).toEqual({ pushed: 0, unchanged: 7, skippedConsent: 3, failed: 0 });

    const full = await resync({ full: true });
    expect(full.counts.pushed).toBe(7);
    expect(received.flat().map((c) => c.changed.length)).toEqual(Array(7).fill(received.flat()[0]!.changed.length));
    expect(received.flat()[0]!.changed).toEqual(expect.arrayContaining(['email', 'firstName', 'consentEmailMarketing']));
  });

  it('refuses to resume an unfinished job in the other mode unless restarted', async () => {
    const { profiles, resync } = setup();
    await seed(profiles, people());
    const stop = new AbortController();
    await resync({ signal: stop.signal, onProgress: () => stop.abort() });
    await expect(resync({ full: true })).rejects.toThrow(/normal resync .* unfinished .* without --full .* --restart/);
    expect((await resync({ full: true, restart: true })).counts.pushed).toBe(7);
  });

  it('counts a dry run without a vendor call or a job write', async () => {
    const { profiles, resync, received, cursors } = setup();
    await seed(profiles, people());
    const dry = await resync({ dryRun: true });
    expect(received).toEqual([]);
    expect(cursors.cursors.size).toBe(0);
    expect(dry).toMatchObject({ dryRun: true, withSnapshot: 0, finished: true });
    expect(dry.counts).toEqual({ pushed: 7, unchanged: 0, skippedConsent: 3, failed: 0 });
  });

  it('reports what the vendor refused with its reason, and the next normal run tries only those', async () => {
    const { profiles, resync, sentTo } = setup({ refuse: ['p04@example.com'] });
    await seed(profiles, people());
    const result = await resync();
    expect(result.counts).toEqual({ pushed: 6, unchanged: 0, skippedConsent: 3, failed: 1 });
    expect(result.failures).toEqual([{ profileId: 'p04', reason: 'Invalid email address.' }]);
    expect(result.failureReasons).toEqual({ 'Invalid email address.': 1 });
    const before = sentTo().length;
    await resync();
    expect(sentTo().slice(before)).toEqual(['p04']);
  });

  it("sends the destination's names from the tenant's field mapping", async () => {
    const { profiles, resync, received } = setup({ fieldMapping: { fields: { firstName: 'first_name' } } });
    await seed(profiles, [person('p01', true)]);
    await resync();
    expect(received.flat()[0]!.fields).toHaveProperty('first_name', 'Name p01');
  });
});

describe('resync pace', () => {
  it('waits the pace between pushes, and a stop during the wait leaves the waiting page for the next run', async () => {
    const { profiles, deps, sentTo, cursors } = setup();
    await seed(profiles, people());
    let clock = 0;
    const waits: number[] = [];
    const stop = new AbortController();
    const result = await runResync(deps, 'acme', 'new', {
      pace: { minIntervalMs: 5_000, basis: 'test', documented: true },
      now: () => clock,
      sleep: async (ms) => {
        waits.push(ms);
        stop.abort(); // Ctrl-C while waiting for the second push
      },
      signal: stop.signal,
    });
    expect(waits).toEqual([5_000]);
    expect(sentTo(), 'only the first page').toEqual(['p01', 'p02']);
    expect(result).toMatchObject({ interrupted: true, done: 3 });
    expect(await readResyncJob(cursors, 'acme', 'new')).toMatchObject({ after: 'p03', state: 'interrupted' });
    clock += 60_000;
    const rest = await runResync(deps, 'acme', 'new', { pace: NO_PACE });
    expect(rest.counts.pushed).toBe(7);
    expect(sentTo()).toEqual(consenting);
  });
});

describe('resync after a field-mapping change', () => {
  it('says so on a normal run after a complete resync under another mapping, not on a full one', async () => {
    const first = setup();
    await seed(first.profiles, [person('p01', true)]);
    expect((await first.resync()).mappingChanged, 'nothing to compare with yet').toBe(false);
    // The same stores under a config whose mapping for the destination renames a field.
    const changed = setup({ fieldMapping: { fields: { firstName: 'first_name' } } });
    const deps = {
      ...changed.deps,
      cursors: first.cursors,
      push: { ...changed.deps.push, profiles: first.profiles, snapshots: first.snapshots },
    };
    const normal = await runResync(deps, 'acme', 'new', { pace: NO_PACE });
    expect(normal.mappingChanged).toBe(true);
    expect(changed.received, 'a normal run: the values did not change, so nothing goes').toEqual([]);
    expect((await runResync(deps, 'acme', 'new', { pace: NO_PACE })).mappingChanged, 'still pointed out after a normal run').toBe(true);
    const full = await runResync(deps, 'acme', 'new', { pace: NO_PACE, full: true });
    expect(full.mappingChanged).toBe(false);
    expect((await runResync(deps, 'acme', 'new', { pace: NO_PACE })).mappingChanged, 'after the full run: settled').toBe(false);
    expect(changed.received.flat()[0]!.fields).toHaveProperty('first_name', 'Name p01');
  });
});
