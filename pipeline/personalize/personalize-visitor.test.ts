import { describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '../../core/events.js';
import { InMemoryProfileRepository } from '../../core/identity/in-memory-profile-repository.js';
import { mergeEvent } from '../../core/merge/merge-service.js';
import { signCustomerToken } from '../../core/personalize/customer-token.js';
import { computeTenantStats } from '../../core/campaign/tenant-stats.js';
import { SynclineConfig } from '../../core/config.js';
import type { TenantStats } from '../../core/campaign/tenant-stats.js';
import { customer, event, order, tenant } from '../../test/support/events.js';
import type { CatalogProduct } from '../../core/catalog/product.js';
import { personalizeVisitor, type PersonalizeRequest, type PersonalizeSite } from './personalize-visitor.js';

const NOW = new Date('2026-11-02T12:00:00Z');
const ORIGIN = 'https://shop.example';
const SECRET = 'site-secret-for-tokens-0123456789';
const COOKIE = 'anon-cookie-0001';

async function setup(catalog: CatalogProduct[] = []) {
  const profiles = new InMemoryProfileRepository();
  let next = 0;
  const acme = tenant();
  const merge = { profiles, newProfileId: () => `p${++next}` };
  const apply = async (...events: CanonicalEvent[]) => {
    for (const e of events) await mergeEvent(merge, acme, e);
  };
  // Others bought beans with a grinder: the tenant stats the sweep would compute.
  const grinder = { sku: 'GRINDER', name: 'Grinder', category: 'grinders', quantity: 1, price: 80 };
  const beans = { sku: 'SKU-1', name: 'Espresso beans 1kg', category: 'coffee', quantity: 1, price: 20 };
  await apply(
    order('o1', [{ type: 'email', value: 'x@example.com' }], '2026-06-01T00:00:00Z', 100, { lines: [grinder, beans] }),
    order('o2', [{ type: 'email', value: 'y@example.com' }], '2026-06-01T00:00:00Z', 100, { lines: [grinder, beans] }),
  );
  let stats: TenantStats | undefined;
  const refreshStats = () => {
    stats = computeTenantStats(
      'acme',
      [...profiles.profiles.values()].filter((p) => !p.mergedInto),
      acme.campaigns,
      NOW,
    );
  };
  const sites: Record<string, PersonalizeSite> = { web: { origins: [ORIGIN], tokenSecret: SECRET } };
  const deps = {
    config: SynclineConfig.parse({ tenants: [{ ...acme }] }),
    site: async (tenantId: string, siteId: string) => (tenantId === 'acme' ? sites[siteId] : undefined),
    profiles,
    stats: { get: async () => stats, put: async () => {} },
    catalog: {
      inCategory: async (tenantId: string, category: string) => catalog.filter((p) => tenantId === 'acme' && p.category === category),
    },
    now: () => NOW,
  };
  const ask = (query: Record<string, string>, headers: Record<string, string> = { origin: ORIGIN }, method = 'GET', site = 'web') =>
    personalizeVisitor(deps, { method, tenant: 'acme', site, query, headers } satisfies PersonalizeRequest);
  return { apply, ask, refreshStats, profiles };
}

const consent = (cookie: string, at: string) =>
  event({
    type: 'consent.changed',
    sourceEventId: `consent-${cookie}`,
    occurredAt: at,
    identifiers: [{ type: 'anonymousId', value: cookie }],
    data: { purpose: 'personalisation', granted: true },
  } as Parameters<typeof event>[0]);
const login = (cookie: string, email: string, at: string) =>
  event({
    type: 'product.viewed',
    sourceEventId: `login-${cookie}`,
    occurredAt: at,
    identifiers: [
      { type: 'anonymousId', value: cookie },
      { type: 'email', value: email },
    ],
    data: { productId: 'GRINDER', name: 'Grinder', category: 'grinders' },
  } as Parameters<typeof event>[0]);

describe('GET /personalize', () => {
  it("answers a visitor known by the site's anonymous id with suggestions that leave out what the customer bought", async () => {
    const { apply, ask, refreshStats } = await setup();
    await apply(
      customer('1001', 'ann@example.com', '2026-10-01T00:00:00Z'),
      order('o3', [{ type: 'customerId:shop', value: '1001' }], '2026-11-01T00:00:00Z', 20),
      consent(COOKIE, '2026-11-02T10:00:00Z'),
      login(COOKIE, 'ann@example.com', '2026-11-02T10:01:00Z'),
    );
    refreshStats();
    const res = await ask({ anonymousId: COOKIE });
    expect(res.statusCode).toBe(200);
    const body = JSON.parse(res.body);
    expect(body.suggestions.map((s: { sku: string }) => s.sku)).toEqual(['GRINDER']);
    expect(body.suggestions.map((s: { sku: string }) => s.sku)).not.toContain('SKU-1');
    expect(res.headers).toMatchObject({ 'cache-control': 'private, max-age=60', 'access-control-allow-origin': ORIGIN, vary: 'Origin' });
    expect(res.body).not.toMatch(/ann@example\.com|1001|p\d/);
  });

  it('suggests in-stock catalog products of the category the visitor looks at, before any sweep counted best sellers', async () => {
    const grinder = (sku: string, price: number, inStock: boolean): CatalogProduct => ({
      instance: 'shop',
      productId: sku,
      sku,
      name: `Grinder ${sku}`,
      category: 'grinders',
      categories: ['grinders'],
      price,
      inStock,
      updatedAt: '2026-10-01T00:00:00Z',
    });
    const { apply, ask } = await setup([grinder('G-2', 85, true), grinder('G-3', 300, true), grinder('G-4', 80, false)]);
    await apply(consent(COOKIE, '2026-11-02T10:00:00Z'), login(COOKIE, 'ann@example.com', '2026-11-02T10:01:00Z'));
    const skus = JSON.parse((await ask({ anonymousId: COOKIE })).body).suggestions.map((s: { sku: string }) => s.sku);
    expect(skus[0]).toBe('G-2');
    expect(skus, 'nothing out of stock').not.toContain('G-4');
  });

  it('answers the same empty 200 for an unknown visitor as for a known one without consent', async () => {
    const { apply, ask } = await setup();
    await apply(login('known-no-consent', 'bob@example.com', '2026-11-02T10:00:00Z'));
    const unknown = await ask({ anonymousId: 'never-seen-before' });
    const known = await ask({ anonymousId: 'known-no-consent' });
    expect(unknown.statusCode).toBe(200);
    expect(JSON.parse(unknown.body)).toEqual({ segments: [], suggestions: [], cart: null, nextJob: null });
    expect(known.body).toBe(unknown.body);
    expect(known.headers.etag).toBe(unknown.headers.etag);
  });

  it('answers 304 with no body when If-None-Match holds the current ETag, and 200 once the answer changed', async () => {
    const { apply, ask, refreshStats } = await setup();
    await apply(consent(COOKIE, '2026-11-02T10:00:00Z'), login(COOKIE, 'ann@example.com', '2026-11-02T10:01:00Z'));
    refreshStats();
    const first = await ask({ anonymousId: COOKIE });
    const again = await ask({ anonymousId: COOKIE }, { origin: ORIGIN, 'if-none-match': `W/${first.headers.etag}` });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    await apply(
      order('o9', [{ type: 'email', value: 'ann@example.com' }], '2026-11-02T11:00:00Z', 80, {
        lines: [{ sku: 'GRINDER', name: 'Grinder', category: 'grinders', quantity: 1, price: 80 }],
      }),
    );
    const changed = await ask({ anonymousId: COOKIE }, { origin: ORIGIN, 'if-none-match': first.headers.etag! });
    expect(changed.statusCode).toBe(200);
    expect(changed.headers.etag).not.toBe(first.headers.etag);
  });

  it('finds a logged-in customer by a token the shop signed, and refuses a forged or expired one with 401', async () => {
    const { apply, ask, refreshStats } = await setup();
    await apply(
      customer('1001', 'ann@example.com', '2026-10-01T00:00:00Z'),
      consent(COOKIE, '2026-11-02T10:00:00Z'),
      login(COOKIE, 'ann@example.com', '2026-11-02T10:01:00Z'),
    );
    refreshStats();
    const exp = NOW.getTime() / 1000 + 900;
    const token = signCustomerToken({ tenant: 'acme', site: 'web', instance: 'shop', customerId: '1001', exp }, SECRET);
    const byToken = await ask({ token });
    expect(byToken.statusCode).toBe(200);
    expect(byToken.body).toBe((await ask({ anonymousId: COOKIE })).body);
    expect(JSON.parse(byToken.body).suggestions.length).toBeGreaterThan(0);
    const forged = signCustomerToken({ tenant: 'acme', site: 'web', instance: 'shop', customerId: '1001', exp }, 'guessed-secret');
    expect((await ask({ token: forged })).statusCode).toBe(401);
    const expired = signCustomerToken(
      { tenant: 'acme', site: 'web', instance: 'shop', customerId: '1001', exp: NOW.getTime() / 1000 - 1 },
      SECRET,
    );
    expect(JSON.parse((await ask({ token: expired })).body).error).toMatch(/expired/);
  });

  it('refuses bad input with a clear 4xx: no id, both ids, a malformed id, another origin, an unknown site, a POST', async () => {
    const { ask } = await setup();
    expect((await ask({})).statusCode).toBe(400);
    expect(JSON.parse((await ask({})).body).error).toMatch(/exactly one of/);
    expect((await ask({ anonymousId: COOKIE, token: 'v1.a.b' })).statusCode).toBe(400);
    expect((await ask({ anonymousId: 'x' })).statusCode).toBe(400);
    expect((await ask({ anonymousId: '<script>alert(1)</script>' })).statusCode).toBe(400);
    expect((await ask({ anonymousId: COOKIE }, { origin: 'https://evil.example' })).statusCode).toBe(403);
    expect((await ask({ anonymousId: COOKIE }, { origin: ORIGIN }, 'GET', 'nosuchsite')).statusCode).toBe(404);
    expect((await ask({ anonymousId: COOKIE }, { origin: ORIGIN }, 'POST')).statusCode).toBe(405);
  });

  it("answers a CORS preflight for the site's origins only", async () => {
    const { ask } = await setup();
    const ok = await ask({}, { origin: ORIGIN }, 'OPTIONS');
    expect(ok.statusCode).toBe(204);
    expect(ok.headers).toMatchObject({ 'access-control-allow-origin': ORIGIN, 'access-control-allow-methods': 'GET, OPTIONS' });
    const evil = await ask({}, { origin: 'https://evil.example' }, 'OPTIONS');
    expect(evil.statusCode).toBe(403);
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
  });
});
