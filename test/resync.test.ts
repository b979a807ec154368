// A destination added to a tenant that already has profiles (entered as Shopify's signed webhooks): `syncline resync`
// on the local stack counts them in a dry run, is interrupted once (the CLI's connection dropped after the first
// page), resumes, and ends with every consenting profile at the simulated Klaviyo exactly once and nobody else there.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SynclineConfig } from '../core/config.js';
import type { KlaviyoSimulator, SimulatedJob } from '../connectors/klaviyo/simulator.js';
import { runSyncline } from './support/syncline-cli.js';
import { runtime } from '../lambdas/runtime.js';
import { resyncJobSlot } from '../pipeline/resync/resync-job.js';
import { startLocalStack, type LocalStack } from '../local/local-stack.js';
import type { ResyncProgress } from '../pipeline/resync/run-resync.js';
import { sharedDynamo } from './support/shared-stack.js';
import { shopifyFixture, shopifyWebhook } from './support/story-stack.js';

process.env.SYNCLINE_ALLOW_PRIVATE_VENDOR_URLS ??= '1';
const TENANT = 'resync-shop';
const SHOP = 'resync-shop.myshopify.com';
const shopify = { id: 'shopify', connector: 'shopify', webhooks: true, settings: { shopDomain: SHOP, apiBaseUrl: 'simulator' } };
const before = SynclineConfig.parse({ tenants: [{ id: TENANT, instances: [shopify] }] });
const after = SynclineConfig.parse({
  tenants: [
    { id: TENANT, instances: [shopify, { id: 'klaviyo', connector: 'klaviyo', push: true, settings: { apiBaseUrl: 'simulator' } }] },
  ],
});

// 8 subscribed, 2 who never answered, 2 who unsubscribed.
const people = Array.from({ length: 12 }, (_, i) => ({
  id: 7100 + i,
  email: `resync.person${i}@example.com`,
  consent: i < 8 ? 'subscribed' : i < 10 ? undefined : 'unsubscribed',
}));
const consenting = people.filter((p) => p.consent === 'subscribed').map((p) => p.email);

let stack: LocalStack;
let dir: string;
let stateFile: string;
const dynamo = sharedDynamo();

const syncline = (...argv: string[]) => runSyncline(stateFile, ...argv);

const start = (config: SynclineConfig) =>
  startLocalStack({ config, port: 0, pollAtStart: false, visibilityTimeout: 2, maxReceiveCount: 2, stateFile, ...dynamo });

/** The e-mail addresses of every profile Klaviyo's bulk import received, in order (subscription jobs aside). */
function imported(jobs: SimulatedJob[]): string[] {
  return jobs
    .filter((j) => j.path === '/api/profile-bulk-import-jobs')
    .flatMap(
      (j) =>
        (j.body as { data: { attributes: { profiles: { data: { attributes: { email: string } }[] } } } }).data.attributes.profiles.data,
    )
    .map((p) => p.attributes.email);
}

beforeAll(async () => {
  expect(dynamo.dynamoEndpoint, 'the run shares one DynamoDB Local (test/global-setup.ts), which outlives a stack').toBeDefined();
  dir = mkdtempSync(join(tmpdir(), 'syncline-resync-'));
  stateFile = join(dir, 'local.json');
  // The shop before the destination exists: its customers and their e-mail consent, as Shopify sends them.
  const first = await start(before);
  try {
    const at = new Date(Date.now() - 3_600_000).toISOString();
    for (const p of people) {
      const target = { tenant: TENANT, instance: 'shopify', shopDomain: SHOP };
      const customer = {
        ...shopifyFixture('customers-create'),
        id: p.id,
        email: p.email,
        first_name: `Person ${p.id}`,
        phone: null,
        created_at: at,
        updated_at: at,
      };
      expect(await shopifyWebhook(first, target, 'customers/create', customer)).toBe(202);
      if (p.consent)
        expect(
          await shopifyWebhook(first, target, 'customers/email_marketing_consent_update', {
            customer_id: p.id,
            email_address: p.email,
            email_marketing_consent: { state: p.consent, opt_in_level: 'single_opt_in', consent_updated_at: at },
          }),
        ).toBe(202);
    }
    await first.waitUntilIdle(60_000);
  } finally {
    await first.stop();
  }
  // The same tables, now with Klaviyo as a destination: a new, empty account.
  stack = await start(after);
}, 180_000);

afterAll(async () => {
  await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('resync of a destination added to a tenant with profiles', () => {
  it('starts empty: the new destination got nothing from the profiles that existed', async () => {
    const klaviyo = stack.simulators.handle<KlaviyoSimulator>(TENANT, 'klaviyo')!;
    await stack.waitUntilIdle(30_000);
    expect(imported(klaviyo.jobs())).toEqual([]);
  });

  it('counts in a dry run what would be pushed and skipped, without a vendor call', async () => {
    const klaviyo = stack.simulators.handle<KlaviyoSimulator>(TENANT, 'klaviyo')!;
    const requests = klaviyo.requests();
    const { code, out } = await syncline('resync', TENANT, 'klaviyo', '--dry-run', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(out) as ResyncProgress).toMatchObject({
      dryRun: true,
      total: 12,
      counts: { pushed: 8, skippedConsent: 4, failed: 0 },
      withSnapshot: 0,
    });
    expect(klaviyo.requests(), 'no request reached Klaviyo').toBe(requests);
  });

  it('is interrupted once, resumes, and ends with every consenting profile at Klaviyo exactly once', async () => {
    const klaviyo = stack.simulators.handle<KlaviyoSimulator>(TENANT, 'klaviyo')!;
    // The CLI's connection dropped after the first page (Ctrl-C): the stack stops after the page in flight.
    const stop = new AbortController();
    const response = await fetch(`${stack.url}/api/resync/${TENANT}/klaviyo?batchSize=3`, { method: 'POST', signal: stop.signal });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    const firstLine = new TextDecoder().decode((await reader.read()).value);
    expect(JSON.parse(firstLine.split('\n')[0]!)).toMatchObject({ progress: { done: 3, total: 12, finished: false } });
    stop.abort();
    let job: { state?: string; counts?: { pushed: number } } = {};
    for (let i = 0; i < 100 && job.state !== 'interrupted'; i++) {
      await new Promise((r) => setTimeout(r, 200));
      job = JSON.parse((await readJob()) ?? '{}') as typeof job;
    }
    expect(job.state, 'the run stopped and saved where it was').toBe('interrupted');
    const firstRun = imported(klaviyo.jobs());
    expect(firstRun.length, 'some, not all, were pushed before the interruption').toBeGreaterThan(0);
    expect(firstRun.length).toBeLessThan(consenting.length);

    const { code, out, err } = await syncline('resync', TENANT, 'klaviyo', '--batch-size', '3');
    expect(code, err).toBe(0);
    expect(err).toMatch(/resuming an interrupted resync/);
    expect(err).toMatch(/\d+ of 12 profiles: .* pushed, .* skipped for consent/);
    expect(out).toMatch(/resync complete: resync-shop\/klaviyo \(klaviyo\)/);
    expect(out).toMatch(/pushed\s+8\n/);
    expect(out).toMatch(/skipped for consent 4\n/);
    expect(out).toMatch(/failed\s+0\n/);

    const all = imported(klaviyo.jobs());
    expect(new Set(all).size, `no duplicates: ${all.join(', ')}`).toBe(all.length);
    expect([...all].sort()).toEqual([...consenting].sort());
    for (const p of people.filter((p) => p.consent !== 'subscribed')) expect(all).not.toContain(p.email);
  }, 120_000);

  it('pushes nothing again on a second normal run: the push snapshots say Klaviyo has them all', async () => {
    const klaviyo = stack.simulators.handle<KlaviyoSimulator>(TENANT, 'klaviyo')!;
    const jobs = klaviyo.jobs().length;
    const { code, out } = await syncline('resync', TENANT, 'klaviyo', '--json');
    expect(code).toBe(0);
    expect((JSON.parse(out) as ResyncProgress).counts).toEqual({ pushed: 0, unchanged: 8, skippedConsent: 4, failed: 0 });
    expect(klaviyo.jobs().length).toBe(jobs);
  }, 60_000);
});

/** The job item as the stack keeps it (pipeline/resync/resync-job.ts). */
const readJob = (): Promise<string | undefined> => runtime().poll.cursors.get(TENANT, resyncJobSlot('klaviyo'));
