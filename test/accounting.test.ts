// Nothing lost, end to end on the emulators: signed Shopify webhooks into the local stack (good ones, a redelivery,
// an authentic but malformed one, and one whose merge fails until a fix), through the queue poller with its
// redeliveries and DLQ, then `syncline accounting`: in = applied + quarantined + dead-lettered per tenant and instance.
// After the fix, `syncline dlq replay` moves the dead letter back and the accounting moves it to applied.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSyncline } from './support/syncline-cli.js';
import { signShopifyWebhook } from '../connectors/shopify/simulator.js';
import { SynclineConfig } from '../core/config.js';
import { runtime } from '../lambdas/runtime.js';
import { demoStory, type DemoDelivery } from '../local/demo.js';
import { startLocalStack, type LocalStack } from '../local/local-stack.js';
import type { InstanceAccount, TenantAccount } from '../pipeline/ledger/accounting.js';
import { operatorTenant, SHOP_DOMAIN } from './support/operator-stack.js';
import { sharedDynamo } from './support/shared-stack.js';
import { delegatingProfiles } from './support/delegating-profiles.js';

const POISON = 'poison.pill@example.com';
let stack: LocalStack;
let dir: string;
let stateFile: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'syncline-accounting-'));
  stateFile = join(dir, 'local.json');
  stack = await startLocalStack({
    config: SynclineConfig.parse({ tenants: [operatorTenant('ledger-a'), operatorTenant('ledger-b')] }),
    port: 0,
    pollAtStart: false,
    visibilityTimeout: 2,
    maxReceiveCount: 2,
    stateFile,
    ...sharedDynamo(),
  });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function deliver(tenantId: string, delivery: DemoDelivery): Promise<{ status: number; accepted: number }> {
  const secret = stack.simulators.secretsFor(tenantId, 'shopify')?.webhookSecret as string;
  const body = typeof delivery.body === 'string' ? delivery.body : JSON.stringify(delivery.body);
  const response = await fetch(`${stack.url}/webhooks/${tenantId}/shopify`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': delivery.topic,
      'x-shopify-shop-domain': SHOP_DOMAIN,
      'x-shopify-webhook-id': delivery.webhookId,
      ...signShopifyWebhook(body, secret),
    },
    body,
  });
  const answer = (await response.json()) as { accepted?: number };
  return { status: response.status, accepted: answer.accepted ?? 0 };
}

const syncline = (...argv: string[]) => runSyncline(stateFile, ...argv);

async function accounting(): Promise<{ balanced: boolean; shop: (tenant: string) => InstanceAccount; tenants: TenantAccount[] }> {
  const { code, out, err } = await syncline('accounting', '--json');
  const report = JSON.parse(out) as { balanced: boolean; tenants: TenantAccount[] };
  expect(code, err).toBe(report.balanced ? 0 : 1);
  for (const i of report.tenants.flatMap((t) => t.instances)) {
    expect(i.in, `${i.tenantId}/${i.instanceId}: in = applied + quarantined + dead-lettered + in flight`).toBe(
      i.applied + i.quarantined + i.deadLettered + i.inFlight,
    );
  }
  const shop = (tenant: string) => report.tenants.find((t) => t.tenantId === tenant)!.instances.find((i) => i.instanceId === 'shopify')!;
  return { balanced: report.balanced, shop, tenants: report.tenants };
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The fault: writes of the poison customer's profile fail (as a bug or an outage would) until `heal()`. */
function breakMergeFor(email: string): { heal(): void } {
  const merge = runtime().merge;
  const real = merge.profiles;
  const broken = delegatingProfiles(real, {
    commit: async (t, commit) => {
      if (commit.puts.some((p) => p.profile.identifiers.some((i) => i.value === email)))
        throw new Error('simulated outage: profile write refused');
      return real.commit(t, commit);
    },
  });
  merge.profiles = broken;
  return { heal: () => void (merge.profiles = real) };
}

describe('accounting end to end on the emulators', () => {
  const story = demoStory(SHOP_DOMAIN).filter((d) => !d.forged);
  const malformed = story.filter((d) => typeof d.body !== 'object' || d.webhookId === 'demo-12');
  const valid = story.filter((d) => !malformed.includes(d));
  const poison: DemoDelivery = {
    step: 'a customer whose merge fails until a fix',
    topic: 'customers/create',
    webhookId: 'poison-1',
    body: {
      ...(story.find((d) => d.topic === 'customers/create')!.body as object),
      id: 7999,
      email: POISON,
      first_name: 'Poison',
      updated_at: '2026-11-21T08:00:00+01:00',
    },
  };

  it('balances good, redelivered, quarantined and dead-lettered deliveries per tenant, and a DLQ replay moves the dead letter to applied', async () => {
    const fault = breakMergeFor(POISON);
    const answers: { delivery: DemoDelivery; status: number; accepted: number }[] = [];
    for (const delivery of [...story, poison]) answers.push({ delivery, ...(await deliver('ledger-a', delivery)) });
    const b = [];
    for (const delivery of valid.slice(0, 3)) b.push(await deliver('ledger-b', delivery));

    expect(
      answers.filter((a) => a.status === 422).map((a) => a.delivery.webhookId),
      'the malformed delivery is quarantined',
    ).toEqual(malformed.map((d) => d.webhookId));
    expect(answers.filter((a) => a.status !== 422).every((a) => a.status === 202)).toBe(true);
    // The story redelivers one order (same webhook id, same body): its events are the same events, counted once.
    const firstSeen = new Set<string>();
    const distinct = answers.filter((a) => a.status === 202 && !firstSeen.has(a.delivery.webhookId) && firstSeen.add(a.delivery.webhookId));
    const redelivered = answers.filter((a) => a.status === 202).length - distinct.length;
    expect(redelivered, 'one redelivery in the story').toBe(1);
    const eventsIn = distinct.reduce((n, a) => n + a.accepted, 0);
    const poisonEvents = answers.find((a) => a.delivery === poison)!.accepted;
    expect(poisonEvents).toBeGreaterThan(0);

    await until('the poison event is in the changes DLQ', async () => (await stack.queueDepths()).changesDlq === poisonEvents);
    await stack.waitUntilIdle(60_000);

    const settled = await accounting();
    expect(settled.shop('ledger-a')).toMatchObject({
      in: eventsIn + 1,
      applied: eventsIn - poisonEvents,
      quarantined: 1,
      deadLettered: poisonEvents,
      inFlight: 0,
      deadLetterReasons: { 'lane could not be written: simulated outage: profile write refused': poisonEvents },
    });
    const inB = b.reduce((n, a) => n + a.accepted, 0);
    expect(settled.shop('ledger-b'), 'the other tenant counts only its own').toMatchObject({
      in: inB,
      applied: inB,
      quarantined: 0,
      deadLettered: 0,
      inFlight: 0,
    });
    expect(settled.balanced, 'every event is applied, quarantined or dead-lettered').toBe(true);
    expect((await syncline('accounting', 'ledger-a')).out).toMatch(
      new RegExp(
        `ledger-a: balanced: ${eventsIn + 1} in = ${eventsIn - poisonEvents} applied \\+ 1 quarantined \\+ ${poisonEvents} dead-lettered`,
      ),
    );

    fault.heal();
    const replay = await syncline('dlq', 'replay', '--queue', 'changes');
    expect(replay.code, replay.err).toBe(0);
    expect(replay.out).toMatch(new RegExp(`moved ${poisonEvents} message\\(s\\)`));
    await stack.waitUntilIdle(60_000);
    expect(await stack.findProfile('ledger-a', { email: POISON }), 'merged after the fix').toBeDefined();

    const replayed = await accounting();
    expect(replayed.shop('ledger-a'), 'dead-lettered → applied, nothing counted twice').toMatchObject({
      in: eventsIn + 1,
      applied: eventsIn,
      quarantined: 1,
      deadLettered: 0,
      inFlight: 0,
      deadLetterReasons: {},
    });
    expect(replayed.shop('ledger-b')).toMatchObject({ in: inB, applied: inB });
    expect(replayed.balanced).toBe(true);

    const route = (await (await fetch(`${stack.url}/api/accounting/ledger-a`)).json()) as TenantAccount[];
    expect(route, 'the local JSON route reports what the command does').toEqual(replayed.tenants.filter((t) => t.tenantId === 'ledger-a'));
  }, 120_000);
});
