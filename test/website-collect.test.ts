// From syncline.js's batches, posted to the local server's /collect route like a browser does, to a merged profile in
// DynamoDB Local: the anonymous visit joined to the person once they log in; refused batches quarantined via the queue.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SynclineConfig } from '../core/config.js';
import { startLocalStack, type LocalStack } from '../local/local-stack.js';
import { sharedDynamo } from './support/shared-stack.js';

const ORIGIN = 'https://demo-shop.example';
const KEY = 'pk_demo_web_0123456789';
const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';
const VISITOR = 'visitor-e2e-000000001';

let stack: LocalStack;

beforeAll(async () => {
  stack = await startLocalStack({
    config: SynclineConfig.parse({
      tenants: [
        {
          id: 'acme',
          instances: [
            { id: 'shopify', connector: 'shopify', settings: { shopDomain: 'acme.myshopify.com', apiBaseUrl: 'simulator' } },
            {
              id: 'web',
              connector: 'website',
              settings: { writeKey: KEY, origins: [ORIGIN], purposes: ['analytics', 'personalisation'], customerIdInstance: 'shopify' },
            },
          ],
        },
      ],
    }),
    port: 0,
    pollAtStart: false,
    visibilityTimeout: 2,
    maxReceiveCount: 2,
    ...sharedDynamo(),
  });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

const at = (s: number) => new Date(Date.UTC(2026, 11, 5, 10, 0, s)).toISOString();

function post(events: unknown[], headers: Record<string, string> = {}, writeKey = KEY): Promise<Response> {
  return fetch(`${stack.url}/collect/acme/web`, {
    method: 'POST',
    headers: { origin: ORIGIN, 'user-agent': BROWSER, 'content-type': 'text/plain;charset=UTF-8', ...headers },
    body: JSON.stringify({ writeKey, anonymousId: VISITOR, events }),
  });
}

describe('website tracking on the local stack', () => {
  it('serves syncline.js with a long cache and an ETag', async () => {
    const response = await fetch(`${stack.url}/syncline.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/javascript/);
    expect(response.headers.get('cache-control')).toMatch(/max-age=86400/);
    expect(await response.text()).toContain("addEventListener('pagehide'");
    const again = await fetch(`${stack.url}/syncline.js`, { headers: { 'if-none-match': response.headers.get('etag')! } });
    expect(again.status).toBe(304);
  });

  it('answers the CORS preflight for the site origin only', async () => {
    const ok = await fetch(`${stack.url}/collect/acme/web`, { method: 'OPTIONS', headers: { origin: ORIGIN } });
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    const other = await fetch(`${stack.url}/collect/acme/web`, { method: 'OPTIONS', headers: { origin: 'https://evil.example' } });
    expect(other.status).toBe(403);
  });

  it('merges the anonymous visit into the profile of the person who then logs in', async () => {
    const visit = await post([
      { type: 'consent', id: 'c1', at: at(0), data: { analytics: true, personalisation: true } },
      { type: 'page', id: 'p1', at: at(1), data: {} },
      { type: 'product', id: 'v1', at: at(2), data: { sku: 'DR-18V', name: 'Cordless drill', category: 'tools', price: 99.5 } },
      { type: 'search', id: 's1', at: at(3), data: { query: 'drill bits', resultCount: 0 } },
      { type: 'cart', id: 'k1', at: at(4), data: { action: 'add', sku: 'DR-18V', lines: [{ sku: 'DR-18V', price: 99.5, quantity: 1 }] } },
    ]);
    expect(visit.status).toBe(202);
    expect(await visit.json()).toEqual({ received: 5, accepted: 5 });
    await stack.waitUntilIdle(60_000);
    const login = await post([
      { type: 'identify', id: 'i1', at: at(10), data: { email: 'Anna@Example.com', customerId: '7001', via: 'login' } },
    ]);
    expect(login.status).toBe(202);
    await stack.waitUntilIdle(60_000);

    const profile = await stack.findProfile('acme', { email: 'anna@example.com' });
    expect(profile, 'a profile for the person who logged in').toBeDefined();
    expect(profile!.identifiers.map((i) => `${i.type}:${i.value}`).sort()).toEqual(
      ['anonymousId:visitor-e2e-000000001', 'customerId:shopify:7001', 'email:anna@example.com'].sort(),
    );
    expect(profile!.activity.map((a) => a.kind).sort(), 'the anonymous history joined').toEqual(['product.viewed', 'search.performed']);
    expect(profile!.activity.find((a) => a.kind === 'product.viewed')?.detail).toMatchObject({ sku: 'DR-18V', price: '99.5' });
    expect(Object.values(profile!.carts).map((c) => c.lines.map((l) => l.sku))).toEqual([['DR-18V']]);
    expect(profile!.consent.profiling?.granted).toBe(true);
  });

  it('refuses a wrong write key with 401 and the merge keeps the quarantine entry it sent along the queue', async () => {
    const refused = await post([{ type: 'page', id: 'p9', at: at(20), data: {} }], {}, 'pk_not_this_sites_key_0');
    expect(refused.status).toBe(401);
    const { quarantineId } = (await refused.json()) as { quarantineId: string };
    await stack.waitUntilIdle(60_000);
    const listed = (await (await fetch(`${stack.url}/api/quarantine/acme`)).json()) as { id: string; instance: string; reason: string }[];
    expect(listed.find((e) => e.id === quarantineId)).toMatchObject({ instance: 'web', reason: 'write key does not match this site' });
  });

  it('drops a crawler with 403', async () => {
    const bot = await post([{ type: 'page', id: 'p8', at: at(30), data: {} }], {
      'user-agent': 'Googlebot/2.1 (+http://www.google.com/bot.html)',
    });
    expect(bot.status).toBe(403);
  });
});
