// Everything the local stack and the Lambda handlers log, captured while personal data flows through accepted,
// rejected and quarantined webhooks and a failing push: no e-mail address, phone number or secret may appear.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SynclineConfig } from '../core/config.js';
import { signShopifyWebhook } from '../connectors/shopify/simulator.js';
import { startLocalStack, type LocalStack } from '../local/local-stack.js';
import { runtime } from '../lambdas/runtime.js';
import { replayQuarantined } from '../pipeline/quarantine/replay-quarantine.js';
import { sharedDynamo } from './support/shared-stack.js';

const TENANT = 'privacy';
const SHOP = 'privacy-shop.myshopify.com';
const ECHO_ACCESS_TOKEN = 'echo-access-token-5f2c9a71d3';
const ECHO_JWT = `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(JSON.stringify({ exp: Math.floor(Date.now() / 1000) + 3600 })).toString('base64url')}.c2lnbmF0dXJlLXNlY3JldA`;
const people = [
  { id: 91001, email: 'lotte.visser@example.com', phone: '+31612345678', first_name: 'Lotte', last_name: 'Visser' },
  { id: 91002, email: 'forged.person@example.org', phone: '+31687654321', first_name: 'Forged', last_name: 'Person' },
  { id: 91003, email: 'malformed.person@example.net', phone: '+441632960123', first_name: 'Malformed', last_name: 'Person' },
  { id: 91004, email: 'header.person@example.com', phone: '+32470123456', first_name: 'Header', last_name: 'Person' },
];
const EMAIL_SHAPED = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/;

/** A vendor that authenticates, then refuses every call and echoes the request back (URL, headers, body) in its error. */
function startEchoVendor(): Promise<Server> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (req.url?.startsWith('/authenticate')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ access_token: ECHO_JWT }));
        return;
      }
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'refused', url: req.url, authorization: req.headers.authorization, body, phone: people[0]!.phone }));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const captured: string[] = [];
let stack: LocalStack;
let echo: Server;
const previousLevel = process.env.LOG_LEVEL;
const secretEnv = `SYNCLINE_SECRET_${TENANT.toUpperCase()}_COPERNICA_ECHO`;

beforeAll(async () => {
  // Spied from before the stack starts, so that start-up lines are scanned too.
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write.bind(stream);
    vi.spyOn(stream, 'write').mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
      captured.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
      return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write);
  }
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void captured.push(args.map(String).join(' ')));
  }
  process.env.LOG_LEVEL = 'debug';
  echo = await startEchoVendor();
  const origin = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
  process.env[secretEnv] = JSON.stringify({ accessToken: ECHO_ACCESS_TOKEN });
  stack = await startLocalStack({
    config: SynclineConfig.parse({
      tenants: [
        {
          id: TENANT,
          sourcePriority: ['shopify', 'copernica'],
          instances: [
            {
              id: 'shopify',
              connector: 'shopify',
              webhooks: true,
              pollEveryMinutes: 60,
              settings: { shopDomain: SHOP, apiBaseUrl: 'simulator' },
            },
            { id: 'copernica', connector: 'copernica', push: true, settings: { databaseId: 1, apiBaseUrl: 'simulator' } },
            {
              id: 'copernica-echo',
              connector: 'copernica',
              push: true,
              settings: { databaseId: 1, apiBaseUrl: `${origin}/v4`, authUrl: `${origin}/authenticate` },
            },
          ],
        },
      ],
    }),
    port: 0,
    pollAtStart: false,
    visibilityTimeout: 1,
    maxReceiveCount: 2,
    ...sharedDynamo(),
  });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await new Promise((resolve) => echo?.close(resolve));
  delete process.env[secretEnv];
  if (previousLevel === undefined) delete process.env.LOG_LEVEL;
  else process.env.LOG_LEVEL = previousLevel;
  vi.restoreAllMocks();
});

async function deliver(topic: string, body: unknown, secret: string, extraHeaders: Record<string, string> = {}): Promise<number> {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const response = await fetch(`${stack.url}/webhooks/${TENANT}/shopify`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': topic,
      'x-shopify-shop-domain': SHOP,
      ...extraHeaders,
      ...signShopifyWebhook(raw, secret),
    },
    body: raw,
  });
  return response.status;
}

const customer = (p: (typeof people)[number]) => ({
  id: p.id,
  email: p.email,
  phone: p.phone,
  first_name: p.first_name,
  last_name: p.last_name,
  created_at: '2026-11-01T09:00:00+01:00',
  updated_at: '2026-11-20T09:00:00+01:00',
  verified_email: true,
  state: 'enabled',
  tags: '',
  currency: 'EUR',
  addresses: [],
  email_marketing_consent: { state: 'subscribed', opt_in_level: 'single_opt_in', consent_updated_at: '2026-11-20T09:00:00+01:00' },
});

describe('log privacy', () => {
  it('logs no e-mail address, phone number, webhook secret or access token while webhooks flow, fail and get quarantined', async () => {
    const secret = stack.simulators.secretsFor(TENANT, 'shopify')?.webhookSecret as string;
    const [lotte, forged, malformed, header] = people as [
      (typeof people)[number],
      (typeof people)[number],
      (typeof people)[number],
      (typeof people)[number],
    ];
    const statuses = {
      accepted: await deliver('customers/create', customer(lotte), secret),
      consent: await deliver(
        'customers/email_marketing_consent_update',
        {
          customer_id: lotte.id,
          email_address: lotte.email,
          phone: lotte.phone,
          email_marketing_consent: { state: 'subscribed', opt_in_level: 'single_opt_in', consent_updated_at: '2026-11-20T09:05:00+01:00' },
        },
        secret,
      ),
      forged: await deliver('customers/create', customer(forged), 'not-the-secret'),
      malformed: await deliver('customers/create', { ...customer(malformed), id: 'not-a-number', updated_at: malformed.email }, secret),
      notJson: await deliver('customers/create', `{"email":"${malformed.email}","phone":"${malformed.phone}"`, secret),
      topicHeader: await deliver(`customers/${header.email}`, customer(header), secret),
      shopHeader: await deliver('customers/create', customer(header), secret, { 'x-shopify-shop-domain': header.email }),
    };
    expect(statuses, 'the deliveries took the paths this test means to cover').toEqual({
      accepted: 202,
      consent: 202,
      forged: 401,
      malformed: 422,
      notJson: 422,
      topicHeader: 422,
      shopHeader: 422,
    });
    await stack.waitUntilIdle(60_000);
    expect(stack.simulators.copernica(TENANT, 'copernica')!.profiles().length, 'the working destination got the profile').toBeGreaterThan(
      0,
    );

    // A quarantine replay that fails again is logged too.
    const quarantined = await runtime().webhook.quarantine.list(TENANT, 10);
    expect(quarantined.length, 'quarantined deliveries').toBeGreaterThanOrEqual(4);
    await replayQuarantined(runtime().webhook, TENANT);

    const secrets = [
      secret,
      ECHO_ACCESS_TOKEN,
      ECHO_JWT,
      ...Object.values(stack.simulators.secretsFor(TENANT, 'copernica') ?? {}).filter(
        (v): v is string => typeof v === 'string' && v.length >= 8,
      ),
      ...Object.values(stack.simulators.secretsFor(TENANT, 'shopify') ?? {}).filter(
        (v): v is string => typeof v === 'string' && v.length >= 8,
      ),
    ];
    const output = captured.join('');
    expect(output.length, 'the stack logged something (LOG_LEVEL=debug): the capture works').toBeGreaterThan(0);
    expect(output, 'the failing push was logged').toMatch(/copernica-echo/);
    for (const p of people) {
      expect(output, `e-mail address ${p.email} in the logs`).not.toContain(p.email);
      expect(output, `phone number ${p.phone} in the logs`).not.toContain(p.phone);
      expect(output, `phone number ${p.phone} (digits) in the logs`).not.toContain(p.phone.replace('+', ''));
    }
    for (const value of secrets) expect(output.includes(value), `a secret (${value.slice(0, 4)}…) in the logs`).toBe(false);
    expect(output.match(EMAIL_SHAPED)?.[0], 'an e-mail-shaped string in the logs').toBeUndefined();
    console.info(`log privacy: ${captured.length} writes, ${output.length} characters scanned`);
  }, 90_000);
});
