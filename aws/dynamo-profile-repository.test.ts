import { BatchWriteCommand, GetCommand, PutCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { eventKey } from '../core/events.js';
import { customer, tenant } from '../test/support/events.js';
import { mergeEvent } from '../core/merge/merge-service.js';
import { describe, expect, it } from 'vitest';
import { ConflictRetry } from '../core/errors.js';
import { identifierKey, type Identifier } from '../core/identifiers.js';
import type { ProfileCommit } from '../core/ports.js';
import { emptyProfile, type Profile } from '../core/profile.js';
import { useEmulators } from '../test/support/emulators.js';
import { CommitTooLarge, DynamoProfileRepository } from './dynamo-profile-repository.js';
import { profileIndexAttributes, profileKeys } from './tables.js';

const env = useEmulators({ sqs: false });
const repo = () => new DynamoProfileRepository(env.db, env.tables.profiles);

let seq = 0;
const fresh = (label: string) => `${label}-${++seq}-${Math.random().toString(36).slice(2, 8)}`;
const email = (label: string): Identifier => ({ type: 'email', value: `${fresh(label)}@example.org` });

function profile(tenantId: string, profileId: string, version: number, ids: Identifier[] = []): Profile {
  return {
    ...emptyProfile(tenantId, profileId, '2026-01-01T00:00:00Z'),
    version,
    identifiers: ids.map((id) => ({ ...id, source: 'shop', at: '2026-01-01T00:00:00Z' })),
    fields: { firstName: { value: 'Ada', source: 'shop', at: '2026-01-01T00:00:00Z', eventId: 'e1', priority: 1 } },
  };
}

function create(tenantId: string, profileId: string, ids: Identifier[]): ProfileCommit {
  return {
    puts: [{ profile: profile(tenantId, profileId, 1, ids), expectedVersion: 0 }],
    claims: ids.map((identifier) => ({ identifier, profileId })),
  };
}

describe('DynamoProfileRepository', () => {
  it('commits a new profile and points its identifiers at it', async () => {
    const ids = [email('ada'), { type: 'phone', value: '+31612345678' } as Identifier];
    await repo().commit('acme', create('acme', 'p-new', ids));

    const stored = await repo().get('acme', 'p-new');
    expect(stored?.version, 'stored version').toBe(1);
    expect(stored?.fields.firstName?.value).toBe('Ada');
    const found = await repo().lookup('acme', ids);
    expect(Object.fromEntries(found)).toEqual({ [identifierKey(ids[0]!)]: 'p-new', [identifierKey(ids[1]!)]: 'p-new' });
  });

  it('writes nothing of a commit when one of its conditions fails', async () => {
    const taken = email('taken');
    await repo().commit('acme', create('acme', 'p-holder', [taken]));
    const other = email('other');

    await expect(repo().commit('acme', create('acme', 'p-loser', [other, taken]))).rejects.toBeInstanceOf(ConflictRetry);
    expect(await repo().get('acme', 'p-loser'), 'profile of the failed commit').toBeUndefined();
    expect((await repo().lookup('acme', [other])).size, 'claim of the failed commit').toBe(0);
  });

  it('claims the identifiers of a new profile without a transaction: one conditional write per item', async () => {
    const sent: string[] = [];
    const db = {
      send: (command: { constructor: { name: string } }) => (sent.push(command.constructor.name), env.db.send(command as never)),
    };
    const counted = new DynamoProfileRepository(db as unknown as typeof env.db, env.tables.profiles);
    await counted.commit('acme', create('acme', 'p-plain', [email('plain'), email('plain-too')]));
    expect(sent.sort()).toEqual(['PutCommand', 'UpdateCommand', 'UpdateCommand']);
  });

  it('leaves pointers a crash between claims and put left behind for the next merge to take over', async () => {
    const ada = email('crash');
    let crash = true;
    const db = {
      send: (command: { constructor: { name: string } }) => {
        if (crash && command instanceof PutCommand) {
          crash = false;
          return Promise.reject(new Error('the container died'));
        }
        return env.db.send(command as never);
      },
    };
    const crashing = new DynamoProfileRepository(db as unknown as typeof env.db, env.tables.profiles);
    await expect(crashing.commit('acme', create('acme', 'p-never-written', [ada]))).rejects.toThrow('the container died');
    expect(Object.fromEntries(await repo().lookup('acme', [ada])), 'the claim was written').toEqual({
      [identifierKey(ada)]: 'p-never-written',
    });

    const outcome = await mergeEvent(
      { profiles: repo(), newProfileId: () => fresh('p-after') },
      tenant(),
      customer('c-crash', ada.value, '2026-10-01T10:00:00Z'),
    );
    expect(outcome.status).toBe('applied');
    const holder = (await repo().lookup('acme', [ada])).get(identifierKey(ada));
    expect(holder, 'the pointer moved to the profile that now exists').not.toBe('p-never-written');
    expect((await repo().get('acme', holder!))?.identifiers.map((i) => i.value)).toContain(ada.value);
  });

  it('seals a profile whose claims another merge takes over while its write is pending, so that write cannot land after', async () => {
    const ada = email('pending');
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const db = {
      send: async (command: { constructor: { name: string } }) => {
        if (command instanceof PutCommand) await gate;
        return env.db.send(command as never);
      },
    };
    const slow = new DynamoProfileRepository(db as unknown as typeof env.db, env.tables.profiles);
    const pending = slow.commit('acme', create('acme', 'p-pending', [ada]));
    for (let i = 0; i < 50 && (await repo().lookup('acme', [ada])).size === 0; i++) await new Promise((r) => setTimeout(r, 20));

    await mergeEvent(
      { profiles: repo(), newProfileId: () => 'p-taker' },
      tenant(),
      customer('c-pending', ada.value, '2026-10-01T10:00:00Z'),
    );
    release();
    await expect(pending, 'the pending write meets the seal').rejects.toBeInstanceOf(ConflictRetry);
    expect((await repo().lookup('acme', [ada])).get(identifierKey(ada))).toBe('p-taker');
    expect((await repo().get('acme', 'p-pending'))?.mergedInto, 'sealed as a tombstone leading to the taker').toBe('p-taker');
    expect((await repo().get('acme', 'p-taker'))?.identifiers.map((i) => i.value)).toContain(ada.value);
  });

  it('gives back the fresh claims of a commit whose profile lost its version', async () => {
    await repo().commit('acme', create('acme', 'p-raced', []));
    await repo().commit('acme', { puts: [{ profile: profile('acme', 'p-raced', 2), expectedVersion: 1 }], claims: [] });
    const late = email('late');
    const stale: ProfileCommit = {
      puts: [{ profile: profile('acme', 'p-raced', 2, [late]), expectedVersion: 1 }],
      claims: [{ identifier: late, profileId: 'p-raced' }],
    };
    await expect(repo().commit('acme', stale)).rejects.toBeInstanceOf(ConflictRetry);
    expect((await repo().lookup('acme', [late])).size, 'claim given back').toBe(0);
  });

  it('rejects a stale version with ConflictRetry', async () => {
    await repo().commit('acme', create('acme', 'p-stale', []));
    await repo().commit('acme', { puts: [{ profile: profile('acme', 'p-stale', 2), expectedVersion: 1 }], claims: [] });

    const stale = repo().commit('acme', { puts: [{ profile: profile('acme', 'p-stale', 2), expectedVersion: 1 }], claims: [] });
    await expect(stale).rejects.toThrow(ConflictRetry);
    await expect(stale).rejects.toThrow('profile p-stale is at version 2, expected 1');
    const recreate = repo().commit('acme', create('acme', 'p-stale', []));
    await expect(recreate, 'expectedVersion 0 on an existing profile').rejects.toThrow(ConflictRetry);
    expect((await repo().get('acme', 'p-stale'))?.version).toBe(2);
  });

  it('refuses to claim an identifier another profile holds', async () => {
    const shared = email('shared');
    await repo().commit('acme', create('acme', 'p-first', [shared]));

    const unclaimed = repo().commit('acme', { puts: [], claims: [{ identifier: shared, profileId: 'p-second' }] });
    await expect(unclaimed, 'claim as if unclaimed').rejects.toThrow(/held by p-first, expected no profile/);
    const wrongPrevious = repo().commit('acme', {
      puts: [],
      claims: [{ identifier: shared, profileId: 'p-second', previousProfileId: 'p-other' }],
    });
    await expect(wrongPrevious, 'claim from the wrong holder').rejects.toThrow(ConflictRetry);

    // Moving it with the right previous holder (a merge) succeeds.
    await repo().commit('acme', { puts: [], claims: [{ identifier: shared, profileId: 'p-second', previousProfileId: 'p-first' }] });
    expect((await repo().lookup('acme', [shared])).get(identifierKey(shared))).toBe('p-second');
  });

  it('names no identifier value in a conflict message or a key', async () => {
    const secret = email('private');
    await repo().commit('acme', create('acme', 'p-private', [secret]));
    const error = await repo()
      .commit('acme', create('acme', 'p-private-2', [secret]))
      .catch((e: Error) => e);
    expect(error).toBeInstanceOf(ConflictRetry);
    expect((error as Error).message).not.toContain(secret.value);

    const { Items } = await env.db.send(new ScanCommand({ TableName: env.tables.profiles, ProjectionExpression: 'pk, sk' }));
    expect(JSON.stringify(Items)).not.toContain('@example.org');
  });

  it("keeps tenants apart: a lookup for tenant A never sees tenant B's identifier", async () => {
    const same = email('both');
    await repo().commit('tenant-b', create('tenant-b', 'p-b', [same]));

    expect((await repo().lookup('tenant-a', [same])).size, "tenant A's lookup").toBe(0);
    expect(await repo().get('tenant-a', 'p-b'), "tenant A's get").toBeUndefined();
    // Tenant A may claim the same e-mail address for its own profile.
    await repo().commit('tenant-a', create('tenant-a', 'p-a', [same]));
    expect((await repo().lookup('tenant-a', [same])).get(identifierKey(same))).toBe('p-a');
    expect((await repo().lookup('tenant-b', [same])).get(identifierKey(same))).toBe('p-b');
  });

  it('looks up more than 100 identifiers, duplicates included, across several BatchGetItem calls', async () => {
    const ids = Array.from({ length: 150 }, (_, i) => ({ type: 'loyaltyId', value: `L-${seq}-${i}` }) as Identifier);
    await repo().commit('acme', create('acme', 'p-many-1', ids.slice(0, 99)));
    await repo().commit('acme', create('acme', 'p-many-2', ids.slice(99)));

    const found = await repo().lookup('acme', [...ids, ...ids.slice(0, 10), { type: 'loyaltyId', value: 'unknown-1' }]);
    expect(found.size).toBe(150);
    expect(found.get(identifierKey(ids[0]!))).toBe('p-many-1');
    expect(found.get(identifierKey(ids[149]!))).toBe('p-many-2');
  });

  it('refuses a commit above the 100-item transaction limit before writing anything', async () => {
    const ids = Array.from({ length: 100 }, (_, i) => ({ type: 'anonymousId', value: `a-${seq}-${i}` }) as Identifier);
    const error = await repo()
      .commit('acme', create('acme', 'p-huge', ids))
      .catch((e: Error) => e);
    expect(error).toBeInstanceOf(CommitTooLarge);
    expect((error as Error).message).toContain('101 items');
    expect(await repo().get('acme', 'p-huge')).toBeUndefined();
  });

  it('refuses a put whose version is not expectedVersion + 1', async () => {
    await expect(
      repo().commit('acme', { puts: [{ profile: profile('acme', 'p-badversion', 0), expectedVersion: 0 }], claims: [] }),
    ).rejects.toThrow('pass it with version = expectedVersion + 1');
  });

  it('erases a profile, its tombstones and all its identifier entries', async () => {
    const ids = Array.from({ length: 30 }, (_, i) => ({ type: 'anonymousId', value: `erase-${seq}-${i}` }) as Identifier);
    await repo().commit('acme', create('acme', 'p-absorbed', []));
    const survivor = { ...profile('acme', 'p-erased', 1, ids), mergedFrom: ['p-absorbed'] };
    await repo().commit('acme', {
      puts: [{ profile: survivor, expectedVersion: 0 }],
      claims: ids.map((identifier) => ({ identifier, profileId: 'p-erased' })),
    });
    await repo().commit('acme', create('acme', 'p-bystander', [email('bystander')]));

    await repo().erase('acme', survivor);
    expect(await repo().get('acme', 'p-erased')).toBeUndefined();
    expect(await repo().get('acme', 'p-absorbed'), 'tombstone').toBeUndefined();
    expect((await repo().lookup('acme', ids)).size, 'identifier entries').toBe(0);
    expect(await repo().get('acme', 'p-bystander'), 'an unrelated profile').toBeDefined();
  });

  it('keeps only an erasure marker on an erased identifier: no holder, no refused profiles, no value; a later claim is allowed', async () => {
    const held = email('erased');
    const [holder, refused, later] = [fresh('p-marked'), fresh('p-refused'), fresh('p-new')];
    await repo().commit('acme', create('acme', holder, [held]));
    await repo().commit('acme', { puts: [], claims: [], shares: [{ identifier: held, profileId: refused }] });
    // What the erasure did rides along (profile ids and a flag): a redelivery of the request names the same subjects.
    const erasure = { subjects: [{ profileId: holder, mergedFrom: ['p-absorbed'] }], withheld: true };
    await repo().markErased('acme', [held], '2026-11-02T00:00:00.000Z', new Map([[identifierKey(held), erasure]]));
    expect(await repo().lookupEntries('acme', [held])).toEqual(
      new Map([[identifierKey(held), { sharedBy: 0, refusedBy: [], erasedAt: '2026-11-02T00:00:00.000Z', erasure }]]),
    );
    const item = (await env.db.send(new GetCommand({ TableName: env.tables.profiles, Key: profileKeys.identifier('acme', held) }))).Item;
    expect(JSON.stringify(item)).not.toContain(held.value);
    await repo().commit('acme', create('acme', later, [held]));
    expect((await repo().lookupEntries('acme', [held])).get(identifierKey(held))).toMatchObject({ profileId: later });
  });

  it('lists the live profiles of one tenant only', async () => {
    await repo().commit('lister', create('lister', 'p-live', []));
    await repo().commit('lister', {
      puts: [{ profile: { ...profile('lister', 'p-gone', 1), mergedInto: 'p-live' }, expectedVersion: 0 }],
      claims: [],
    });
    await repo().commit('lister-other', create('lister-other', 'p-foreign', []));

    const listed: string[] = [];
    for await (const p of repo().listProfiles('lister')) listed.push(p.profileId);
    expect(listed).toEqual(['p-live']);
  });

  it('lists a tenant by a Query of its sparse index, never a Scan: tombstones and other tenants are not in it', async () => {
    const sent: string[] = [];
    const db = {
      send: (command: { constructor: { name: string } }) => (sent.push(command.constructor.name), env.db.send(command as never)),
    };
    const counted = new DynamoProfileRepository(db as never, env.tables.profiles);
    await counted.commit('indexed', create('indexed', 'p-live', []));
    await counted.commit('indexed', create('indexed', 'p-merged', []));
    await counted.commit('indexed', {
      puts: [{ profile: { ...profile('indexed', 'p-merged', 2), mergedInto: 'p-live' }, expectedVersion: 1 }],
      claims: [],
    });
    await counted.commit('indexed-other', create('indexed-other', 'p-foreign', []));
    const item = async (id: string) =>
      (await env.db.send(new GetCommand({ TableName: env.tables.profiles, Key: profileKeys.profile('indexed', id) }))).Item;
    expect((await item('p-live'))?.tenantProfiles, 'a live profile carries the index key').toBe('T#indexed#P');
    expect(await item('p-merged'), 'a tombstone leaves the index').not.toHaveProperty('tenantProfiles');

    sent.length = 0;
    const listed: string[] = [];
    for await (const p of counted.listProfiles('indexed')) listed.push(p.profileId);
    expect(listed).toEqual(['p-live']);
    expect(sent).not.toContain('ScanCommand');
    expect(sent).toContain('QueryCommand');
  });

  it('lists a tenant larger than one index page, each profile once', async () => {
    const ids = Array.from({ length: 1203 }, (_, i) => `p-${String(i).padStart(4, '0')}`);
    for (let i = 0; i < ids.length; i += 25) {
      const items = ids.slice(i, i + 25).map((id) => ({
        ...profileKeys.profile('paged', id),
        ...profileIndexAttributes('paged', {}),
        version: 1,
        doc: profile('paged', id, 1),
      }));
      await env.db.send(
        new BatchWriteCommand({ RequestItems: { [env.tables.profiles]: items.map((Item) => ({ PutRequest: { Item } })) } }),
      );
    }
    const listed: string[] = [];
    for await (const p of repo().listProfiles('paged')) listed.push(p.profileId);
    expect(listed).toEqual(ids);
  });

  it('migrates: gives live profile items written before the index their index attributes, once', async () => {
    const legacy = (id: string, extra: Partial<Profile> = {}) =>
      env.db.send(
        new PutCommand({
          TableName: env.tables.profiles,
          Item: { ...profileKeys.profile('legacy', id), version: 1, doc: { ...profile('legacy', id, 1), ...extra } },
        }),
      );
    await legacy('p-old');
    await legacy('p-old-tombstone', { mergedInto: 'p-old' });
    const listed = async () => {
      const ids: string[] = [];
      for await (const p of repo().listProfiles('legacy')) ids.push(p.profileId);
      return ids;
    };
    expect(await listed(), 'before the migration the index does not see it').toEqual([]);
    expect((await repo().addIndexAttributes()).updated).toBeGreaterThanOrEqual(1);
    expect(await listed()).toEqual(['p-old']);
    const again = await repo().addIndexAttributes();
    expect(again, 'nothing left to migrate').toEqual({ missing: 0, updated: 0 });
  });

  it('keeps the history of one batch in one item per person, reads it back once per event and removes single events', async () => {
    const profileId = fresh('p-history');
    const events = ['h1', 'h2', 'h3'].map((id, i) =>
      customer(id, 'ada@example.org', `2026-01-0${i + 1}T00:00:00Z`, { firstName: `Ada${i}` }),
    );
    await repo().appendHistory(
      'acme',
      events.map((event) => ({ profileId, event })),
      30,
    );
    const pk = profileKeys.historyPartition('acme', profileId);
    const items = await env.db.send(
      new QueryCommand({ TableName: env.tables.profiles, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk } }),
    );
    expect(items.Items, 'one item for the three events').toHaveLength(1);

    // A redelivery appends one of them again in a later batch: read once all the same.
    await repo().appendHistory('acme', [{ profileId, event: events[1]! }], 30);
    const read = await repo().history('acme', [profileId]);
    expect(read.map((e) => eventKey(e.event)).sort()).toEqual(events.map(eventKey).sort());
    expect(read[0]!.event).toEqual(events.find((e) => eventKey(e) === eventKey(read[0]!.event)));

    await repo().removeHistory('acme', [{ profileId, eventKey: eventKey(events[1]!) }]);
    expect((await repo().history('acme', [profileId])).map((e) => eventKey(e.event)).sort()).toEqual(
      [events[0]!, events[2]!].map(eventKey).sort(),
    );
  });

  it('reads several profiles in one request', async () => {
    const a = fresh('p-many');
    const b = fresh('p-many');
    await repo().commit('acme', create('acme', a, []));
    await repo().commit('acme', create('acme', b, []));
    const found = await repo().getMany('acme', [a, b, fresh('p-absent')]);
    expect([...found.keys()].sort()).toEqual([a, b].sort());
    expect(found.get(a)?.version).toBe(1);
  });
});
