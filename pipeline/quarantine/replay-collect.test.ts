// `syncline quarantine replay` for website batches: an entry the collect path refused is replayed through the same
// mechanism as a webhook's, with the collect path's checks, once the site's settings are corrected.
import { describe, expect, it } from 'vitest';
import { SynclineConfig } from '../../core/config.js';
import type { CanonicalEvent } from '../../core/events.js';
import { loadConnector } from '../../connectors/installed.js';
import { fixturesOf } from '../../connectors/sdk/testing/index.js';
import { MemoryQuarantine, MemoryQueue, MemoryStatus } from '../../test/support/memory-ports.js';
import { collectBatch, type CollectRequest } from '../collect/collect-batch.js';
import { siteRateLimit } from '../collect/site-rate-limit.js';
import { createInstanceResolver } from '../instances.js';
import { replayQuarantined } from './replay-quarantine.js';

const KEY = 'pk_demo_web_0123456789';
const SHOP = 'https://demo-shop.example';
const NEW_DOMAIN = 'https://www.demo-shop.example';
const log = { debug() {}, info() {}, warn() {}, error() {} };
const batch = fixturesOf('website').text('visit-then-login.json');

const configWith = (origins: string[]) =>
  SynclineConfig.parse({
    tenants: [
      { id: 'acme', instances: [{ id: 'web', connector: 'website', settings: { writeKey: KEY, origins, purposes: ['analytics'] } }] },
    ],
  });

function post(origin: string, body = batch): CollectRequest {
  return {
    method: 'POST',
    url: 'https://api.example/collect/acme/web',
    headers: { origin, 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36', 'content-type': 'text/plain' },
    rawBody: Buffer.from(body),
  };
}

/** The site as it was when the batch arrived: the shop's new domain not yet among its origins. */
async function refusedOnArrival(quarantine: MemoryQuarantine, request: CollectRequest) {
  const deps = {
    config: configWith([SHOP]),
    connectors: loadConnector,
    events: new MemoryQueue<CanonicalEvent>(),
    quarantine,
    limit: siteRateLimit(),
    log,
  };
  const response = await collectBatch(deps, 'acme', 'web', request);
  expect(response.statusCode, response.body?.error).toBeGreaterThanOrEqual(400);
  expect(response.statusCode).toBeLessThan(500);
  return response.body!.quarantineId!;
}

/** What the CLI and the local stack replay with (WebhookDeps), on the config as it is now. */
function replayDeps(quarantine: MemoryQuarantine, origins: string[]) {
  const events = new MemoryQueue<CanonicalEvent>();
  const config = configWith(origins);
  const secrets = { get: async () => undefined };
  const deps = {
    instances: createInstanceResolver({ config, connectors: loadConnector, secrets, log }),
    events,
    quarantine,
    status: new MemoryStatus(),
    log,
  };
  return { deps, events };
}

describe('replaying quarantined website batches', () => {
  it('queues a batch refused for its origin once the site allows that origin, and removes the entry', async () => {
    const quarantine = new MemoryQuarantine();
    const id = await refusedOnArrival(quarantine, post(NEW_DOMAIN));
    expect(quarantine.entries[0]?.request.headers['user-agent'], 'the visitor’s browser is not kept').toBeUndefined();

    const { deps, events } = replayDeps(quarantine, [SHOP, NEW_DOMAIN]);
    const outcomes = await replayQuarantined(deps, 'acme');
    expect(outcomes).toEqual([{ id, instance: 'web', status: 'replayed', accepted: events.sent.length }]);
    expect(events.sent.map((e) => e.type)).toEqual(expect.arrayContaining(['product.viewed', 'search.performed', 'customer.upserted']));
    expect(new Set(events.sent.map((e) => `${e.tenantId}/${e.source.connector}/${e.source.instance}`))).toEqual(
      new Set(['acme/website/web']),
    );
    expect(quarantine.entries).toEqual([]);
  });

  it('keeps a batch that is still refused, with its reason, and quarantines it no second time', async () => {
    const quarantine = new MemoryQuarantine();
    const wrongKey = await refusedOnArrival(quarantine, post(SHOP, batch.replace(KEY, 'pk_someone_else_0123456789')));
    const foreign = await refusedOnArrival(quarantine, post(NEW_DOMAIN));

    const { deps, events } = replayDeps(quarantine, [SHOP]);
    const outcomes = await replayQuarantined(deps, 'acme');
    expect(outcomes).toHaveLength(2);
    expect(outcomes).toEqual(
      expect.arrayContaining([
        { id: wrongKey, instance: 'web', status: 'still-invalid', reason: 'write key does not match this site' },
        { id: foreign, instance: 'web', status: 'still-invalid', reason: 'origin not allowed for this site' },
      ]),
    );
    expect(events.sent).toEqual([]);
    expect(quarantine.entries.map((e) => e.id).sort()).toEqual([wrongKey, foreign].sort());
  });

  it('replays one entry by its id and reports a site that is gone', async () => {
    const quarantine = new MemoryQuarantine();
    const first = await refusedOnArrival(quarantine, post(NEW_DOMAIN));
    const second = await refusedOnArrival(quarantine, post(NEW_DOMAIN, batch.replace('"3f1c2a9e-', '"4f1c2a9e-')));
    const { deps } = replayDeps(quarantine, [SHOP, NEW_DOMAIN]);
    expect((await replayQuarantined(deps, 'acme', second)).map((o) => o.status)).toEqual(['replayed']);
    expect(quarantine.entries.map((e) => e.id)).toEqual([first]);

    const gone = SynclineConfig.parse({
      tenants: [{ id: 'acme', instances: [{ id: 'shop', connector: 'shopify', settings: { shopDomain: 'acme.myshopify.com' } }] }],
    });
    const without = {
      ...deps,
      instances: createInstanceResolver({ config: gone, connectors: loadConnector, secrets: { get: async () => undefined }, log }),
    };
    expect(await replayQuarantined(without, 'acme', first)).toEqual([
      { id: first, instance: 'web', status: 'instance-unavailable', reason: expect.any(String) },
    ]);
  });
});
