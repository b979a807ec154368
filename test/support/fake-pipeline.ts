// The in-memory stages a pipeline test drives with the fake connector: one tenant config, every port in memory.
import { SynclineConfig } from '../../core/config.js';
import type { CanonicalEvent } from '../../core/events.js';
import { InMemoryProfileRepository } from '../../core/identity/in-memory-profile-repository.js';
import type { ProfileRepository, PushMessage } from '../../core/ports.js';
import { ingestWebhook } from '../../pipeline/ingest-webhook.js';
import { createInstanceResolver } from '../../pipeline/instances.js';
import { mergeBatch } from '../../pipeline/merge-batch.js';
import { signFake, type fakeConnector } from './fake-connector.js';
import { MemoryQuarantine, MemoryQueue, MemorySnapshots, MemoryStatus, memoryLogger } from './memory-ports.js';

/** Tenant `acme` with the fake connector's instances: by default a shop taking webhooks and a CRM that pushes and answers by webhook. */
export function acmeConfig(
  instances: readonly Record<string, unknown>[] = [
    { id: 'shop', connector: 'fake', webhooks: true },
    { id: 'crm', connector: 'fake', webhooks: true, push: true },
  ],
): SynclineConfig {
  return SynclineConfig.parse({ tenants: [{ id: 'acme', instances }] });
}

/** Webhook, merge and push deps over memory ports; `profiles` replaces the in-memory repository (a stale-read double). */
export function fakePipelineDeps<P extends ProfileRepository = InMemoryProfileRepository>(
  config: SynclineConfig,
  fake: ReturnType<typeof fakeConnector>,
  options: { profiles?: P; log?: ReturnType<typeof memoryLogger> } = {},
) {
  const log = options.log ?? memoryLogger();
  const instances = createInstanceResolver({
    config,
    connectors: { fake: fake.connector },
    secrets: { get: async () => ({ secret: 'shh' }) },
    log,
  });
  return {
    instances,
    events: new MemoryQueue<CanonicalEvent>(),
    push: new MemoryQueue<PushMessage>(),
    quarantine: new MemoryQuarantine(),
    // Without `profiles`, P is its default: the in-memory repository.
    profiles: options.profiles ?? (new InMemoryProfileRepository() as unknown as P),
    snapshots: new MemorySnapshots(),
    status: new MemoryStatus(),
    log,
  };
}

/**
 * The deps of fakePipelineDeps with the two steps every such test takes: `post` a signed fake webhook for tenant `acme`
 * (Anna, id 1, unless `fields` say otherwise) and `merge` what it queued, in a batch of its own (`now`: the merge's clock).
 */
export function fakePipeline<P extends ProfileRepository = InMemoryProfileRepository>(
  config: SynclineConfig,
  fake: ReturnType<typeof fakeConnector>,
  options: { profiles?: P; log?: ReturnType<typeof memoryLogger>; now?: () => Date } = {},
) {
  const deps = { ...fakePipelineDeps(config, fake, options), ...(options.now ? { now: options.now } : {}) };
  const post = (fields: Record<string, unknown>, instance = 'shop') => {
    const body = JSON.stringify({ id: '1', email: 'anna@example.com', at: '2026-10-01T10:00:00Z', ...fields });
    return ingestWebhook(deps, 'acme', instance, {
      method: 'POST',
      url: `https://hooks.example/webhooks/acme/${instance}`,
      headers: signFake(body),
      rawBody: Buffer.from(body),
    });
  };
  let round = 0;
  const merge = () => {
    round++;
    return mergeBatch(
      deps,
      deps.events.sent.splice(0).map((e, i) => ({ id: `m${round}-${i}`, body: JSON.stringify(e) })),
    );
  };
  /** How many merges ran: tests number the push messages of a round by it. */
  return { deps, post, merge, round: () => round };
}
