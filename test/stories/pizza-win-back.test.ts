// The pizza win-back story, entered only through connectors: customers subscribe and order by signed Shopify
// webhooks, lapse as the clock moves on, the simulated Copernica receives the win-back flag with the control group
// marked (the control group gets no mail), and the uplift report compares orders and revenue after the start.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SynclineConfig } from '../../core/config.js';
import { holdoutField } from '../../core/campaign/control-group.js';
import { signShopifyWebhook } from '../../connectors/shopify/simulator.js';
import { startLocalStack, type LocalStack } from '../../local/local-stack.js';
import { computeUplift, formatUplift } from '../../local/uplift.js';
import { sharedDynamo } from '../support/shared-stack.js';

type Json = Record<string, unknown>;
const DAY = 24 * 60 * 60 * 1000;
const SHOP = 'pizza-story.myshopify.com';
const T = 'pizza';
// Vendor times may not lie in the future (they would be clamped to the receipt time), so the story happened in the
// last 60 days and the campaign clock walks through it up to now.
const NOW = new Date(Math.floor(Date.now() / 60_000) * 60_000);
const START = new Date(NOW.getTime() - 60 * DAY);
let clock = new Date(START);
const ago = (days: number) => new Date(clock.getTime() - days * DAY).toISOString();
const WIN_BACK_START = new Date(START.getTime() + 50 * DAY - 60 * 60 * 1000).toISOString();
const PEOPLE = 12;

const config = SynclineConfig.parse({
  tenants: [
    {
      id: T,
      sourcePriority: ['shopify', 'copernica'],
      instances: [
        { id: 'shopify', connector: 'shopify', webhooks: true, settings: { shopDomain: SHOP, apiBaseUrl: 'simulator' } },
        { id: 'copernica', connector: 'copernica', push: true, settings: { databaseId: 1, apiBaseUrl: 'simulator' } },
      ],
      campaigns: {
        giftSeasons: [],
        segments: { lapsedDefaultDays: 45 },
        campaigns: [
          {
            id: 'win-back',
            controlShare: 0.5,
            trigger: 'segmentLapsed',
            audience: 'segmentLapsed',
            startsAt: WIN_BACK_START,
            measureDays: 30,
          },
        ],
        fieldMapping: { copernica: { fields: { segmentLapsed: 'WeMissYou' } } },
      },
    },
  ],
});

let stack: LocalStack;

beforeAll(async () => {
  stack = await startLocalStack({
    config,
    port: 0,
    pollAtStart: false,
    visibilityTimeout: 2,
    maxReceiveCount: 2,
    sampleCustomers: 0,
    now: () => clock,
    ...sharedDynamo(),
  });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

const fixture = (name: string): Json =>
  JSON.parse(readFileSync(fileURLToPath(new URL(`../../connectors/shopify/fixtures/${name}.json`, import.meta.url)), 'utf8')) as Json;
const email = (i: number) => `eater${i}@pizza.example`;
const customerId = (i: number) => 880_000 + i;
let webhookSeq = 0;

async function deliver(topic: string, body: Json): Promise<number> {
  const raw = JSON.stringify(body);
  const secret = stack.simulators.secretsFor(T, 'shopify')!.webhookSecret as string;
  const response = await fetch(`${stack.url}/webhooks/${T}/shopify`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': topic,
      'x-shopify-shop-domain': SHOP,
      'x-shopify-webhook-id': `pizza-${++webhookSeq}`,
      'x-shopify-api-version': '2025-10',
      'x-shopify-triggered-at': new Date().toISOString(),
      ...signShopifyWebhook(raw, secret),
    },
    body: raw,
  });
  return response.status;
}

const subscribe = (i: number) =>
  deliver('customers/email_marketing_consent_update', {
    customer_id: customerId(i),
    email_address: email(i),
    email_marketing_consent: { state: 'subscribed', opt_in_level: 'single_opt_in', consent_updated_at: ago(200) },
  });

let orderSeq = 9000;
function order(i: number, at: string) {
  const base = fixture('orders-create');
  const id = ++orderSeq;
  const line = (base.line_items as Json[])[0]!;
  return deliver('orders/create', {
    ...base,
    id,
    name: `#${id}`,
    order_number: id,
    email: email(i),
    created_at: at,
    updated_at: at,
    processed_at: at,
    currency: 'EUR',
    financial_status: 'paid',
    total_price: '12.00',
    subtotal_price: '12.00',
    total_line_items_price: '12.00',
    line_items: [{ ...line, id: id * 10, sku: 'MARGHERITA', name: 'Margherita', title: 'Margherita', price: '12.00', quantity: 1 }],
    customer: { ...(base.customer as Json), id: customerId(i), email: email(i) },
  });
}

function copernica(address: string): Record<string, string> | undefined {
  return stack.simulators
    .copernica(T, 'copernica')!
    .profiles()
    .find((p) => p.fields.email === address)?.fields;
}

describe('pizza win-back, through connectors', () => {
  it('new customers lapse, Copernica gets the win-back flag with the control group marked and uncontacted, and the uplift counts orders and revenue', async () => {
    const people = Array.from({ length: PEOPLE }, (_, i) => i);
    const statuses: number[] = [];
    for (const i of people) statuses.push(await subscribe(i), await order(i, ago(2)));
    expect(new Set(statuses), 'every signed webhook accepted').toEqual(new Set([202]));
    await stack.waitUntilIdle(60_000);
    expect(copernica(email(0)), 'a new customer, not lapsed').toMatchObject({ WeMissYou: '0' });

    clock = new Date(START.getTime() + 50 * DAY);
    await stack.sweep(T);
    await stack.waitUntilIdle(60_000);
    const held = (i: number) => copernica(email(i))?.[holdoutField('win-back')] === '1';
    const holdout = people.filter(held);
    const exposed = people.filter((i) => !held(i));
    expect(holdout.length, 'some in the control group').toBeGreaterThan(0);
    expect(exposed.length, 'some exposed').toBeGreaterThan(0);
    for (const i of people) {
      const fields = copernica(email(i))!;
      expect(fields, email(i)).toMatchObject({ WeMissYou: '1', segmentNew: '0' });
      expect(fields.contactsLast30Days, `${email(i)}: only the exposed are contacted`).toBe(held(i) ? '0' : '1');
    }

    // Every exposed customer orders again, and one of the control group.
    clock = new Date(NOW);
    for (const i of [...exposed, holdout[0]!]) expect(await order(i, ago(5))).toBe(202);
    await stack.waitUntilIdle(60_000);

    const report = await computeUplift(stack.profiles, stack.config, T, 'win-back', clock);
    expect(report.exposed).toMatchObject({ profiles: exposed.length, converted: exposed.length, rate: 1, revenue: 12 * exposed.length });
    expect(report.holdout).toMatchObject({ profiles: holdout.length, converted: 1, revenue: 12 });
    expect(report.relativeUplift).toBeCloseTo(holdout.length - 1, 3);
    expect(report.revenueUplift).toBeCloseTo(holdout.length - 1, 3);
    expect(report.engagement.comparable, 'the control group gets no mail: opens and clicks are not compared').toBe(false);
    expect(formatUplift(report)).toContain('the holdout receives no mail');
  }, 240_000);
});
