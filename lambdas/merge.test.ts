// The merge Lambda on the emulators: SQS batches in, profiles in DynamoDB Local (transactions, optimistic locking).
import { beforeAll, describe, expect, it } from 'vitest';
import { SynclineConfig } from '../core/config.js';
import { ConflictRetry } from '../core/errors.js';
import type { CanonicalEvent } from '../core/events.js';
import { identifierKey, type Identifier } from '../core/identifiers.js';
import type { Profile } from '../core/profile.js';
import { projectProfile } from '../core/projection.js';
import { customer, order } from '../test/support/events.js';
import { useEmulators } from '../test/support/emulators.js';
import { silentLogger, sqsEvent } from '../test/support/lambda-events.js';
import { DynamoProfileRepository } from '../aws/dynamo-profile-repository.js';
import { createMergeHandler, handler } from './merge.js';
import { configureRuntime, runtime } from './runtime.js';
import { delegatingProfiles } from '../test/support/delegating-profiles.js';

const env = useEmulators();
const TENANTS = ['acme', 'in-order', 'shuffled', 'racing'];

beforeAll(() => {
  const config = SynclineConfig.parse({
    tenants: TENANTS.map((id) => ({ id, sourcePriority: ['shop'], instances: [{ id: 'shop', connector: 'shopify', webhooks: true }] })),
  });
  configureRuntime({ config, secrets: { get: async () => undefined }, log: silentLogger });
});

const repository = () => new DynamoProfileRepository(env.db, env.tables.profiles);
const inTenant = (tenantId: string, events: readonly CanonicalEvent[]) => events.map((e) => ({ ...e, tenantId }));
const bodies = (events: readonly CanonicalEvent[]) => events.map((e) => JSON.stringify(e));

async function profileOf(tenantId: string, email: string): Promise<Profile | undefined> {
  const id: Identifier = { type: 'email', value: email };
  const profileId = (await repository().lookup(tenantId, [id])).get(identifierKey(id));
  return profileId === undefined ? undefined : repository().get(tenantId, profileId);
}

/** What must not depend on delivery order: everything but ids, versions and bookkeeping. */
function content(profile: Profile | undefined) {
  if (!profile) return undefined;
  const { profileId: _p, version: _v, recentEvents: _r, mergedFrom: _m, tenantId: _t, identityJournal: _j, ...rest } = profile;
  return rest;
}

const annaId = [{ type: 'email', value: 'anna@example.com' }] as CanonicalEvent['identifiers'];
const annaStory = [
  customer('101', 'anna@example.com', '2026-10-01T10:00:00Z', { firstName: 'Anna' }),
  order('5001', annaId, '2026-10-02T10:00:00Z', 40),
  customer('101', 'anna@example.com', '2026-10-05T10:00:00Z', { firstName: 'Annabel' }),
  order('5002', annaId, '2026-10-09T10:00:00Z', 60),
  customer('101', 'anna@example.com', '2026-10-03T10:00:00Z', { firstName: 'Ann' }),
];

describe('merge handler', () => {
  it('writes merged profiles to DynamoDB and reports no failures', async () => {
    const result = await handler(sqsEvent(bodies(annaStory.slice(0, 2))));

    expect(result).toEqual({ batchItemFailures: [] });
    const anna = await profileOf('acme', 'anna@example.com');
    expect(anna, 'profile found through its e-mail index item').toBeDefined();
    expect(projectProfile(anna!)).toMatchObject({ email: 'anna@example.com', firstName: 'Anna', orderCount: 1 });
    expect(anna!.identifiers.map((i) => i.type).sort()).toEqual(['customerId:shop', 'email']);
  });

  it('reports only the malformed message as a batch item failure', async () => {
    const bob = customer('102', 'bob@example.com', '2026-10-01T10:00:00Z', { firstName: 'Bob' });
    const cleo = customer('103', 'cleo@example.com', '2026-10-01T10:00:00Z', { firstName: 'Cleo' });
    const result = await handler(sqsEvent([JSON.stringify(bob), '{"type":"customer.upserted","tenantId":', JSON.stringify(cleo)]));

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }]);
    expect(projectProfile((await profileOf('acme', 'bob@example.com'))!).firstName).toBe('Bob');
    expect(projectProfile((await profileOf('acme', 'cleo@example.com'))!).firstName).toBe('Cleo');
  });

  it('gives the same profile for duplicate and reordered batches', async () => {
    expect(await handler(sqsEvent(bodies(inTenant('in-order', annaStory))))).toEqual({ batchItemFailures: [] });
    // Reversed, every other event twice, in batches of three: what an at-least-once, unordered queue may deliver.
    const shuffled = inTenant(
      'shuffled',
      [...annaStory].reverse().flatMap((e, i) => (i % 2 === 0 ? [e, e] : [e])),
    );
    for (let i = 0; i < shuffled.length; i += 3)
      expect(await handler(sqsEvent(bodies(shuffled.slice(i, i + 3))))).toEqual({ batchItemFailures: [] });

    const expected = await profileOf('in-order', 'anna@example.com');
    expect(projectProfile(expected!)).toMatchObject({ firstName: 'Annabel', orderCount: 2 });
    expect(content(await profileOf('shuffled', 'anna@example.com'))).toEqual(content(expected));
  });

  it('two concurrent batches for the same person end in one profile', async () => {
    // Both batches read before either writes (a barrier on the first lookups), so one commit must lose its
    // optimistic-lock condition on DynamoDB Local and be re-read and re-applied.
    const real = runtime().merge.profiles;
    const BATCHES = 3;
    let arrived = 0;
    let release!: () => void;
    const allArrived = new Promise<void>((resolve) => (release = resolve));
    let conflicts = 0;
    const racing = delegatingProfiles(real, {
      async lookupEntries(tenantId, identifiers) {
        const found = await real.lookupEntries(tenantId, identifiers);
        if (arrived < BATCHES) {
          if (++arrived === BATCHES) release();
          await Promise.race([allArrived, new Promise((resolve) => setTimeout(resolve, 5_000))]);
        }
        return found;
      },
      async commit(tenantId, commit) {
        try {
          await real.commit(tenantId, commit);
        } catch (error) {
          if (error instanceof ConflictRetry) conflicts++;
          throw error;
        }
      },
    });
    const merge = createMergeHandler(() => ({ ...runtime().merge, profiles: racing }));
    const dana = [{ type: 'email', value: 'dana@example.com' }] as CanonicalEvent['identifiers'];
    const batches = [
      [customer('104', 'dana@example.com', '2026-10-01T10:00:00Z', { firstName: 'Dana' })],
      [order('6001', dana, '2026-10-02T10:00:00Z', 25)],
      [order('6002', dana, '2026-10-03T10:00:00Z', 35)],
    ].map((events) => sqsEvent(bodies(inTenant('racing', events))));

    const results = await Promise.all(batches.map((batch) => merge(batch)));

    expect(results).toEqual(batches.map(() => ({ batchItemFailures: [] })));
    expect(conflicts, 'at least one commit lost the race and was retried').toBeGreaterThan(0);
    const profiles = [];
    for await (const profile of repository().listProfiles('racing')) profiles.push(profile);
    expect(profiles, 'one live profile').toHaveLength(1);
    expect(projectProfile(profiles[0]!)).toMatchObject({ email: 'dana@example.com', firstName: 'Dana', orderCount: 2 });
  });
});
