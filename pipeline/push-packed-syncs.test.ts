// A merge batch's syncs travel in one push message per tenant (pipeline/packed-syncs.ts); a failure retries the whole
// message, whose delivered profiles then cost reads and no vendor call (issue 15, stop 32).
import { describe, expect, it } from 'vitest';
import type { PushMessage } from '../core/ports.js';
import { decodeDeliveryLog } from '../core/delivery-log.js';
import { acmeConfig, fakePipeline } from '../test/support/fake-pipeline.js';
import { fakeConnector } from '../test/support/fake-connector.js';
import { packSyncs, unpackSyncs } from './packed-syncs.js';
import { pushProfiles } from './push-profiles.js';
import { readSnapshot } from './push-snapshot.js';

function setup(options: Parameters<typeof fakeConnector>[0] = {}) {
  const config = acmeConfig();
  const fake = fakeConnector(options);
  const { deps, post, merge } = fakePipeline(config, fake);
  const reads = { profiles: 0, snapshots: 0 };
  const { profiles, snapshots } = deps;
  const counted = {
    ...deps,
    profiles: Object.assign(Object.create(profiles) as typeof profiles, {
      getMany: (...args: Parameters<typeof profiles.getMany>) => {
        reads.profiles += args[1].length;
        return profiles.getMany(...args);
      },
    }),
    snapshots: Object.assign(Object.create(snapshots) as typeof snapshots, {
      getMany: (...args: Parameters<typeof snapshots.getMany>) => {
        reads.snapshots += args[1].length;
        return snapshots.getMany(...args);
      },
    }),
  };
  const people = async (...names: string[]) => {
    for (const [i, name] of names.entries())
      await post({ id: String(i + 1), email: `${name}@example.com`, firstName: name, consent: true });
    await merge();
    return deps.push.sent.splice(0);
  };
  const idOf = (name: string) =>
    deps.profiles.liveProfiles('acme').find((p) => p.identifiers.some((i) => i.value === `${name}@example.com`))!.profileId;
  const pushedEmails = () => fake.pushed.flat().map((c) => c.email);
  return {
    deps,
    fake,
    post,
    merge,
    people,
    idOf,
    pushedEmails,
    reads,
    push: (q: { id: string; message: PushMessage }[]) => pushProfiles(counted, q),
  };
}

describe('packed sync messages', () => {
  it('carry the syncs of a merge batch in one message per tenant, each with the version the merge committed', async () => {
    const { people, idOf, deps } = setup();
    const sent = await people('anna', 'bert', 'cora');
    expect(sent).toHaveLength(1);
    const [message] = sent;
    expect(message?.kind).toBe('syncs');
    const live = deps.profiles.liveProfiles('acme');
    expect(message).toEqual({
      kind: 'syncs',
      tenantId: 'acme',
      profiles: expect.arrayContaining(
        ['anna', 'bert', 'cora'].map((n) => ({ profileId: idOf(n), version: live.find((p) => p.profileId === idOf(n))!.version })),
      ),
    });
    expect(message?.kind === 'syncs' && message.profiles).toHaveLength(3);
  });

  it('leave a batch that changed one person as the single sync message it was', async () => {
    const { people, idOf } = setup();
    expect(await people('anna')).toEqual([{ kind: 'sync', tenantId: 'acme', profileId: idOf('anna'), version: expect.any(Number) }]);
  });

  it('are pushed profile by profile, in the destination batch size', async () => {
    const { people, push, fake, pushedEmails } = setup();
    const sent = await people('anna', 'bert', 'cora');
    expect(await push(sent.map((message, i) => ({ id: `p${i}`, message })))).toEqual([]);
    expect(
      fake.pushed.map((b) => b.length),
      'the fake destination takes 2 at a time',
    ).toEqual([2, 1]);
    expect(pushedEmails().sort()).toEqual(['anna@example.com', 'bert@example.com', 'cora@example.com']);
  });

  it('are retried whole when one profile fails: the retry pushes what failed, and the delivered profiles cost two reads each and no vendor call', async () => {
    const { people, push, fake, pushedEmails, reads, deps, idOf } = setup({ failPushes: 1 });
    const sent = await people('anna', 'bert', 'cora');
    const queued = sent.map((message) => ({ id: 'packed', message }));
    expect(await push(queued), 'the first vendor call (two profiles) fails: the message is retried').toEqual(['packed']);
    const delivered = pushedEmails();
    expect(delivered).toHaveLength(1);
    const deliveredName = delivered[0]!.split('@')[0]!;
    const failedNames = ['anna', 'bert', 'cora'].filter((n) => n !== deliveredName);
    for (const name of failedNames)
      expect(
        decodeDeliveryLog(readSnapshot(await deps.snapshots.get('acme', idOf(name), 'crm'))?.deliveries, new Date()).map((e) => e.outcome),
        'the delivery log names the profiles that failed',
      ).toEqual(['retrying']);

    fake.pushed.splice(0);
    reads.profiles = 0;
    reads.snapshots = 0;
    expect(await push(queued), 'redelivered').toEqual([]);
    expect(pushedEmails().sort(), 'only the profiles that failed reach the destination again').toEqual(
      failedNames.map((n) => `${n}@example.com`),
    );
    expect(reads, 'one profile and one snapshot read per profile of the message (the delivered one: its whole cost)').toEqual({
      profiles: 3,
      snapshots: 3,
    });

    fake.pushed.splice(0);
    expect(await push(queued), 'a replay from the DLQ after everything went through').toEqual([]);
    expect(fake.pushed, 'finds every snapshot unchanged: no vendor call').toEqual([]);
  });

  it('end in the DLQ after maxReceiveCount failed attempts, and a replay of the dead letter pushes every profile once', async () => {
    const { people, push, fake, pushedEmails } = setup();
    const sent = await people('anna', 'bert');
    const queued = sent.map((message) => ({ id: 'packed', message }));
    fake.failNext(5);
    // The push queue's maxReceiveCount is 5: five receives that fail, then SQS moves the message to the DLQ as it is.
    for (let receive = 1; receive <= 5; receive++) expect(await push(queued)).toEqual(['packed']);
    expect(pushedEmails()).toEqual([]);
    expect(await push(queued), 'replayed once the destination is back').toEqual([]);
    expect(pushedEmails().sort()).toEqual(['anna@example.com', 'bert@example.com']);
  });

  it('are pushed beside single sync messages sent before the deploy, and a profile named in both is pushed once', async () => {
    const { people, push, fake, idOf, pushedEmails } = setup();
    const sent = await people('anna', 'bert');
    const old: PushMessage = { kind: 'sync', tenantId: 'acme', profileId: idOf('anna') };
    expect(
      await push([
        { id: 'old', message: old },
        { id: 'packed', message: sent[0]! },
      ]),
    ).toEqual([]);
    expect(pushedEmails().sort()).toEqual(['anna@example.com', 'bert@example.com']);
    expect(fake.pushed.flat()).toHaveLength(2);
  });

  it('skip a profile erased after its pack was sent, and the erasure reaches the destination', async () => {
    const { people, push, fake, deps, merge, pushedEmails } = setup();
    const [packed] = await people('anna', 'bert');
    const at = '2026-10-02T10:00:00Z';
    deps.events.sent.push({
      tenantId: 'acme',
      source: { connector: 'fake', instance: 'shop' },
      sourceEventId: 'erase-anna',
      occurredAt: at,
      receivedAt: at,
      identifiers: [{ type: 'email', value: 'anna@example.com' }],
      type: 'erasure.requested',
      data: { scope: 'person', requestId: 'gdpr-1' },
    });
    await merge();
    const [erase] = deps.push.sent.splice(0);
    expect(erase?.kind).toBe('erase');

    expect(
      await push([
        { id: 'packed', message: packed! },
        { id: 'erase', message: erase! },
      ]),
    ).toEqual([]);
    expect(pushedEmails(), 'only the person still there').toEqual(['bert@example.com']);
    expect(fake.erased.map((s) => s.email)).toEqual(['anna@example.com']);
  });

  it('fail every message that named a profile whose push failed', async () => {
    const { people, push, idOf } = setup({ failPushes: 1 });
    const sent = await people('anna');
    const old: PushMessage = { kind: 'sync', tenantId: 'acme', profileId: idOf('anna') };
    const packed: PushMessage = { kind: 'syncs', tenantId: 'acme', profiles: [{ profileId: idOf('anna') }, { profileId: 'gone' }] };
    expect(
      (
        await push([
          { id: 'new', message: sent[0]! },
          { id: 'old', message: old },
          { id: 'packed', message: packed },
        ])
      ).sort(),
    ).toEqual(['new', 'old', 'packed']);
  });
});

describe('packSyncs', () => {
  const sync = (profileId: string, tenantId = 'acme', version?: number): Extract<PushMessage, { kind: 'sync' }> => ({
    kind: 'sync',
    tenantId,
    profileId,
    ...(version !== undefined ? { version } : {}),
  });
  const erase: PushMessage = { kind: 'erase', tenantId: 'acme', subject: { profileId: 'x', identifiers: [] } };

  it('packs syncs per tenant and stats time and leaves erasures as they are', () => {
    const statsAt = '2026-10-01T00:00:00.000Z';
    expect(
      packSyncs([sync('a', 'acme', 3), erase, sync('b', 'other'), sync('c', 'acme'), sync('d', 'other', 1), { ...sync('e'), statsAt }]),
    ).toEqual([
      { kind: 'syncs', tenantId: 'acme', profiles: [{ profileId: 'a', version: 3 }, { profileId: 'c' }] },
      erase,
      { kind: 'syncs', tenantId: 'other', profiles: [{ profileId: 'b' }, { profileId: 'd', version: 1 }] },
      { kind: 'sync', tenantId: 'acme', profileId: 'e', statsAt },
    ]);
  });

  it('keeps each message to 100 profiles and within one 64 KB billing chunk', () => {
    const many = Array.from({ length: 250 }, (_, i) => sync(`p${i}`, 'acme', i));
    const packed = packSyncs(many);
    expect(packed.map((m) => (m.kind === 'syncs' ? m.profiles.length : 1))).toEqual([100, 100, 50]);
    expect(packed.flatMap(unpackSyncs)).toEqual(many);
    const long = Array.from({ length: 100 }, (_, i) => sync(`${'x'.repeat(1_000)}${i}`));
    for (const m of packSyncs(long)) expect(Buffer.byteLength(JSON.stringify(m))).toBeLessThanOrEqual(64 * 1024);
    expect(packSyncs(long).flatMap(unpackSyncs)).toEqual(long);
  });
});
