import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SynclineConfig } from '../../core/config.js';
import type { CanonicalEvent } from '../../core/events.js';
import { loadConnector } from '../../connectors/installed.js';
import { fixturesOf } from '../../connectors/sdk/testing/index.js';
import { MemoryQueue } from '../../test/support/memory-ports.js';
import { quarantineViaQueue, queuedQuarantineEntry, type QueuedQuarantine } from '../quarantine/queued-quarantine.js';
import { answerCollectPreflight, collectBatch, MAX_COLLECT_BYTES, type CollectDeps, type CollectRequest } from './collect-batch.js';
import { siteRateLimit } from './site-rate-limit.js';

const ORIGIN = 'https://demo-shop.example';
const KEY = 'pk_demo_web_0123456789';
const config = SynclineConfig.parse({
  tenants: [
    {
      id: 'acme',
      instances: [
        { id: 'shop', connector: 'shopify', settings: { shopDomain: 'acme.myshopify.com' } },
        {
          id: 'web',
          connector: 'website',
          settings: { writeKey: KEY, origins: [ORIGIN], purposes: ['analytics'], customerIdInstance: 'shop', requestsPerSecond: 2 },
        },
      ],
    },
  ],
});
const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';
const batch = fixturesOf('website').text('visit-then-login.json');

function setup(now = () => new Date('2026-12-05T10:00:10Z')) {
  const events = new MemoryQueue<CanonicalEvent>();
  const queued = new MemoryQueue<QueuedQuarantine>();
  const deps: CollectDeps = {
    config,
    connectors: loadConnector,
    events,
    quarantine: quarantineViaQueue(queued),
    limit: siteRateLimit(),
    log: { debug() {}, info() {}, warn() {}, error() {} },
    now,
  };
  const quarantined = () => queued.sent.map((m) => queuedQuarantineEntry(JSON.stringify(m))!);
  return { deps, events, quarantined };
}

function post(body: string | Buffer = batch, headers: Record<string, string> = {}): CollectRequest {
  return {
    method: 'POST',
    url: 'https://api.example/collect/acme/web',
    headers: {
      origin: ORIGIN,
      'user-agent': BROWSER,
      'content-type': 'text/plain;charset=UTF-8',
      'x-forwarded-for': '203.0.113.9',
      ...headers,
    },
    rawBody: Buffer.isBuffer(body) ? body : Buffer.from(body),
  };
}

describe('collectBatch', () => {
  it('queues the canonical events of a good batch and answers 202 with CORS for the site origin', async () => {
    const { deps, events, quarantined } = setup();
    const response = await collectBatch(deps, 'acme', 'web', post());
    expect(response.statusCode).toBe(202);
    expect(response.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(response.body).toEqual({ received: 7, accepted: 6 });
    expect(events.sent.map((e) => e.type)).toEqual([
      'consent.changed',
      'product.viewed',
      'search.performed',
      'cart.updated',
      'cart.updated',
      'customer.upserted',
    ]);
    expect(events.sent[0]).toMatchObject({ tenantId: 'acme', source: { connector: 'website', instance: 'web' } });
    expect(quarantined()).toEqual([]);
  });

  it('refuses a wrong write key with 401 and quarantines the batch through the queue', async () => {
    const { deps, events, quarantined } = setup();
    const response = await collectBatch(deps, 'acme', 'web', post(batch.replace(KEY, 'pk_someone_elses_key_00')));
    expect(response.statusCode).toBe(401);
    expect(events.sent).toEqual([]);
    expect(quarantined()).toEqual([
      expect.objectContaining({ tenantId: 'acme', instance: 'web', reason: 'write key does not match this site' }),
    ]);
  });

  it('refuses another origin with 403 and no CORS header, and quarantines it', async () => {
    const { deps, quarantined } = setup();
    const response = await collectBatch(deps, 'acme', 'web', post(batch, { origin: 'https://evil.example' }));
    expect(response.statusCode).toBe(403);
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    expect(quarantined()[0]?.reason).toBe('origin not allowed for this site');
  });

  it('answers an invalid batch with 422 naming the field, never a 5xx, and keeps no IP address or user agent', async () => {
    const { deps, quarantined } = setup();
    const response = await collectBatch(
      deps,
      'acme',
      'web',
      post(JSON.stringify({ writeKey: KEY, anonymousId: 'visitor-1', events: [{ type: 'teleport' }] })),
    );
    expect(response.statusCode).toBe(422);
    expect(response.body?.error).toMatch(/events\.0/);
    const [entry] = quarantined();
    expect(entry?.request.headers, 'no IP or user agent kept by default').not.toHaveProperty('x-forwarded-for');
    expect(entry?.request.headers).not.toHaveProperty('user-agent');
    expect(entry?.request.headers.origin).toBe(ORIGIN);
  });

  it('answers a body that is not JSON with 400 and one above the limit with 413, both quarantined', async () => {
    const { deps, quarantined } = setup();
    expect((await collectBatch(deps, 'acme', 'web', post('{not json'))).statusCode).toBe(400);
    expect((await collectBatch(deps, 'acme', 'web', post(Buffer.alloc(MAX_COLLECT_BYTES + 1, 32)))).statusCode).toBe(413);
    expect(quarantined().map((e) => e.reason)).toEqual(['body is not JSON', expect.stringContaining('exceeds the 65536-byte limit')]);
  });

  it('drops crawler and prefetch requests with 403 without quarantining them', async () => {
    const { deps, events, quarantined } = setup();
    const bot = await collectBatch(
      deps,
      'acme',
      'web',
      post(batch, { 'user-agent': 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' }),
    );
    const prefetch = await collectBatch(deps, 'acme', 'web', post(batch, { 'sec-purpose': 'prefetch;prerender' }));
    expect([bot.statusCode, prefetch.statusCode]).toEqual([403, 403]);
    expect(bot.body?.error).toBe('not collected: automated user agent');
    expect(events.sent).toEqual([]);
    expect(quarantined()).toEqual([]);
  });

  it('answers 429 with Retry-After once the site spends its per-second budget', async () => {
    let t = Date.parse('2026-12-05T10:00:10Z');
    const { deps } = setup(() => new Date(t));
    const codes = [];
    for (let i = 0; i < 5; i++) codes.push((await collectBatch(deps, 'acme', 'web', post())).statusCode);
    expect(codes, 'burst of 2 s at 2 requests/s').toEqual([202, 202, 202, 202, 429]);
    t += 1_000;
    expect((await collectBatch(deps, 'acme', 'web', post())).statusCode, 'refilled after a second').toBe(202);
  });

  it('answers 404 for a tenant or site that does not exist and for an instance that is not a website', async () => {
    const { deps } = setup();
    for (const [tenant, site] of [
      ['nobody', 'web'],
      ['acme', 'nope'],
      ['acme', 'shop'],
    ] as const)
      expect((await collectBatch(deps, tenant, site, post())).statusCode, `${tenant}/${site}`).toBe(404);
  });

  it('answers the CORS preflight for the site origin only', async () => {
    const { deps } = setup();
    const ok = await answerCollectPreflight(deps, 'acme', 'web', { ...post(''), method: 'OPTIONS' });
    expect(ok.statusCode).toBe(204);
    expect(ok.headers).toMatchObject({ 'access-control-allow-origin': ORIGIN, 'access-control-allow-methods': 'POST, OPTIONS' });
    const other = await answerCollectPreflight(deps, 'acme', 'web', { ...post('', { origin: 'https://evil.example' }), method: 'OPTIONS' });
    expect(other.statusCode).toBe(403);
    expect(other.headers).toEqual({});
  });

  it('answers any body with the right key 202 or a 4xx with a quarantine entry, never a 5xx or a throw', async () => {
    const event = fc.record(
      {
        type: fc.constantFrom('page', 'product', 'search', 'cart', 'checkout', 'identify', 'consent', 'other'),
        id: fc.oneof(fc.string({ maxLength: 70 }), fc.integer()),
        at: fc.oneof(
          fc.constant('2026-12-05T10:00:00Z'),
          fc.string(),
          fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
        ),
        url: fc.string({ maxLength: 40 }),
        data: fc.oneof(
          fc.dictionary(
            fc.constantFrom(
              'sku',
              'productId',
              'query',
              'resultCount',
              'action',
              'lines',
              'email',
              'customerId',
              'analytics',
              'personalisation',
              'price',
              'currency',
              'quantity',
            ),
            fc.anything({ maxDepth: 2 }),
          ),
          fc.anything({ maxDepth: 2 }),
        ),
      },
      { requiredKeys: [] },
    );
    const body = fc.record(
      {
        writeKey: fc.constant(KEY),
        anonymousId: fc.oneof(fc.constant('visitor-0001'), fc.string({ maxLength: 80 })),
        sentAt: fc.string({ maxLength: 30 }),
        events: fc.oneof(fc.array(event, { maxLength: 60 }), fc.anything({ maxDepth: 1 })),
      },
      { requiredKeys: ['writeKey'] },
    );
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        const { deps, events, quarantined } = setup();
        deps.limit = { take: () => true };
        const response = await collectBatch(deps, 'acme', 'web', post(JSON.stringify(b)));
        if (response.statusCode === 202) expect(quarantined()).toEqual([]);
        else {
          expect([400, 413, 422]).toContain(response.statusCode);
          expect(response.body?.error).toEqual(expect.any(String));
          expect(quarantined()).toHaveLength(1);
          expect(events.sent).toEqual([]);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('still answers 4xx when the quarantine message cannot be sent', async () => {
    const { deps } = setup();
    deps.quarantine = { put: () => Promise.reject(new Error('queue down')) };
    expect((await collectBatch(deps, 'acme', 'web', post('{'))).statusCode).toBe(400);
  });
});
