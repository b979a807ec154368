// The history tail (aws/dynamo-profile-repository.ts commit): a profile item carries its person's newest history
// events while they fit the write unit it takes anyway, moves them to a history item when they no longer fit, and
// every reader of history (history, removeHistory, erase, a redelivery) treats them as history.
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { eventKey, type CanonicalEvent } from '../core/events.js';
import { ConflictRetry } from '../core/errors.js';
import type { HistoryEntry, ProfileCommit } from '../core/ports.js';
import { emptyProfile, type Profile } from '../core/profile.js';
import { customer, event, order, tenant } from '../test/support/events.js';
import { mergeEvent } from '../core/merge/merge-service.js';
import { StagedProfileRepository } from '../core/merge/staged-profile-repository.js';
import { unmergeProfile } from '../core/identity/unmerge.js';
import { erasePerson } from '../core/erasure/erase-person.js';
import { useEmulators } from '../test/support/emulators.js';
import { inflateWithDictionary } from './deflate-dictionary-codec.js';
import { DynamoProfileRepository } from './dynamo-profile-repository.js';
import { WRITE_UNIT_BYTES } from './profile-codec.js';
import { profileKeys, TTL_ATTRIBUTE } from './tables.js';

const env = useEmulators({ sqs: false });
const TENANT = 'tails';

let seq = 0;
const fresh = (label: string) => `${label}-${++seq}-${Math.random().toString(36).slice(2, 8)}`;

function profile(profileId: string, version: number, email: string): Profile {
  return {
    ...emptyProfile(TENANT, profileId, '2026-01-01T00:00:00Z'),
    version,
    identifiers: [{ type: 'email', value: email, source: 'shop', at: '2026-01-01T00:00:00Z' }],
    fields: { firstName: { value: 'Ada', source: 'shop', at: '2026-01-01T00:00:00Z', eventId: 'e1', priority: 1 } },
  };
}

const events = (email: string, from: number, count: number): CanonicalEvent[] =>
  Array.from({ length: count }, (_, i) =>
    customer(`c-${email}`, email, `2026-02-${String(from + i).padStart(2, '0')}T00:00:00Z`, { firstName: `Ada${from + i}` }),
  );

function put(profileId: string, version: number, email: string, history: CanonicalEvent[] = []): ProfileCommit {
  return {
    puts: [{ profile: { ...profile(profileId, version, email), tenantId: TENANT }, expectedVersion: version - 1 }],
    claims: [],
    ...(history.length > 0 ? { history: { entries: history.map((event) => ({ profileId, event })), keepDays: 30 } } : {}),
  };
}

async function rawProfile(profileId: string, tenantId = TENANT): Promise<Record<string, unknown>> {
  const { Item } = await env.db.send(new GetCommand({ TableName: env.tables.profiles, Key: profileKeys.profile(tenantId, profileId) }));
  return Item!;
}

async function historyItems(profileId: string): Promise<Record<string, unknown>[]> {
  const { Items } = await env.db.send(
    new QueryCommand({
      TableName: env.tables.profiles,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': profileKeys.historyPartition(TENANT, profileId) },
    }),
  );
  return Items ?? [];
}

/** A profile item's size as DynamoDB bills it, estimated as the repository does (names and values, binary as bytes). */
function itemBytes(item: Record<string, unknown>): number {
  const { doch, ...others } = item;
  return (doch instanceof Uint8Array ? doch.length + 'doch'.length : 0) + JSON.stringify(others).length;
}

/** Everything a stored item holds, inflated where deflated: what a person's data could hide in. */
function itemText(item: Record<string, unknown>): string {
  return Object.values(item)
    .map((value) => (value instanceof Uint8Array ? inflateWithDictionary(value) : JSON.stringify(value)))
    .join('\n');
}

const keys = (entries: readonly HistoryEntry[]) => entries.map((e) => eventKey(e.event)).sort();

describe('history tail in the profile item', () => {
  it('keeps a commit history in the profile item while it fits the unit the profile takes anyway: no history item', async () => {
    const repo = new DynamoProfileRepository(env.db, env.tables.profiles);
    const id = fresh('p-tail');
    const batch = events(`${id}@example.org`, 1, 2);

    const result = await repo.commit(TENANT, put(id, 1, `${id}@example.org`, batch));

    expect(result.historyLeft, 'every event stored with the profile').toEqual([]);
    expect(await historyItems(id), 'no history item written').toHaveLength(0);
    const item = await rawProfile(id);
    expect(item.doch, 'profile and tail deflated together').toBeInstanceOf(Uint8Array);
    expect(itemBytes(item), 'within one write unit').toBeLessThanOrEqual(WRITE_UNIT_BYTES);
    expect(keys(await repo.history(TENANT, [id]))).toEqual(batch.map(eventKey).sort());
    expect((await new DynamoProfileRepository(env.db, env.tables.profiles).get(TENANT, id))?.fields.firstName?.value).toBe('Ada');
  });

  it('hands a full tail out with the batch history, one item for them all, and drops it from the next commit once written', async () => {
    const repo = new DynamoProfileRepository(env.db, env.tables.profiles);
    const id = fresh('p-spill');
    const email = `${id}@example.org`;
    // Events that do not repeat the profile (a random note each) fill the unit's slack in a few commits.
    const noted = (n: number) =>
      customer(`c-${id}`, email, `2026-02-01T00:00:${String(n).padStart(2, '0')}Z`, {
        note: `${n}-${randomBytes(48).toString('base64')}`,
      });
    const all: CanonicalEvent[] = [];
    let spills = 0;
    let previousTail = 0;
    for (let version = 1; version <= 12; version++) {
      const batch = [noted(version * 2), noted(version * 2 + 1)];
      all.push(...batch);
      const { historyLeft } = await repo.commit(TENANT, put(id, version, email, batch));
      const handedOut = historyLeft.filter((e) => !batch.includes(e.event));
      if (handedOut.length > 0) {
        spills++;
        expect(handedOut.length, 'the whole tail of the previous commits').toBe(previousTail);
      }
      // The batch's one history write (pipeline/merge-batch.ts), as after every batch.
      await repo.appendHistory(TENANT, historyLeft, 30);
      expect(itemBytes(await rawProfile(id)), `version ${version}: the tail never takes the item past one unit`).toBeLessThanOrEqual(
        WRITE_UNIT_BYTES,
      );
      previousTail = historyLeft.length > 0 ? 0 : previousTail + batch.length;
    }

    expect(spills, 'full tails handed out').toBeGreaterThan(0);
    expect((await historyItems(id)).length, 'one history item per spill').toBe(spills);
    expect(keys(await repo.history(TENANT, [id])), 'each event once').toEqual(all.map(eventKey).sort());
    for (const item of await historyItems(id)) expect(item[TTL_ATTRIBUTE], 'a spilled tail expires').toBeGreaterThan(Date.now() / 1000);
  });

  it('keeps a handed-out tail in the profile item while its history write has not happened: a failed batch loses nothing', async () => {
    const repo = new DynamoProfileRepository(env.db, env.tables.profiles);
    const id = fresh('p-unwritten');
    const email = `${id}@example.org`;
    const noted = (n: number) =>
      customer(`c-${id}`, email, `2026-02-01T00:00:${String(n).padStart(2, '0')}Z`, {
        note: `${n}-${randomBytes(48).toString('base64')}`,
      });
    const all: CanonicalEvent[] = [];
    for (let version = 1; version <= 12; version++) {
      const batch = [noted(version * 2), noted(version * 2 + 1)];
      all.push(...batch);
      const { historyLeft } = await repo.commit(TENANT, put(id, version, email, batch));
      // Only what is not in the item: the history write of what the tail handed out fails every time.
      const inItem = new Set((await repo.history(TENANT, [id])).map((e) => eventKey(e.event)));
      await repo.appendHistory(
        TENANT,
        historyLeft.filter((e) => !inItem.has(eventKey(e.event))),
        30,
      );
    }
    expect(keys(await repo.history(TENANT, [id])), 'each event once, none lost').toEqual(all.map(eventKey).sort());
  });

  it('carries the tail through a commit of another container, and refuses a stale version before writing anything', async () => {
    const id = fresh('p-other');
    const email = `${id}@example.org`;
    const batch = events(email, 1, 2);
    await new DynamoProfileRepository(env.db, env.tables.profiles).commit(TENANT, put(id, 1, email, batch));

    // A second container that never read the profile commits its next version (no history of its own).
    await new DynamoProfileRepository(env.db, env.tables.profiles).commit(TENANT, put(id, 2, email));
    expect(keys(await new DynamoProfileRepository(env.db, env.tables.profiles).history(TENANT, [id]))).toEqual(batch.map(eventKey).sort());

    const stale = new DynamoProfileRepository(env.db, env.tables.profiles).commit(TENANT, put(id, 2, email, events(email, 9, 1)));
    await expect(stale).rejects.toBeInstanceOf(ConflictRetry);
    expect((await rawProfile(id)).version).toBe(2);
    expect(await historyItems(id), 'nothing written by the refused commit').toHaveLength(0);
  });

  it('a redelivered batch adds no history item for events the tail holds, and history reads each event once', async () => {
    const repo = new DynamoProfileRepository(env.db, env.tables.profiles);
    const id = fresh('p-redelivered');
    const email = `${id}@example.org`;
    const batch = events(email, 1, 2);
    await repo.commit(TENANT, put(id, 1, email, batch));

    // The redelivery finds the events duplicates: the merge appends their history again (the crash repair).
    await repo.appendHistory(
      TENANT,
      batch.map((event) => ({ profileId: id, event })),
      30,
    );
    expect(await historyItems(id), 'held by the tail: nothing appended').toHaveLength(0);

    // Another container, which has not read the profile, appends them anyway: still each event once.
    await new DynamoProfileRepository(env.db, env.tables.profiles).appendHistory(
      TENANT,
      batch.map((event) => ({ profileId: id, event })),
      30,
    );
    expect(keys(await repo.history(TENANT, [id]))).toEqual(batch.map(eventKey).sort());
  });

  it('removes events from the tail at the next version (unmerge, erasure of a shared value): a merge that read the old one conflicts', async () => {
    const repo = new DynamoProfileRepository(env.db, env.tables.profiles);
    const id = fresh('p-remove');
    const email = `${id}@example.org`;
    const [moved, kept] = [
      customer(`c-${id}`, email, '2026-02-01T00:00:00Z', { lastName: 'Lovelace-Secret' }),
      customer(`c-${id}`, email, '2026-02-02T00:00:00Z', { firstName: 'Ada' }),
    ];
    await repo.commit(TENANT, put(id, 1, email, [moved!, kept!]));
    const reader = new DynamoProfileRepository(env.db, env.tables.profiles);
    await reader.get(TENANT, id);

    await repo.removeHistory(TENANT, [{ profileId: id, eventKey: eventKey(moved!) }]);

    expect(keys(await repo.history(TENANT, [id]))).toEqual([eventKey(kept!)]);
    const item = await rawProfile(id);
    expect(itemText(item), 'nothing of the removed event remains in the item').not.toContain('Lovelace-Secret');
    expect(item.version, 'written at the next version').toBe(2);
    expect((await repo.get(TENANT, id))?.version).toBe(2);
    await expect(reader.commit(TENANT, put(id, 2, email)), 'a merge that read version 1').rejects.toBeInstanceOf(ConflictRetry);
  });

  it("erases the person's tail with the profile and its tombstones, and leaves another person's history as it was", async () => {
    const repo = new DynamoProfileRepository(env.db, env.tables.profiles);
    const [id, absorbed, other] = [fresh('p-erased'), fresh('p-absorbed'), fresh('p-bystander')];
    const email = `${id}@example.org`;
    await repo.commit(TENANT, put(absorbed, 1, email, events(email, 1, 2)));
    const tombstone: Profile = { ...profile(absorbed, 2, email), mergedInto: id };
    await repo.commit(TENANT, {
      puts: [
        { profile: { ...profile(id, 1, email), mergedFrom: [absorbed] }, expectedVersion: 0 },
        { profile: tombstone, expectedVersion: 1 },
      ],
      claims: [],
      history: { entries: events(email, 3, 1).map((event) => ({ profileId: id, event })), keepDays: 30 },
    });
    await repo.appendHistory(TENANT, [{ profileId: id, event: events(email, 4, 1)[0]! }], 30);
    const bystander = events(`${other}@example.org`, 1, 2);
    await repo.commit(TENANT, put(other, 1, `${other}@example.org`, bystander));
    expect((await repo.history(TENANT, [id, absorbed])).length, 'tails of the profile and its tombstone, and a history item').toBe(4);

    const live = (await repo.get(TENANT, id))!;
    await repo.erase(TENANT, live);

    expect(await repo.history(TENANT, [id, absorbed])).toEqual([]);
    for (const pid of [id, absorbed]) {
      const { Item } = await env.db.send(new GetCommand({ TableName: env.tables.profiles, Key: profileKeys.profile(TENANT, pid) }));
      expect(Item, `profile item ${pid}`).toBeUndefined();
      expect(await historyItems(pid)).toHaveLength(0);
    }
    expect(keys(await repo.history(TENANT, [other])), "the bystander's history").toEqual(bystander.map(eventKey).sort());
  });

  it('reads history items of every older form beside a tail, and skips tail events past their days', async () => {
    let now = new Date('2026-03-01T00:00:00Z');
    const repo = new DynamoProfileRepository(env.db, env.tables.profiles, { now: () => now });
    const id = fresh('p-forms');
    const email = `${id}@example.org`;
    const [single, listed, tailed] = [events(email, 1, 1)[0]!, events(email, 2, 1)[0]!, events(email, 3, 1)[0]!];
    const pk = profileKeys.historyPartition(TENANT, id);
    await env.db.send(new PutCommand({ TableName: env.tables.profiles, Item: { pk, sk: `E#${eventKey(single)}`, event: single } }));
    await env.db.send(new PutCommand({ TableName: env.tables.profiles, Item: { pk, sk: 'B#old', events: [listed] } }));
    await repo.commit(TENANT, {
      ...put(id, 1, email),
      history: { entries: [{ profileId: id, event: tailed }], keepDays: 1 },
    });

    expect(keys(await repo.history(TENANT, [id]))).toEqual([single, listed, tailed].map(eventKey).sort());

    now = new Date('2026-03-03T00:00:00Z');
    expect(keys(await repo.history(TENANT, [id])), 'the tail event is past its day').toEqual([single, listed].map(eventKey).sort());
    await repo.commit(TENANT, put(id, 2, email));
    expect((await rawProfile(id)).doch, 'dropped from the item at the next commit').toBeUndefined();
  });
});

describe('unmerge on profiles whose history rides in their items', () => {
  it('rebuilds both people from the tails and history items, and leaves each only its own events', async () => {
    const repo = new DynamoProfileRepository(env.db, env.tables.profiles);
    const run = fresh('u');
    let next = 0;
    const newProfileId = () => `${run}-p${++next}`;
    // Each event through a stage as the merge consumer does, so its history goes with the commit (the tail).
    const apply = async (...list: CanonicalEvent[]) => {
      for (const e of list) {
        const stage = new StagedProfileRepository(repo, 'acme');
        await mergeEvent({ profiles: stage, newProfileId }, tenant(), e);
        await stage.flush();
      }
    };
    const anna = [{ type: 'email' as const, value: `anna-${run}@example.com` }];
    const bob = [{ type: 'email' as const, value: `bob-${run}@example.com` }];
    const tablet = `tablet-${run}`;
    const visit = (at: string, ids: CanonicalEvent['identifiers']) =>
      event({
        type: 'product.viewed',
        sourceEventId: `view-${at}`,
        occurredAt: at,
        identifiers: [{ type: 'anonymousId', value: tablet }, ...ids],
        data: { productId: 'sku-1', name: 'Milk frother', category: 'kitchen' },
      } as Parameters<typeof event>[0]);
    await apply(customer(`a-${run}`, anna[0]!.value, '2026-10-01T10:00:00Z', { firstName: 'Anna' }), visit('2026-10-02T10:00:00Z', anna));
    await apply(
      event({
        type: 'customer.upserted',
        sourceEventId: 'bob-guest',
        occurredAt: '2026-10-03T10:00:00Z',
        identifiers: bob,
        data: { firstName: 'Bob' },
      } as Parameters<typeof event>[0]),
      order('5001', bob, '2026-10-04T10:00:00Z', 80),
    );
    await apply(visit('2026-10-05T10:00:00Z', bob)); // the wrong merge
    await apply(order('5002', bob, '2026-10-06T10:00:00Z', 30));
    const [annaId, bobId] = [`${run}-p1`, `${run}-p2`];
    expect((await rawProfile(annaId, 'acme')).doch, 'the history rides in the merged profile').toBeInstanceOf(Uint8Array);
    expect((await repo.history('acme', [annaId, bobId])).length).toBe(6);

    const result = await unmergeProfile({ profiles: repo, now: () => new Date('2026-11-01T00:00:00Z') }, tenant(), annaId, tablet);

    expect(result.profiles.map((p) => p.profileId)).toEqual([annaId, bobId]);
    const bobAfter = (await repo.get('acme', bobId))!;
    expect(Object.keys(bobAfter.orders).sort(), 'the order placed after the merge goes back to Bob').toEqual(['shop/5001', 'shop/5002']);
    expect(Object.keys((await repo.get('acme', annaId))!.orders)).toEqual([]);
    const own = async (id: string) => (await repo.history('acme', [id])).map((h) => h.event.sourceEventId).sort();
    expect(await own(bobId)).toEqual(
      ['bob-guest', 'order-5001-2026-10-04T10:00:00Z', 'order-5002-2026-10-06T10:00:00Z', 'view-2026-10-05T10:00:00Z'].sort(),
    );
    expect(await own(annaId), "none of Bob's events stays with Anna").toEqual(
      [`customer-a-${run}-2026-10-01T10:00:00Z-Anna`, 'view-2026-10-02T10:00:00Z'].sort(),
    );
  });
});

describe('erasure of a value another profile was refused', () => {
  it("blanks the erased person's value out of the other profile's tail, and keeps that profile's own events", async () => {
    const repo = new DynamoProfileRepository(env.db, env.tables.profiles);
    const [erasedId, keptId] = [fresh('p-erased-person'), fresh('p-refused')];
    const shared = `shared-${erasedId}@example.org`;
    const own = `own-${keptId}@example.org`;
    await repo.commit(TENANT, {
      ...put(erasedId, 1, shared, events(shared, 1, 1)),
      claims: [{ identifier: { type: 'email', value: shared }, profileId: erasedId }],
    });
    // The second profile was refused the shared address: one of its events still names it, one does not.
    const naming = customer(`c-${keptId}`, shared, '2026-02-10T00:00:00Z', { firstName: 'Kim' });
    const ownEvent = customer(`c-${keptId}`, own, '2026-02-11T00:00:00Z', { firstName: 'Kim' });
    await repo.commit(TENANT, {
      ...put(keptId, 1, own, [naming, ownEvent]),
      claims: [{ identifier: { type: 'email', value: own }, profileId: keptId }],
      shares: [{ identifier: { type: 'email', value: shared }, profileId: keptId }],
    });
    expect(itemText(await rawProfile(keptId)), 'the tail names the shared address').toContain(shared);

    const erased = (await repo.get(TENANT, erasedId))!;
    const result = await erasePerson(repo, TENANT, [{ type: 'email', value: shared }], [erased], '2026-03-01T00:00:00Z', 30);

    expect(result.blanked).toEqual([keptId]);
    expect(await rawProfile(erasedId), 'the erased profile item, tail and all').toBeUndefined();
    const kept = [await rawProfile(keptId), ...(await historyItems(keptId))];
    for (const item of kept) expect(itemText(item), 'no byte of the erased value anywhere').not.toContain(shared);
    const history = await repo.history(TENANT, [keptId]);
    expect(history.map((h) => h.event.sourceEventId).sort(), "the refused profile's events stay").toEqual(
      [naming.sourceEventId, ownEvent.sourceEventId].sort(),
    );
  });
});
