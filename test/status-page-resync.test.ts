// The status page's resync buttons in Debian's Chromium: a full resync of the tenant's Copernica destination is
// started from the page, and the page shows its progress until the job is complete, with the counts of the stores.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SynclineConfig } from '../core/config.js';
import { startLocalStack, type LocalStack } from '../local/local-stack.js';
import { feedStory, operatorTenant } from './support/operator-stack.js';
import { sharedDynamo } from './support/shared-stack.js';

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
process.env.SYNCLINE_ALLOW_PRIVATE_VENDOR_URLS ??= '1';
const TENANT = 'resync-page-shop';
const SCREENSHOT = 'test-results/status-page-resync.png';
const haveChromium = existsSync(CHROMIUM);

describe.skipIf(!haveChromium && !process.env.CI)('status page resync in headless Chromium', () => {
  let stack: LocalStack;
  let context: BrowserContext;
  let page: Page;
  let profileDir: string;

  beforeAll(async () => {
    stack = await startLocalStack({
      config: SynclineConfig.parse({ tenants: [operatorTenant(TENANT)] }),
      port: 0,
      pollAtStart: false,
      visibilityTimeout: 2,
      maxReceiveCount: 2,
      ...sharedDynamo(),
    });
    await feedStory(stack, TENANT);
    await stack.waitUntilIdle();
    profileDir = mkdtempSync(join(tmpdir(), 'syncline-chromium-'));
    context = await chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM, headless: true, args: FLAGS });
    page = context.pages()[0] ?? (await context.newPage());
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await stack?.stop();
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  });

  it('starts a full resync with its button and shows its progress until it is complete', async () => {
    let consenting = 0;
    let others = 0;
    for await (const p of stack.profiles.listProfiles(TENANT)) p.consent.email_marketing?.granted ? consenting++ : others++;
    expect(consenting, 'the story has people who agreed to e-mail').toBeGreaterThan(0);

    await page.goto(`${stack.url}/`);
    const state = page.locator('[data-metric="resync-state-copernica"]');
    expect(await state.innerText()).toBe('never run');
    await page.getByRole('button', { name: 'Full resync of copernica' }).click();
    await page.waitForURL(/resync=started/);
    expect(await page.getByRole('status').innerText()).toMatch(/Resync of copernica: started/);

    await expect
      .poll(
        async () => {
          await page.reload();
          return state.innerText();
        },
        { timeout: 60_000, interval: 500 },
      )
      .toBe('complete');
    expect(await page.locator('[data-metric="resync-progress-copernica"]').innerText()).toBe(
      `${consenting + others} of ${consenting + others} profiles (100 %)`,
    );
    expect(Number(await page.locator('[data-metric="resync-pushed-copernica"]').innerText()), 'full: every consenting profile again').toBe(
      consenting,
    );
    expect(Number(await page.locator('[data-metric="resync-skipped-copernica"]').innerText())).toBe(others);
    expect(await page.locator('tr[data-resync="copernica"]').innerText()).toMatch(/full, started .* 1 run\(s\)/);
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(await page.locator('script').count(), 'still no script on the page').toBe(0);
  }, 120_000);
});
