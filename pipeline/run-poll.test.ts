// A scheduled poll that fails on configuration ends reported and stopped, so the scheduler does not retry it.
import { describe, expect, it } from 'vitest';
import { SynclineConfig } from '../core/config.js';
import { ConfigInvalid, DestinationRefused } from '../connectors/sdk/errors.js';
import type { AnyConnector } from '../connectors/sdk/index.js';
import { MemoryCursors, MemoryQueue, MemoryStatus, memoryLogger } from '../test/support/memory-ports.js';
import type { CanonicalEvent } from '../core/events.js';
import type { InstanceResolver } from './instances.js';
import { runPoll } from './run-poll.js';

const config = SynclineConfig.parse({ tenants: [{ id: 'acme', instances: [{ id: 'shop', connector: 'fake', pollEveryMinutes: 15 }] }] });
const budget = { maxPages: 5, deadline: Date.now() + 60_000 };

function depsWith(resolve: InstanceResolver['resolve']) {
  const status = new MemoryStatus();
  const log = memoryLogger();
  const instances: InstanceResolver = { resolve, destinations: async () => [], tenant: () => config.tenants[0]!, config };
  return { status, log, deps: { instances, events: new MemoryQueue<CanonicalEvent>(), cursors: new MemoryCursors(), status, log } };
}

function boundTo(poll: AnyConnector['poll']): InstanceResolver['resolve'] {
  return async () => ({
    tenant: config.tenants[0]!,
    instance: config.tenants[0]!.instances[0]!,
    connector: { name: 'fake', poll } as AnyConnector,
    context: { tenantId: 'acme', instance: 'shop', settings: {}, secrets: {}, now: () => new Date(), log: memoryLogger() },
  });
}

describe('runPoll on a misconfigured instance', () => {
  it('ends without throwing when the vendor URL is refused, with the status and the reason reported', async () => {
    const { deps, status, log } = depsWith(
      boundTo(async () => {
        throw new DestinationRefused('baseUrl http://10.0.0.1 is a private address');
      }),
    );

    const run = await runPoll(deps, 'acme', 'shop', budget);

    expect(run).toEqual({ pages: 0, events: 0, caughtUp: false, stopped: 'baseUrl http://10.0.0.1 is a private address' });
    expect(status.counts.get('acme/shop/poll/error')).toBe(1);
    expect(log.lines.some((line) => line.includes('misconfigured') && line.includes('10.0.0.1'))).toBe(true);
  });

  it('ends without throwing when the instance cannot be bound (settings or secrets invalid)', async () => {
    const { deps, status } = depsWith(async () => {
      throw new ConfigInvalid('instance "shop" settings: shopDomain is required');
    });

    const run = await runPoll(deps, 'acme', 'shop', budget);

    expect(run.stopped).toMatch(/shopDomain is required/);
    expect(status.counts.get('acme/shop/poll/error')).toBe(1);
  });

  it('still throws a vendor outage, so the scheduler retries it', async () => {
    const { deps, status } = depsWith(
      boundTo(async () => {
        throw new Error('socket hang up');
      }),
    );

    await expect(runPoll(deps, 'acme', 'shop', budget)).rejects.toThrow('socket hang up');
    expect(status.counts.get('acme/shop/poll/error')).toBe(1);
  });
});
