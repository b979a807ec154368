// Every command of `syncline` against one local stack (the run's DynamoDB Local, port 0), through its state file as a
// user's terminal would find it; one test runs the real bin shim in a child process.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SynclineConfig } from '../core/config.js';
import { CanonicalEvent } from '../core/events.js';
import { mergeEvent } from '../core/merge/merge-service.js';
import { startLocalStack, type LocalStack } from '../local/local-stack.js';
import { sharedDynamo } from '../test/support/shared-stack.js';
import { feedStory, operatorTenant, quarantineAcceptable } from '../test/support/operator-stack.js';
import { runtime } from '../lambdas/runtime.js';
import { backfillCursorSlot } from '../pipeline/backfill/backfill.js';
import type { InstanceHealth } from '../operator/instance-health.js';
import type { TenantAccount } from '../pipeline/ledger/accounting.js';
import type { ProfileView } from '../operator/profile-view.js';
import { runCli } from './main.js';

// The simulated vendors listen on 127.0.0.1; the SDK's private-address guard (in progress in connectors/sdk) lets them through with this.
process.env.SYNCLINE_ALLOW_PRIVATE_VENDOR_URLS ??= '1';
const TENANT = 'cli-shop';
let stack: LocalStack;
let dir: string;
let stateFile: string;

async function syncline(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(
    [...argv, '--state-file', stateFile],
    { out: (t) => void (out += t), err: (t) => void (err += t), isTTY: false },
    {},
  );
  return { code, out, err };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'syncline-cli-'));
  stateFile = join(dir, 'local.json');
  stack = await startLocalStack({
    config: SynclineConfig.parse({ tenants: [operatorTenant(TENANT)] }),
    port: 0,
    pollAtStart: false,
    visibilityTimeout: 2,
    maxReceiveCount: 2,
    stateFile,
    ...sharedDynamo(),
  });
  const { statuses } = await feedStory(stack, TENANT);
  expect(statuses.at(-1), 'the malformed delivery is quarantined').toBe(422);
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('syncline against the local stack', () => {
  it('lists the installed connectors and their capabilities', async () => {
    const { code, out } = await syncline('connectors', '--json');
    expect(code).toBe(0);
    const shopify = (JSON.parse(out) as { name: string; capabilities: object }[]).find((c) => c.name === 'shopify');
    expect(shopify?.capabilities).toEqual({ webhook: true, poll: true, push: false, erase: false });
  });

  it('shows each instance with its last webhook, lag and error counts', async () => {
    const { code, out } = await syncline('instances', '--json');
    expect(code).toBe(0);
    const rows = JSON.parse(out) as InstanceHealth[];
    const shopify = rows.find((r) => r.instanceId === 'shopify')!;
    expect(shopify).toMatchObject({ tenantId: TENANT, connector: 'shopify', webhooks: true, pollEveryMinutes: 60 });
    expect(shopify.lastWebhookAt, 'webhooks arrived').toBeDefined();
    expect(shopify.eventsIn).toBeGreaterThan(5);
    expect(shopify.errors.webhook, 'the malformed delivery counts as a webhook error').toBe(1);
    expect(shopify.lagMs).toBeLessThan(120_000);
    const text = await syncline('instances', TENANT);
    expect(text.out).toMatch(/^tenant\s+instance\s+connector\s+state/);
    expect(text.out).toMatch(/cli-shop\s+copernica\s+copernica/);
  });

  it('accounts for every delivery of the story: in = applied + quarantined + dead-lettered, balanced', async () => {
    const { code, out, err } = await syncline('accounting', TENANT, '--json');
    expect(code, err).toBe(0);
    const report = JSON.parse(out) as { balanced: boolean; tenants: TenantAccount[] };
    expect(report.balanced).toBe(true);
    const shopify = report.tenants[0]!.instances.find((i) => i.instanceId === 'shopify')!;
    expect(shopify.quarantined, 'the malformed delivery').toBe(1);
    expect(shopify.deadLettered).toBe(0);
    expect(shopify.applied, 'the story queued events').toBeGreaterThan(5);
    expect(shopify.in).toBe(shopify.applied + shopify.quarantined + shopify.deadLettered);
    expect(shopify.appliedBy.duplicate ?? 0, "the redelivered order's events counted once, settled as applied").toBe(0);
    const text = await syncline('accounting');
    expect(text.out).toMatch(/^tenant\s+instance\s+connector\s+in\s+applied\s+quarantined\s+dead-lettered\s+in flight/);
    expect(text.out).toMatch(
      new RegExp(`cli-shop: balanced: ${shopify.in} in = ${shopify.applied} applied \\+ 1 quarantined \\+ 0 dead-lettered`),
    );
  });

  it('refuses an unknown tenant with the configured ones named', async () => {
    const { code, err } = await syncline('instances', 'nope');
    expect(code).toBe(2);
    expect(err).toMatch(/unknown tenant "nope" on the local stack at http:\/\/127\.0\.0\.1:\d+ \(configured: cli-shop\)/);
  });

  it('shows a merged profile with the source of every field', async () => {
    const { code, out } = await syncline('profile', TENANT, 'Bob.Smit@example.com', '--json');
    expect(code).toBe(0);
    const view = JSON.parse(out) as ProfileView;
    expect(
      view.fields.find((f) => f.name === 'firstName'),
      'the newer update won',
    ).toMatchObject({ value: 'Robert', source: 'shopify' });
    expect(view.fields.every((f) => f.source && f.at)).toBe(true);
    expect(view.orders.count).toBe(2);
    expect(view.segments, 'two orders: a repeat buyer').toContain('repeat');
    const text = await syncline('profile', TENANT, view.profileId);
    expect(text.out).toMatch(/firstName\s+Robert\s+shopify/);
    const missing = await syncline('profile', TENANT, 'nobody@example.com');
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/no profile for "nobody@example.com" in tenant cli-shop/);
  });

  it('lists quarantined deliveries and replays one through the pipeline', async () => {
    const listed = await syncline('quarantine', 'list', TENANT, '--json');
    expect(listed.code).toBe(0);
    const before = JSON.parse(listed.out) as { id: string; reason: string }[];
    expect(before).toHaveLength(1);
    expect(Object.keys(before[0]!).sort(), 'no request headers or body in the listing').toEqual(['id', 'instance', 'reason', 'receivedAt']);

    const fixed = await quarantineAcceptable(stack, TENANT, 'fixed.parser@example.com');
    const replayed = await syncline('quarantine', 'replay', TENANT, fixed.id);
    expect(replayed.code, replayed.err).toBe(0);
    expect(replayed.out).toMatch(new RegExp(`${fixed.id}\\s+shopify\\s+replayed\\s+1 event\\(s\\) queued`));
    await stack.waitUntilIdle();
    expect(await stack.findProfile(TENANT, { email: 'fixed.parser@example.com' })).toBeDefined();

    const again = await syncline('quarantine', 'replay', TENANT, before[0]!.id);
    expect(again.code, 'the malformed one is still invalid').toBe(1);
    expect(again.out).toMatch(/still-invalid/);
  });

  it('backfills an instance by polling from the start with a progress line, without moving the scheduled cursor', async () => {
    const profilesBefore = await countProfiles();
    const { code, out, err } = await syncline('backfill', TENANT, 'shopify');
    expect(code, err).toBe(0);
    expect(err).toMatch(/backfilling cli-shop\/shopify/);
    expect(err).toMatch(/\] \d+ page\(s\), \d+ read, \d+ queued, [\d.]+\/s, .*; (ETA|done)/);
    expect(out).toMatch(/backfill complete: \d+ page\(s\), \d+ event\(s\) read/);
    await stack.waitUntilIdle();
    expect(await countProfiles(), "the simulated shop's 25 customers arrived").toBeGreaterThanOrEqual(profilesBefore + 20);
    expect(await runtime().poll.cursors.get(TENANT, 'shopify'), 'scheduled poll cursor untouched').toBeUndefined();
    expect(await runtime().poll.cursors.get(TENANT, backfillCursorSlot('shopify'))).toMatch(/completedAt/);

    const json = await syncline('backfill', TENANT, 'shopify', '--since', '2100-01-01', '--json');
    expect(JSON.parse(json.out), 'a completed backfill starts over; nothing is that new').toMatchObject({
      done: true,
      resumed: false,
      queued: 0,
    });
  });

  it('refuses to backfill an instance that cannot poll', async () => {
    const { code, err } = await syncline('backfill', TENANT, 'copernica');
    expect(code).toBe(2);
    expect(err).toMatch(/cannot poll/);
  });

  it('erases a person through the pipeline', async () => {
    expect(await stack.findProfile(TENANT, { email: 'anna.dejong@example.com' })).toBeDefined();
    const { code, out } = await syncline('erase', TENANT, 'Anna.deJong@example.com', '--wait', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({
      tenantId: TENANT,
      profileFound: true,
      erased: true,
      requestId: expect.stringMatching(/^cli-/),
    });
    await stack.waitUntilIdle();
    expect(await stack.findProfile(TENANT, { email: 'anna.dejong@example.com' })).toBeUndefined();
    const copernica = stack.simulators.copernica(TENANT, 'copernica');
    expect(copernica, 'the simulated Copernica is running').toBeDefined();
  });

  it('prints the request id of an erasure and shows its receipt per destination', async () => {
    const erase = await syncline('erase', TENANT, 'bob.smit@example.com', '--wait');
    expect(erase.code, erase.err).toBe(0);
    const requestId = /follow it with: syncline erasure cli-shop (cli-[\w-]+)/.exec(erase.out)?.[1];
    expect(requestId, erase.out).toBeDefined();
    expect(erase.out).toMatch(/destinations \(settled\): copernica confirmed/);

    const listed = await syncline('erasures', TENANT, '--json');
    expect(listed.code).toBe(0);
    const receipts = JSON.parse(listed.out) as {
      requestId: string;
      state: string;
      subjects: number;
      destinations: { instance: string; status: string; attempts: number }[];
    }[];
    expect(receipts[0], 'newest first').toMatchObject({
      requestId,
      state: 'settled',
      subjects: 1,
      destinations: [{ instance: 'copernica', status: 'confirmed', attempts: 1 }],
    });
    expect(receipts.length, 'the earlier erasure is listed too').toBeGreaterThanOrEqual(2);
    expect(listed.out, 'no personal data in receipts').not.toMatch(/bob|smit|anna|example\.com/i);
    const text = await syncline('erasures', TENANT);
    expect(text.out).toMatch(/^request\s+requested at\s+state\s+profiles\s+destinations/);
    expect(text.out).toMatch(new RegExp(`${requestId}\\s+\\S+\\s+settled\\s+1\\s+copernica confirmed`));

    const one = await syncline('erasure', TENANT, requestId!);
    expect(one.code).toBe(0);
    expect(one.out).toMatch(new RegExp(`^erasure ${requestId} \\(tenant cli-shop\\): settled`));
    expect(one.out).toMatch(/destination\s+connector\s+status\s+attempts\s+last attempt\s+confirmed\s+reason/);
    expect(one.out).toMatch(/copernica\s+copernica\s+confirmed\s+1\s+\d{4}-/);
    const missing = await syncline('erasure', TENANT, 'nope');
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/no erasure receipt "nope" in tenant cli-shop/);
  });

  it('shows and replays the dead-letter queues', async () => {
    const list = await syncline('dlq', 'list', '--json');
    expect(list.code).toBe(0);
    const queues = JSON.parse(list.out) as { queue: string; deadLetters: number }[];
    expect(queues.map((q) => q.queue)).toEqual(['changes', 'push']);
    const depths = await stack.queueDepths();
    expect(queues[0]!.deadLetters).toBe(depths.changesDlq);
    const replay = await syncline('dlq', 'replay', '--queue', 'push');
    expect(replay.code).toBe(0);
    expect(replay.out).toMatch(/moved \d+ message\(s\) from the push DLQ back to the push queue/);
  });

  it('still balances after the replay, the backfill and the erasure, with the erasure request under the CLI source', async () => {
    await stack.waitUntilIdle();
    const { code, out, err } = await syncline('accounting', TENANT, '--json');
    expect(code, err).toBe(0);
    const instances = (JSON.parse(out) as { tenants: TenantAccount[] }).tenants[0]!.instances;
    for (const i of instances) expect(i.in, i.instanceId).toBe(i.applied + i.quarantined + i.deadLettered);
    expect(
      instances.find((i) => i.instanceId === 'cli'),
      'the erasure request',
    ).toMatchObject({ connector: null, in: 2, applied: 2, appliedBy: { erased: 2 } }); // two erase tests above
    expect(
      instances.find((i) => i.instanceId === 'shopify')!.applied,
      'plus the backfilled customers and the replayed delivery',
    ).toBeGreaterThan(25);
  });

  it('reports the uplift of a configured campaign and refuses an unknown one', async () => {
    const { code, out, err } = await syncline('uplift', TENANT, 'winback', '--json');
    expect(code, err).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ campaign: 'winback' });
    const unknown = await syncline('uplift', TENANT, 'spring');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/no campaign "spring" \(configured: winback\)/);
  });

  it('scaffolds a connector and refuses a bad name', async () => {
    const connectors = join(dir, 'connectors');
    process.env.SYNCLINE_CONNECTORS_DIR = connectors;
    try {
      expect((await syncline('connector', 'new', 'loyalty-cards')).code).toBe(0);
      expect(existsSync(join(connectors, 'loyalty-cards', 'index.ts'))).toBe(true);
      const bad = await syncline('connector', 'new', 'Bad_Name');
      expect(bad.code).toBe(2);
      expect(bad.err).toMatch(/is not a connector name/);
    } finally {
      delete process.env.SYNCLINE_CONNECTORS_DIR;
    }
  });

  it("unmerges a wrong merge on the stack's tables and dry-runs changed identity rules", async () => {
    const tenant = stack.config.tenants.find((t) => t.id === TENANT)!;
    const view = (sourceEventId: string, at: string, email: string, cookie = true) =>
      CanonicalEvent.parse({
        tenantId: TENANT,
        source: { connector: 'shopify', instance: 'shopify' },
        sourceEventId,
        occurredAt: at,
        receivedAt: at,
        identifiers: [{ type: 'email', value: email }, ...(cookie ? [{ type: 'anonymousId', value: 'tablet-cli' }] : [])],
        type: 'product.viewed',
        data: { productId: 'p-1', name: 'Kettle', category: 'kitchen' },
      });
    const deps = { profiles: stack.profiles, newProfileId: randomUUID };
    for (const e of [
      view('v1', '2026-09-01T10:00:00Z', 'ann.tablet@example.com'),
      view('v0', '2026-09-01T11:00:00Z', 'ben.tablet@example.com', false),
      view('v2', '2026-09-02T10:00:00Z', 'ben.tablet@example.com'),
    ])
      await mergeEvent(deps, tenant, e);
    const merged = (await stack.findProfile(TENANT, { email: 'ben.tablet@example.com' }))!;
    expect(merged.mergedFrom).toHaveLength(1);

    const rulesFile = join(dir, 'rules.json');
    writeFileSync(rulesFile, JSON.stringify({ identity: { priority: ['customerId:*', 'email', 'phone'] } }));
    const dry = await syncline('identity', 'dry-run', TENANT, '--rules', rulesFile, '--json');
    expect(dry.code, dry.err).toBe(0);
    const report = JSON.parse(dry.out) as { splits: { count: number; examples: { profileId: string }[] }; merges: { count: number } };
    expect(report.splits.examples.map((e) => e.profileId)).toContain(merged.profileId);
    expect((await stack.findProfile(TENANT, { email: 'ben.tablet@example.com' }))?.version, 'the dry run wrote nothing').toBe(
      merged.version,
    );
    const bad = await syncline('identity', 'dry-run', TENANT, '--rules', join(dir, 'absent.json'));
    expect(bad).toMatchObject({ code: 2, err: expect.stringMatching(/cannot read the rules file/) });

    const refused = await syncline('unmerge', TENANT, merged.profileId, '--identifier', 'ann.tablet@example.com');
    expect(refused).toMatchObject({
      code: 1,
      err: expect.stringMatching(
        /unmerge refused: no merge of profile .* was caused by that email; its journal lists merges by anonymousId/,
      ),
    });
    const done = await syncline('unmerge', TENANT, merged.profileId, '--identifier', 'tablet-cli', '--reason', 'shared tablet');
    expect(done.code, done.err).toBe(0);
    expect(done.out).toMatch(/unmerged profile .* on its anonymousId: 2 profiles now/);
    const ann = (await stack.findProfile(TENANT, { email: 'ann.tablet@example.com' }))!;
    const ben = (await stack.findProfile(TENANT, { email: 'ben.tablet@example.com' }))!;
    expect(ann.profileId).not.toBe(ben.profileId);
    expect(ben.identityJournal?.at(-1)).toMatchObject({ kind: 'unmerged', reason: 'shared tablet' });
    await stack.waitUntilIdle(30_000);
  }, 60_000);

  it('says how to start a stack when none is running', async () => {
    let err = '';
    const code = await runCli(
      ['instances', '--state-file', join(dir, 'absent.json')],
      { out: () => {}, err: (t) => void (err += t), isTTY: false },
      {},
    );
    expect(code).toBe(1);
    expect(err).toMatch(/no local stack is running .* start one with `npm start`.*--stage dev\|prod/s);
  });

  it('runs as `npx syncline` through the bin shim, in another process', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['bin/syncline.mjs', 'instances', TENANT, '--json', '--state-file', stateFile],
      { timeout: 60_000 },
    );
    expect((JSON.parse(stdout) as InstanceHealth[]).map((r) => r.instanceId)).toEqual(['shopify', 'copernica']);
    const usage = await promisify(execFile)(process.execPath, ['bin/syncline.mjs', 'nope']).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(usage).toMatchObject({ code: 2, stderr: expect.stringMatching(/unknown command "nope"/) });
  }, 90_000);
});

async function countProfiles(): Promise<number> {
  let n = 0;
  for await (const _ of stack.profiles.listProfiles(TENANT)) n++;
  return n;
}
