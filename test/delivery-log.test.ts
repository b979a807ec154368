// "Why is Bob not in Mailchimp?" on the local stack (issue 18): people enter through signed Shopify webhooks, the
// simulated Mailchimp takes Anna and refuses Bob, who unsubscribed in Mailchimp before the shop was connected: the API
// may not subscribe him again ("Member In Compliance State", see connectors/mailchimp/fixtures/SOURCES.md). Carl never
// gave consent. The delivery log answers for each, through `syncline profile`, `syncline instances` and the status
// page in headless Chromium (one screenshot goes to test-results/).
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSyncline } from './support/syncline-cli.js';
import type { MailchimpSimulator } from '../connectors/mailchimp/simulator.js';
import { signShopifyWebhook } from '../connectors/shopify/simulator.js';
import { fixturesOf } from '../connectors/sdk/testing/index.js';
import { SynclineConfig } from '../core/config.js';
import type { DeliveryAttempt } from '../core/delivery-log.js';
import { startLocalStack, type LocalStack } from '../local/local-stack.js';
import type { InstanceHealth } from '../operator/instance-health.js';
import type { DestinationDeliveries } from '../pipeline/delivery-log-view.js';
import { sharedDynamo } from './support/shared-stack.js';

process.env.SYNCLINE_ALLOW_PRIVATE_VENDOR_URLS ??= '1';
const TENANT = 'why-shop';
const SHOP_DOMAIN = 'why-shop.myshopify.com';
const LIST_ID = 'a6b5da1054';
const CHROMIUM = '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const SCREENSHOT = 'test-results/delivery-log.png';
const ANNA = 'anna.delivered@example.com';
const BOB = 'bob.refused@example.com';
const CARL = 'carl.noconsent@example.com';

let stack: LocalStack;
let dir: string;
let stateFile: string;
let mailchimp: MailchimpSimulator;
let seq = 0;

const syncline = (...argv: string[]) => runSyncline(stateFile, ...argv);

async function shop(topic: string, body: Record<string, unknown>): Promise<void> {
  const secret = stack.simulators.secretsFor(TENANT, 'shopify')?.webhookSecret as string;
  const text = JSON.stringify(body);
  const response = await fetch(`${stack.url}/webhooks/${TENANT}/shopify`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': topic,
      'x-shopify-shop-domain': SHOP_DOMAIN,
      'x-shopify-webhook-id': `why-${process.pid}-${++seq}`,
      ...signShopifyWebhook(text, secret),
    },
    body: text,
  });
  expect(response.status, topic).toBe(202);
}

const at = new Date(Date.now() - 60_000).toISOString();
const customer = (id: number, email: string, firstName: string) => ({
  ...fixturesOf('shopify').json<Record<string, unknown>>('customers-create.json'),
  id,
  email,
  first_name: firstName,
  last_name: 'Example',
  phone: null,
  created_at: at,
  updated_at: at,
});
const subscribed = (id: number, email: string) => ({
  customer_id: id,
  email_address: email,
  email_marketing_consent: { state: 'subscribed', opt_in_level: 'single_opt_in', consent_updated_at: at },
});

async function mailchimpOf(email: string): Promise<DestinationDeliveries> {
  const { code, out, err } = await syncline('profile', TENANT, email, '--json');
  expect(code, err).toBe(0);
  const view = JSON.parse(out) as { deliveries: DestinationDeliveries[] };
  return view.deliveries.find((d) => d.instance === 'mailchimp')!;
}
const deliveriesOf = async (email: string): Promise<DeliveryAttempt[]> => (await mailchimpOf(email)).attempts;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'syncline-deliveries-'));
  stateFile = join(dir, 'local.json');
  stack = await startLocalStack({
    config: SynclineConfig.parse({
      tenants: [
        {
          id: TENANT,
          instances: [
            { id: 'shopify', connector: 'shopify', webhooks: true, settings: { shopDomain: SHOP_DOMAIN, apiBaseUrl: 'simulator' } },
            { id: 'mailchimp', connector: 'mailchimp', push: true, settings: { listId: LIST_ID, apiBaseUrl: 'simulator' } },
          ],
        },
      ],
    }),
    port: 0,
    pollAtStart: false,
    visibilityTimeout: 2,
    maxReceiveCount: 2,
    stateFile,
    ...sharedDynamo(),
  });
  mailchimp = stack.simulators.handle<MailchimpSimulator>(TENANT, 'mailchimp') as MailchimpSimulator;
  // Bob unsubscribed from the audience in Mailchimp itself, long before the shop was connected to it.
  mailchimp.seedMember(BOB, 'unsubscribed', {}, '2025-03-01T10:00:00+00:00');

  await shop('customers/create', customer(7101, ANNA, 'Anna'));
  await shop('customers/create', customer(7102, BOB, 'Bob'));
  await shop('customers/create', customer(7103, CARL, 'Carl'));
  await stack.waitUntilIdle(60_000);
  // Anna and Bob tick the newsletter box in the shop; Carl never does.
  await shop('customers/email_marketing_consent_update', subscribed(7101, ANNA));
  await shop('customers/email_marketing_consent_update', subscribed(7102, BOB));
  await stack.waitUntilIdle(60_000);
}, 180_000);

afterAll(async () => {
  await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('why is someone not at a destination (delivery log, issue 18)', () => {
  it("shows the delivery to Mailchimp for Anna and its refusal, with Mailchimp's reason, for Bob", async () => {
    expect(mailchimp.members().find((m) => m.email_address === ANNA)?.status).toBe('subscribed');
    expect(mailchimp.members().find((m) => m.email_address === BOB)?.status, 'Mailchimp kept Bob unsubscribed').toBe('unsubscribed');

    const anna = await deliveriesOf(ANNA);
    expect(anna[0]).toMatchObject({ outcome: 'delivered', fields: expect.arrayContaining(['consentEmailMarketing']) });
    expect(
      anna.map((a) => a.outcome),
      'before her consent nothing was written for her: the log starts with the delivery',
    ).toEqual(['delivered']);

    const bob = await deliveriesOf(BOB);
    expect(bob[0]).toMatchObject({
      outcome: 'rejected',
      reason: expect.stringMatching(/^Mailchimp refused the member \(ERROR_GENERIC\): .* is in a compliance state due to unsubscribe/),
      fields: expect.arrayContaining(['consentEmailMarketing']),
    });
    expect(JSON.stringify(bob), 'the reason carries no address').not.toContain('bob.refused');

    // Carl never consented: nothing was written for him, and his consent says why.
    expect(await mailchimpOf(CARL)).toMatchObject({ attempts: [], purpose: 'email_marketing', consented: false });
    expect((await syncline('profile', TENANT, CARL)).out).toMatch(/mailchimp\s+-\s+not sent: no email_marketing consent/);

    const text = await syncline('profile', TENANT, BOB);
    expect(text.out).toMatch(/^destination\s+when\s+outcome\s+reason\s+fields sent/m);
    expect(text.out).toMatch(
      /mailchimp\s+\S+\s+rejected\s+Mailchimp refused the member \(ERROR_GENERIC\): <e-mail> is in a compliance state/,
    );
    expect((await syncline('profile', TENANT, ANNA)).out).toMatch(/mailchimp\s+\S+\s+delivered\s+-\s+.*consentEmailMarketing/);
  });

  it('counts the outcomes per destination in `syncline instances`, without reading any log', async () => {
    const { code, out, err } = await syncline('instances', TENANT, '--json');
    expect(code, err).toBe(0);
    const rows = JSON.parse(out) as InstanceHealth[];
    expect(rows.find((r) => r.instanceId === 'shopify')?.deliveries, 'a source has no deliveries').toBeUndefined();
    const counted = rows.find((r) => r.instanceId === 'mailchimp')?.deliveries;
    expect(counted).toMatchObject({ delivered: 1, rejected: 1, retrying: 0 });
    // Every change not sent for want of consent: at least the three customers created before any consent (a person's
    // create may reach the push as more than one message, each counted).
    expect(counted?.skippedConsent).toBeGreaterThanOrEqual(3);
    const text = await syncline('instances', TENANT);
    expect(text.out).toMatch(/deliveries \(delivered\/skipped for consent\/rejected\/retrying\)/);
    expect(text.out).toMatch(new RegExp(`why-shop\\s+mailchimp\\s+mailchimp\\s+.*\\s1/${counted?.skippedConsent}/1/0\\s*$`, 'm'));
  });

  const haveChromium = existsSync(CHROMIUM);
  describe.skipIf(!haveChromium && !process.env.CI)('on the status page in headless Chromium', () => {
    let context: BrowserContext;
    let page: Page;
    let profileDir: string;

    beforeAll(async () => {
      expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: .ci/run installs Debian's chromium package`).toBe(true);
      profileDir = mkdtempSync(join(tmpdir(), 'syncline-chromium-'));
      context = await chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM, headless: true, args: FLAGS });
      page = context.pages()[0] ?? (await context.newPage());
    }, 60_000);

    afterAll(async () => {
      await context?.close();
      if (profileDir) rmSync(profileDir, { recursive: true, force: true });
    });

    async function search(email: string) {
      await page.goto(`${stack.url}/`);
      await page.getByLabel('Tenant', { exact: true }).selectOption(TENANT);
      await page.getByLabel('E-mail address or profile id').fill(email);
      await page.keyboard.press('Enter');
      await page.waitForURL(new RegExp(`q=${encodeURIComponent(email).replace(/\./g, '\\.')}`));
      return page.getByRole('table', { name: 'Deliveries to destinations, newest first' });
    }

    it("shows Bob's refusal with Mailchimp's reason and Anna's delivery in the profile view, and takes a screenshot", async () => {
      const bob = await search(BOB);
      const refused = bob.locator('tbody tr').first();
      expect(await refused.getAttribute('data-outcome')).toBe('rejected');
      const cells = (await refused.innerText()).split('\t').map((s) => s.trim());
      expect(cells[0]).toBe('mailchimp (mailchimp)');
      expect(cells[2]).toBe('rejected by the vendor');
      expect(cells[3]).toMatch(/Mailchimp refused the member \(ERROR_GENERIC\): <e-mail> is in a compliance state/);
      mkdirSync('test-results', { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
      expect(existsSync(SCREENSHOT)).toBe(true);

      const anna = await search(ANNA);
      const outcomes = await anna.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-outcome')));
      expect(outcomes).toEqual(['delivered']);
      expect(await anna.locator('tbody tr').first().innerText()).toMatch(/delivered\s+—\s+consent\w*(, consent\w*)*, email, firstName/);

      const counted = await page.locator(`[data-metric="deliveries-${TENANT}-mailchimp"]`).innerText();
      expect(counted, 'the instance row counts them too').toMatch(/^1 delivered, \d+ skipped for consent, 1 rejected, 0 retrying$/);

      const carl = await search(CARL);
      expect((await carl.locator('tbody tr').first().innerText()).split('\t').map((s) => s.trim())).toEqual([
        'mailchimp (mailchimp)',
        '—',
        'not sent: no email_marketing consent',
        '—',
        '—',
      ]);
    });
  });
});
