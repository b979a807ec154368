// Hostile input at the webhook route of a local stack: never a 5xx, always a clear 4xx, nothing written to another tenant.
import { request as httpRequest } from 'node:http';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SynclineConfig } from '../core/config.js';
import { signShopifyWebhook } from '../connectors/shopify/simulator.js';
import { createCallbackSigner } from '../connectors/copernica/callback-signer.js';
import { documentClient } from '../aws/aws-clients.js';
import { tableNames } from '../aws/tables.js';
import { runtime } from '../lambdas/runtime.js';
import { startLocalStack, type LocalStack } from '../local/local-stack.js';
import { sharedDynamo } from './support/shared-stack.js';

/**
 * CI replays a fixed seed so a landing never depends on luck; locally each run explores new inputs
 * (FUZZ_SEED=<n> reproduces a failure fast-check reported).
 */
const FUZZ_SEED = process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED) } : process.env.CI ? { seed: 20261123 } : {};

const SHOP_A = 'shop-a.myshopify.com';
const SHOP_B = 'shop-b.myshopify.com';
const MIB = 1024 * 1024;
const tenant = (id: string, shopDomain: string) => ({
  id,
  instances: [
    { id: 'shopify', connector: 'shopify', webhooks: true, pollEveryMinutes: 60, settings: { shopDomain, apiBaseUrl: 'simulator' } },
    // Callbacks only (no push): the Host header of a Copernica callback is signed and compared with the URL's host.
    { id: 'copernica', connector: 'copernica', webhooks: true, settings: { databaseId: 1, accountId: 1234, apiBaseUrl: 'simulator' } },
  ],
});

let stack: LocalStack;
let secretA: string;
let secretB: string;

beforeAll(async () => {
  stack = await startLocalStack({
    config: SynclineConfig.parse({ tenants: [tenant('tenant-a', SHOP_A), tenant('tenant-b', SHOP_B)] }),
    port: 0,
    pollAtStart: false,
    visibilityTimeout: 2,
    maxReceiveCount: 2,
    ...sharedDynamo(),
  });
  secretA = stack.simulators.secretsFor('tenant-a', 'shopify')?.webhookSecret as string;
  secretB = stack.simulators.secretsFor('tenant-b', 'shopify')?.webhookSecret as string;
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

interface Delivery {
  body: Buffer;
  headers: Record<string, string>;
  path?: string;
}

async function post({
  body,
  headers,
  path = '/webhooks/tenant-a/shopify',
}: Delivery): Promise<{ status: number; json: Record<string, unknown> | undefined; text: string }> {
  const response = await fetch(`${stack.url}${path}`, { method: 'POST', headers, body });
  const text = await response.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text };
}

/**
 * A request exactly as written: fetch() would normalise the path and refuses to set Host. Header values given as an
 * array are sent as that many header lines.
 */
async function raw(
  method: string,
  path: string,
  headers: Record<string, string | string[]>,
  body = Buffer.alloc(0),
): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(stack.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ hostname, port, method, path, headers: { 'content-length': String(body.length), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

// ---- arbitraries: bodies ----

const deepNesting = fc.integer({ min: 1_000, max: 200_000 }).map((depth) => Buffer.from(`${'['.repeat(depth)}${']'.repeat(depth)}`));
const deepObjectNesting = fc
  .integer({ min: 1_000, max: 50_000 })
  .map((depth) => Buffer.from(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`));
const pollutingKeys = fc
  .constantFrom('__proto__', 'constructor', 'prototype')
  .chain((key) =>
    fc.constantFrom(
      `{"${key}":{"polluted":true},"id":1,"email":"x@example.com"}`,
      `{"id":1,"customer":{"${key}":{"isAdmin":true}},"${key}":{"toString":1}}`,
      `{"constructor":{"prototype":{"polluted":true}},"id":"1"}`,
      `{"id":1,"line_items":[{"${key}":null}],"${key}":[]}`,
    ),
  )
  .map((text) => Buffer.from(text));
const truncatedJson = fc
  .record({ id: fc.integer(), email: fc.emailAddress(), first_name: fc.string(), tags: fc.string() })
  .chain((record) => {
    const text = JSON.stringify(record);
    return fc.integer({ min: 0, max: text.length - 1 }).map((cut) => Buffer.from(text.slice(0, cut)));
  });
const invalidUtf8 = fc
  .uint8Array({ minLength: 1, maxLength: 512 })
  .map((bytes) => Buffer.concat([Buffer.from('{"id":"'), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), Buffer.from(bytes), Buffer.from('"}')]));
const utf16 = fc
  .jsonValue()
  .map((value) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(JSON.stringify(value) ?? 'null', 'utf16le')]));
const randomJson = fc.jsonValue({ maxDepth: 4 }).map((value) => Buffer.from(JSON.stringify(value) ?? 'null'));
const randomBytes = fc.uint8Array({ maxLength: 4_096 }).map((bytes) => Buffer.from(bytes));
/** Large but under the limit: a quarantined body that must still fit one DynamoDB item (or be dropped from it). */
const large = fc.integer({ min: 200 * 1024, max: MIB }).map((size) => Buffer.alloc(size, 'x'));
const body = fc.oneof(
  { arbitrary: randomJson, weight: 3 },
  { arbitrary: randomBytes, weight: 2 },
  { arbitrary: truncatedJson, weight: 2 },
  { arbitrary: invalidUtf8, weight: 2 },
  { arbitrary: utf16, weight: 1 },
  { arbitrary: pollutingKeys, weight: 2 },
  { arbitrary: deepNesting, weight: 1 },
  { arbitrary: deepObjectNesting, weight: 1 },
  { arbitrary: large, weight: 1 },
);

// ---- arbitraries: headers ----

const printableHeaderValue = fc.string({ maxLength: 200 }).map((s) => s.replace(/[^\x20-\x7e]/g, ''));
const topic = fc.oneof(
  fc.constantFrom(
    'customers/create',
    'customers/update',
    'orders/create',
    'orders/paid',
    'checkouts/update',
    'carts/update',
    'customers/delete',
    'app/uninstalled',
  ),
  // Object.prototype's members: a topic lookup in a plain object once found `toString` and answered 503.
  fc.constantFrom('toString', '__proto__', 'constructor', 'hasOwnProperty', 'valueOf'),
  printableHeaderValue,
);
const contentType = fc.constantFrom(
  'application/json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
  'application/xml',
  '',
);
const extraHeaders = fc.dictionary(
  fc.stringMatching(/^x-[a-z0-9-]{1,20}$/),
  fc.oneof(
    printableHeaderValue,
    fc.integer({ min: 1_000, max: 12_000 }).map((n) => 'a'.repeat(n)),
  ),
  { maxKeys: 3 },
);
const shopDomain = fc.constantFrom(SHOP_A, SHOP_B, '', 'evil.example.com', '__proto__');

const signedHeaders = fc.record({
  topic,
  contentType,
  shopDomain,
  extra: extraHeaders,
  webhookId: fc.option(printableHeaderValue, { nil: undefined }),
});

function headersFor(
  raw: Buffer,
  h: { topic: string; contentType: string; shopDomain: string; extra: Record<string, string>; webhookId: string | undefined },
  secret: string | undefined,
): Record<string, string> {
  const headers: Record<string, string> = { ...h.extra };
  if (h.contentType) headers['content-type'] = h.contentType;
  if (h.topic) headers['x-shopify-topic'] = h.topic;
  if (h.shopDomain) headers['x-shopify-shop-domain'] = h.shopDomain;
  if (h.webhookId) headers['x-shopify-webhook-id'] = h.webhookId;
  if (secret !== undefined) Object.assign(headers, signShopifyWebhook(raw, secret));
  return headers;
}

// ---- arbitraries: request lines and headers a browser would never send (issue 16 items 7 and 8) ----

/** Percent-encodings no decoder accepts: a lone or short %, non-hex digits, truncated, overlong or surrogate UTF-8. */
const malformedEscape = fc.constantFrom(
  '%',
  '%Z',
  '%ZZ',
  '%4',
  '%4G',
  '%G4',
  '%E0%A4%A',
  '%E0%A4',
  '%C0',
  '%C0%AF',
  '%FF',
  '%ED%A0%80',
  '%F8%88%80%80%80',
  '%%',
  '%u0041',
);
const pathText = fc.stringMatching(/^[a-z0-9._-]{0,12}$/);
/** After the escape: nothing that completes it (a hex digit would turn `%E0%A4%A` into a valid character). */
const pathTail = fc.stringMatching(/^([g-z._-][a-z0-9._-]{0,11})?$/);
/** A webhook path with a malformed escape in its tenant or instance segment (or both). */
const malformedPath = fc
  .record({ where: fc.constantFrom('tenant', 'instance', 'both'), before: pathText, escape: malformedEscape, after: pathTail })
  .map(({ where, before, escape, after }) => {
    const bad = `${before}${escape}${after}`;
    const tenantSegment = where === 'instance' ? 'tenant-a' : bad;
    const instanceSegment = where === 'tenant' ? 'shopify' : bad;
    return `/webhooks/${tenantSegment}/${instanceSegment}`;
  });
/** Host headers: hostile, malformed (brackets, spaces, bad ports) or merely foreign (a tunnel's). */
const hostHeader = fc.oneof(
  fc.constantFrom('[', '[::1', '[::1]:', 'a b', '%', '%00', 'localhost:99999x', ':80', 'evil.example', '127.0.0.1.nip.io', '::1', '[zz]'),
  fc.string({ minLength: 1, maxLength: 80 }).map((text) => text.replace(/[^\x21-\x7e ]/g, '') || '['),
);
/** Several copies of the signature header: genuine, another tenant's, garbage, or empty, in any order. */
const duplicatedSignatures = fc.array(fc.constantFrom('valid', 'other-tenant', 'garbage', 'empty'), { minLength: 2, maxLength: 4 });

const seen: Record<number, number> = {};
const count = (status: number) => (seen[status] = (seen[status] ?? 0) + 1);

describe('webhook endpoint under hostile input', () => {
  it('answers validly signed garbage with 200 (a topic not read), 202 or 422 and a quarantine id, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(body, signedHeaders, async (raw, h) => {
        const { status, json, text } = await post({ body: raw, headers: headersFor(raw, h, secretA) });
        count(status);
        expect(status, `5xx for a ${raw.length}-byte body: ${text.slice(0, 300)}`).toBeLessThan(500);
        if (raw.length > MIB) {
          expect(status, 'over 1 MiB').toBe(413);
          return;
        }
        // Node answers 431 itself when the headers exceed its limit; nothing reaches the pipeline then.
        if (status === 431) return;
        expect([200, 202, 422], `status ${status}: ${text.slice(0, 300)}`).toContain(status);
        if (status === 422) expect(json?.quarantineId, `422 without a quarantine id: ${text.slice(0, 300)}`).toEqual(expect.any(String));
      }),
      { numRuns: 60, ...FUZZ_SEED },
    );
  }, 60_000);

  it("answers 401 to anything unsigned, signed with another tenant's secret, or tampered after signing", async () => {
    const signing = fc.constantFrom('none', 'wrong-secret', 'tenant-b-secret', 'tampered', 'garbage-hmac');
    await fc.assert(
      fc.asyncProperty(body, signedHeaders, signing, async (raw, h, how) => {
        let headers: Record<string, string>;
        let sent = raw;
        if (how === 'none') headers = headersFor(raw, h, undefined);
        else if (how === 'wrong-secret') headers = headersFor(raw, h, 'not-the-secret');
        else if (how === 'tenant-b-secret') headers = headersFor(raw, h, secretB);
        else if (how === 'garbage-hmac')
          headers = { ...headersFor(raw, h, undefined), 'x-shopify-hmac-sha256': 'AAAA%%%\u0001'.replace(/[^\x20-\x7e]/g, '') };
        else {
          headers = headersFor(raw, h, secretA);
          sent = Buffer.concat([raw, Buffer.from(' ')]);
        }
        const { status, text } = await post({ body: sent, headers });
        count(status);
        if (sent.length > MIB) expect(status, 'over 1 MiB').toBe(413);
        else if (status !== 431) expect(status, `${how}: ${text.slice(0, 300)}`).toBe(401);
      }),
      { numRuns: 40, ...FUZZ_SEED },
    );
  }, 60_000);

  it('rejects a body above 1 MiB with 413, signed or not', async () => {
    const raw = Buffer.alloc(MIB + 1, 'x');
    expect(
      (
        await post({
          body: raw,
          headers: { 'content-type': 'application/json', 'x-shopify-topic': 'customers/create', ...signShopifyWebhook(raw, secretA) },
        })
      ).status,
    ).toBe(413);
    expect((await post({ body: Buffer.alloc(3 * MIB, '['), headers: { 'content-type': 'application/json' } })).status).toBe(413);
  });

  it('quarantines validly signed garbage at every size up to the 1 MiB limit, around the size a DynamoDB item can hold', async () => {
    for (const size of [256 * 1024, 290 * 1024, 300 * 1024, 300 * 1024 + 1, MIB]) {
      const raw = Buffer.alloc(size, '{');
      const { status, json, text } = await post({
        body: raw,
        headers: { 'content-type': 'application/json', 'x-shopify-topic': 'customers/create', ...signShopifyWebhook(raw, secretA) },
      });
      count(status);
      expect(status, `${size} bytes: ${text.slice(0, 300)}`).toBe(422);
      expect(json?.quarantineId, `${size} bytes`).toEqual(expect.any(String));
    }
  });

  it('quarantines topics named after Object.prototype members instead of calling them', async () => {
    for (const topicName of ['toString', '__proto__', 'constructor', 'hasOwnProperty', 'valueOf']) {
      const raw = Buffer.from('{"id":1}');
      const { status, text } = await post({
        body: raw,
        headers: {
          'content-type': 'application/json',
          'x-shopify-topic': topicName,
          'x-shopify-shop-domain': SHOP_A,
          ...signShopifyWebhook(raw, secretA),
        },
      });
      count(status);
      expect(status, `topic ${topicName}: ${text}`).toBe(422);
    }
  });

  it('answers 401 to a tampered customer and to the right body signed with a wrong secret', async () => {
    const customer = Buffer.from(
      JSON.stringify({ id: 1, email: 'anna@example.com', first_name: 'Anna', updated_at: '2026-01-01T00:00:00Z' }),
    );
    const headers = { 'content-type': 'application/json', 'x-shopify-topic': 'customers/update', 'x-shopify-shop-domain': SHOP_A };
    const tampered = Buffer.from(customer.toString().replace('Anna', 'Mallory'));
    expect((await post({ body: tampered, headers: { ...headers, ...signShopifyWebhook(customer, secretA) } })).status, 'tampered').toBe(
      401,
    );
    expect(
      (await post({ body: customer, headers: { ...headers, ...signShopifyWebhook(customer, `${secretA}x`) } })).status,
      'wrong secret',
    ).toBe(401);
    expect(
      (await post({ body: customer, headers: { ...headers, ...signShopifyWebhook(customer, secretB) } })).status,
      "tenant B's secret",
    ).toBe(401);
  });

  it('answers 401 to a duplicated signature header, whichever copy is valid, and to a signature in a loose format', async () => {
    const body = Buffer.from(JSON.stringify({ id: 7, email: 'dup@example.com', updated_at: '2026-01-01T00:00:00Z' }));
    const valid = signShopifyWebhook(body, secretA)['x-shopify-hmac-sha256']!;
    const bogus = signShopifyWebhook(body, secretB)['x-shopify-hmac-sha256']!;
    const headers = { 'content-type': 'application/json', 'x-shopify-topic': 'customers/create', 'x-shopify-shop-domain': SHOP_A };
    expect((await raw('POST', '/webhooks/tenant-a/shopify', { ...headers, 'x-shopify-hmac-sha256': valid }, body)).status, 'genuine').toBe(
      202,
    );
    for (const signature of [
      [valid, bogus],
      [bogus, valid],
      [valid, valid],
      `${bogus}, ${valid}`,
      `${valid}!!`,
      valid.replace(/=+$/, ''),
      Buffer.from(valid, 'base64').toString('base64url'),
    ]) {
      const { status, text } = await raw('POST', '/webhooks/tenant-a/shopify', { ...headers, 'x-shopify-hmac-sha256': signature }, body);
      count(status);
      expect(status, `X-Shopify-Hmac-Sha256 ${JSON.stringify(signature)}: ${text}`).toBe(401);
    }
  });

  it('routes nothing to another tenant through odd paths', async () => {
    const raw = Buffer.from('{}');
    for (const path of [
      '/webhooks/tenant-a%2F..%2Ftenant-b/shopify',
      '/webhooks/tenant-a/shopify%2F..',
      '/webhooks/T%23tenant-b%23/shopify',
      '/webhooks/__proto__/shopify',
      '/webhooks/tenant-a/constructor',
    ]) {
      const { status, text } = await post({
        path,
        body: raw,
        headers: { 'content-type': 'application/json', ...signShopifyWebhook(raw, secretA) },
      });
      expect(status, `${path}: ${text}`).toBeGreaterThanOrEqual(400);
      expect(status, `${path}: ${text}`).toBeLessThan(500);
    }
  });

  it('answers 400 to malformed percent-encoding in the webhook path, never 500', async () => {
    const body = Buffer.from('{}');
    for (const path of ['/webhooks/%E0%A4%A/shopify', '/webhooks/tenant-a/%ZZ', '/webhooks/%/shopify', '/webhooks/tenant-a/shopify%C0']) {
      const { status, text } = await raw('POST', path, { 'content-type': 'application/json', ...signShopifyWebhook(body, secretA) }, body);
      count(status);
      expect(status, `${path}: ${text}`).toBe(400);
    }
  });

  it('answers a malformed Host header with 400, never 5xx, also on a Copernica callback that signs its Host', async () => {
    const signer = createCallbackSigner({ accountId: 1234 });
    const body = Buffer.from('webhook=1');
    for (const host of ['[', '[::1', 'a b', '%', 'localhost:99999x']) {
      const headers = signer.sign({ body, url: 'http://127.0.0.1/webhooks/tenant-a/copernica', now: new Date(), overrides: { host } });
      const { status, text } = await raw('POST', '/webhooks/tenant-a/copernica', headers, body);
      count(status);
      expect(status, `Host ${host}: ${text}`).toBe(400);
    }
  });

  it('answers 400 to generated malformed percent-encodings in the tenant or instance segment, signed or not', async () => {
    await fc.assert(
      fc.asyncProperty(malformedPath, fc.boolean(), async (path, signed) => {
        const body = Buffer.from('{"id":1}');
        const headers = { 'content-type': 'application/json', ...(signed ? signShopifyWebhook(body, secretA) : {}) };
        const { status, text } = await raw('POST', path, headers, body);
        count(status);
        expect(status, `${path}: ${text.slice(0, 300)}`).toBe(400);
      }),
      { numRuns: 40, ...FUZZ_SEED },
    );
  }, 60_000);

  it('answers generated Host headers on a signed Shopify delivery and a Copernica callback with a 2xx or 4xx, never a 5xx', async () => {
    const signer = createCallbackSigner({ accountId: 1234 });
    await fc.assert(
      fc.asyncProperty(hostHeader, fc.constantFrom('shopify', 'copernica'), async (host, route) => {
        const shopify = route === 'shopify';
        const body = shopify
          ? Buffer.from(JSON.stringify({ id: 9, email: 'host@example.com', updated_at: '2026-01-01T00:00:00Z' }))
          : Buffer.from('webhook=1');
        const headers = shopify
          ? {
              'content-type': 'application/json',
              'x-shopify-topic': 'customers/update',
              'x-shopify-shop-domain': SHOP_A,
              ...signShopifyWebhook(body, secretA),
              host,
            }
          : signer.sign({ body, url: 'http://127.0.0.1/webhooks/tenant-a/copernica', now: new Date(), overrides: { host } });
        const { status, text } = await raw('POST', `/webhooks/tenant-a/${route}`, headers, body);
        count(status);
        expect(status, `${route} Host ${JSON.stringify(host)}: ${text.slice(0, 300)}`).toBeLessThan(500);
        // Webhooks take any well-formed Host (vendors come through tunnels); a malformed one is a 400.
        expect([200, 202, 400, 401, 422], `${route} Host ${JSON.stringify(host)}: ${text.slice(0, 300)}`).toContain(status);
      }),
      { numRuns: 40, ...FUZZ_SEED },
    );
  }, 60_000);

  it('answers 401 to generated duplicated signature headers, whichever copies are genuine', async () => {
    const body = Buffer.from(JSON.stringify({ id: 8, email: 'dups@example.com', updated_at: '2026-01-01T00:00:00Z' }));
    const copies = {
      valid: signShopifyWebhook(body, secretA)['x-shopify-hmac-sha256']!,
      'other-tenant': signShopifyWebhook(body, secretB)['x-shopify-hmac-sha256']!,
      garbage: 'AAAA',
      empty: '',
    };
    const headers = { 'content-type': 'application/json', 'x-shopify-topic': 'customers/create', 'x-shopify-shop-domain': SHOP_A };
    await fc.assert(
      fc.asyncProperty(duplicatedSignatures, async (which) => {
        const signature = which.map((w) => copies[w as keyof typeof copies]);
        const { status, text } = await raw('POST', '/webhooks/tenant-a/shopify', { ...headers, 'x-shopify-hmac-sha256': signature }, body);
        count(status);
        expect(status, `${which.join(', ')}: ${text.slice(0, 300)}`).toBe(401);
      }),
      { numRuns: 30, ...FUZZ_SEED },
    );
  }, 60_000);

  it('leaves tenant B without profiles, quarantine entries or any other item, and no prototype polluted', async () => {
    await stack.waitUntilIdle(30_000);
    const profilesOfB = [];
    for await (const profile of stack.profiles.listProfiles('tenant-b')) profilesOfB.push(profile);
    expect(profilesOfB, 'profiles of tenant B').toEqual([]);
    expect(await runtime().webhook.quarantine.list('tenant-b', 10), 'quarantine of tenant B').toEqual([]);
    const db = documentClient();
    for (const table of [tableNames().profiles, tableNames().ops]) {
      const { Items = [] } = await db.send(
        new ScanCommand({ TableName: table, FilterExpression: 'begins_with(pk, :b)', ExpressionAttributeValues: { ':b': 'T#tenant-b#' } }),
      );
      expect(
        // The stack writes records per configured tenant when it creates its tables (since when every contact has a
        // marker, aws/dynamo-campaign-store.ts; that its profiles are on due items, aws/dynamo-due-items.ts):
        // bookkeeping of the start, not of any request.
        Items.filter((i) => i.sk !== 'CONTACT-MARKERS' && i.sk !== 'DUE-ITEMS').map((i) => `${i.pk}/${i.sk}`),
        `items of tenant B in ${table}`,
      ).toEqual([]);
    }
    expect(await runtime().webhook.quarantine.list('tenant-a', 1), 'the fuzz did reach the quarantine of tenant A').toHaveLength(1);
    expect(({} as Record<string, unknown>).polluted, 'Object.prototype polluted').toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin, 'Object.prototype polluted').toBeUndefined();
    expect((await stack.queueDepths()).changesDlq, 'nothing dead-lettered').toBe(0);
    console.info(`webhook fuzz statuses: ${JSON.stringify(seen)}`);
  }, 60_000);
});
