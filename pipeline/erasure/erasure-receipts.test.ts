// Erasure receipts through the merge, the push and the sweep with in-memory ports: confirmed, unsupported, and a
// destination that fails, is retried (by redelivery and by the sweep) and then confirms, while the destination that
// confirmed the first time is never asked again.
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { SynclineConfig } from '../../core/config.js';
import type { CanonicalEvent } from '../../core/events.js';
import { erasureRequestId } from '../../core/erasure/receipts.js';
import { InMemoryErasureReceipts } from '../../test/support/in-memory-erasure-receipts.js';
import { InMemoryProfileRepository } from '../../core/identity/in-memory-profile-repository.js';
import type { PushMessage } from '../../core/ports.js';
import { defineConnector, VendorRejected, type ErasureSubject } from '../../connectors/sdk/index.js';
import { fakeConnector, signFake } from '../../test/support/fake-connector.js';
import { MemoryQueue, MemorySnapshots, MemoryStatus, memoryLogger } from '../../test/support/memory-ports.js';
import { ingestWebhook } from '../ingest-webhook.js';
import { createInstanceResolver } from '../instances.js';
import { mergeBatch } from '../merge-batch.js';
import { pushProfiles } from '../push-profiles.js';
import { storedSnapshot } from '../push-snapshot.js';
import { retryErasures } from './retry-erasures.js';

const MINUTE = 60_000;

/** A destination whose erasure fails while `down` is set, with a vendor error that quotes the address. */
function flakyDestination() {
  const state = { down: true, calls: [] as ErasureSubject[] };
  const connector = defineConnector({
    name: 'flaky',
    kind: 'email',
    description: 'test double that fails erasures while down',
    settingsSchema: z.object({}),
    secretsSchema: z.object({}),
    async erase(_ctx, subjects) {
      state.calls.push(...subjects);
      if (state.down) throw new Error(`503 from https://flaky.example/delete?email=${subjects[0]?.email ?? ''}: try later`);
      return subjects.map((s) => ({ profileId: s.profileId, status: 'confirmed' as const }));
    },
  });
  return { connector, state };
}

/** A destination with no erasure API, as Squeezely. */
const noErase = defineConnector({
  name: 'noerase',
  kind: 'dmp',
  description: 'test double without erase',
  settingsSchema: z.object({}),
  secretsSchema: z.object({}),
  eraseUnsupported: 'the vendor documents no deletion endpoint',
});

function setup(instances: { id: string; connector: string }[]) {
  const config = SynclineConfig.parse({
    tenants: [
      { id: 'acme', instances: [{ id: 'crm', connector: 'fake', webhooks: true }, ...instances.map((i) => ({ ...i, push: true }))] },
    ],
  });
  const fake = fakeConnector();
  const flaky = flakyDestination();
  const log = memoryLogger();
  let clock = new Date('2026-11-01T10:00:00Z');
  const deps = {
    instances: createInstanceResolver({
      config,
      connectors: { fake: fake.connector, flaky: flaky.connector, noerase: noErase },
      secrets: { get: async () => ({ secret: 'shh' }) },
      log,
    }),
    events: new MemoryQueue<CanonicalEvent>(),
    push: new MemoryQueue<PushMessage>(),
    quarantine: { put: async () => {}, list: async () => [], remove: async () => {} },
    profiles: new InMemoryProfileRepository(),
    snapshots: new MemorySnapshots(),
    status: new MemoryStatus(),
    receipts: new InMemoryErasureReceipts(),
    log,
    now: () => clock,
  };
  const webhook = (body: object) => {
    const raw = JSON.stringify({ id: '1', email: 'anna@example.com', at: '2026-10-01T10:00:00Z', consent: true, ...body });
    return ingestWebhook(deps, 'acme', 'crm', {
      method: 'POST',
      url: 'https://hooks.example/webhooks/acme/crm',
      headers: signFake(raw),
      rawBody: Buffer.from(raw),
    });
  };
  const merge = async () => {
    const events = deps.events.sent.splice(0);
    return mergeBatch(
      deps,
      events.map((e, i) => ({ id: `m${i}`, body: JSON.stringify(e) })),
    );
  };
  /** One delivery of everything on the push queue; the failed messages stay queued, as SQS redelivers them. */
  const push = async () => {
    const queued = deps.push.sent.splice(0).map((message, i) => ({ id: `p${i}`, message }));
    const failed = await pushProfiles(deps, queued);
    deps.push.sent.push(...queued.filter((q) => failed.includes(q.id)).map((q) => q.message));
    return failed;
  };
  const erasure = (requestId?: string): CanonicalEvent => ({
    tenantId: 'acme',
    source: { connector: 'fake', instance: 'crm' },
    sourceEventId: 'gdpr-1',
    occurredAt: '2026-10-05T00:00:00Z',
    receivedAt: '2026-10-05T00:00:00Z',
    identifiers: [{ type: 'email', value: 'anna@example.com' }],
    type: 'erasure.requested',
    data: { scope: 'person', ...(requestId ? { requestId } : {}) },
  });
  const advance = (ms: number) => {
    clock = new Date(clock.getTime() + ms);
  };
  return { deps, fake, flaky, log, webhook, merge, push, erasure, advance };
}

describe('erasure receipts', () => {
  it('confirms a destination that erased, with no personal data in the receipt and nothing kept for retries', async () => {
    const { deps, fake, webhook, merge, push, erasure } = setup([{ id: 'mail', connector: 'fake' }]);
    await webhook({});
    await merge();
    await push();
    const profileId = deps.profiles.liveProfiles('acme')[0]!.profileId;

    deps.events.sent.push(erasure('gdpr-req-1'));
    await merge();
    expect(deps.push.sent, 'the push message carries the request id').toEqual([
      expect.objectContaining({ kind: 'erase', requestId: 'gdpr-req-1' }),
    ]);
    expect(await push()).toEqual([]);

    expect(fake.erased).toHaveLength(1);
    const receipt = await deps.receipts.get('acme', 'gdpr-req-1');
    expect(receipt).toMatchObject({
      requestId: 'gdpr-req-1',
      state: 'settled',
      destinations: [{ instance: 'mail', connector: 'fake', status: 'confirmed', attempts: 1, confirmedAt: '2026-11-01T10:00:00.000Z' }],
    });
    expect(receipt!.subjects).toEqual([
      expect.objectContaining({ profileId, identifierTypes: ['email'], identifierDigests: [expect.stringMatching(/^[\w-]{32}$/)] }),
    ]);
    expect(JSON.stringify(receipt), 'no e-mail address in the receipt').not.toMatch(/anna|example\.com/);
    expect(await deps.receipts.pending('acme'), 'the subject is forgotten once settled').toEqual([]);

    // SQS delivers at least once: a duplicate of the settled erasure asks nobody and records nothing new.
    const settled = await deps.receipts.get('acme', 'gdpr-req-1');
    const message = {
      kind: 'erase' as const,
      tenantId: 'acme',
      requestId: 'gdpr-req-1',
      subject: { profileId, identifiers: [{ type: 'email' as const, value: 'anna@example.com' }], email: 'anna@example.com' },
    };
    expect(await pushProfiles(deps, [{ id: 'dup', message }])).toEqual([]);
    expect(fake.erased).toHaveLength(1);
    expect(await deps.receipts.get('acme', 'gdpr-req-1'), 'the receipt is unchanged').toEqual(settled);
    expect((await deps.receipts.get('acme', 'gdpr-req-1'))?.destinations[0]?.attempts).toBe(1);
  });

  it('marks a destination without an erasure API unsupported, says why, and settles the request', async () => {
    const { deps, webhook, merge, push, erasure, log } = setup([
      { id: 'mail', connector: 'fake' },
      { id: 'dmp', connector: 'noerase' },
    ]);
    await webhook({});
    await merge();
    await push();
    deps.events.sent.push(erasure('gdpr-req-2'));
    await merge();
    expect(await push()).toEqual([]);

    const receipt = await deps.receipts.get('acme', 'gdpr-req-2');
    expect(receipt?.state).toBe('settled');
    expect(receipt?.destinations).toEqual([
      { instance: 'dmp', connector: 'noerase', status: 'unsupported', reason: 'the vendor documents no deletion endpoint', attempts: 0 },
      expect.objectContaining({ instance: 'mail', status: 'confirmed' }),
    ]);
    expect(log.lines.some((l) => l.includes('destination cannot erase'))).toBe(true);
  });

  it('retries a failed destination by redelivery and by the sweep until it confirms, never asking a confirmed one again', async () => {
    const { deps, fake, flaky, webhook, merge, push, erasure, advance, log } = setup([
      { id: 'mail', connector: 'fake' },
      { id: 'flaky', connector: 'flaky' },
    ]);
    await webhook({});
    await merge();
    await push();
    const profileCount = deps.profiles.liveProfiles('acme').length;
    expect(profileCount).toBe(1);

    deps.events.sent.push(erasure());
    await merge();
    const requestId = erasureRequestId(erasure() as Parameters<typeof erasureRequestId>[0]);
    expect(requestId, 'a request without an id gets one derived from the event').toMatch(/^crm-[\w-]{22}$/);

    expect(await push(), 'the message fails and SQS redelivers it').toEqual(['p0']);
    let receipt = await deps.receipts.get('acme', requestId);
    expect(receipt?.state).toBe('open');
    const failed = receipt!.destinations.find((d) => d.instance === 'flaky')!;
    expect(failed).toMatchObject({ status: 'failed', attempts: 1 });
    expect(failed.reason).toMatch(/^flaky unavailable: 503 from/);
    expect(failed.reason, 'the reason is redacted').not.toMatch(/anna/);
    expect(receipt!.destinations.find((d) => d.instance === 'mail')).toMatchObject({ status: 'confirmed', attempts: 1 });

    advance(MINUTE);
    expect(await push(), 'the redelivery fails again').toEqual(['p0']);
    deps.push.sent.splice(0); // gone to the DLQ after maxReceiveCount
    expect(fake.erased, 'the confirmed destination is asked once only').toHaveLength(1);
    expect((await deps.receipts.get('acme', requestId))!.destinations.find((d) => d.instance === 'flaky')).toMatchObject({
      status: 'failed',
      attempts: 2,
    });

    // The sweep waits until the last attempt is old enough, then queues the erasure again.
    advance(5 * MINUTE);
    expect(await retryErasures(deps, 'acme')).toEqual({ requeued: 0, waiting: 1, givenUp: 0 });
    advance(15 * MINUTE);
    expect(await retryErasures(deps, 'acme')).toEqual({ requeued: 1, waiting: 0, givenUp: 0 });
    expect(deps.push.sent).toEqual([
      { kind: 'erase', tenantId: 'acme', requestId, subject: expect.objectContaining({ email: 'anna@example.com' }) },
    ]);
    expect(await retryErasures(deps, 'acme'), 'queued once per retry interval').toEqual({ requeued: 0, waiting: 1, givenUp: 0 });

    flaky.state.down = false;
    expect(await push()).toEqual([]);
    receipt = await deps.receipts.get('acme', requestId);
    expect(receipt?.state).toBe('settled');
    expect(receipt!.destinations.find((d) => d.instance === 'flaky')).toMatchObject({
      status: 'confirmed',
      attempts: 3,
      firstAttemptAt: '2026-11-01T10:00:00.000Z',
      confirmedAt: '2026-11-01T10:21:00.000Z',
    });
    expect(fake.erased, 'still asked once').toHaveLength(1);
    expect(flaky.state.calls).toHaveLength(3);
    expect(deps.profiles.liveProfiles('acme'), 'a retry re-creates nothing').toEqual([]);
    expect(deps.snapshots.snapshots.size).toBe(0);
    expect(await deps.receipts.pending('acme')).toEqual([]);
    expect(log.lines.join('\n'), 'no address in any log line').not.toMatch(/anna@/);
  });

  it('gives a redelivered erasure request the receipt of its first run, not a second subject (a redelivery found no profile)', async () => {
    const { deps, fake, webhook, merge, push, erasure } = setup([{ id: 'mail', connector: 'fake' }]);
    await webhook({});
    await merge();
    await push();
    const profileId = deps.profiles.liveProfiles('acme')[0]!.profileId;
    // Merged, then redelivered (its Lambda died after the commit, or the visibility timeout ran out mid-batch).
    deps.events.sent.push(erasure('gdpr-req-7'));
    await merge();
    const first = deps.push.sent.splice(0);
    deps.events.sent.push(erasure('gdpr-req-7'));
    await merge();
    expect(deps.push.sent, 'the same subject again').toEqual([
      expect.objectContaining({ kind: 'erase', requestId: 'gdpr-req-7', subject: expect.objectContaining({ profileId }) }),
    ]);
    deps.push.sent.unshift(...first);
    expect(await push()).toEqual([]);
    const receipt = await deps.receipts.get('acme', 'gdpr-req-7');
    expect(receipt?.subjects.map((s) => s.profileId)).toEqual([profileId]);
    expect(receipt?.state).toBe('settled');
    expect(await deps.receipts.pending('acme')).toEqual([]);
    expect(fake.erased, 'asked once: the redelivery found it settled').toHaveLength(1);
  });

  it('closes an erasure that keeps failing past the max age as failed-permanently and reports it', async () => {
    const { deps, webhook, merge, push, erasure, advance, log } = setup([{ id: 'flaky', connector: 'flaky' }]);
    await webhook({});
    await merge();
    await push();
    deps.events.sent.push(erasure('gdpr-req-4'));
    await merge();
    await push();
    deps.push.sent.splice(0);

    advance(15 * 24 * 60 * MINUTE);
    expect(await retryErasures(deps, 'acme')).toEqual({ requeued: 0, waiting: 0, givenUp: 1 });
    expect(deps.push.sent).toEqual([]);
    const receipt = await deps.receipts.get('acme', 'gdpr-req-4');
    expect(receipt).toMatchObject({ state: 'failed-permanently', destinations: [{ instance: 'flaky', status: 'failed' }] });
    expect(await deps.receipts.pending('acme'), 'the subject is no longer kept').toEqual([]);
    expect(log.lines.find((l) => l.includes('erasure failed permanently'))).toMatch(/"requestId":"gdpr-req-4"/);
  });

  it('erases the records of the profiles it absorbed by their own destination ids, keeps only those ids for a retry, and drops them when the erasure is given up', async () => {
    const { deps, flaky, advance } = setup([{ id: 'flaky', connector: 'flaky' }]);
    // The survivor and a profile it absorbed were each pushed, each with a record (and id) of its own there.
    await deps.snapshots.put('acme', 'p-1', 'flaky', storedSnapshot({ email: 'anna@example.com', lastName: 'Berg' }, 'r-1'));
    await deps.snapshots.put('acme', 'p-old', 'flaky', storedSnapshot({ email: 'ab@old.example', lastName: 'Berg' }, 'r-2'));
    const message: PushMessage = {
      kind: 'erase',
      tenantId: 'acme',
      subject: { profileId: 'p-1', identifiers: [{ type: 'email', value: 'anna@example.com' }], email: 'anna@example.com' },
      requestId: 'gdpr-req-6',
      mergedFrom: ['p-old'],
    };
    expect(await pushProfiles(deps, [{ id: 'e', message }])).toEqual(['e']);
    expect(flaky.state.calls.map((c) => c.remoteId)).toEqual(['r-1', 'r-2']);
    expect(flaky.state.calls[1], 'the absorbed record by its id alone').toEqual({ profileId: 'p-1', identifiers: [], remoteId: 'r-2' });
    // (and "@pending": false, nothing under way: pipeline/push-snapshot.ts)
    expect(Object.fromEntries(deps.snapshots.snapshots), 'only the ids are kept, no field').toEqual({
      'acme/p-1/flaky': { '@remoteId': 'r-1', '@pending': false },
      'acme/p-old/flaky': { '@remoteId': 'r-2', '@pending': false },
    });

    // The sweep's retry reaches both records again.
    advance(20 * MINUTE);
    expect(await retryErasures(deps, 'acme')).toMatchObject({ requeued: 1 });
    const retry = deps.push.sent.splice(0);
    expect(retry).toEqual([expect.objectContaining({ kind: 'erase', mergedFrom: ['p-old'] })]);
    expect(await pushProfiles(deps, [{ id: 'r', message: retry[0]! }])).toEqual(['r']);
    expect(flaky.state.calls.slice(2).map((c) => c.remoteId)).toEqual(['r-1', 'r-2']);

    // Given up: the kept ids go with the kept subject; nothing of the person is left for an operator to clean up.
    advance(15 * 24 * 60 * MINUTE);
    expect(await retryErasures(deps, 'acme')).toMatchObject({ givenUp: 1 });
    expect(deps.snapshots.snapshots.size).toBe(0);
  });

  it('does not retry an erasure once the person is known again, and reports it for an operator', async () => {
    const { deps, flaky, webhook, merge, push, erasure, advance, log } = setup([{ id: 'flaky', connector: 'flaky' }]);
    await webhook({});
    await merge();
    await push();
    deps.events.sent.push(erasure('gdpr-req-5'));
    await merge();
    expect(await push()).toEqual(['p0']);
    deps.push.sent.splice(0);

    // The person signs up again before the destination is back.
    await webhook({ id: '2', at: '2026-10-06T10:00:00Z' });
    await merge();
    flaky.state.down = false;
    await push();
    const calls = flaky.state.calls.length;

    advance(20 * MINUTE);
    expect(await retryErasures(deps, 'acme')).toEqual({ requeued: 0, waiting: 0, givenUp: 1 });
    expect(deps.push.sent, 'no erase message for the returned person').toEqual([]);
    expect(flaky.state.calls).toHaveLength(calls);
    const receipt = await deps.receipts.get('acme', 'gdpr-req-5');
    expect(receipt?.state).toBe('failed-permanently');
    expect(receipt?.subjects[0]?.closedReason).toMatch(/^not retried: the person is known again/);
    expect(log.lines.some((l) => l.includes('erasure not retried: the person came back'))).toBe(true);

    // The dead-lettered message, redriven later, does not erase the returned person either.
    expect(
      await pushProfiles(deps, [
        {
          id: 'late',
          message: {
            kind: 'erase',
            tenantId: 'acme',
            subject: {
              profileId: receipt!.subjects[0]!.profileId!,
              identifiers: [{ type: 'email', value: 'anna@example.com' }],
              email: 'anna@example.com',
            },
            requestId: 'gdpr-req-5',
          },
        },
      ]),
    ).toEqual([]);
    expect(flaky.state.calls).toHaveLength(calls);
  });

  it('gives every profile of a whole-source erasure a receipt under one request id', async () => {
    const { deps, fake, webhook, merge, push } = setup([{ id: 'mail', connector: 'fake' }]);
    await webhook({ id: '1', email: 'anna@example.com' });
    await webhook({ id: '2', email: 'bert@example.com' });
    await merge();
    await push();
    deps.events.sent.push({
      tenantId: 'acme',
      source: { connector: 'fake', instance: 'crm' },
      sourceEventId: 'uninstall-1',
      occurredAt: '2026-10-05T00:00:00Z',
      receivedAt: '2026-10-05T00:00:00Z',
      identifiers: [],
      type: 'erasure.requested',
      data: { scope: 'source' },
    });
    await merge();
    const requestIds = new Set(deps.push.sent.map((m) => (m.kind === 'erase' ? m.requestId : undefined)));
    expect(requestIds.size, 'one request id for every erased profile').toBe(1);
    expect(await push()).toEqual([]);

    const [receipt] = await deps.receipts.list('acme');
    expect(receipt).toMatchObject({
      requestId: [...requestIds][0],
      state: 'settled',
      destinations: [{ instance: 'mail', status: 'confirmed', attempts: 2 }],
    });
    expect(receipt!.subjects).toHaveLength(2);
    expect(fake.erased).toHaveLength(2);
  });

  it('records a destination that rejects the deletion as failed with the vendor words, redacted', async () => {
    const rejecting = defineConnector({
      name: 'rejecting',
      kind: 'email',
      description: 'test double',
      settingsSchema: z.object({}),
      secretsSchema: z.object({}),
      async erase() {
        throw new VendorRejected('DELETE /members: anna@example.com is locked', 422);
      },
    });
    const config = SynclineConfig.parse({ tenants: [{ id: 'acme', instances: [{ id: 'r', connector: 'rejecting', push: true }] }] });
    const receipts = new InMemoryErasureReceipts();
    const deps = {
      instances: createInstanceResolver({ config, connectors: { rejecting }, secrets: { get: async () => ({}) }, log: memoryLogger() }),
      profiles: new InMemoryProfileRepository(),
      snapshots: new MemorySnapshots(),
      status: new MemoryStatus(),
      log: memoryLogger(),
      receipts,
    };
    const subject = { profileId: 'p-1', identifiers: [{ type: 'email' as const, value: 'anna@example.com' }], email: 'anna@example.com' };
    expect(await pushProfiles(deps, [{ id: 'x', message: { kind: 'erase', tenantId: 'acme', subject, requestId: 'req-r' } }])).toEqual([
      'x',
    ]);
    const [destination] = (await receipts.get('acme', 'req-r'))!.destinations;
    expect(destination).toMatchObject({ status: 'failed', reason: 'rejecting rejected the request (HTTP 422): <e-mail> is locked' });
  });
});
