// Identifier items under the stage's keyed digest, and the way from items written under the legacy one (issue 16 item 10).
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { keyedIdentifierDigest } from '../core/identifier-digest.js';
import { identifierKey, type Identifier } from '../core/identifiers.js';
import { emptyProfile, type Profile } from '../core/profile.js';
import { useEmulators } from '../test/support/emulators.js';
import { DynamoErasureReceipts } from './dynamo-erasure-receipts.js';
import { DynamoProfileRepository } from './dynamo-profile-repository.js';
import { profileKeys } from './tables.js';

const env = useEmulators({ sqs: false });
const key = Buffer.alloc(32, 42);
const keyed = keyedIdentifierDigest(key);
const withKey = () => new DynamoProfileRepository(env.db, env.tables.profiles, { digestKey: async () => key });
const beforeKey = () => new DynamoProfileRepository(env.db, env.tables.profiles);

let seq = 0;
const fresh = (label: string) => `${label}-${++seq}-${Math.random().toString(36).slice(2, 8)}`;
const phone = (): Identifier => ({ type: 'phone', value: `+3161${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}` });

function profile(tenantId: string, profileId: string, ids: Identifier[]): Profile {
  return {
    ...emptyProfile(tenantId, profileId, '2026-01-01T00:00:00Z'),
    version: 1,
    identifiers: ids.map((id) => ({ ...id, source: 'shop', at: '2026-01-01T00:00:00Z' })),
  };
}
const create = (tenantId: string, profileId: string, ids: Identifier[]) => ({
  puts: [{ profile: profile(tenantId, profileId, ids), expectedVersion: 0 }],
  claims: ids.map((identifier) => ({ identifier, profileId })),
});
const item = async (k: { pk: string; sk: string }) =>
  (await env.db.send(new GetCommand({ TableName: env.tables.profiles, Key: k, ConsistentRead: true }))).Item;

describe('identifier items under the keyed digest', () => {
  it('writes an identifier item under the keyed digest and none under the guessable SHA-256 one', async () => {
    const [tenant, id] = [fresh('t'), phone()];
    await withKey().commit(tenant, create(tenant, 'p-1', [id]));
    expect(await item(profileKeys.identifier(tenant, id, keyed)), 'keyed item').toMatchObject({ profileId: 'p-1' });
    expect(await item(profileKeys.identifier(tenant, id)), 'legacy item').toBeUndefined();
    expect(Object.fromEntries(await withKey().lookup(tenant, [id]))).toEqual({ [identifierKey(id)]: 'p-1' });
  });

  it('finds a profile whose identifier item predates the key, and moves the item to the keyed digest so commits keep working', async () => {
    const [tenant, id, other] = [fresh('t'), phone(), phone()];
    await beforeKey().commit(tenant, create(tenant, 'p-old', [id]));
    expect(Object.fromEntries(await withKey().lookup(tenant, [id])), 'the legacy item answers').toEqual({ [identifierKey(id)]: 'p-old' });
    expect(await item(profileKeys.identifier(tenant, id, keyed)), 'copied to the keyed digest').toMatchObject({ profileId: 'p-old' });
    // The pointer moves under its keyed digest, conditioned on the holder the legacy item named.
    await withKey().commit(tenant, {
      puts: [{ profile: profile(tenant, 'p-new', [id, other]), expectedVersion: 0 }],
      claims: [
        { identifier: id, profileId: 'p-new', previousProfileId: 'p-old' },
        { identifier: other, profileId: 'p-new' },
      ],
    });
    expect((await withKey().lookup(tenant, [id])).get(identifierKey(id)), 'the keyed item wins over the stale legacy one').toBe('p-new');
  });

  it('a read-only reader (personalize) finds a profile under a legacy item without writing: the merge moves it later', async () => {
    const [tenant, id] = [fresh('t'), phone()];
    await beforeKey().commit(tenant, create(tenant, 'p-old', [id]));
    const reader = new DynamoProfileRepository(env.db, env.tables.profiles, { digestKey: async () => key, readOnly: true });
    expect(Object.fromEntries(await reader.lookup(tenant, [id]))).toEqual({ [identifierKey(id)]: 'p-old' });
    expect(await reader.get(tenant, 'p-old')).toMatchObject({ profileId: 'p-old' });
    expect(await item(profileKeys.identifier(tenant, id, keyed)), 'nothing written').toBeUndefined();
  });

  it('still refuses an identifier erased before the key existed: the legacy erasure marker is read', async () => {
    const [tenant, id] = [fresh('t'), phone()];
    await beforeKey().markErased(tenant, [id], '2026-11-01T00:00:00.000Z');
    expect((await withKey().lookupEntries(tenant, [id])).get(identifierKey(id))).toMatchObject({ erasedAt: '2026-11-01T00:00:00.000Z' });
  });

  it('erases the legacy item with the keyed one: no digest anyone can compute still names the profile', async () => {
    const [tenant, id] = [fresh('t'), phone()];
    await beforeKey().commit(tenant, create(tenant, 'p-gone', [id]));
    await withKey().lookup(tenant, [id]); // copies it to the keyed digest; the legacy item stays until migrate
    await withKey().erase(tenant, profile(tenant, 'p-gone', [id]));
    await withKey().markErased(tenant, [id], '2026-11-02T00:00:00.000Z');
    expect(await item(profileKeys.identifier(tenant, id)), 'legacy item').toBeUndefined();
    expect(await item(profileKeys.identifier(tenant, id, keyed)), 'keyed marker').toEqual({
      ...profileKeys.identifier(tenant, id, keyed),
      erasedAt: '2026-11-02T00:00:00.000Z',
    });
  });

  it('syncline migrate moves every live profile’s legacy items of the given tenants to the keyed digest and deletes them', async () => {
    const [tenant, untouched] = [fresh('t'), fresh('t')];
    const [a, b, c] = [phone(), phone(), phone()];
    await beforeKey().commit(tenant, create(tenant, 'p-a', [a, b]));
    await beforeKey().commit(untouched, create(untouched, 'p-c', [c]));
    const result = await withKey().rekeyIdentifiers([tenant]);
    expect(result).toEqual({ profiles: 1, moved: 2 });
    for (const id of [a, b]) {
      expect(await item(profileKeys.identifier(tenant, id)), 'legacy item removed').toBeUndefined();
      expect(await item(profileKeys.identifier(tenant, id, keyed)), 'keyed item').toMatchObject({ profileId: 'p-a' });
    }
    expect(await item(profileKeys.identifier(untouched, c)), 'another tenant is left alone').toMatchObject({ profileId: 'p-c' });
    expect(await withKey().rekeyIdentifiers([tenant]), 'a second run finds nothing left').toEqual({ profiles: 1, moved: 0 });
  });

  it('a migration meeting a keyed item written meanwhile keeps the keyed one', async () => {
    const [tenant, id] = [fresh('t'), phone()];
    await beforeKey().commit(tenant, create(tenant, 'p-a', [id]));
    await env.db.send(
      new PutCommand({ TableName: env.tables.profiles, Item: { ...profileKeys.identifier(tenant, id, keyed), profileId: 'p-newer' } }),
    );
    await withKey().rekeyIdentifiers([tenant]);
    expect(await item(profileKeys.identifier(tenant, id, keyed))).toMatchObject({ profileId: 'p-newer' });
  });

  it('names the erased identifiers in a receipt by the keyed digest', async () => {
    const [tenant, id] = [fresh('t'), phone()];
    const receipts = new DynamoErasureReceipts(env.db, env.tables.ops, { digestKey: async () => key });
    const receipt = await receipts.open(tenant, 'req-1', { profileId: 'p-9', identifiers: [id] }, '2026-11-01T00:00:00.000Z');
    expect(receipt.identifierDigests).toEqual([keyed(tenant, id)]);
  });
});
