// The push Lambda on the emulators against the simulated Copernica: diffs against snapshots in DynamoDB, retries, erasure.
import type { Message } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SynclineConfig } from '../core/config.js';
import type { CanonicalEvent } from '../core/events.js';
import { identifierKey, type Identifier } from '../core/identifiers.js';
import type { PushMessage } from '../core/ports.js';
import { startCopernicaSimulator, type CopernicaSimulator } from '../connectors/copernica/simulator.js';
import { customer, event } from '../test/support/events.js';
import { useEmulators } from '../test/support/emulators.js';
import { silentLogger, sqsEvent, takeAll } from '../test/support/lambda-events.js';
import { DynamoPushSnapshotStore } from '../aws/dynamo-ops-store.js';
import { decodeDeliveryLog } from '../core/delivery-log.js';
import { readSnapshot } from '../pipeline/push-snapshot.js';
import { DynamoProfileRepository } from '../aws/dynamo-profile-repository.js';
import { handler as merge } from './merge.js';
import { handler as push } from './push.js';
import { configureRuntime } from './runtime.js';

const env = useEmulators();
let copernica: CopernicaSimulator;
/** Answers 500 to its first five requests: exactly the five attempts (1 + 4 retries) of one push. */
let flakyCopernica: CopernicaSimulator;

beforeAll(async () => {
  copernica = await startCopernicaSimulator({ accessToken: 'acme-token' });
  flakyCopernica = await startCopernicaSimulator({ accessToken: 'flaky-token', faults: { failNext: 5 } });
  const tenant = (id: string, sim: CopernicaSimulator) => ({
    id,
    instances: [
      { id: 'shop', connector: 'shopify', webhooks: true },
      { id: 'copernica', connector: 'copernica', push: true, settings: { ...sim.settings } },
    ],
  });
  const config = SynclineConfig.parse({ tenants: [tenant('acme', copernica), tenant('flaky', flakyCopernica)] });
  const simulators: Record<string, CopernicaSimulator> = { acme: copernica, flaky: flakyCopernica };
  configureRuntime({
    config,
    secrets: { get: async (tenantId, instance) => (instance === 'copernica' ? simulators[tenantId]?.secrets : undefined) },
    log: silentLogger,
  });
});
afterAll(async () => {
  await copernica?.stop();
  await flakyCopernica?.stop();
});

const consent = (email: string, at: string, tenantId = 'acme') =>
  ({
    ...event({
      type: 'consent.changed',
      sourceEventId: `consent-${email}-${at}`,
      occurredAt: at,
      identifiers: [{ type: 'email', value: email }],
      data: { purpose: 'email_marketing', granted: true },
    }),
    tenantId,
  }) as CanonicalEvent;

/** Merges the events through the merge handler and takes the push messages it queued. */
async function mergeAndTakePushes(events: readonly CanonicalEvent[]): Promise<Message[]> {
  expect(await merge(sqsEvent(events.map((e) => JSON.stringify(e)))), 'merge').toEqual({ batchItemFailures: [] });
  return takeAll(env.sqs, env.queues.push.url);
}

async function profileIdOf(tenantId: string, email: string): Promise<string | undefined> {
  const id: Identifier = { type: 'email', value: email };
  return (await new DynamoProfileRepository(env.db, env.tables.profiles).lookup(tenantId, [id])).get(identifierKey(id));
}

const snapshots = () => new DynamoPushSnapshotStore(env.db, env.tables.ops);
const lastPut = (sim: CopernicaSimulator) =>
  sim
    .log()
    .filter((r) => r.method === 'PUT')
    .at(-1)?.body;

describe('push handler', () => {
  it('pushes changed profiles to the simulated Copernica and stores the snapshot', async () => {
    const pushes = await mergeAndTakePushes([
      customer('201', 'eve@example.com', '2026-10-01T10:00:00Z', { firstName: 'Eve' }),
      consent('eve@example.com', '2026-10-01T10:01:00Z'),
    ]);
    expect(pushes.map((m) => (JSON.parse(m.Body!) as PushMessage).kind)).toEqual(['sync']);

    expect(await push(sqsEvent(pushes))).toEqual({ batchItemFailures: [] });

    expect(copernica.profiles().map((p) => p.fields)).toEqual([expect.objectContaining({ email: 'eve@example.com', firstName: 'Eve' })]);
    const profileId = (await profileIdOf('acme', 'eve@example.com'))!;
    expect(await snapshots().get('acme', profileId, 'copernica')).toMatchObject({
      email: 'eve@example.com',
      firstName: 'Eve',
      consentEmailMarketing: true,
    });
  });

  it('sends only changed fields on the next push', async () => {
    const pushes = await mergeAndTakePushes([customer('201', 'eve@example.com', '2026-10-04T10:00:00Z', { firstName: 'Evelyn' })]);
    expect(await push(sqsEvent(pushes))).toEqual({ batchItemFailures: [] });

    // The key field (email) always travels: it selects the profile to update.
    expect(lastPut(copernica)).toEqual({ fields: { firstName: 'Evelyn', email: 'eve@example.com' } });
    expect(copernica.profiles()).toHaveLength(1);
    expect(copernica.profiles()[0]!.fields.firstName).toBe('Evelyn');
    const profileId = (await profileIdOf('acme', 'eve@example.com'))!;
    expect((await snapshots().get('acme', profileId, 'copernica'))?.firstName).toBe('Evelyn');
  });

  it('reports a failed push as a batch item failure while Copernica answers 500, and succeeds on redelivery', async () => {
    const pushes = await mergeAndTakePushes(
      [
        customer('301', 'fay@example.com', '2026-10-01T10:00:00Z', { firstName: 'Fay' }),
        consent('fay@example.com', '2026-10-01T10:01:00Z', 'flaky'),
      ].map((e) => ({ ...e, tenantId: 'flaky' })),
    );
    const profileId = (await profileIdOf('flaky', 'fay@example.com'))!;

    const failed = await push(sqsEvent(pushes));
    expect(failed.batchItemFailures, 'the message comes back for a retry').toEqual(pushes.map((m) => ({ itemIdentifier: m.MessageId })));
    expect(flakyCopernica.profiles()).toEqual([]);
    // Nothing of the profile is kept for what was not pushed: only the delivery log, saying why (issue 18).
    const kept = readSnapshot(await snapshots().get('flaky', profileId, 'copernica'));
    expect(kept?.fields, 'no field for what was not pushed').toEqual({});
    expect(kept?.remoteId).toBeUndefined();
    expect(decodeDeliveryLog(kept?.deliveries, new Date())).toEqual([
      expect.objectContaining({ outcome: 'retrying', reason: expect.stringMatching(/^Copernica unavailable: .*500/) }),
    ]);

    const redelivered = await push(sqsEvent(pushes));
    expect(redelivered).toEqual({ batchItemFailures: [] });
    expect(flakyCopernica.profiles().map((p) => p.fields.email)).toEqual(['fay@example.com']);
    expect(await snapshots().get('flaky', profileId, 'copernica')).toMatchObject({ firstName: 'Fay' });
  }, 30_000);

  it('forwards an erasure to Copernica', async () => {
    const profileId = (await profileIdOf('acme', 'eve@example.com'))!;
    const erasure = event({
      type: 'erasure.requested',
      sourceEventId: 'redact-eve',
      occurredAt: '2026-10-10T00:00:00Z',
      identifiers: [{ type: 'email', value: 'eve@example.com' }],
      data: { scope: 'person', requestId: 'gdpr-7' },
    });
    const pushes = await mergeAndTakePushes([erasure]);
    expect(pushes.map((m) => JSON.parse(m.Body!) as PushMessage)).toEqual([
      expect.objectContaining({ kind: 'erase', requestId: 'gdpr-7' }),
    ]);

    expect(await push(sqsEvent(pushes))).toEqual({ batchItemFailures: [] });

    expect(copernica.profiles(), 'the person is gone from Copernica').toEqual([]);
    expect(await snapshots().get('acme', profileId, 'copernica'), 'and so is the snapshot').toBeUndefined();
    expect(await profileIdOf('acme', 'eve@example.com'), 'and the profile here').toBeUndefined();
  });

  it('takes a merge batch of several people as one packed message, beside a single sync sent before the deploy', async () => {
    const pushes = await mergeAndTakePushes([
      customer('401', 'gil@example.com', '2026-10-01T10:00:00Z', { firstName: 'Gil' }),
      consent('gil@example.com', '2026-10-01T10:01:00Z'),
      customer('402', 'hal@example.com', '2026-10-01T10:00:00Z', { firstName: 'Hal' }),
      consent('hal@example.com', '2026-10-01T10:01:00Z'),
    ]);
    const bodies = pushes.map((m) => JSON.parse(m.Body!) as PushMessage);
    expect(bodies).toEqual([expect.objectContaining({ kind: 'syncs', tenantId: 'acme', profiles: expect.any(Array) })]);
    const ids = [(await profileIdOf('acme', 'gil@example.com'))!, (await profileIdOf('acme', 'hal@example.com'))!];
    expect(bodies[0]!.kind === 'syncs' && bodies[0]!.profiles.map((p) => p.profileId).sort()).toEqual([...ids].sort());
    const old = JSON.stringify({ kind: 'sync', tenantId: 'acme', profileId: ids[0] });

    const requestsBefore = copernica.log().length;
    expect(await push(sqsEvent([...pushes, old]))).toEqual({ batchItemFailures: [] });

    const emails = copernica.profiles().map((p) => p.fields.email);
    expect(emails).toEqual(expect.arrayContaining(['gil@example.com', 'hal@example.com']));
    const writes = copernica
      .log()
      .slice(requestsBefore)
      .filter((r) => r.method === 'PUT');
    expect(
      writes.filter((r) => JSON.stringify(r).includes('gil@example.com')),
      'named twice, pushed once',
    ).toHaveLength(1);
    expect(writes, 'one write per person').toHaveLength(2);
  });

  it('fails a packed message without profiles as malformed, so it is dead-lettered', async () => {
    const empty = JSON.stringify({ kind: 'syncs', tenantId: 'acme', profiles: [] });
    expect(await push(sqsEvent([empty]))).toEqual({ batchItemFailures: [{ itemIdentifier: 'm0' }] });
  });
});
