// Engagement uplift per campaign, entered only through connectors: the customers' orders by signed Shopify webhooks
// (the audience: customers before the start), the opens and clicks of one campaign read by the poll of the simulated
// Mailchimp (its campaign email activity, opt-in with engagementDays: Mailchimp's webhooks report no opens) and of
// another by the poll of the simulated Klaviyo (its Opened/Clicked Email metrics). Each campaign's control-group report
// counts its own mails' opens and clicks only, holdout against exposed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SynclineConfig } from '../../core/config.js';
import { inHoldout } from '../../core/campaign/control-group.js';
import type { KlaviyoSimulator } from '../../connectors/klaviyo/simulator.js';
import type { MailchimpSimulator } from '../../connectors/mailchimp/simulator.js';
import type { LocalStack } from '../../local/local-stack.js';
import { computeUplift } from '../../local/uplift.js';
import { shopifyOrder, shopifyWebhook, StoryClock, startStoryStack } from '../support/story-stack.js';

const T = 'engaged-shop';
const SHOP = { tenant: T, instance: 'shopify', shopDomain: 'engaged-shop.myshopify.com' };
const MAILCHIMP_CAMPAIGN = '42694e9e57';
const KLAVIYO_CAMPAIGN = 'Newsletter week 49';
const PEOPLE = 16;
const clock = new StoryClock();

const config = SynclineConfig.parse({
  tenants: [
    {
      id: T,
      instances: [
        { id: 'shopify', connector: 'shopify', webhooks: true, settings: { shopDomain: SHOP.shopDomain, apiBaseUrl: 'simulator' } },
        {
          id: 'mailchimp',
          connector: 'mailchimp',
          pollEveryMinutes: 60,
          settings: { listId: 'a6b5da1054', apiBaseUrl: 'simulator', engagementDays: 14 },
        },
        { id: 'klaviyo', connector: 'klaviyo', pollEveryMinutes: 15, settings: { apiBaseUrl: 'simulator' } },
      ],
      campaigns: {
        giftSeasons: [],
        campaigns: [
          // Both control groups get the generic mail, so opens and clicks compare (Praxis measured them so).
          {
            id: 'winback',
            controlShare: 0.5,
            holdout: 'generic-mail',
            mails: [MAILCHIMP_CAMPAIGN],
            startsAt: clock.ago(5),
            measureDays: 30,
          },
          {
            id: 'newsletter',
            controlShare: 0.5,
            holdout: 'generic-mail',
            mails: [KLAVIYO_CAMPAIGN],
            startsAt: clock.ago(5),
            measureDays: 30,
          },
        ],
      },
    },
  ],
});

let stack: LocalStack;
beforeAll(async () => {
  stack = await startStoryStack(config, clock);
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

const email = (i: number) => `reader${i}@engaged.example`;
const PRODUCT = { id: 5501, sku: 'MUG', title: 'Mug', price: '12.50' };
const count = (n: number, keep: (k: number) => boolean) => Array.from({ length: n }, (_, k) => k).filter(keep).length;

describe('opens and clicks from Mailchimp and Klaviyo in the control-group report, per campaign', () => {
  it('counts each campaign’s own opens and clicks, exposed against the holdout, read by the two polls', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < PEOPLE; i++)
      statuses.push(
        await shopifyWebhook(
          stack,
          SHOP,
          'orders/create',
          shopifyOrder({ id: 80_000 + i, email: email(i), customerId: 900_000 + i, at: clock.ago(40) }, [PRODUCT]),
        ),
      );
    expect(new Set(statuses), 'every signed webhook accepted').toEqual(new Set([202]));
    await stack.waitUntilIdle(60_000);

    const profileIds: string[] = [];
    for (let i = 0; i < PEOPLE; i++) profileIds.push((await stack.findProfile(T, { email: email(i) }))!.profileId);
    const groups = (campaign: string) => {
      const held = profileIds.map((_, i) => i).filter((i) => inHoldout(T, campaign, profileIds[i]!, 0.5));
      return { held, exposed: profileIds.map((_, i) => i).filter((i) => !held.includes(i)) };
    };
    const winback = groups('winback');
    const newsletter = groups('newsletter');
    for (const g of [winback, newsletter]) expect(g.held.length * g.exposed.length, 'both groups have people').toBeGreaterThan(0);

    // Mailchimp: the win-back mail. Exposed: all open, three in four click; holdout: every second opens, every fourth clicks.
    const at = (days: number, minutes: number) => new Date(Date.parse(clock.ago(days)) + minutes * 60_000).toISOString();
    const activity: { email: string; action: 'open' | 'click'; timestamp: string }[] = [];
    const mailchimpRule = (n: number, exposed: boolean) => ({ open: exposed || n % 2 === 0, click: exposed ? n % 4 !== 3 : n % 4 === 0 });
    for (const [list, exposed] of [
      [winback.exposed, true],
      [winback.held, false],
    ] as const)
      for (const [n, i] of list.entries()) {
        const does = mailchimpRule(n, exposed);
        if (does.open) activity.push({ email: email(i), action: 'open', timestamp: at(3, i) });
        if (does.click) activity.push({ email: email(i), action: 'click', timestamp: at(3, i + 1) });
      }
    stack.simulators
      .handle<MailchimpSimulator>(T, 'mailchimp')!
      .addCampaignActivity({ id: MAILCHIMP_CAMPAIGN, sendTime: at(4, 0), activity });

    // Klaviyo: the newsletter. Exposed: every second opens, none clicks; holdout: every fourth opens. (Clicks: none.)
    let seq = 0;
    const klaviyoEvents = [];
    for (const [list, exposed] of [
      [newsletter.exposed, true],
      [newsletter.held, false],
    ] as const)
      for (const [n, i] of list.entries())
        if (exposed ? n % 2 === 0 : n % 4 === 0)
          klaviyoEvents.push({
            id: `4Opn${++seq}`,
            metric: 'Opened Email',
            datetime: at(2, i).replace('.000Z', '+00:00'),
            profileId: `01ENGAGED${String(i).padStart(4, '0')}`,
            email: email(i),
            properties: { 'Campaign Name': KLAVIYO_CAMPAIGN, Subject: 'This week' },
          });
    stack.simulators.handle<KlaviyoSimulator>(T, 'klaviyo')!.addEvents(klaviyoEvents);

    await stack.scheduler.runAll();
    await stack.waitUntilIdle(60_000);

    const w = (await computeUplift(stack.profiles, stack.config, T, 'winback', clock.now)).engagement;
    expect(w.comparable).toBe(true);
    expect(w.exposed, 'win-back exposed, from Mailchimp').toMatchObject({
      profiles: winback.exposed.length,
      opened: winback.exposed.length,
      clicked: count(winback.exposed.length, (k) => k % 4 !== 3),
    });
    expect(w.holdout, 'win-back holdout, from Mailchimp').toMatchObject({
      profiles: winback.held.length,
      opened: count(winback.held.length, (k) => k % 2 === 0),
      clicked: count(winback.held.length, (k) => k % 4 === 0),
    });
    expect(w.openUplift!).toBeCloseTo(w.exposed.openRate! / w.holdout.openRate! - 1, 3);

    const n = (await computeUplift(stack.profiles, stack.config, T, 'newsletter', clock.now)).engagement;
    expect(n.exposed, 'newsletter exposed, from Klaviyo only (the Mailchimp mail does not count)').toMatchObject({
      profiles: newsletter.exposed.length,
      opened: count(newsletter.exposed.length, (k) => k % 2 === 0),
      clicked: 0,
    });
    expect(n.holdout, 'newsletter holdout, from Klaviyo').toMatchObject({
      profiles: newsletter.held.length,
      opened: count(newsletter.held.length, (k) => k % 4 === 0),
      clicked: 0,
    });
  }, 240_000);
});
