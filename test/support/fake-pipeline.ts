// The in-memory stages a pipeline test drives with the fake connector: one tenant config, every port in memory.
import type { SynclineConfig } from '../../core/config.js';
import type { CanonicalEvent } from '../../core/events.js';
import { InMemoryProfileRepository } from '../../core/identity/in-memory-profile-repository.js';
import type { ProfileRepository, PushMessage } from '../../core/ports.js';
import { createInstanceResolver } from '../../pipeline/instances.js';
import type { fakeConnector } from './fake-connector.js';
import { MemoryQuarantine, MemoryQueue, MemorySnapshots, MemoryStatus, memoryLogger } from './memory-ports.js';

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
