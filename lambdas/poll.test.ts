// The poll Lambda on the emulators against the simulated Shopify GraphQL Admin API: pages, cursors, budget.
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SynclineConfig } from '../core/config.js';
import type { CanonicalEvent } from '../core/events.js';
import type { CursorStore } from '../core/ports.js';
import { expectedPollEvents, generateSampleShop, startShopifySimulator, type ShopifySimulator } from '../connectors/shopify/simulator.js';
import { useEmulators } from '../test/support/emulators.js';
import { silentLogger, takeAll, takeBodies } from '../test/support/lambda-events.js';
import { DynamoCursorStore } from '../aws/dynamo-ops-store.js';
import { createPollHandler, handler } from './poll.js';
import { configureRuntime, runtime } from './runtime.js';

const env = useEmulators();
// 12 customers and 8 orders in pages of 5: customers 5+5+2, orders 5+3.
const shop = generateSampleShop({ customers: 12, orders: 8 });
/** 12 customers, 8 orders and the sample shop's 6 products, 5 a page. */
const PAGES = 7;
const context = { getRemainingTimeInMillis: () => 120_000 };
let simulator: ShopifySimulator;

beforeAll(async () => {
  simulator = await startShopifySimulator({ ...shop, pageSize: 5 });
  const instance = (id: string) => ({ id, connector: 'shopify', pollEveryMinutes: 15, settings: { ...simulator.settings, pageSize: 5 } });
  const config = SynclineConfig.parse({ tenants: [{ id: 'acme', instances: [instance('full'), instance('resume'), instance('budget')] }] });
  configureRuntime({ config, secrets: { get: async () => simulator.secrets }, log: silentLogger });
});
afterAll(() => simulator?.stop());
beforeEach(async () => {
  await takeAll(env.sqs, env.queues.changes.url);
});

const savedCursor = (instance: string) => new DynamoCursorStore(env.db, env.tables.ops).get('acme', instance);

async function queuedCount(): Promise<number> {
  const { Attributes } = await env.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: env.queues.changes.url, AttributeNames: ['ApproximateNumberOfMessages'] }),
  );
  return Number(Attributes?.ApproximateNumberOfMessages ?? 0);
}

describe('poll handler', () => {
  it('pages the simulated Shopify, queues every event and saves the cursor after each page', async () => {
    // The real cursor store, watched: at each save, how many events were already on the queue.
    const real = runtime().poll.cursors;
    const saves: { cursor: string; queued: number }[] = [];
    const watched: CursorStore = {
      get: (tenantId, instance) => real.get(tenantId, instance),
      async put(tenantId, instance, cursor) {
        saves.push({ cursor, queued: await queuedCount() });
        await real.put(tenantId, instance, cursor);
      },
    };
    const poll = createPollHandler(() => ({ ...runtime().poll, cursors: watched }));

    const run = await poll({ tenantId: 'acme', instanceId: 'full' }, context);

    const expected = expectedPollEvents(shop);
    expect(run).toEqual({ pages: PAGES, events: expected, caughtUp: true });
    const queued = await takeBodies<CanonicalEvent>(env.sqs, env.queues.changes.url);
    expect(queued).toHaveLength(expected);
    expect(new Set(queued.map((e) => e.sourceEventId)).size, 'no event twice').toBe(expected);
    expect(queued.every((e) => e.tenantId === 'acme' && e.source.instance === 'full')).toBe(true);
    expect(saves, 'one cursor save per page').toHaveLength(PAGES);
    const queuedAtSave = saves.map((s) => s.queued);
    expect(queuedAtSave, 'each page queued before its cursor is saved').toEqual([...queuedAtSave].sort((a, b) => a - b));
    expect(queuedAtSave[0], 'the first page was on the queue before the first save').toBeGreaterThan(0);
    expect(queuedAtSave.at(-1)).toBe(expected);
    expect(await savedCursor('full'), 'the last cursor is in DynamoDB').toBe(saves.at(-1)!.cursor);
  });

  it('stops at the page budget and leaves the cursor for the next run', async () => {
    const run = await handler({ tenantId: 'acme', instanceId: 'budget', maxPages: 2 }, context);

    expect(run.pages).toBe(2);
    expect(run.caughtUp).toBe(false);
    expect(await takeAll(env.sqs, env.queues.changes.url)).toHaveLength(run.events);
    const cursor = JSON.parse((await savedCursor('budget')) ?? 'null') as { stream: string; after: string | null } | null;
    expect(cursor, 'a cursor mid-way through customers').toMatchObject({ stream: 'customers', after: expect.any(String) });
  });

  it('resumes from the saved cursor on the next run', async () => {
    const first = await handler({ tenantId: 'acme', instanceId: 'resume', maxPages: 2 }, context);
    const queriesBefore = simulator.queries().length;
    const second = await handler({ tenantId: 'acme', instanceId: 'resume', maxPages: 50 }, context);

    const expected = expectedPollEvents(shop);
    expect(first.pages + second.pages, 'no page read twice').toBe(PAGES);
    expect(first.events + second.events).toBe(expected);
    expect(second.caughtUp).toBe(true);
    const resumedWith = simulator.queries()[queriesBefore]!.variables.after;
    expect(resumedWith, 'the second run starts after the first run’s last page').toEqual(expect.any(String));
    const ids = (await takeBodies<CanonicalEvent>(env.sqs, env.queues.changes.url)).map((e) => e.sourceEventId);
    expect(new Set(ids).size).toBe(expected);
  });
});
