// Erasure markers through ingest, merge and push with in-memory ports: what happened before an erasure never brings
// the person back, whether it comes late from the vendor (a signed delivery whose `occurredAt` predates the erasure)
// or from a replay after a whole-source erasure (Shopify's shop/redact); what happens after it is a new relationship.
import { describe, expect, it } from 'vitest';
import { SynclineConfig } from '../../core/config.js';
import type { CanonicalEvent } from '../../core/events.js';
import { InMemoryProfileRepository } from '../../core/identity/in-memory-profile-repository.js';
import type { PushMessage } from '../../core/ports.js';
import { fakeConnector, signFake } from '../../test/support/fake-connector.js';
import { InMemoryErasureReceipts } from '../../test/support/in-memory-erasure-receipts.js';
import { MemoryQueue, MemorySnapshots, MemoryStatus, memoryLogger } from '../../test/support/memory-ports.js';
import { ingestWebhook } from '../ingest-webhook.js';
import { createInstanceResolver } from '../instances.js';
import { mergeBatch } from '../merge-batch.js';
import { pushProfiles } from '../push-profiles.js';

function setup() {
  const config = SynclineConfig.parse({
    tenants: [
      {
        id: 'acme',
        instances: [
          { id: 'crm', connector: 'fake', webhooks: true },
          { id: 'mail', connector: 'fake', push: true },
        ],
      },
    ],
  });
  const fake = fakeConnector();
  const log = memoryLogger();
  const clock = { now: new Date('2026-11-01T10:00:00Z') };
  const deps = {
    instances: createInstanceResolver({
      config,
      connectors: { fake: fake.connector },
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
    now: () => clock.now,
  };
  /** A signed delivery from the CRM, received at the clock's time. */
  const deliver = async (body: { id: string; email: string; at: string; consent?: boolean }) => {
    const raw = JSON.stringify(body);
    const response = await ingestWebhook(deps, 'acme', 'crm', {
      method: 'POST',
      url: 'https://hooks.example/webhooks/acme/crm',
      headers: signFake(raw),
      rawBody: Buffer.from(raw),
    });
    expect(response.statusCode).toBe(202);
  };
  const merge = async () => {
    const events = deps.events.sent.splice(0);
    const result = await mergeBatch(
      deps,
      events.map((e, i) => ({ id: `m${i}`, body: JSON.stringify(e) })),
    );
    await pushProfiles(
      deps,
      deps.push.sent.splice(0).map((message, i) => ({ id: `p${i}`, message })),
    );
    return [...result.outcomes.values()];
  };
  const erasure = (scope: 'person' | 'source', receivedAt: string): CanonicalEvent => ({
    tenantId: 'acme',
    source: { connector: 'fake', instance: 'crm' },
    sourceEventId: `gdpr-${scope}`,
    occurredAt: receivedAt,
    receivedAt,
    identifiers: scope === 'person' ? [{ type: 'email', value: 'anna@example.com' }] : [],
    type: 'erasure.requested',
    data: { scope },
  });
  return { deps, fake, clock, deliver, merge, erasure };
}

describe('erasure markers', () => {
  it('drops a signed delivery that arrives after the erasure but happened before it; one that happened after creates a new profile', async () => {
    const { deps, clock, deliver, merge, erasure } = setup();
    await deliver({ id: '1', email: 'anna@example.com', at: '2026-10-01T10:00:00Z', consent: true });
    await merge();
    expect(deps.profiles.liveProfiles('acme')).toHaveLength(1);

    deps.events.sent.push(erasure('person', '2026-11-01T10:00:00.000Z'));
    expect(await merge()).toEqual(['erased']);
    expect(deps.profiles.liveProfiles('acme')).toEqual([]);

    // The vendor's retry of an update made before the erasure reaches us a day later, validly signed.
    clock.now = new Date('2026-11-02T10:00:00Z');
    await deliver({ id: '1', email: 'anna@example.com', at: '2026-10-20T10:00:00Z', consent: true });
    expect(await merge()).toEqual(['predates-erasure', 'predates-erasure']);
    expect(deps.profiles.liveProfiles('acme'), 'the late delivery re-created nobody').toEqual([]);

    // A consent given after the erasure is the person starting over.
    await deliver({ id: '1', email: 'anna@example.com', at: '2026-11-02T09:00:00Z', consent: true });
    expect(await merge()).toEqual(['applied', 'applied']);
    expect(deps.profiles.liveProfiles('acme')).toHaveLength(1);
  });

  it('leaves markers after a whole-source erasure, so a replay of what the source sent before re-creates nobody', async () => {
    const { deps, fake, clock, deliver, merge, erasure } = setup();
    await deliver({ id: '1', email: 'anna@example.com', at: '2026-10-01T10:00:00Z', consent: true });
    await deliver({ id: '2', email: 'bert@example.com', at: '2026-10-02T10:00:00Z', consent: true });
    await merge();
    const before = deps.profiles.liveProfiles('acme').map((p) => p.profileId);
    expect(before).toHaveLength(2);

    deps.events.sent.push(erasure('source', '2026-11-01T10:00:00.000Z'));
    expect(await merge()).toEqual(['erased']);
    expect(deps.profiles.liveProfiles('acme')).toEqual([]);
    expect(fake.erased.map((s) => s.profileId).sort()).toEqual([...before].sort());
    const entries = await deps.profiles.lookupEntries('acme', [
      { type: 'email', value: 'anna@example.com' },
      { type: 'email', value: 'bert@example.com' },
    ]);
    expect([...entries.values()].map((e) => e.erasedAt)).toEqual(['2026-11-01T10:00:00.000Z', '2026-11-01T10:00:00.000Z']);

    // A replay of a delivery received before the shop was erased (a dead letter, a quarantine replay).
    clock.now = new Date('2026-10-03T10:00:00Z');
    await deliver({ id: '1', email: 'anna@example.com', at: '2026-10-03T09:00:00Z', consent: true });
    expect(await merge()).toEqual(['predates-erasure', 'predates-erasure']);
    expect(deps.profiles.liveProfiles('acme')).toEqual([]);
  });
});
