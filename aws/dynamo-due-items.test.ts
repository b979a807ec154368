// The campaign sweep's due items on DynamoDB Local (issue 15, stop 33): written before the profile commit that names
// them, the replaced one deleted after it; stale ones (a merge since, a tombstone, an erased profile, a failed commit)
// recognised and deleted by the sweep; handled ones moved on by BatchWriteItem; profiles of the tenant-due index
// converted by `syncline migrate`.
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { ConflictRetry } from '../core/errors.js';
import { emptyProfile, type Profile } from '../core/profile.js';
import { useEmulators } from '../test/support/emulators.js';
import { DynamoDueItems } from './dynamo-due-items.js';
import { DynamoProfileRepository } from './dynamo-profile-repository.js';
import { dueIndexAttributes, dueItemKeys, profileKeys, TENANT_DUE_INDEX } from './tables.js';

const env = useEmulators({ sqs: false });
let seq = 0;
const tenant = () => `due${++seq}`;
const NOW = new Date('2026-03-01T12:00:00.000Z');
const at = (days: number) => new Date(NOW.getTime() + days * 86_400_000).toISOString();

function profile(tenantId: string, profileId: string, version: number, extra: Partial<Profile> = {}): Profile {
  return { ...emptyProfile(tenantId, profileId, '2026-01-01T00:00:00Z'), version, ...extra };
}

/** A repository whose due time per profile the test sets (`due`), on `db` (a client that may fail or count). */
function writer(due: Map<string, string | undefined>, db: DynamoDBDocumentClient = env.db) {
  return new DynamoProfileRepository(db, env.tables.profiles, { dueAt: (p) => due.get(p.profileId), dueNow: () => NOW });
}

/** The due items of a tenant, as `<dueAt>#<profile>#<version>`. */
async function items(tenantId: string): Promise<string[]> {
  const { Items } = await env.db.send(
    new QueryCommand({
      TableName: env.tables.profiles,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': dueItemKeys.partition(tenantId) },
      ConsistentRead: true,
    }),
  );
  return (Items ?? []).map((i) => String(i.sk));
}

async function sweep(dueItems: DynamoDueItems, tenantId: string, until: string): Promise<string[]> {
  const found: string[] = [];
  for await (const { profile } of dueItems.dueProfiles(tenantId, until)) found.push(`${profile.profileId}@${profile.version}`);
  return found;
}

/** A document client whose sends fail when `fails(command)` says so, after nothing was sent. */
function failing(fails: (command: { constructor: { name: string }; input: Record<string, unknown> }) => boolean): DynamoDBDocumentClient {
  const wrapped = Object.create(env.db) as DynamoDBDocumentClient;
  const send = env.db.send.bind(env.db) as (command: unknown) => Promise<unknown>;
  (wrapped as unknown as { send: unknown }).send = async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
    if (fails(command)) throw new Error(`injected failure of ${command.constructor.name}`);
    return send(command);
  };
  return wrapped;
}

describe('due items', () => {
  it('a commit writes its due item and deletes the one it replaces; an unchanged due time far enough ahead writes nothing', async () => {
    const t = tenant();
    const due = new Map<string, string | undefined>([['p', at(30)]]);
    const repo = writer(due);
    await repo.commit(t, { puts: [{ profile: profile(t, 'p', 1), expectedVersion: 0 }], claims: [] });
    expect(await items(t)).toEqual([`${at(30)}#p#1`]);
    due.set('p', at(10));
    await repo.commit(t, { puts: [{ profile: profile(t, 'p', 2), expectedVersion: 1 }], claims: [] });
    expect(await items(t), 'moved: the new item, the old one gone').toEqual([`${at(10)}#p#2`]);
    await repo.commit(t, { puts: [{ profile: profile(t, 'p', 3), expectedVersion: 2 }], claims: [] });
    expect(await items(t), 'the same due time: the item stays, named by the profile').toEqual([`${at(10)}#p#2`]);
    const dueItems = await repo.dueItems();
    expect(await sweep(dueItems, t, at(9)), 'not due yet').toEqual([]);
    expect(await sweep(dueItems, t, at(10)), 'due at its time, at the version committed since').toEqual(['p@3']);
    // No due time any more: the item goes with the commit, and a tombstone has none either.
    due.set('p', undefined);
    await repo.commit(t, { puts: [{ profile: profile(t, 'p', 4), expectedVersion: 3 }], claims: [] });
    expect(await items(t)).toEqual([]);
  });

  it('a profile commit that fails after its due item was written loses no due time: the old item still leads the sweep to it', async () => {
    const t = tenant();
    const due = new Map([['p', at(5)]]);
    await writer(due).commit(t, { puts: [{ profile: profile(t, 'p', 1), expectedVersion: 0 }], claims: [] });
    // The next merge's item is written, then its profile write fails (a crash, or a lost condition).
    due.set('p', at(20));
    const crashing = writer(
      due,
      failing((c) => c.constructor.name === 'PutCommand' && (c.input.Item as { sk?: string }).sk === 'PROFILE'),
    );
    await crashing.get(t, 'p');
    await expect(crashing.commit(t, { puts: [{ profile: profile(t, 'p', 2), expectedVersion: 1 }], claims: [] })).rejects.toThrow(
      /injected/,
    );
    expect(await items(t)).toEqual([`${at(5)}#p#1`, `${at(20)}#p#2`]);
    const dueItems = new DynamoDueItems(env.db, env.tables.profiles);
    expect(await sweep(dueItems, t, at(5)), 'the stored due time stands').toEqual(['p@1']);
    // The failed commit's item names a version the profile never reached: left alone while a commit could still be on
    // its way, deleted once it is long past due; it never leads to a visit.
    expect(await sweep(dueItems, t, at(20)), 'the item of the failed commit').toEqual(['p@1']);
    expect(await items(t)).toContain(`${at(20)}#p#2`);
    expect(await sweep(dueItems, t, at(21))).toEqual(['p@1']);
    expect(await items(t), 'the orphan deleted a day later').toEqual([`${at(5)}#p#1`]);
    // And a retry of the merge that does commit moves the due time as it should.
    const retry = writer(due);
    await retry.get(t, 'p');
    await retry.commit(t, { puts: [{ profile: profile(t, 'p', 2), expectedVersion: 1 }], claims: [] });
    expect(await items(t)).toEqual([`${at(20)}#p#2`]);
  });

  it('recognises stale items and deletes them without a visit: a merge since, a tombstone, an erased profile', async () => {
    const t = tenant();
    const due = new Map<string, string | undefined>([
      ['moved', at(3)],
      ['merged', at(3)],
      ['erased', at(3)],
    ]);
    const repo = writer(due);
    for (const id of due.keys()) await repo.commit(t, { puts: [{ profile: profile(t, id, 1), expectedVersion: 0 }], claims: [] });
    // The merge's deletes of the items it replaces fail (a crash after the commit): the old items stay behind.
    const noDeletes = writer(
      due,
      failing((c) => c.constructor.name === 'BatchWriteCommand' && JSON.stringify(c.input).includes('DeleteRequest')),
    );
    due.set('moved', at(8));
    due.set('merged', undefined);
    for (const [id, extra] of [
      ['moved', {}],
      ['merged', { mergedInto: 'moved' }],
    ] as const) {
      await noDeletes.get(t, id);
      await noDeletes.commit(t, { puts: [{ profile: profile(t, id, 2, extra), expectedVersion: 1 }], claims: [] });
    }
    await repo.erase(t, profile(t, 'erased', 1));
    expect((await items(t)).sort()).toEqual([`${at(3)}#erased#1`, `${at(3)}#merged#1`, `${at(3)}#moved#1`, `${at(8)}#moved#2`].sort());

    const dueItems = await repo.dueItems();
    expect(await sweep(dueItems, t, at(3)), 'nothing of the old items is due').toEqual([]);
    expect((await items(t)).sort(), 'the stale ones deleted; the erased one is kept an hour, then deleted').toEqual(
      [`${at(3)}#erased#1`, `${at(8)}#moved#2`].sort(),
    );
    expect(await sweep(dueItems, t, at(4))).toEqual([]);
    expect(await items(t)).toEqual([`${at(8)}#moved#2`]);
    expect(await sweep(dueItems, t, at(8))).toEqual(['moved@2']);
  });

  it('moves handled profiles on by BatchWriteItem, 25 items a request, next items before the handled ones go', async () => {
    const t = tenant();
    const due = new Map(Array.from({ length: 30 }, (_, i) => [`p${i}`, at(1)] as [string, string]));
    const repo = writer(due);
    for (const id of due.keys()) await repo.commit(t, { puts: [{ profile: profile(t, id, 1), expectedVersion: 0 }], claims: [] });
    const sent: string[] = [];
    const db = Object.create(env.db) as DynamoDBDocumentClient;
    const send = env.db.send.bind(env.db) as (command: unknown) => Promise<unknown>;
    (db as unknown as { send: unknown }).send = async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const requests = Object.values((command.input.RequestItems ?? {}) as Record<string, Record<string, unknown>[]>).flat();
      sent.push(`${command.constructor.name}${requests.length > 0 ? ` ${Object.keys(requests[0]!)[0]} ${requests.length}` : ''}`);
      return send(command);
    };
    const dueItems = new DynamoDueItems(db, env.tables.profiles);
    await dueItems.recordConverted([t], new Date(0));
    const found = [];
    for await (const entry of dueItems.dueProfiles(t, at(1))) found.push(entry);
    expect(found).toHaveLength(30);
    sent.length = 0;
    await dueItems.reschedule(
      t,
      found.map((d) => ({ due: d, next: d.profile.profileId === 'p0' ? undefined : at(40) })),
    );
    expect(sent, 'puts first, then deletes; no request per profile').toEqual([
      'BatchWriteCommand PutRequest 25',
      'BatchWriteCommand PutRequest 4',
      'BatchWriteCommand DeleteRequest 25',
      'BatchWriteCommand DeleteRequest 5',
    ]);
    const left = await items(t);
    expect(left).toHaveLength(29);
    expect(left.every((sk) => sk.startsWith(at(40)))).toBe(true);
    expect(await sweep(dueItems, t, at(39))).toEqual([]);
  });

  it('migrates: profiles on the tenant-due index, or with no due time yet, get due items; the index is read until then', async () => {
    const t = tenant();
    const legacy = (id: string, attributes: Record<string, string>, extra: Partial<Profile> = {}) =>
      env.db.send(
        new PutCommand({
          TableName: env.tables.profiles,
          Item: { ...profileKeys.profile(t, id), ...attributes, version: 1, doc: profile(t, id, 1, extra) },
        }),
      );
    await legacy('indexed', dueIndexAttributes(t, at(2)));
    await legacy('later', dueIndexAttributes(t, at(50)));
    await legacy('unscheduled', {});
    await legacy('never', {});
    await legacy('tombstone', dueIndexAttributes(t, at(2)), { mergedInto: 'indexed' });
    const dueItems = new DynamoDueItems(env.db, env.tables.profiles);

    // Before the migration the sweep reads the index (the tenant has no DUE-ITEMS record) and moves what it handled
    // onto a due item, off the index.
    const before = [];
    for await (const entry of dueItems.dueProfiles(t, at(2))) before.push(entry);
    expect(before.map((d) => d.profile.profileId)).toEqual(['indexed']);
    await dueItems.reschedule(t, [{ due: before[0]!, next: at(60) }]);
    expect(await items(t)).toEqual([`${at(60)}#indexed#1`]);

    // Only this test's profiles are due by the function given; other tests' profiles in the table are never due.
    const dueAt = (p: Profile) => (p.tenantId === t && p.profileId === 'unscheduled' ? at(7) : undefined);
    const migrated = await dueItems.migrate([t], dueAt);
    expect(migrated.updated).toBe(2);
    expect((await items(t)).sort()).toEqual([`${at(50)}#later#1`, `${at(60)}#indexed#1`, `${at(7)}#unscheduled#1`].sort());
    const { Items } = await env.db.send(
      new QueryCommand({
        TableName: env.tables.profiles,
        IndexName: TENANT_DUE_INDEX.name,
        KeyConditionExpression: '#tenant = :tenant',
        ExpressionAttributeNames: { '#tenant': TENANT_DUE_INDEX.partitionKey },
        ExpressionAttributeValues: { ':tenant': dueIndexAttributes(t, at(0))[TENANT_DUE_INDEX.partitionKey] },
      }),
    );
    expect(
      (Items ?? []).map((i) => i.pk),
      'only the tombstone is left on the index (the sweep never reads it: the tenant is converted)',
    ).toEqual([profileKeys.profile(t, 'tombstone').pk]);
    expect(await sweep(new DynamoDueItems(env.db, env.tables.profiles), t, at(50))).toEqual(['unscheduled@1', 'later@1']);
    expect((await dueItems.migrate([t], dueAt)).updated, 'nothing left to migrate').toBe(0);
  });

  it('a commit that loses its condition leaves its item behind, which costs at most one spurious visit', async () => {
    const t = tenant();
    const due = new Map([['p', at(5)]]);
    const repo = writer(due);
    await repo.commit(t, { puts: [{ profile: profile(t, 'p', 1), expectedVersion: 0 }], claims: [] });
    due.set('p', at(9));
    await expect(writer(due).commit(t, { puts: [{ profile: profile(t, 'p', 1), expectedVersion: 0 }], claims: [] })).rejects.toBeInstanceOf(
      ConflictRetry,
    );
    // The loser's item names version 1, which the profile is at: one spurious visit, which moves it on.
    const dueItems = await repo.dueItems();
    expect(await sweep(dueItems, t, at(9))).toEqual(['p@1']);
  });
});
