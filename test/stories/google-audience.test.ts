// Issue 18, Google Customer Match, entered only through connectors: customers order by signed Shopify webhooks and
// answer the website's consent banner through its collect route (syncline.js's batches); the simulated Google Ads
// account's user lists follow the segments for the person who granted advertising: joined 'new' → added, lapsed (the
// clock moves on, the sweep re-evaluates) → removed from 'new' and added to 'lapsed', advertising withdrawn → removed,
// `syncline erase` → removed from every list with a receipt. The customer who refused advertising is never sent.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSyncline } from '../support/syncline-cli.js';
import { SynclineConfig } from '../../core/config.js';
import type { CustomerMatchSimulator } from '../../connectors/google-customer-match/simulator.js';
import { startLocalStack, type LocalStack } from '../../local/local-stack.js';
import { sharedDynamo } from '../support/shared-stack.js';
import { collect, DAY, shopifyOrder, shopifyWebhook, StoryClock } from '../support/story-stack.js';

const T = 'ads-shop';
const SHOP = { tenant: T, instance: 'shopify', shopDomain: 'ads-story.myshopify.com' };
const SITE = { tenant: T, site: 'web', writeKey: 'pk_ads_web_0123456789', origin: 'https://fietsen.example' };
const NEW = '1002';
const LAPSED = '1001';
const ANNA = { email: 'anna.jansen@fietsen.example', customerId: 830_001, visitor: 'visitor-anna-0001' };
const BRAM = { email: 'bram@fietsen.example', customerId: 830_002, visitor: 'visitor-bram-0001' };
const BIKE = { id: 9301, sku: 'FIETS-CITY', title: 'Stadsfiets', price: '649.00' };

// Vendor times may not lie ahead of the stack's clock, so the story starts 60 days ago and the clock walks to now.
const clock = new StoryClock();
const NOW = clock.now;
clock.now = new Date(NOW.getTime() - 60 * DAY);

let stack: LocalStack;
let dir: string;
let stateFile: string;

const config = SynclineConfig.parse({
  tenants: [
    {
      id: T,
      instances: [
        { id: 'shopify', connector: 'shopify', webhooks: true, settings: { shopDomain: SHOP.shopDomain, apiBaseUrl: 'simulator' } },
        {
          id: 'web',
          connector: 'website',
          settings: {
            writeKey: SITE.writeKey,
            origins: [SITE.origin],
            purposes: ['analytics', 'advertising'],
            customerIdInstance: 'shopify',
          },
        },
        {
          id: 'google',
          connector: 'google-customer-match',
          push: true,
          settings: {
            apiBaseUrl: 'simulator',
            customerId: '123-456-7890',
            audiences: [
              { segment: 'new', audienceId: NEW },
              { segment: 'lapsed', audienceId: LAPSED },
            ],
          },
        },
      ],
      campaigns: { giftSeasons: [], segments: { lapsedDefaultDays: 45 } },
    },
  ],
});

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'syncline-google-audience-'));
  stateFile = join(dir, 'local.json');
  stack = await startLocalStack({
    config,
    port: 0,
    pollAtStart: false,
    visibilityTimeout: 2,
    maxReceiveCount: 3,
    sampleCustomers: 0,
    stateFile,
    now: () => clock.now,
    ...sharedDynamo(),
  });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const google = () => stack.simulators.handle<CustomerMatchSimulator>(T, 'google')!;
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/** Google processes a job in its own time (a second on the local stack): wait for the list to show it. */
async function until(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const inList = (list: string, email: string) => google().hasMember(list, { email });

/** A banner answer from the person's browser, logged in (the shop's customer id joins the visit to them). */
function banner(who: typeof ANNA, advertising: boolean, seq: number): Promise<number> {
  const at = (s: number) => new Date(clock.now.getTime() - 60_000 + s * 1000).toISOString();
  return collect(stack, SITE, who.visitor, [
    {
      type: 'identify',
      id: `${who.visitor}-${seq}-i`,
      at: at(0),
      url: '/account',
      data: { email: who.email, customerId: String(who.customerId), via: 'login' },
    },
    {
      type: 'consent',
      id: `${who.visitor}-${seq}-c`,
      at: at(1),
      url: '/account',
      data: { analytics: true, personalisation: false, advertising },
    },
  ]);
}

const syncline = (...argv: string[]) => runSyncline(stateFile, ...argv);

describe('Google Customer Match follows the segments, through connectors', () => {
  it('adds on joining, moves on lapsing, removes on withdrawal and on erasure; the customer who refused is never sent', async () => {
    // Both buy a bike online; Anna accepts the banner's marketing cookies (advertising), Bram refuses them.
    const orders = [
      await shopifyWebhook(stack, SHOP, 'orders/create', shopifyOrder({ id: 73_001, ...ANNA, at: clock.ago(2) }, [BIKE])),
      await shopifyWebhook(stack, SHOP, 'orders/create', shopifyOrder({ id: 73_002, ...BRAM, at: clock.ago(2) }, [BIKE])),
    ];
    expect(new Set(orders), 'every signed webhook accepted').toEqual(new Set([202]));
    await stack.waitUntilIdle(60_000);
    expect(await banner(ANNA, true, 1)).toBeLessThan(300);
    expect(await banner(BRAM, false, 1)).toBeLessThan(300);
    await stack.waitUntilIdle(60_000);

    // Joined 'new' with advertising consent: in the 'new' list (hashed as Google asks), not in 'lapsed'.
    await until(() => inList(NEW, ANNA.email), 'Anna in the new-customers list');
    expect(inList(LAPSED, ANNA.email)).toBe(false);
    const profile = await stack.findProfile(T, { email: ANNA.email });
    expect(profile?.consent.advertising?.granted, 'the banner answer reached the profile').toBe(true);

    // 50 days on without another order: no longer new, lapsed. The sweep re-evaluates the segments.
    clock.now = new Date(NOW.getTime() - 10 * DAY);
    await stack.sweep(T);
    await stack.waitUntilIdle(60_000);
    await until(() => inList(LAPSED, ANNA.email) && !inList(NEW, ANNA.email), 'Anna moved from new to lapsed');

    // She withdraws the marketing cookies on the banner: out of every list.
    clock.later(60);
    expect(await banner(ANNA, false, 2)).toBeLessThan(300);
    await stack.waitUntilIdle(60_000);
    await until(() => !inList(LAPSED, ANNA.email), 'Anna removed after withdrawing advertising');
    expect(inList(NEW, ANNA.email)).toBe(false);

    // She accepts again (back in 'lapsed'), then asks to be forgotten.
    clock.later(60);
    expect(await banner(ANNA, true, 3)).toBeLessThan(300);
    await stack.waitUntilIdle(60_000);
    await until(() => inList(LAPSED, ANNA.email), 'Anna back in the lapsed list after granting again');

    const erased = await syncline('erase', T, ANNA.email, '--wait', '--json');
    expect(erased.code, erased.err).toBe(0);
    const receipt = JSON.parse(erased.out) as { state: string; destinations: { instance: string; status: string }[] };
    expect(receipt).toMatchObject({ erased: true, state: 'settled' });
    expect(receipt.destinations, 'the receipt names Google as confirmed').toEqual([
      expect.objectContaining({ instance: 'google', status: 'confirmed' }),
    ]);
    for (const list of [NEW, LAPSED]) expect(inList(list, ANNA.email), `Anna erased from list ${list}`).toBe(false);
    const removal = google()
      .jobs()
      .filter((j) => j.kind === 'remove')
      .map((j) => j.userList.split('/').at(-1));
    expect(new Set(removal), 'the erasure ran a remove job on every configured list').toEqual(new Set([NEW, LAPSED]));

    // Bram is in both segments' history too, and refused advertising: Google never received his hash.
    const sent = google()
      .operations()
      .flatMap((o) => o.hashes);
    expect(sent).toContain(sha256(ANNA.email));
    expect(sent).not.toContain(sha256(BRAM.email));
    expect(
      google()
        .jobs()
        .filter((j) => j.kind === 'create')
        .every((j) => j.consent?.adUserData === 'GRANTED' && j.consent.adPersonalization === 'GRANTED'),
      'every add job carries the consent Google requires',
    ).toBe(true);
  }, 240_000);
});
