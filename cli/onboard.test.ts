// The onboarding path on the local stack: config check, connect, doctor, for a new tenant with a Shopify, a
// WooCommerce and a Square instance on their simulated vendors.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../local/local-stack.js';
import { sharedDynamo } from '../test/support/shared-stack.js';
import type { ShopifySimulator } from '../connectors/shopify/simulator.js';
import type { WooCommerceSimulator } from '../connectors/woocommerce/simulator.js';
import type { SquareSimulator } from '../connectors/square/simulator.js';
import { runCli } from './main.js';

const T = 'onboard-shop';
// A customer.updated notification's data.object, as in connectors/square/fixtures/customer-updated.json.
const SQUARE_TOPIC = 'customer.updated';
const SQUARE_PAYLOAD = {
  customer: {
    id: 'A0AP25A6SCVTH8JES9BX01GXM4',
    created_at: '2022-07-09T18:23:01.795Z',
    updated_at: '2026-03-01T10:00:00Z',
    email_address: 'till.customer@example.com',
    given_name: 'Till',
    family_name: 'Customer',
    version: 1,
  },
};
let stack: LocalStack;
let dir: string;
let stateFile: string;
let configFile: string;

async function syncline(...argv: string[]) {
  let out = '';
  let err = '';
  const io = { out: (t: string) => void (out += t), err: (t: string) => void (err += t), isTTY: false };
  const code = await runCli([...argv, '--state-file', stateFile, '--config', configFile], io, {});
  return { code, out, err };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'syncline-onboard-'));
  stateFile = join(dir, 'local.json');
  configFile = join(dir, 'syncline.config.json');
  process.env.SYNCLINE_SECRETS_FILE = join(dir, 'secrets.local.json');
  const simulated = { apiBaseUrl: 'simulator' };
  writeFileSync(
    configFile,
    JSON.stringify({
      tenants: [
        {
          id: T,
          instances: [
            { id: 'shop', connector: 'shopify', webhooks: true, settings: { shopDomain: 'onboard.myshopify.com', ...simulated } },
            { id: 'woo', connector: 'woocommerce', webhooks: true, settings: simulated },
            { id: 'pos', connector: 'square', webhooks: true, settings: { locationIds: ['L1AMSTERDAM0'], ...simulated } },
          ],
        },
      ],
    }),
  );
  stack = await startLocalStack({ configFile, port: 0, pollAtStart: false, stateFile, ...sharedDynamo() });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  delete process.env.SYNCLINE_SECRETS_FILE;
  rmSync(dir, { recursive: true, force: true });
});

describe('onboarding a tenant with config check, connect and doctor', () => {
  it('subscribes at the vendors, accepts their signed deliveries, changes nothing the second time, and doctor finds a disabled webhook', async () => {
    expect((await syncline('config', 'check')).code).toBe(0);
    for (const instance of ['shop', 'woo', 'pos']) {
      const { code, out, err } = await syncline('connect', T, instance);
      expect(code, `${instance}: ${out}${err}`).toBe(0);
    }
    const shop = stack.simulators.handle<ShopifySimulator>(T, 'shop')!;
    const woo = stack.simulators.handle<WooCommerceSimulator>(T, 'woo')!;
    const pos = stack.simulators.handle<SquareSimulator>(T, 'pos')!;
    // Six customer/order/checkout topics and products/create|update|delete (the catalog).
    expect(shop.subscriptions.list()).toHaveLength(9);
    // Customer and order created/updated, and product created/updated/deleted/restored (the catalog).
    expect(woo.webhooks.list().map((w) => w.status)).toEqual(Array(8).fill('active'));
    expect(pos.subscriptions.list()).toHaveLength(1);

    const customer = { id: 1, email: 'new.customer@example.com', first_name: 'New', last_name: 'Customer' };
    expect(
      (await shop.subscriptions.deliver('customers/update', { ...customer, updated_at: new Date().toISOString() })).map((d) => d.status),
    ).toEqual([202]);
    expect(
      (await woo.webhooks.deliver('customer.updated', { ...customer, date_modified_gmt: '2026-03-01T10:00:00' })).map((d) => d.status)[0],
    ).toBeLessThan(300);
    // Square signs the notification URL: the stack filled settings.notificationUrl with its webhook URL once it listened
    // (the config names none), and connect registered the same URL.
    const posSettings = stack.config.tenants.find((t) => t.id === T)!.instances.find((i) => i.id === 'pos')!.settings;
    expect(posSettings.notificationUrl).toBe(`${stack.url}/webhooks/${T}/pos`);
    expect(pos.subscriptions.list().map((s) => s.notification_url)).toEqual([posSettings.notificationUrl]);
    expect((await pos.subscriptions.deliver(SQUARE_TOPIC, SQUARE_PAYLOAD)).map((d) => d.status)).toEqual([202]);

    for (const instance of ['shop', 'woo', 'pos']) {
      const { code, out } = await syncline('connect', T, instance, '--check');
      expect(code, out).toBe(0);
      expect(out).toContain('nothing to change');
    }
    expect(shop.subscriptions.list()).toHaveLength(9);

    const disabled = woo.webhooks.list()[0]!;
    woo.webhooks.setStatus(disabled.id, 'disabled');
    const doctor = await syncline('doctor', T);
    expect(doctor.code, doctor.out + doctor.err).toBe(1);
    expect(doctor.out).toContain(`(${disabled.id}) is disabled`);
    expect(doctor.out).toContain(`fix: syncline connect ${T} woo`);
    expect(doctor.out).toMatch(/ok +settings +notificationUrl is the subscription's URL/);
  }, 120_000);
});
