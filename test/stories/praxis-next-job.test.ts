// The Praxis story, entered only through connectors: product views tracked by Klaviyo's onsite metric (read by the
// poll of the simulated Klaviyo), the next job computed from them and pushed to the simulated Copernica, a
// personalised newsletter against a generic one for the control group, and the opens and clicks Klaviyo's signed
// webhooks report, measured as uplift (Praxis: opens +100 %, clicks +200 % against the control group).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SynclineConfig } from '../../core/config.js';
import type { Profile } from '../../core/profile.js';
import { holdoutField } from '../../core/campaign/control-group.js';
import type { KlaviyoSimulator } from '../../connectors/klaviyo/simulator.js';
import { signKlaviyoWebhook } from '../../connectors/klaviyo/webhook.js';
import { startLocalStack, type LocalStack } from '../../local/local-stack.js';
import { computeUplift, formatUplift } from '../../local/uplift.js';
import { sharedDynamo } from '../support/shared-stack.js';

const DAY = 24 * 60 * 60 * 1000;
const NOW = new Date(Math.floor(Date.now() / 60_000) * 60_000);
const at = (daysAgo: number, minutes = 0) => new Date(NOW.getTime() - daysAgo * DAY + minutes * 60_000).toISOString();
const T = 'praxis';
const NEWSLETTER = 'Praxis newsletter week 23';
const PEOPLE = 24;

const config = SynclineConfig.parse({
  tenants: [
    {
      id: T,
      instances: [
        { id: 'klaviyo', connector: 'klaviyo', webhooks: true, pollEveryMinutes: 15, settings: { apiBaseUrl: 'simulator' } },
        { id: 'copernica', connector: 'copernica', push: true, settings: { databaseId: 1, apiBaseUrl: 'simulator' } },
      ],
      campaigns: {
        giftSeasons: [],
        // Personalisation consent is the website's cookie banner, which this story does not play.
        purposeConsent: false,
        nextJob: {
          jobs: [
            { id: 'bathroom', categories: ['Tiles', 'Grout', 'Sanitary'] },
            { id: 'painting', categories: ['Paint', 'Primer'] },
          ],
        },
        campaigns: [
          {
            id: 'newsletter',
            controlShare: 0.5,
            holdout: 'generic-mail',
            personalises: ['nextJob', 'nextJobReason', 'nextJobConfidence'],
            mails: [NEWSLETTER],
            audience: 'nextJob',
            startsAt: at(5),
            measureDays: 30,
          },
        ],
      },
    },
  ],
});

let stack: LocalStack;
let klaviyo: KlaviyoSimulator;

beforeAll(async () => {
  stack = await startLocalStack({
    config,
    port: 0,
    pollAtStart: false,
    visibilityTimeout: 2,
    maxReceiveCount: 2,
    sampleCustomers: 0,
    now: () => NOW,
    ...sharedDynamo(),
  });
  klaviyo = stack.simulators.handle<KlaviyoSimulator>(T, 'klaviyo')!;
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

const email = (i: number) => `diy${i}@praxis.example`;
const klaviyoProfile = (i: number) => `01PRAXIS${String(i).padStart(4, '0')}`;
let eventSeq = 0;

/** What Klaviyo's poll reads: a subscription and product views, per person. */
function accountEvents(i: number) {
  const person = { profileId: klaviyoProfile(i), email: email(i) };
  const viewed = (daysAgo: number, category: string, product: string) => ({
    id: `4Vwd${++eventSeq}`,
    metric: 'Viewed Product',
    datetime: at(daysAgo).replace('.000Z', '+00:00'),
    ...person,
    properties: { ProductID: product, Name: product, Categories: [category], URL: `https://praxis.example/p/${product}` },
  });
  const bathroom = i % 3 !== 2;
  return [
    {
      id: `4Sub${++eventSeq}`,
      metric: 'Subscribed to Email Marketing',
      datetime: at(30).replace('.000Z', '+00:00'),
      ...person,
      properties: {},
    },
    ...(bathroom
      ? [viewed(12, 'Tiles', `tile-${i}`), viewed(9, 'Grout', `grout-${i}`), viewed(7, 'Tiles', `tile-b-${i}`)]
      : [viewed(10, 'Paint', `paint-${i}`), viewed(8, 'Primer', `primer-${i}`)]),
  ];
}

/** A signed Klaviyo system webhook for one e-mail event of one profile (the webhook names the person by profile id only). */
async function deliverEngagement(i: number, metric: 'opened_email' | 'clicked_email', daysAgo: number): Promise<number> {
  const id = `4Eng${++eventSeq}`;
  const body = JSON.stringify({
    meta: { timestamp: new Date().toISOString(), klaviyo_webhook_id: 'praxis-hook', version: '2023-06-03' },
    data: [
      {
        topic: `event:klaviyo.${metric}`,
        external_id: id,
        payload: {
          data: {
            id,
            type: 'event',
            attributes: {
              datetime: at(daysAgo).replace('T', ' ').replace('.000Z', '+00:00'),
              event_properties: {
                'Campaign Name': NEWSLETTER,
                Subject: 'Your next job',
                ...(metric === 'clicked_email' ? { URL: 'https://praxis.example/klussen' } : {}),
              },
            },
            relationships: { profile: { data: { id: klaviyoProfile(i), type: 'profile' } } },
          },
        },
      },
    ],
  });
  const secret = stack.simulators.secretsFor(T, 'klaviyo')!.webhookSecret as string;
  const response = await fetch(`${stack.url}/webhooks/${T}/klaviyo`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signKlaviyoWebhook(body, secret, new Date(), 'praxis-hook') },
    body,
  });
  return response.status;
}

function copernica(address: string): Record<string, string> | undefined {
  return stack.simulators
    .copernica(T, 'copernica')!
    .profiles()
    .find((p) => p.fields.email === address)?.fields;
}

describe('Praxis: next job and engagement uplift, through connectors', () => {
  it('reads the orientation behaviour from Klaviyo, pushes the next job to Copernica (not to the control group), and measures opens and clicks uplift', async () => {
    klaviyo.addEvents(Array.from({ length: PEOPLE }, (_, i) => accountEvents(i)).flat());
    await stack.scheduler.runAll();
    await stack.waitUntilIdle(60_000);

    const profiles: Profile[] = [];
    for (let i = 0; i < PEOPLE; i++) {
      const p = await stack.findProfile(T, { email: email(i) });
      expect(p, `profile of ${email(i)} from the Klaviyo poll`).toBeDefined();
      profiles.push(p!);
    }
    const fieldsOf = (i: number) => copernica(email(i));
    const held = (i: number) => fieldsOf(i)?.[holdoutField('newsletter')] === '1';
    const holdout = profiles.map((_, i) => i).filter(held);
    const exposed = profiles.map((_, i) => i).filter((i) => !held(i));
    expect(holdout.length, 'some in the control group').toBeGreaterThan(0);
    expect(exposed.length, 'some exposed').toBeGreaterThan(0);

    // What Copernica received: the job, why and how sure, for the exposed; the generic mail's blanks for the holdout.
    for (const i of exposed) {
      const fields = fieldsOf(i)!;
      if (i % 3 !== 2) {
        expect(fields, email(i)).toMatchObject({ nextJob: 'bathroom', nextJobReason: 'viewed tiles ×2; viewed grout ×1' });
        // Views 7, 9 and 12 days old weigh 0.5 each (one whole 7-day half-life): 1.5 of 1.5 + 1 doubt.
        expect(Number(fields.nextJobConfidence), email(i)).toBeCloseTo(0.6, 2);
      } else expect(fields, email(i)).toMatchObject({ nextJob: 'painting', nextJobReason: 'viewed paint ×1; viewed primer ×1' });
    }
    for (const i of holdout) expect(fieldsOf(i)?.nextJob ?? '', `${email(i)} is in the control group`).toBe('');

    // The newsletter went to both groups (personalised and generic); Klaviyo reports opens and clicks by webhook.
    // Exposed: everyone opens, three in four click. Control group: every second opens, every fourth clicks.
    const statuses: number[] = [];
    for (const [n, i] of exposed.entries()) {
      statuses.push(await deliverEngagement(i, 'opened_email', 3));
      if (n % 4 !== 3) statuses.push(await deliverEngagement(i, 'clicked_email', 3));
    }
    for (const [n, i] of holdout.entries()) {
      if (n % 2 === 0) statuses.push(await deliverEngagement(i, 'opened_email', 3));
      if (n % 4 === 0) statuses.push(await deliverEngagement(i, 'clicked_email', 3));
    }
    expect(new Set(statuses), 'every signed webhook accepted').toEqual(new Set([202]));
    await stack.waitUntilIdle(60_000);

    const count = (n: number, keep: (k: number) => boolean) => Array.from({ length: n }, (_, k) => k).filter(keep).length;
    const report = await computeUplift(stack.profiles, stack.config, T, 'newsletter', NOW);
    const e = report.engagement;
    expect(e.comparable).toBe(true);
    expect(e.exposed).toMatchObject({
      profiles: exposed.length,
      opened: exposed.length,
      clicked: count(exposed.length, (k) => k % 4 !== 3),
    });
    expect(e.holdout).toMatchObject({
      profiles: holdout.length,
      opened: count(holdout.length, (k) => k % 2 === 0),
      clicked: count(holdout.length, (k) => k % 4 === 0),
    });
    expect(e.openUplift).toBeCloseTo(e.exposed.openRate! / e.holdout.openRate! - 1, 3);
    expect(e.clickUplift).toBeCloseTo(e.exposed.clickRate! / e.holdout.clickRate! - 1, 3);
    expect(e.openUplift!, 'the personalised newsletter is opened more').toBeGreaterThan(0);
    expect(e.clickUplift!, 'and clicked more').toBeGreaterThan(0);
    expect(formatUplift(report)).toMatch(/opens +exposed 100\.0 %/);
  }, 240_000);
});
