// The status page in a real browser: Debian's Chromium driven by playwright-core against a local stack fed with
// signed webhooks. One screenshot goes to test-results/; the numbers on the page are checked against the stores.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SynclineConfig } from '../core/config.js';
import type { QuarantineEntry } from '../core/ports.js';
import { runtime } from '../lambdas/runtime.js';
import { startLocalStack, type LocalStack } from '../local/local-stack.js';
import { feedStory, operatorTenant, quarantineAcceptable } from './support/operator-stack.js';
import { sharedDynamo } from './support/shared-stack.js';

const CHROMIUM = '/usr/bin/chromium';
// The flags this machine's Chromium needs: no sandbox as root, and no background connections to Google's hosts.
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
// The simulated vendors listen on 127.0.0.1; the SDK's private-address guard (in progress in connectors/sdk) lets them through with this.
process.env.SYNCLINE_ALLOW_PRIVATE_VENDOR_URLS ??= '1';
const TENANT = 'page-shop';
export const SCREENSHOT = 'test-results/status-page.png';

const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && !process.env.CI) {
  console.warn(
    `status page browser test skipped: ${CHROMIUM} is missing (apt-get install chromium); with CI set it runs and fails instead`,
  );
}

describe.skipIf(!haveChromium && !process.env.CI)('status page in headless Chromium', () => {
  let stack: LocalStack;
  let context: BrowserContext;
  let page: Page;
  let profileDir: string;
  let fixed: QuarantineEntry;
  let countedAt: string | undefined;

  beforeAll(async () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: .ci/run installs Debian's chromium package`).toBe(true);
    stack = await startLocalStack({
      config: SynclineConfig.parse({ tenants: [operatorTenant(TENANT)] }),
      port: 0,
      pollAtStart: false,
      visibilityTimeout: 2,
      maxReceiveCount: 2,
      ...sharedDynamo(),
    });
    await feedStory(stack, TENANT);
    fixed = await quarantineAcceptable(stack, TENANT, 'fixed.page@example.com');
    // The page shows the counts of the last stats run (the sweep's, daily by default), not a read of every profile.
    await stack.waitUntilIdle();
    countedAt = (await stack.sweep(TENANT))[0]?.computedAt;
    await stack.waitUntilIdle();
    profileDir = mkdtempSync(join(tmpdir(), 'syncline-chromium-'));
    context = await chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM, headless: true, args: FLAGS });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('dialog', (dialog) => {
      throw new Error(`the page opened a dialog (${dialog.message()}): something was not escaped`);
    });
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await stack?.stop();
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  });

  async function metric(name: string): Promise<number> {
    return Number(await page.locator(`[data-metric="${name}"]`).innerText());
  }
  async function storeCounts() {
    let profiles = 0;
    for await (const _ of stack.profiles.listProfiles(TENANT)) profiles++;
    return { profiles, quarantine: (await runtime().webhook.quarantine.list(TENANT, 1_000)).length, queues: await stack.queueDepths() };
  }

  it('shows per-instance health, queues, quarantine and counts that match the stores, and takes a screenshot', async () => {
    await stack.waitUntilIdle();
    await page.goto(`${stack.url}/`);
    expect(await page.title()).toBe('syncline status');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toMatch(/syncline status/);
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(existsSync(SCREENSHOT)).toBe(true);

    const store = await storeCounts();
    expect(await metric(`profiles-${TENANT}`), 'profile count').toBe(store.profiles);
    expect(countedAt).toBeDefined();
    expect(await page.locator(`[data-metric="counted-${TENANT}"] time`).getAttribute('datetime'), 'when it was counted').toBe(countedAt);
    expect(await metric(`quarantine-${TENANT}`), 'quarantine count').toBe(store.quarantine);
    expect(store.quarantine, 'the malformed delivery and the acceptable one').toBe(2);
    for (const queue of ['changes', 'push', 'changesDlq', 'pushDlq'])
      expect(await metric(`queue-${queue}`), `${queue} depth`).toBe(store.queues[queue]);

    const shopifyRow = page.getByRole('row', { name: /shopify \(shopify\)/ });
    await expect.poll(() => shopifyRow.innerText()).toMatch(/ok/);
    expect(await shopifyRow.locator('svg[role="img"]').getAttribute('aria-label')).toMatch(/events in the last 30 minutes/);
    expect(await page.locator(`[data-metric="segments-${TENANT}"]`).innerText()).toMatch(/repeat \d+/);
  });

  it('shows an attacker-influenced reason as text, never as markup', async () => {
    const row = page.locator(`tr[data-quarantine-id="${fixed.id}"]`);
    expect(await row.locator('code').innerText()).toContain('<script>alert("reason")</script>');
    expect(await page.locator('script').count(), 'the page has no script element at all').toBe(0);
  });

  it('replays a quarantined delivery with its button and shows the outcome', async () => {
    await page.getByRole('button', { name: `Replay quarantined delivery ${fixed.id} of shopify` }).click();
    await page.waitForURL(/replayed=replayed/);
    expect(await page.getByRole('status').innerText()).toMatch(new RegExp(`Replay of ${fixed.id}: replayed`));
    await stack.waitUntilIdle();
    await page.reload();
    const store = await storeCounts();
    expect(store.quarantine).toBe(1);
    expect(await metric(`quarantine-${TENANT}`)).toBe(1);
    // A count as old as the last stats run, shown with its time: the replayed profile is counted by the next run.
    expect(await metric(`profiles-${TENANT}`), 'counted before the replay').toBe(store.profiles - 1);
    expect(await stack.findProfile(TENANT, { email: 'fixed.page@example.com' })).toBeDefined();
  });

  it('finds a profile from the keyboard and shows the source of every field', async () => {
    await page.getByLabel('Tenant', { exact: true }).selectOption(TENANT);
    await page.getByLabel('E-mail address or profile id').fill('bob.smit@example.com');
    await page.keyboard.press('Enter');
    await page.waitForURL(/q=bob.smit/);
    const fields = page.getByRole('table', { name: 'Fields, each with the source whose value won' });
    const firstName = fields.getByRole('row', { name: /firstName/ });
    expect((await firstName.innerText()).split('\t').map((s) => s.trim())).toEqual(
      expect.arrayContaining(['firstName', 'Robert', 'shopify']),
    );
    const rows = await fields.locator('tbody tr').count();
    const bob = await stack.findProfile(TENANT, { email: 'bob.smit@example.com' });
    expect(rows, 'one row per field of the stored profile').toBe(Object.keys(bob!.fields).length);
    expect(await page.locator('[data-profile-id]').getAttribute('data-profile-id')).toBe(bob!.profileId);
  });

  it('answers only to the local machine and refuses cross-site posts', async () => {
    const port = new URL(stack.url).port;
    const status = (method: string, path: string, headers: Record<string, string>) =>
      new Promise<number>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    expect(await status('GET', '/', { host: 'attacker.example' }), 'DNS rebinding').toBe(421);
    expect(
      await status('POST', `/status/quarantine/${TENANT}/x/replay`, { host: `127.0.0.1:${port}`, origin: 'https://attacker.example' }),
      'CSRF',
    ).toBe(403);
  });
});
