import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { emptyProfile, type Profile } from '../core/profile.js';
import { customer } from '../test/support/events.js';
import { useEmulators } from '../test/support/emulators.js';
import { DynamoPushSnapshotStore } from './dynamo-ops-store.js';
import { DynamoProfileRepository } from './dynamo-profile-repository.js';
import { deflateRawSync } from 'node:zlib';
import { dictionaryVersion } from './deflate-dictionary-codec.js';
import { DEFLATE_DICTIONARY } from './deflate-dictionary.js';
import { WRITE_UNIT_BYTES } from './profile-codec.js';
import { opsKeys, profileKeys } from './tables.js';

const env = useEmulators({ sqs: false });
const repo = () => new DynamoProfileRepository(env.db, env.tables.profiles);

/** A profile of about `fields` × 120 bytes of JSON. */
function profileOf(tenantId: string, profileId: string, fields: number): Profile {
  const profile: Profile = { ...emptyProfile(tenantId, profileId, '2026-01-01T00:00:00Z'), version: 1 };
  for (let i = 0; i < fields; i++)
    profile.fields[`field${i}`] = {
      value: `value ${i} of a typical profile`,
      source: 'shop',
      at: '2026-01-01T00:00:00Z',
      eventId: `e${i}`,
      priority: 1,
    };
  return profile;
}

const rawItem = async (tenantId: string, profileId: string) =>
  (await env.db.send(new GetCommand({ TableName: env.tables.profiles, Key: profileKeys.profile(tenantId, profileId) }))).Item!;

describe('profile codec on DynamoDB', () => {
  it('stores a profile above the threshold deflated in a binary attribute, a third of its JSON, and reads it back whole', async () => {
    const large = profileOf('codec', 'p-large', 40);
    expect(JSON.stringify(large).length).toBeGreaterThan(WRITE_UNIT_BYTES);
    await repo().commit('codec', { puts: [{ profile: large, expectedVersion: 0 }], claims: [] });

    const item = await rawItem('codec', 'p-large');
    expect(item.doc, 'no map when compressed').toBeUndefined();
    expect(item.docd).toBeInstanceOf(Uint8Array);
    expect((item.docd as Uint8Array).length).toBeLessThan(JSON.stringify(large).length / 3);
    expect(await repo().get('codec', 'p-large')).toEqual(large);
    expect([...(await collect(repo().listProfiles('codec')))].map((p) => p.profileId)).toContain('p-large');
  });

  it('keeps a small profile a plain map, and reads items stored before the codec existed', async () => {
    const small = profileOf('codec', 'p-small', 1);
    await repo().commit('codec', { puts: [{ profile: small, expectedVersion: 0 }], claims: [] });
    expect((await rawItem('codec', 'p-small')).doc).toEqual(small);

    const old = profileOf('codec', 'p-old', 40);
    await env.db.send(
      new PutCommand({ TableName: env.tables.profiles, Item: { ...profileKeys.profile('codec', 'p-old'), version: 1, doc: old } }),
    );
    expect(await repo().get('codec', 'p-old')).toEqual(old);
    // The next write of an old plain item stores it compressed, under the same version condition.
    await repo().commit('codec', { puts: [{ profile: { ...old, version: 2 }, expectedVersion: 1 }], claims: [] });
    expect((await rawItem('codec', 'p-old')).docd).toBeInstanceOf(Uint8Array);
    expect((await repo().get('codec', 'p-old'))?.version).toBe(2);
  });

  it('deflates a profile whose JSON fits one write unit but whose item with its keys and indexes does not', async () => {
    const edge = profileOf('codec', 'p-edge', 5);
    edge.fields.note = { value: '', source: 'shop', at: '2026-01-01T00:00:00Z', eventId: 'e-note', priority: 1 };
    // 1,000 bytes of JSON: the item's keys, tenant index and version add ~110 more.
    edge.fields.note.value = 'n'.repeat(1000 - JSON.stringify(edge).length);
    expect(JSON.stringify(edge).length).toBe(1000);
    await repo().commit('codec', { puts: [{ profile: edge, expectedVersion: 0 }], claims: [] });

    const item = await rawItem('codec', 'p-edge');
    expect(item.doc, 'keys and index attributes push the plain item past 1 KB').toBeUndefined();
    expect((item.docd as Uint8Array).length).toBeLessThan(WRITE_UNIT_BYTES / 2);
    expect(await repo().get('codec', 'p-edge')).toEqual(edge);
  });

  it('reads a profile deflated before the preset dictionary (docz)', async () => {
    const old = profileOf('codec', 'p-docz', 40);
    const { version: _version, ...doc } = old;
    await env.db.send(
      new PutCommand({
        TableName: env.tables.profiles,
        Item: { ...profileKeys.profile('codec', 'p-docz'), version: 1, docz: deflateRawSync(JSON.stringify(doc)) },
      }),
    );
    expect(await repo().get('codec', 'p-docz')).toEqual(old);
  });

  it('stores a batch of history events past one write unit deflated, and reads items deflated before the dictionary', async () => {
    const events = Array.from({ length: 6 }, (_, i) =>
      customer(`hz${i}`, 'ada@example.org', `2026-01-0${i + 1}T00:00:00Z`, { firstName: `Ada${i}`, lastName: 'Lovelace' }),
    );
    expect(JSON.stringify(events).length).toBeGreaterThan(WRITE_UNIT_BYTES);
    await repo().appendHistory(
      'codec',
      events.map((event) => ({ profileId: 'p-hist', event })),
      30,
    );
    const pk = profileKeys.historyPartition('codec', 'p-hist');
    const { Items } = await env.db.send(
      new QueryCommand({ TableName: env.tables.profiles, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk } }),
    );
    expect(Items![0]!.eventsd).toBeInstanceOf(Uint8Array);
    expect((Items![0]!.eventsd as Uint8Array).length).toBeLessThan(WRITE_UNIT_BYTES);

    const older = customer('hz-old', 'ada@example.org', '2025-12-01T00:00:00Z');
    await env.db.send(
      new PutCommand({ TableName: env.tables.profiles, Item: { pk, sk: 'B#older', eventz: deflateRawSync(JSON.stringify([older])) } }),
    );
    expect((await repo().history('codec', ['p-hist'])).map((e) => e.event)).toEqual(expect.arrayContaining([...events, older]));
  });

  it('stores a push snapshot past one write unit deflated and reads it back by get and getMany', async () => {
    const snapshots = new DynamoPushSnapshotStore(env.db, env.tables.ops);
    const fields = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`field${i}`, `value ${i} of a pushed profile`]));
    await snapshots.putMany('codec', [{ profileId: 'p-snap', instance: 'mail', fields }]);
    const { Item } = await env.db.send(new GetCommand({ TableName: env.tables.ops, Key: opsKeys.pushSnapshot('codec', 'p-snap', 'mail') }));
    expect(Item!.fields, 'no map when deflated').toBeUndefined();
    expect(Item!.fieldsz).toBeInstanceOf(Uint8Array);
    expect(await snapshots.get('codec', 'p-snap', 'mail')).toEqual(fields);
    expect((await snapshots.getMany('codec', [{ profileId: 'p-snap', instance: 'mail' }])).get('p-snap/mail')).toEqual(fields);
  });

  it('reads profiles, history tails and items and push snapshots deflated with dictionary 1, and writes them anew with dictionary 2', async () => {
    const v1 = (value: unknown) => deflateRawSync(JSON.stringify(value), { dictionary: DEFLATE_DICTIONARY });
    const old = profileOf('codec', 'p-v1', 40);
    const { version: _version, ...doc } = old;
    await env.db.send(
      new PutCommand({ TableName: env.tables.profiles, Item: { ...profileKeys.profile('codec', 'p-v1'), version: 1, docd: v1(doc) } }),
    );
    expect(await repo().get('codec', 'p-v1')).toEqual(old);
    await repo().commit('codec', { puts: [{ profile: { ...old, version: 2 }, expectedVersion: 1 }], claims: [] });
    const rewritten = (await rawItem('codec', 'p-v1')).docd as Uint8Array;
    expect(dictionaryVersion(rewritten), 'the next write uses the current dictionary').toBe(2);
    expect(await repo().get('codec', 'p-v1')).toEqual({ ...old, version: 2 });

    const tailed = profileOf('codec', 'p-v1-tail', 10);
    const tailEvent = customer('v1-tail', 'ada@example.org', '2026-01-02T00:00:00Z', { firstName: 'Ada' });
    const { version: _tailedVersion, ...tailedDoc } = tailed;
    await env.db.send(
      new PutCommand({
        TableName: env.tables.profiles,
        Item: {
          ...profileKeys.profile('codec', 'p-v1-tail'),
          version: 1,
          doch: v1({ profile: tailedDoc, tail: [{ event: tailEvent, expires: 4_000_000_000 }] }),
        },
      }),
    );
    const historyEvent = customer('v1-history', 'ada@example.org', '2026-01-01T00:00:00Z', { lastName: 'Lovelace' });
    await env.db.send(
      new PutCommand({
        TableName: env.tables.profiles,
        Item: { pk: profileKeys.historyPartition('codec', 'p-v1-tail'), sk: 'B#v1', eventsd: v1([historyEvent]) },
      }),
    );
    expect(await repo().get('codec', 'p-v1-tail')).toEqual(tailed);
    expect((await repo().history('codec', ['p-v1-tail'])).map((e) => e.event)).toEqual([historyEvent, tailEvent]);
    // The next commit carries the dictionary-1 tail over into a dictionary-2 item, losing no event.
    await repo().commit('codec', { puts: [{ profile: { ...tailed, version: 2 }, expectedVersion: 1 }], claims: [] });
    expect(dictionaryVersion((await rawItem('codec', 'p-v1-tail')).doch as Uint8Array)).toBe(2);
    expect(await repo().get('codec', 'p-v1-tail')).toEqual({ ...tailed, version: 2 });
    expect((await repo().history('codec', ['p-v1-tail'])).map((e) => e.event)).toEqual([historyEvent, tailEvent]);

    const fields = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`field${i}`, `value ${i} of a pushed profile`]));
    await env.db.send(
      new PutCommand({
        TableName: env.tables.ops,
        Item: { ...opsKeys.pushSnapshot('codec', 'p-v1', 'mail'), pushedAt: '2026-01-01T00:00:00Z', fieldsz: v1(fields) },
      }),
    );
    expect(await new DynamoPushSnapshotStore(env.db, env.tables.ops).get('codec', 'p-v1', 'mail')).toEqual(fields);
  });

  it('lists no tombstone, whichever form it is stored in', async () => {
    const tombstone: Profile = { ...profileOf('codec-list', 'p-gone', 40), mergedInto: 'p-here' };
    await repo().commit('codec-list', { puts: [{ profile: tombstone, expectedVersion: 0 }], claims: [] });
    await repo().commit('codec-list', { puts: [{ profile: profileOf('codec-list', 'p-here', 40), expectedVersion: 0 }], claims: [] });
    expect((await collect(repo().listProfiles('codec-list'))).map((p) => p.profileId)).toEqual(['p-here']);
  });
});

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
