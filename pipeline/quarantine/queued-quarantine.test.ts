import { describe, expect, it } from 'vitest';
import { SynclineConfig } from '../../core/config.js';
import { InMemoryProfileRepository } from '../../core/identity/in-memory-profile-repository.js';
import type { PushMessage, QuarantineEntry } from '../../core/ports.js';
import { MemoryQuarantine, MemoryQueue, MemoryStatus, memoryLogger } from '../../test/support/memory-ports.js';
import { createInstanceResolver } from '../instances.js';
import { mergeBatch } from '../merge-batch.js';
import { quarantineViaQueue, queuedQuarantineEntry, type QueuedQuarantine } from './queued-quarantine.js';

const entry: QuarantineEntry = {
  id: '0a1b2c3d-0000-0000-0000-000000000001',
  tenantId: 'acme',
  instance: 'web',
  receivedAt: '2026-12-05T10:00:00.000Z',
  reason: 'write key does not match this site',
  request: { method: 'POST', url: 'https://api.example/collect/acme/web', headers: { origin: 'https://shop.example' }, bodyBase64: 'e30=' },
};

function mergeDeps(quarantine?: MemoryQuarantine) {
  const config = SynclineConfig.parse({ tenants: [{ id: 'acme', instances: [{ id: 'web', connector: 'website' }] }] });
  return {
    instances: createInstanceResolver({ config, connectors: {}, secrets: { get: async () => ({}) }, log: memoryLogger() }),
    profiles: new InMemoryProfileRepository(),
    push: new MemoryQueue<PushMessage>(),
    status: new MemoryStatus(),
    log: memoryLogger(),
    ...(quarantine ? { quarantine } : {}),
  };
}

async function queuedBody(): Promise<string> {
  const queue = new MemoryQueue<QueuedQuarantine>();
  await quarantineViaQueue(queue).put(entry);
  return JSON.stringify(queue.sent[0]);
}

describe('quarantine through the changes queue', () => {
  it('the merge keeps a quarantine entry that arrives on the changes queue, and reports the message done', async () => {
    const store = new MemoryQuarantine();
    const result = await mergeBatch(mergeDeps(store), [{ id: 'm1', body: await queuedBody() }]);
    expect(result.failedIds).toEqual([]);
    expect(store.entries).toEqual([entry]);
  });

  it('fails the message for redelivery when the merge has nowhere to keep the entry', async () => {
    const result = await mergeBatch(mergeDeps(), [{ id: 'm1', body: await queuedBody() }]);
    expect(result.failedIds).toEqual(['m1']);
    expect(result.reasons.get('m1')).toMatch(/quarantine entry not kept/);
  });

  it('reads only messages shaped as a quarantine entry', () => {
    expect(queuedQuarantineEntry('{"tenantId":"acme"}')).toBeUndefined();
    expect(
      queuedQuarantineEntry('{"quarantine":{"id":"x"}}'),
      'incomplete: left to the event decoder, which fails it as poison',
    ).toBeUndefined();
  });
});
