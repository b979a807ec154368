// The onboarding path on the local stack for the vendors added after the first three: a Klaviyo account, a
// Mailchimp audience and a Lightspeed eCom shop on their simulated vendors, with config check, connect and doctor.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../local/local-stack.js';
import { sharedDynamo } from '../test/support/shared-stack.js';
import { fixturesOf } from '../connectors/sdk/testing/index.js';
import type { KlaviyoSimulator } from '../connectors/klaviyo/simulator.js';
import type { MailchimpSimulator } from '../connectors/mailchimp/simulator.js';
import type { EcomSimulator } from '../connectors/lightspeed-ecom/simulator.js';
import { runCli } from './main.js';

const T = 'onboard-mail';
const INSTANCES = ['email', 'news', 'shop'];
// Documented examples: Klaviyo's email-delivered event, Mailchimp's subscribe, a Lightspeed eCom customers body.
const KLAVIYO_EVENT = fixturesOf('klaviyo').json<{ data: Array<{ payload: { data: unknown } }> }>('email-delivered.json').data[0]!.payload
  .data;
const MAILCHIMP_SUBSCRIBE = fixturesOf('mailchimp').json<Record<string, string>>('subscribe.json');
const ECOM_CUSTOMER = fixturesOf('lightspeed-ecom').json<unknown>('customers-created.json');
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
  dir = mkdtempSync(join(tmpdir(), 'syncline-onboard-mail-'));
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
            { id: 'email', connector: 'klaviyo', webhooks: true, settings: simulated },
            { id: 'news', connector: 'mailchimp', webhooks: true, settings: { listId: 'a6b5da1054', ...simulated } },
            { id: 'shop', connector: 'lightspeed-ecom', webhooks: true, settings: { currency: 'EUR', ...simulated } },
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

describe('onboarding Klaviyo, Mailchimp and Lightspeed eCom with config check, connect and doctor', () => {
  it('subscribes at the vendors, accepts their deliveries, changes nothing the second time, and doctor finds what drifted', async () => {
    expect((await syncline('config', 'check')).code).toBe(0);
    for (const instance of INSTANCES) {
      const { code, out, err } = await syncline('connect', T, instance);
      expect(code, `${instance}: ${out}${err}`).toBe(0);
    }
    const email = stack.simulators.handle<KlaviyoSimulator>(T, 'email')!;
    const news = stack.simulators.handle<MailchimpSimulator>(T, 'news')!;
    const shop = stack.simulators.handle<EcomSimulator>(T, 'shop')!;
    expect(email.webhooks.list()).toHaveLength(1);
    expect(news.webhooks.list()).toHaveLength(1);
    expect(news.webhooks.list()[0]!.url).toMatch(/\?token=/);
    expect(shop.webhooks.list().map((w) => `${w.itemGroup}.${w.itemAction}`)).toEqual([
      'customers.created',
      'customers.updated',
      'orders.created',
      'orders.updated',
      'products.created',
      'products.updated',
      'products.deleted',
    ]);

    expect((await email.webhooks.deliver('event:klaviyo.received_email', KLAVIYO_EVENT)).map((d) => d.status)).toEqual([202]);
    expect((await news.webhooks.deliver(MAILCHIMP_SUBSCRIBE)).map((d) => d.status)).toEqual([202]);
    expect((await shop.webhooks.deliver('customers', 'created', ECOM_CUSTOMER)).map((d) => d.status)).toEqual([202]);

    for (const instance of INSTANCES) {
      const { code, out } = await syncline('connect', T, instance, '--check');
      expect(code, out).toBe(0);
      expect(out).toContain('nothing to change');
    }
    expect(shop.webhooks.list()).toHaveLength(7);

    // Drift: an inactive eCom webhook, and a Mailchimp callback whose token an admin changed in Mailchimp.
    const inactive = shop.webhooks.list()[1]!;
    shop.webhooks.setActive(inactive.id, false);
    const [hook] = news.webhooks.list();
    const callback = hook!.url;
    news.webhooks.setUrl(hook!.id, callback.replace(/token=[^&]+/, 'token=a-token-someone-typed-in-0123456789'));
    const doctor = await syncline('doctor', T);
    expect(doctor.code, doctor.out + doctor.err).toBe(1);
    expect(doctor.out).toContain(`(${inactive.id}) is inactive`);
    expect(doctor.out).toContain("signs with a secret that no longer matches the instance's secret");
    expect(doctor.out).toContain(`fix: syncline connect ${T} news`);

    const reconnect = await syncline('connect', T, 'news');
    expect(reconnect.code, reconnect.out + reconnect.err).toBe(0);
    expect(news.webhooks.list()[0]!.url).toBe(callback);
    expect((await news.webhooks.deliver(MAILCHIMP_SUBSCRIBE)).map((d) => d.status)).toEqual([202]);
  }, 120_000);
});
