// The profile repository's optimistic view (withEventualReads) on DynamoDB Local: what it asks for eventually
// consistently (identifier lookups), what its commits require of an identifier nobody held when it was looked up, and
// that a stale answer never decides a write no condition guards.
// DynamoDB Local is never stale, so a wrapper of the client answers eventually consistent reads from an older copy.
import { BatchGetCommand, GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { SynclineConfig } from '../core/config.js';
import { identifierKey, type Identifier } from '../core/identifiers.js';
import type { PushMessage } from '../core/ports.js';
import { emptyProfile, type Profile } from '../core/profile.js';
import { createInstanceResolver } from '../pipeline/instances.js';
import { mergeBatch } from '../pipeline/merge-batch.js';
import { useEmulators } from '../test/support/emulators.js';
import { customer } from '../test/support/events.js';
import { fakeConnector } from '../test/support/fake-connector.js';
import { MemoryQueue, MemoryStatus, memoryLogger } from '../test/support/memory-ports.js';
import { DynamoProfileRepository } from './dynamo-profile-repository.js';

const env = useEmulators({ sqs: false });

let seq = 0;
const fresh = (label: string) => `${label}-${++seq}-${Math.random().toString(36).slice(2, 8)}`;
const email = (label: string): Identifier => ({ type: 'email', value: `${fresh(label)}@example.org` });

type Item = Record<string, unknown>;
type Key = { pk: string; sk: string };
const keyText = (k: Key) => `${k.pk}\u0000${k.sk}`;

/**
 * The emulator's client, recording every read's consistency; an eventually consistent read of a key in `older`
 * answers what `older` holds for it (undefined: not there yet), as a replica that has not caught up would.
 */
function staleClient() {
  const older = new Map<string, Item | undefined>();
  const reads: { request: 'Get' | 'BatchGet'; consistent: boolean; keys: number; sk: string }[] = [];
  /** Sort keys whose every eventually consistent read answers "not there yet". */
  const hidden = new Set<string>();
  const staleOf = (key: Key): { item: Item | undefined } | undefined =>
    older.has(keyText(key)) ? { item: older.get(keyText(key)) } : hidden.has(key.sk) ? { item: undefined } : undefined;
  const db = {
    send: async (command: unknown) => {
      if (command instanceof GetCommand) {
        const consistent = command.input.ConsistentRead === true;
        reads.push({ request: 'Get', consistent, keys: 1, sk: (command.input.Key as Key).sk });
        const stale = consistent ? undefined : staleOf(command.input.Key as Key);
        if (stale) return { Item: stale.item };
      }
      if (command instanceof BatchGetCommand) {
        const [table, request] = Object.entries(command.input.RequestItems ?? {})[0]!;
        const consistent = request.ConsistentRead === true;
        const keys = (request.Keys ?? []) as Key[];
        reads.push({ request: 'BatchGet', consistent, keys: keys.length, sk: keys[0]?.sk ?? '' });
        if (!consistent) {
          const current = keys.filter((k) => !staleOf(k));
          const answered = current.length
            ? ((await env.db.send(new BatchGetCommand({ RequestItems: { [table]: { ...request, Keys: current } } }))).Responses?.[table] ??
              [])
            : [];
          const stale = keys.flatMap((k) => {
            const item = staleOf(k)?.item;
            return item ? [item] : [];
          });
          return { Responses: { [table]: [...answered, ...stale] }, UnprocessedKeys: {} };
        }
      }
      return env.db.send(command as never);
    },
  };
  /** Keeps what the item at `key` holds now for the eventually consistent reads until `forget`. */
  const freeze = async (key: Key) => {
    const { Item } = await env.db.send(new GetCommand({ TableName: env.tables.profiles, Key: key, ConsistentRead: true }));
    older.set(keyText(key), Item);
  };
  return { db: db as unknown as DynamoDBDocumentClient, reads, freeze, hidden };
}

function mergeDeps(profiles: DynamoProfileRepository) {
  const config = SynclineConfig.parse({ tenants: [{ id: 'acme', instances: [{ id: 'shop', connector: 'fake', webhooks: true }] }] });
  const log = memoryLogger();
  return {
    instances: createInstanceResolver({ config, connectors: { fake: fakeConnector().connector }, secrets: { get: async () => ({}) }, log }),
    profiles,
    push: new MemoryQueue<PushMessage>(),
    status: new MemoryStatus(),
    log,
    newProfileId: () => fresh('p'),
  };
}

const profileKey = (id: string): Key => ({ pk: `T#acme#P#${id}`, sk: 'PROFILE' });

describe('DynamoProfileRepository.withEventualReads', () => {
  it('looks identifiers up eventually consistently, reads nothing again, and reads profiles strongly', async () => {
    const client = staleClient();
    const repo = new DynamoProfileRepository(client.db, env.tables.profiles);
    const [held, unknown] = [email('held'), email('unknown')];
    const live: Profile = {
      ...emptyProfile('acme', fresh('live'), '2026-01-01T00:00:00Z'),
      version: 1,
      identifiers: [{ ...held, source: 'shop', at: '2026-01-01T00:00:00Z' }],
    };
    await repo.commit('acme', { puts: [{ profile: live, expectedVersion: 0 }], claims: [{ identifier: held, profileId: live.profileId }] });
    const gone = fresh('tombstone');
    await repo.commit('acme', {
      puts: [
        { profile: { ...emptyProfile('acme', gone, '2026-01-01T00:00:00Z'), version: 1, mergedInto: live.profileId }, expectedVersion: 0 },
      ],
      claims: [],
    });
    const view = repo.withEventualReads();
    client.reads.length = 0;

    const entries = await view.lookupEntries('acme', [held, unknown]);
    expect(entries.get(identifierKey(held))?.profileId).toBe(live.profileId);
    expect(entries.has(identifierKey(unknown))).toBe(false);
    const profiles = await view.getMany('acme', [live.profileId, gone, 'never-written']);
    expect([...profiles.keys()].sort()).toEqual([live.profileId, gone].sort());
    expect(await view.get('acme', live.profileId)).toMatchObject({ version: 1 });

    expect(client.reads).toEqual([
      // The identifier with no item is not read again: a fresh claim of it requires nothing recorded on it.
      { request: 'BatchGet', consistent: false, keys: 2, sk: 'ID' },
      // Profiles are read strongly: what the merge decides on a profile must be current.
      { request: 'BatchGet', consistent: true, keys: 3, sk: 'PROFILE' },
      { request: 'Get', consistent: true, keys: 1, sk: 'PROFILE' },
    ]);
    expect(repo.withEventualReads(), 'one view per repository').toBe(view);
  });

  it('keeps every read of the repository itself strongly consistent', async () => {
    const client = staleClient();
    const repo = new DynamoProfileRepository(client.db, env.tables.profiles);
    await repo.lookupEntries('acme', [email('strong')]);
    await repo.getMany('acme', ['p-strong']);
    await repo.get('acme', 'p-strong');
    expect(client.reads.every((r) => r.consistent)).toBe(true);
  });

  it('reads profiles eventually consistently only for a caller that asks (the push, which checks the version)', async () => {
    const client = staleClient();
    const repo = new DynamoProfileRepository(client.db, env.tables.profiles);
    await repo.getMany('acme', ['p-push'], { eventual: true });
    await repo.withEventualReads().getMany('acme', ['p-merge']);
    expect(client.reads.map((r) => r.consistent)).toEqual([false, true]);
  });

  it('never decides on a stale profile: the lane reads profiles strongly, so a copy a replica still holds is not used', async () => {
    const client = staleClient();
    const repo = new DynamoProfileRepository(client.db, env.tables.profiles);
    const deps = mergeDeps(repo);
    const ada = email('ada');
    const send = (...events: ReturnType<typeof customer>[]) =>
      mergeBatch(
        deps,
        events.map((e, i) => ({ id: `m${i}`, body: JSON.stringify(e) })),
      );
    await send(customer('c1', ada.value, '2026-10-01T10:00:00Z', { firstName: 'Ada' }));
    const holder = (await repo.lookup('acme', [ada])).get(identifierKey(ada))!;
    await client.freeze(profileKey(holder));
    await send(customer('c1', ada.value, '2026-10-02T10:00:00Z', { lastName: 'Lovelace' }));
    client.reads.length = 0;

    const result = await send(customer('c1', ada.value, '2026-10-03T10:00:00Z', { locale: 'en-GB' }));

    expect(result.outcomes.get('m0')).toBe('applied');
    expect(client.reads.filter((r) => !r.consistent).map((r) => r.sk)).toEqual(['ID']);
    const after = await repo.get('acme', holder);
    expect(after?.version).toBe(3);
    expect(after?.fields.lastName?.value, 'the change a stale read would have missed').toBe('Lovelace');
    expect(after?.fields.locale?.value).toBe('en-GB');
  });

  it('a fresh claim through the view requires nothing recorded on the identifier; the repository itself only no holder', async () => {
    const client = staleClient();
    const repo = new DynamoProfileRepository(client.db, env.tables.profiles);
    const view = repo.withEventualReads();
    const [marked, refused, plain] = [email('marked'), email('refused'), email('plain')];
    await repo.markErased('acme', [marked], '2026-11-02T00:00:00.000Z');
    await repo.commit('acme', { puts: [], claims: [], shares: [{ identifier: refused, profileId: 'p-refused' }] });
    const claim = (identifier: Identifier) => {
      const profile: Profile = { ...emptyProfile('acme', fresh('claimer'), '2026-11-03T00:00:00Z'), version: 1 };
      return { puts: [{ profile, expectedVersion: 0 }], claims: [{ identifier, profileId: profile.profileId }] };
    };

    await expect(view.commit('acme', claim(marked))).rejects.toThrow(/carries an erasure marker, expected no profile/);
    await expect(view.commit('acme', claim(refused))).rejects.toThrow(/carries refusals, expected no profile/);
    await view.commit('acme', claim(plain));
    // Nothing of the failed claims stays behind.
    expect((await repo.lookupEntries('acme', [marked])).get(identifierKey(marked))).toMatchObject({ erasedAt: '2026-11-02T00:00:00.000Z' });
    expect((await repo.lookupEntries('acme', [marked])).get(identifierKey(marked))?.profileId).toBeUndefined();
    expect((await repo.lookupEntries('acme', [refused])).get(identifierKey(refused))?.profileId).toBeUndefined();
    // A strong lookup saw the marker and the refusals and judged them: the repository's own claim takes them.
    await repo.commit('acme', claim(marked));
    await repo.commit('acme', claim(refused));
    expect((await repo.lookupEntries('acme', [marked])).get(identifierKey(marked))?.profileId).toBeDefined();
  });

  it('a stale miss of an erasure marker ends in a conflict, and the strong retry drops a late event from before the erasure', async () => {
    const client = staleClient();
    const repo = new DynamoProfileRepository(client.db, env.tables.profiles);
    const deps = mergeDeps(repo);
    const ada = email('erased');
    // The person is created and erased within the moment an eventually consistent read may not see: to such a read
    // the identifier has no item at all, and a fresh claim's condition (no holder) holds on the marker.
    await mergeBatch(deps, [{ id: 'm0', body: JSON.stringify(customer('c9', ada.value, '2026-10-01T10:00:00Z', { firstName: 'Ada' })) }]);
    const holder = (await repo.lookup('acme', [ada])).get(identifierKey(ada))!;
    const profile = (await repo.get('acme', holder))!;
    await repo.erase('acme', profile);
    await repo.markErased('acme', [ada], '2026-11-02T00:00:00.000Z');
    client.hidden.add('ID');

    // Received (2026-11-01, test/support/events.ts) before the erasure: a late delivery.
    const late = customer('c9', ada.value, '2026-10-05T10:00:00Z', { lastName: 'Lovelace' });
    const result = await mergeBatch(deps, [{ id: 'm0', body: JSON.stringify(late) }]);

    expect(result.outcomes.get('m0')).toBe('predates-erasure');
    const entry = (await repo.lookupEntries('acme', [ada])).get(identifierKey(ada));
    expect(entry?.profileId, 'nobody holds the erased identifier').toBeUndefined();
    expect(entry?.erasedAt).toBe('2026-11-02T00:00:00.000Z');
    expect(deps.log.lines.filter((l) => l.includes('optimistic reads')).map((l) => (JSON.parse(l) as { why: string }).why)).toEqual([
      'a commit condition failed',
    ]);
  });

  it('a stale miss of a concurrent claim ends in one retry, and the event goes to the profile that claimed the identifier', async () => {
    const client = staleClient();
    const repo = new DynamoProfileRepository(client.db, env.tables.profiles);
    const deps = mergeDeps(repo);
    const ada = email('claimed');
    await mergeBatch(deps, [{ id: 'm0', body: JSON.stringify(customer('c7', ada.value, '2026-10-01T10:00:00Z', { firstName: 'Ada' })) }]);
    const holder = (await repo.lookup('acme', [ada])).get(identifierKey(ada))!;
    // The claim is a moment old: an eventually consistent read does not see it yet.
    client.hidden.add('ID');

    const result = await mergeBatch(deps, [
      { id: 'm1', body: JSON.stringify(customer('c7', ada.value, '2026-10-02T10:00:00Z', { lastName: 'Lovelace' })) },
    ]);

    expect(result.outcomes.get('m1')).toBe('applied');
    expect((await repo.lookup('acme', [ada])).get(identifierKey(ada))).toBe(holder);
    expect((await repo.get('acme', holder))?.fields.lastName?.value).toBe('Lovelace');
    expect(deps.log.lines.filter((l) => l.includes('optimistic reads'))).toHaveLength(1);
  });
});
