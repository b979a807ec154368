// Retargeting on Meta (issue 18), entered only through connectors: Anna grants the advertising purpose in the shop's
// consent banner (the website's collect batch) and orders by a signed Shopify webhook; her segment moves her between
// the simulated Meta Custom Audiences ("new" → "lapsed" as the clock passes), withdrawing the purpose removes her,
// granting it again brings her back, and `syncline erase` removes her from every audience with a receipt. Bob orders
// too but grants analytics only: Meta is never told about him.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SynclineConfig } from '../../core/config.js';
import { sha256 } from '../../connectors/meta-audiences/hashing.js';
import type { MetaAudiencesSimulator } from '../../connectors/meta-audiences/simulator.js';
import { runSyncline } from '../support/syncline-cli.js';
import { startLocalStack, type LocalStack } from '../../local/local-stack.js';
import { sharedDynamo } from '../support/shared-stack.js';
import { collect, DAY, shopifyOrder, shopifyWebhook, StoryClock, type Json } from '../support/story-stack.js';

const T = 'ads-story';
const SHOP = { tenant: T, instance: 'shopify', shopDomain: 'ads-story.myshopify.com' };
const SITE = { tenant: T, site: 'web', writeKey: 'pk_ads_story_web_0123456789', origin: 'https://fietsen.example' };
const AUD_NEW = '23850000000000101';
const AUD_LAPSED = '23850000000000102';
const ANNA = { email: 'anna.visser@fietsen.example', customer: 830_001, visitor: 'visitor-anna-0001' };
const BOB = { email: 'bob.bakker@fietsen.example', customer: 830_002, visitor: 'visitor-bob-00001' };
const PRODUCT = { id: 9301, sku: 'FIETS-CITY', title: 'Stadsfiets', price: '649.00' };

// Vendor times may not lie ahead of the stack's clock: the story starts 60 days ago and the clock walks towards now.
const clock = new StoryClock();
clock.now = new Date(Math.floor((Date.now() - 60 * DAY) / 60_000) * 60_000);

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
          id: 'meta',
          connector: 'meta-audiences',
          push: true,
          settings: {
            apiBaseUrl: 'simulator',
            audiences: [
              { segment: 'new', audienceId: AUD_NEW },
              { segment: 'lapsed', audienceId: AUD_LAPSED },
            ],
          },
        },
      ],
      campaigns: { giftSeasons: [], segments: { lapsedDefaultDays: 45 } },
    },
  ],
});

let stack: LocalStack;
let dir: string;
let stateFile: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'syncline-meta-story-'));
  stateFile = join(dir, 'local.json');
  stack = await startLocalStack({
    config,
    port: 0,
    pollAtStart: false,
    visibilityTimeout: 2,
    maxReceiveCount: 2,
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

const syncline = (...argv: string[]) => runSyncline(stateFile, ...argv);

const meta = () => stack.simulators.handle<MetaAudiencesSimulator>(T, 'meta')!;
const hashed = (email: string) => sha256(email);
const members = (audienceId: string) =>
  meta()
    .members(audienceId)
    .map((m) => m.email);

let eventSeq = 0;
/** The banner's answer as syncline.js posts it, from the person's browser. */
function banner(person: typeof ANNA, choice: { analytics: boolean; advertising: boolean }, identify = false): Promise<number> {
  const at = clock.now.toISOString();
  const events: Json[] = [{ type: 'consent', id: `c${++eventSeq}`, at, url: '/', data: { ...choice, personalisation: false } }];
  if (identify)
    events.push({
      type: 'identify',
      id: `i${++eventSeq}`,
      at,
      url: '/account',
      data: { email: person.email, customerId: String(person.customer), via: 'login' },
    });
  return collect(stack, SITE, person.visitor, events);
}

const order = (person: typeof ANNA, id: number) =>
  shopifyWebhook(
    stack,
    SHOP,
    'orders/create',
    shopifyOrder({ id, email: person.email, customerId: person.customer, at: clock.ago(2) }, [PRODUCT]),
  );

describe('Meta Custom Audiences follow the segment and the advertising consent, through connectors', () => {
  it('adds, moves, removes on withdrawal, re-adds, erases with a receipt, and never sends a person without advertising consent', async () => {
    // Day 0: both accept the banner and log in; Anna also grants advertising, Bob does not. Both ordered two days ago.
    expect(await banner(ANNA, { analytics: true, advertising: true }, true)).toBeLessThan(300);
    expect(await banner(BOB, { analytics: true, advertising: false }, true)).toBeLessThan(300);
    expect(await order(ANNA, 73_001)).toBe(202);
    expect(await order(BOB, 73_002)).toBe(202);
    await stack.waitUntilIdle(60_000);
    const anna = await stack.findProfile(T, { email: ANNA.email });
    expect(anna?.consent.advertising?.granted, 'the banner recorded the advertising purpose').toBe(true);
    expect(members(AUD_NEW), 'a new customer with advertising consent joins the "new" audience').toEqual([hashed(ANNA.email)]);
    expect(members(AUD_LAPSED)).toEqual([]);

    // Day 50: the sweep finds her lapsed (no order in 45 days) and no longer new.
    clock.now = new Date(clock.now.getTime() + 50 * DAY);
    await stack.sweep(T);
    await stack.waitUntilIdle(60_000);
    expect(members(AUD_NEW), 'left the segment: removed').toEqual([]);
    expect(members(AUD_LAPSED), 'joined the segment: added').toEqual([hashed(ANNA.email)]);

    // She withdraws the advertising purpose in the banner.
    clock.later(60);
    expect(await banner(ANNA, { analytics: true, advertising: false })).toBeLessThan(300);
    await stack.waitUntilIdle(60_000);
    expect(members(AUD_LAPSED), 'withdrawn: removed from the audience').toEqual([]);

    // And grants it again: still lapsed, so back in that audience, though the change names no segment.
    clock.later(60);
    expect(await banner(ANNA, { analytics: true, advertising: true })).toBeLessThan(300);
    await stack.waitUntilIdle(60_000);
    expect(members(AUD_LAPSED), 'granted again: added again').toEqual([hashed(ANNA.email)]);

    // Erasure through the pipeline: removed from every audience, and the receipt says how Meta took it.
    clock.now = new Date();
    const erased = await syncline('erase', T, ANNA.email, '--wait', '--json');
    expect(erased.code, erased.err).toBe(0);
    const result = JSON.parse(erased.out) as {
      erased: boolean;
      state: string;
      destinations: { instance: string; status: string; reason?: string }[];
    };
    expect(result).toMatchObject({ erased: true, state: 'settled' });
    expect(result.destinations.find((d) => d.instance === 'meta')).toMatchObject({
      status: 'confirmed',
      reason: expect.stringMatching(/asynchronously/),
    });
    expect([...members(AUD_NEW), ...members(AUD_LAPSED)], 'erased: in no audience').toEqual([]);
    expect(
      meta()
        .sessions()
        .filter((s) => s.method === 'DELETE')
        .map((s) => s.audienceId)
        .sort(),
      'the erasure removed her from every configured audience',
    ).toEqual(expect.arrayContaining([AUD_NEW, AUD_LAPSED]));

    expect(meta().keysSeen(), 'Bob never granted advertising: Meta was never told about him').not.toContain(hashed(BOB.email));
    expect(await stack.findProfile(T, { email: BOB.email }), 'Bob is a customer all the same').toBeDefined();
  }, 240_000);
});
