// When lookups stop reading legacy (unkeyed) identifier digests (issue 15): once `syncline migrate` has re-keyed a tenant and
// recorded that nothing can remain under one; a tenant with an erasure marker that may be legacy keeps reading them.
import { BatchGetCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { keyedIdentifierDigest } from '../core/identifier-digest.js';
import { identifierKey, type Identifier } from '../core/identifiers.js';
import { mergeEvent } from '../core/merge/merge-service.js';
import { emptyProfile, type Profile } from '../core/profile.js';
import { customer, tenant } from '../test/support/events.js';
import { useEmulators } from '../test/support/emulators.js';
import { DynamoProfileRepository } from './dynamo-profile-repository.js';
import { profileKeys } from './tables.js';

const env = useEmulators({ sqs: false });
const key = Buffer.alloc(32, 42);
const keyed = keyedIdentifierDigest(key);
const DAY = 86_400_000;
const withKey = (now?: Date) =>
  new DynamoProfileRepository(env.db, env.tables.profiles, { digestKey: async () => key, ...(now ? { now: () => now } : {}) });
const beforeKey = () => new DynamoProfileRepository(env.db, env.tables.profiles);

let seq = 0;
const fresh = (label: string) => `${label}-${++seq}-${Math.random().toString(36).slice(2, 8)}`;
const phone = (): Identifier => ({ type: 'phone', value: `+3162${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}` });

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

/** The keys every BatchGetItem asks for while `run` runs, and the GetItems of digest records. */
async function requests(run: () => Promise<unknown>): Promise<{ batchKeys: string[]; recordReads: number }> {
  const send = vi.spyOn(env.db, 'send');
  try {
    await run();
    const batchKeys: string[] = [];
    let recordReads = 0;
    for (const [command] of send.mock.calls) {
      if (command instanceof BatchGetCommand)
        for (const { Keys } of Object.values(command.input.RequestItems ?? {})) batchKeys.push(...(Keys ?? []).map((k) => String(k.pk)));
      if (command instanceof GetCommand && command.input.Key?.sk === 'DIGESTS') recordReads++;
    }
    return { batchKeys, recordReads };
  } finally {
    send.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

describe('legacy digest reads after syncline migrate', () => {
  it('keeps reading legacy digests for a tenant migrate never recorded, however late', async () => {
    const [t, id] = [fresh('t'), phone()];
    await beforeKey().commit(t, create(t, 'p-old', [id]));
    const late = withKey(new Date(Date.now() + 400 * DAY));
    expect(Object.fromEntries(await late.lookup(t, [id]))).toEqual({ [identifierKey(id)]: 'p-old' });
  });

  it('keeps reading legacy digests for a tenant with an erasure marker: a legacy item is still found and moved a year later', async () => {
    const [t, erased, id] = [fresh('t'), phone(), phone()];
    await beforeKey().markErased(t, [erased], '2026-11-01T00:00:00.000Z');
    expect(await withKey().recordLegacyRekeyed([t])).toEqual({ ended: [], kept: [t] });
    // Written under the legacy digest after migrate, as by a container still running the version before the key.
    await beforeKey().commit(t, create(t, 'p-straggler', [id]));
    const repo = withKey(new Date(Date.now() + 365 * DAY));
    expect(Object.fromEntries(await repo.lookup(t, [id]))).toEqual({ [identifierKey(id)]: 'p-straggler' });
    expect(await item(profileKeys.identifier(t, id, keyed)), 'moved to the keyed digest').toMatchObject({ profileId: 'p-straggler' });
  });

  it('an erasure marker under a legacy digest still refuses a late delivery of what happened before the erasure, after migrate', async () => {
    const t = fresh('t');
    const late = { ...customer('1', 'anna@example.com', '2026-10-04T10:00:00Z'), tenantId: t, receivedAt: '2027-03-01T00:00:00Z' };
    await beforeKey().markErased(t, late.identifiers, '2026-11-01T00:00:00.000Z');
    await withKey().rekeyIdentifiers([t]);
    await withKey().recordLegacyRekeyed([t]);
    const repo = withKey(new Date(Date.now() + 365 * DAY));
    const outcome = await mergeEvent({ profiles: repo, newProfileId: () => 'p-back' }, tenant({ id: t }), late);
    expect(outcome).toEqual({ status: 'predates-erasure', push: [] });
    expect(await repo.get(t, 'p-back'), 'nobody re-created').toBeUndefined();
  });

  it('once recorded, asks BatchGetItem for the keyed digests only: a tenant with no erasure marker and no holderless item', async () => {
    const [t, other, a, b] = [fresh('t'), fresh('t'), phone(), phone()];
    await beforeKey().commit(t, create(t, 'p-a', [a, b]));
    await beforeKey().markErased(other, [phone()], '2026-11-01T00:00:00.000Z'); // another tenant's marker does not count
    const repo = withKey();
    expect((await requests(() => repo.lookup(t, [a]))).batchKeys, 'before migrate: keyed and legacy').toHaveLength(2);
    await withKey().rekeyIdentifiers([t, other]);
    expect(await withKey().recordLegacyRekeyed([t, other])).toEqual({ ended: [t], kept: [other] });
    const after = withKey();
    const { batchKeys } = await requests(() => after.lookup(t, [a, b]));
    expect(batchKeys.sort()).toEqual([a, b].map((id) => profileKeys.identifier(t, id, keyed).pk).sort());
    expect(Object.fromEntries(await after.lookup(t, [a, b]))).toEqual({ [identifierKey(a)]: 'p-a', [identifierKey(b)]: 'p-a' });
  });

  it('before migrate, asks for a legacy digest only where no keyed item exists: the keyed item always wins', async () => {
    const [t, known, old, unknown] = [fresh('t'), phone(), phone(), phone()];
    await withKey().commit(t, create(t, 'p-known', [known]));
    await beforeKey().commit(t, create(t, 'p-old', [old]));
    const repo = withKey();
    const { batchKeys } = await requests(() => repo.lookup(t, [known, old, unknown]));
    const legacy = (id: Identifier) => profileKeys.identifier(t, id).pk;
    expect(batchKeys.sort()).toEqual(
      [...[known, old, unknown].map((id) => profileKeys.identifier(t, id, keyed).pk), legacy(old), legacy(unknown)].sort(),
    );
    expect(batchKeys, 'no legacy read for an identifier found under the keyed digest').not.toContain(legacy(known));
    expect(Object.fromEntries(await repo.lookup(t, [known, old, unknown]))).toEqual({
      [identifierKey(known)]: 'p-known',
      [identifierKey(old)]: 'p-old',
    });
  });

  it('reads a tenant’s digest record once per container, not once per batch', async () => {
    const [t, id] = [fresh('t'), phone()];
    await withKey().recordLegacyRekeyed([t]);
    const repo = withKey();
    const { recordReads } = await requests(async () => {
      for (let i = 0; i < 3; i++) await repo.lookup(t, [id]);
    });
    expect(recordReads).toBe(1);
  });

  it('keeps a recorded end when a later run finds a keyed erasure marker: erasures after it write keyed markers only', async () => {
    const t = fresh('t');
    await withKey().recordLegacyRekeyed([t]);
    const before = await item({ pk: `T#${t}#M`, sk: 'DIGESTS' });
    await withKey().markErased(t, [phone()], '2026-12-01T00:00:00.000Z');
    expect(await withKey().recordLegacyRekeyed([t])).toEqual({ ended: [], kept: [t] });
    expect(await item({ pk: `T#${t}#M`, sk: 'DIGESTS' })).toEqual(before);
  });

  it('records nothing on a stage without a digest key: its only digest is the legacy one', async () => {
    const t = fresh('t');
    expect(await beforeKey().recordLegacyRekeyed([t])).toEqual({ ended: [], kept: [] });
    expect(await item({ pk: `T#${t}#M`, sk: 'DIGESTS' })).toBeUndefined();
  });
});
