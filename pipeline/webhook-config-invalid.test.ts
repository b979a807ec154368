// An instance that cannot verify its deliveries (issue 19, item 16: Square without settings.notificationUrl) answers
// them as a configuration problem: nothing is trusted from the request (its Host), queued or quarantined, and the
// vendor is told to retry, so the deliveries arrive once the operator sets the URL.
import { describe, expect, it } from 'vitest';
import { SynclineConfig } from '../core/config.js';
import type { CanonicalEvent } from '../core/events.js';
import type { AnyConnector } from '../connectors/sdk/index.js';
import { square } from '../connectors/square/index.js';
import { fixture, secrets, signedRequest, WEBHOOK_URL } from '../connectors/square/test-support.js';
import { MemoryQuarantine, MemoryQueue, MemoryStatusWithRefusals, memoryLogger } from '../test/support/memory-ports.js';
import { ingestWebhook, type WebhookDeps } from './ingest-webhook.js';
import { createInstanceResolver } from './instances.js';

function deps(settings: Record<string, unknown>) {
  const config = SynclineConfig.parse({
    tenants: [{ id: 'acme', instances: [{ id: 'square', connector: 'square', webhooks: true, settings }] }],
  });
  const status = new MemoryStatusWithRefusals();
  const events = new MemoryQueue<CanonicalEvent>();
  const quarantine = new MemoryQuarantine();
  const log = memoryLogger();
  const d: WebhookDeps = {
    instances: createInstanceResolver({
      config,
      connectors: { square: square as AnyConnector },
      secrets: { get: async () => secrets },
      log,
    }),
    events,
    quarantine,
    status,
    log,
  };
  return { d, status, events, quarantine, log };
}

describe('a Square instance with webhooks', () => {
  it('answers deliveries as a configuration problem (503) when settings.notificationUrl is missing, whatever Host signed them', async () => {
    const { d, status, events, quarantine, log } = deps({ locationIds: ['L1'] });
    // Signed over the URL the request names: what the verifier trusted before.
    const answer = await ingestWebhook(d, 'acme', 'square', signedRequest(fixture('customer-created.json'), 'https://any-host.example/x'));
    expect(answer).toEqual({ statusCode: 503, body: { error: 'instance configuration incomplete, retry later' } });
    expect(events.sent).toEqual([]);
    expect(await quarantine.list('acme')).toEqual([]);
    expect(Object.fromEntries(status.counts)).toEqual({ 'acme/square/webhook/error': 1 });
    expect(log.lines.join('\n')).toContain('settings.notificationUrl');
  });

  it('accepts the delivery Square signed over the configured notification URL', async () => {
    const { d, events } = deps({ locationIds: ['L1'], notificationUrl: WEBHOOK_URL });
    const answer = await ingestWebhook(d, 'acme', 'square', {
      ...signedRequest(fixture('customer-created.json')),
      url: 'http://10.0.3.7:8080/webhooks/acme/square',
    });
    expect(answer.statusCode).toBe(202);
    expect(events.sent).toHaveLength(1);
  });
});
