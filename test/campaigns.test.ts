// The seed campaign stories end to end: canonical events and signed Shopify webhooks through the Lambda handlers on
// the emulators, the campaign sweep, and what the simulated Copernica received. One stack for every story.
import { SURVEY_SOURCE } from '../pipeline/survey/answer-survey.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SynclineConfig } from '../core/config.js';
import { CanonicalEvent } from '../core/events.js';
import { projectProfile } from '../core/projection.js';
import { holdoutField, inHoldout } from '../core/campaign/control-group.js';
import { signShopifyWebhook } from '../connectors/shopify/simulator.js';
import { documentClient, sqsClient } from '../aws/aws-clients.js';
import { DynamoTenantStatsStore } from '../aws/dynamo-campaign-store.js';
import { DynamoErasureReceipts } from '../aws/dynamo-erasure-receipts.js';
import { DynamoPushSnapshotStore } from '../aws/dynamo-ops-store.js';
import { SqsMessageQueue } from '../aws/sqs-queue.js';
import { tableNames } from '../aws/tables.js';
import { startLocalStack, type LocalStack } from '../local/local-stack.js';
import { sharedDynamo } from './support/shared-stack.js';
import { computeUplift, formatUplift } from '../local/uplift.js';

const DAY = 24 * 60 * 60 * 1000;
const SHOP_DOMAIN = 'campaign-shop.myshopify.com';
const START = new Date(Math.floor(Date.now() / 60_000) * 60_000);
let clock = new Date(START);
const ago = (days: number, from = clock) => new Date(from.getTime() - days * DAY).toISOString();
const WIN_BACK_START = new Date(START.getTime() + 50 * DAY - 60 * 60 * 1000).toISOString();

/** The shop's website, where searches come from: the merge takes a search only from a website instance. */
const SITE = {
  id: 'site',
  connector: 'website',
  settings: { writeKey: 'pk_campaign_site_0123456789', origins: ['https://campaign.example'] },
};
const tenant = (id: string, campaigns: Record<string, unknown> = {}, more: Record<string, unknown>[] = []) => ({
  id,
  sourcePriority: ['shopify', 'copernica'],
  instances: [
    { id: 'shopify', connector: 'shopify', webhooks: true, settings: { shopDomain: SHOP_DOMAIN, apiBaseUrl: 'simulator' } },
    { id: 'copernica', connector: 'copernica', push: true, settings: { databaseId: 1, apiBaseUrl: 'simulator' } },
    ...more,
  ],
  // Stories outside the gift season must not depend on today's date falling in one.
  campaigns: { giftSeasons: [], ...campaigns },
});

const config = SynclineConfig.parse({
  tenants: [
    tenant('fitness', {
      crossSell: {
        conflicts: [{ id: 'lactose-free', boughtCategory: 'lactose-free-protein', excludeCategories: ['protein-powder'] }],
        recentDays: 30,
      },
    }),
    tenant('appliances', {}, [SITE]),
    tenant('gifts', { giftSeasons: [{ id: 'sinterklaas', from: '11-15', to: '12-05' }] }),
    tenant('pizza', {
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
    }),
    tenant('cameras'),
    tenant('erasure'),
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
    now: () => clock,
    ...sharedDynamo(),
  });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

let seq = 0;
type Body = Pick<CanonicalEvent, 'type' | 'data'>;
function ev(
  tenantId: string,
  email: string,
  at: string,
  body: Body,
  extraIds: CanonicalEvent['identifiers'] = [],
  source: CanonicalEvent['source'] = { connector: 'shopify', instance: 'shopify' },
): CanonicalEvent {
  return CanonicalEvent.parse({
    tenantId,
    source,
    sourceEventId: `e-${++seq}`,
    occurredAt: at,
    receivedAt: at,
    identifiers: [{ type: 'email', value: email }, ...extraIds],
    ...body,
  });
}

const line = (sku: string, name: string, category: string, price = 20) => ({ sku, name, category, quantity: 1, price });
const orderOf = (tenantId: string, email: string, at: string, lines: ReturnType<typeof line>[], extra: Record<string, unknown> = {}) =>
  ev(tenantId, email, at, {
    type: 'order.placed',
    data: {
      orderId: `o-${++seq}`,
      channel: 'web',
      currency: 'EUR',
      total: lines.reduce((s, l) => s + l.price, 0),
      placedAt: at,
      status: 'paid',
      lines,
      ...extra,
    },
  } as Body);
const consent = (tenantId: string, email: string, purpose: string, granted = true) =>
  ev(tenantId, email, ago(200), { type: 'consent.changed', data: { purpose, granted } } as Body);

async function send(...events: CanonicalEvent[]): Promise<void> {
  await new SqsMessageQueue<CanonicalEvent>(sqsClient(), stack.queues.changes).send(events);
  await stack.waitUntilIdle();
}

async function sweep(tenantId: string): Promise<void> {
  await stack.sweep(tenantId);
  await stack.waitUntilIdle();
}

async function projected(tenantId: string, email: string) {
  const profile = await stack.findProfile(tenantId, { email });
  expect(profile, `profile of ${email}`).toBeDefined();
  const stats = await new DynamoTenantStatsStore(documentClient(), tableNames().ops).get(tenantId);
  return projectProfile(profile!, { campaigns: stack.config.tenants.find((t) => t.id === tenantId)!.campaigns, now: clock, stats });
}

function copernica(tenantId: string, email: string): Record<string, string> | undefined {
  return stack.simulators
    .copernica(tenantId, 'copernica')!
    .profiles()
    .find((p) => p.fields.email === email)?.fields;
}

async function shopifyWebhook(tenantId: string, topic: string, body: unknown): Promise<number> {
  const raw = JSON.stringify(body);
  const secret = stack.simulators.secretsFor(tenantId, 'shopify')?.webhookSecret as string;
  const response = await fetch(`${stack.url}/webhooks/${tenantId}/shopify`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': topic,
      'x-shopify-shop-domain': SHOP_DOMAIN,
      'x-shopify-webhook-id': `wh-${++seq}`,
      ...signShopifyWebhook(raw, secret),
    },
    body: raw,
  });
  await stack.waitUntilIdle();
  return response.status;
}

describe('campaign stories end to end', { timeout: 120_000 }, () => {
  it('fitness shop: a shaker buyer is offered protein powder, a lactose-free buyer is not', async () => {
    const t = 'fitness';
    const shaker = line('SHAKER', 'Shaker 600ml', 'accessories', 9);
    const whey = line('WHEY', 'Whey protein 1kg', 'protein-powder', 30);
    const creatine = line('CREATINE', 'Creatine 500g', 'supplements', 20);
    const lactoseFree = line('LF-PROTEIN', 'Lactose-free protein 1kg', 'lactose-free-protein', 35);
    const others = ['a', 'b', 'c'].map((n) => `${n}@fit.example`);
    await send(
      ...others.flatMap((email, i) => [orderOf(t, email, ago(100), i < 2 ? [shaker, whey, creatine] : [shaker, whey])]),
      consent(t, 'sam@fit.example', 'email_marketing'),
      consent(t, 'sam@fit.example', 'personalisation'),
      orderOf(t, 'sam@fit.example', ago(5), [shaker]),
      consent(t, 'lara@fit.example', 'email_marketing'),
      consent(t, 'lara@fit.example', 'personalisation'),
      orderOf(t, 'lara@fit.example', ago(60), [lactoseFree]),
      orderOf(t, 'lara@fit.example', ago(5), [shaker]),
    );
    await sweep(t);

    const sam = await projected(t, 'sam@fit.example');
    expect(sam, 'co-purchase: shaker buyers bought whey').toMatchObject({
      crossSell1Sku: 'WHEY',
      crossSell1Reason: 'bought-with:Shaker 600ml',
    });
    const lara = await projected(t, 'lara@fit.example');
    const laraSkus = [lara.crossSell1Sku, lara.crossSell2Sku, lara.crossSell3Sku];
    expect(laraSkus, 'lactose-free excludes regular protein powder').not.toContain('WHEY');
    expect(lara.crossSell1Sku, 'creatine still fits').toBe('CREATINE');
    expect(copernica(t, 'sam@fit.example'), 'Copernica received the suggestion').toMatchObject({
      crossSell1Sku: 'WHEY',
      crossSell1Name: 'Whey protein 1kg',
    });
    expect(copernica(t, 'lara@fit.example')?.crossSell1Sku).toBe('CREATINE');
  });

  it('appliances: a fridge buyer searching washing machines is offered washing machines, not fridges; only with personalisation consent', async () => {
    const t = 'appliances';
    const fridge = line('FRIDGE-1', 'Fridge 300L', 'fridges', 600);
    const fridge2 = line('FRIDGE-2', 'Fridge 250L', 'fridges', 500);
    const washer = line('WM-1', 'Washing machine 8kg', 'washing-machines', 550);
    await send(
      orderOf(t, 'x@home.example', ago(200), [fridge, washer]),
      orderOf(t, 'y@home.example', ago(150), [fridge, fridge2, washer]),
      orderOf(t, 'z@home.example', ago(120), [fridge2]),
      consent(t, 'fiona@home.example', 'email_marketing'),
      orderOf(t, 'fiona@home.example', ago(3), [fridge]),
      ev(t, 'fiona@home.example', ago(1), { type: 'search.performed', data: { query: 'wasmachine', category: 'washing-machines' } }, [], {
        connector: 'website',
        instance: SITE.id,
      }),
    );
    await sweep(t);

    const fiona = await projected(t, 'fiona@home.example');
    expect(fiona).toMatchObject({
      crossSell1Sku: 'WM-1',
      crossSell1Reason: 'searched:washing-machines',
      lastSearchedCategory: 'washing-machines',
    });
    expect([fiona.crossSell1Sku, fiona.crossSell2Sku, fiona.crossSell3Sku], 'no second fridge').not.toContain('FRIDGE-2');
    expect(
      copernica(t, 'fiona@home.example')?.crossSell1Sku ?? '',
      'no personalisation consent: no suggestions at the email platform',
    ).toBe('');

    await send(consent(t, 'fiona@home.example', 'personalisation'));
    expect(copernica(t, 'fiona@home.example')?.crossSell1Sku, 'granted: now it travels').toBe('WM-1');
    await send(ev(t, 'fiona@home.example', ago(0.5), { type: 'consent.changed', data: { purpose: 'personalisation', granted: false } }));
    expect(copernica(t, 'fiona@home.example')?.crossSell1Sku, 'withdrawn: cleared at the destination').toBe('');
  });

  it('Sinterklaas: a toy bought in the gift season counts for revenue but stays out of the primary interests', async () => {
    const t = 'gifts';
    const email = 'gerrit@gift.example';
    await send(
      consent(t, email, 'email_marketing'),
      consent(t, email, 'personalisation'),
      orderOf(t, email, '2025-10-01T10:00:00Z', [line('BEANS', 'Espresso beans', 'coffee', 15)]),
      orderOf(t, email, '2025-10-25T10:00:00Z', [line('BEANS', 'Espresso beans', 'coffee', 15)]),
      orderOf(t, email, '2025-12-02T10:00:00Z', [
        line('LEGO', 'LEGO fire station', 'toys', 80),
        line('BEANS', 'Espresso beans', 'coffee', 15),
      ]),
      orderOf(t, email, '2025-09-10T10:00:00Z', [line('ROSES', 'Roses', 'flowers', 25)], { gift: true }),
    );
    const gerrit = await projected(t, email);
    expect(gerrit).toMatchObject({
      orderCount: 4,
      totalSpent: 150,
      categoriesBought: 'coffee',
      secondaryInterests: 'flowers,toys',
      giftSeasons: 'sinterklaas',
    });
    expect(copernica(t, email)).toMatchObject({ categoriesBought: 'coffee', secondaryInterests: 'flowers,toys', totalSpent: '150' });
  });

  it('pizza win-back: new customers lapse, the holdout is stable and uncontacted, and the uplift is measured', async () => {
    const t = 'pizza';
    const emails = Array.from({ length: 12 }, (_, i) => `eater${i}@pizza.example`);
    await send(
      ...emails.flatMap((email) => [
        consent(t, email, 'email_marketing'),
        orderOf(t, email, ago(2), [line('MARGHERITA', 'Margherita', 'pizza', 12)]),
      ]),
    );
    const first = await projected(t, emails[0]!);
    expect(first).toMatchObject({ segmentNew: true, segmentLapsed: false });

    clock = new Date(START.getTime() + 50 * DAY);
    await sweep(t);
    const profiles = await Promise.all(emails.map((email) => stack.findProfile(t, { email })));
    const holdout = profiles.filter((p) => inHoldout(t, 'win-back', p!.profileId, 0.5));
    expect(holdout.length, 'some in the holdout').toBeGreaterThan(0);
    expect(holdout.length, 'some exposed').toBeLessThan(emails.length);
    for (const [i, email] of emails.entries()) {
      const fields = copernica(t, email)!;
      const held = holdout.includes(profiles[i]);
      expect(fields, email).toMatchObject({ WeMissYou: '1', segmentNew: '0', [holdoutField('win-back')]: held ? '1' : '0' });
      expect(fields.contactsLast30Days, `${email}: only the exposed are contacted`).toBe(held ? '0' : '1');
    }
    expect((await projected(t, emails[0]!))[holdoutField('win-back')], 'stable across runs').toBe(
      inHoldout(t, 'win-back', profiles[0]!.profileId, 0.5),
    );

    // Every exposed customer orders again; one holdout customer does.
    const returning = profiles.filter((p) => !holdout.includes(p)).concat(holdout.slice(0, 1));
    clock = new Date(START.getTime() + 60 * DAY);
    await send(
      ...returning.map((p) =>
        orderOf(t, p!.identifiers.find((i) => i.type === 'email')!.value, ago(5), [line('MARGHERITA', 'Margherita', 'pizza', 12)]),
      ),
    );
    // What `npm run uplift -- pizza win-back` prints, computed from the profiles in DynamoDB.
    const report = await computeUplift(stack.profiles, stack.config, t, 'win-back', clock);
    expect(formatUplift(report)).toContain('against the control group');
    expect(report.exposed).toMatchObject({ profiles: emails.length - holdout.length, converted: emails.length - holdout.length, rate: 1 });
    expect(report.holdout).toMatchObject({ profiles: holdout.length, converted: 1 });
    expect(report.relativeUplift).toBeCloseTo(1 / (1 / holdout.length) - 1, 3);
  });

  it('camera shop: an abandoned cart is pushed once with its lines, the survey answer picks the follow-up, the order clears it', async () => {
    const t = 'cameras';
    const email = 'carla@camera.example';
    clock = new Date(START.getTime() + 70 * DAY);
    const cart = {
      cartId: 'cart-77',
      currency: 'EUR',
      total: 1899,
      lines: [{ sku: 'R8', name: 'Canon EOS R8', category: 'cameras', quantity: 1, price: 1899 }],
      recoveryUrl: 'https://camera.example/cart/77',
    };
    await send(consent(t, email, 'email_marketing'), ev(t, email, ago(0.01), { type: 'cart.updated', data: cart }));
    expect((await projected(t, email)).abandonedCartId, 'still inside the window').toBeNull();

    clock = new Date(clock.getTime() + 2 * 60 * 60 * 1000);
    await sweep(t);
    expect(copernica(t, email)).toMatchObject({
      abandonedCartId: 'cart-77',
      abandonedCartLines: '1× Canon EOS R8',
      abandonedCartValue: '1899',
      abandonedCartFollowUp: 'reminder',
      abandonedCartUrl: 'https://camera.example/cart/77',
    });

    // As the survey function sends it (pipeline/survey/answer-survey.ts): the merge takes answers from no shop.
    await send(
      ev(t, email, ago(0.02), { type: 'survey.answered', data: { question: 'cart-abandon-reason', answer: 'Price' } }, [], SURVEY_SOURCE),
    );
    expect(copernica(t, email)).toMatchObject({ abandonedCartReason: 'price', abandonedCartFollowUp: 'alternatives' });

    await send(orderOf(t, email, ago(0.01), cart.lines, { checkoutToken: 'cart-77' }));
    expect(copernica(t, email), 'the order clears the abandoned cart').toMatchObject({
      abandonedCartId: '',
      abandonedCartLines: '',
      abandonedCartFollowUp: '',
    });
  });

  it('erasure: a Shopify customers/redact removes the person here and at Copernica, leaving a receipt without personal data', async () => {
    const t = 'erasure';
    const email = 'erik@erase.example';
    await send(
      ev(t, email, ago(10), { type: 'consent.changed', data: { purpose: 'email_marketing', granted: true } }, [
        { type: 'customerId:shopify', value: '191167' },
      ]),
      orderOf(t, email, ago(9), [line('X', 'Thing', 'things', 10)]),
    );
    const before = await stack.findProfile(t, { email });
    expect(copernica(t, email), 'pushed before the erasure').toBeDefined();

    const status = await shopifyWebhook(t, 'customers/redact', {
      shop_id: 954889,
      shop_domain: SHOP_DOMAIN,
      customer: { id: 191167, email, phone: null },
      orders_to_redact: [],
    });
    expect(status).toBe(202);
    expect(await stack.findProfile(t, { email }), 'profile and identifier index gone').toBeUndefined();
    expect(await stack.profiles.get(t, before!.profileId)).toBeUndefined();
    expect(copernica(t, email), 'erased at Copernica').toBeUndefined();
    expect(
      await new DynamoPushSnapshotStore(documentClient(), tableNames().ops).get(t, before!.profileId, 'copernica'),
      'push snapshot gone',
    ).toBeUndefined();

    const receipts = await new DynamoErasureReceipts(documentClient(), tableNames().ops).list(t);
    expect(receipts).toHaveLength(1);
    expect(receipts[0]).toMatchObject({
      tenantId: t,
      state: 'settled',
      subjects: [{ identifierTypes: ['customerId', 'email'] }],
      destinations: [{ instance: 'copernica', status: 'confirmed' }],
    });
    expect(JSON.stringify(receipts), 'no personal data in the receipt').not.toMatch(/erik|191167|erase\.example/);
  });
});
