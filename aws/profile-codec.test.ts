import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { emptyProfile, type Profile } from '../core/profile.js';
import { useEmulators } from '../test/support/emulators.js';
import { DynamoProfileRepository } from './dynamo-profile-repository.js';
import { COMPRESS_ABOVE_BYTES } from './profile-codec.js';
import { profileKeys } from './tables.js';

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
    expect(JSON.stringify(large).length).toBeGreaterThan(COMPRESS_ABOVE_BYTES);
    await repo().commit('codec', { puts: [{ profile: large, expectedVersion: 0 }], claims: [] });

    const item = await rawItem('codec', 'p-large');
    expect(item.doc, 'no map when compressed').toBeUndefined();
    expect(item.docz).toBeInstanceOf(Uint8Array);
    expect((item.docz as Uint8Array).length).toBeLessThan(JSON.stringify(large).length / 3);
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
    expect((await rawItem('codec', 'p-old')).docz).toBeInstanceOf(Uint8Array);
    expect((await repo().get('codec', 'p-old'))?.version).toBe(2);
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
