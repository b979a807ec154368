// Issue 22 on the local stack: the simulated Copernica fires its profile callback on every API write (signed, the full
// profile in its national phone format) and the simulated Mailchimp its list webhooks on API changes (the `api` source
// is on by default), so syncline's own pushes come back as callbacks, as they do from the real vendors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SynclineConfig } from '../core/config.js';
import { projectProfile } from '../core/projection.js';
import type { FieldValue } from '../core/destination.js';
import type { CopernicaSimulator } from '../connectors/copernica/simulator.js';
import type { MailchimpSimulator } from '../connectors/mailchimp/simulator.js';
import { signShopifyWebhook } from '../connectors/shopify/simulator.js';
import { fixturesOf } from '../connectors/sdk/testing/index.js';
import { startLocalStack, type LocalStack } from '../local/local-stack.js';
import { sharedDynamo } from './support/shared-stack.js';

const TENANT = 'echoes';
const SHOP_DOMAIN = 'echo-shop.myshopify.com';
const LIST_ID = 'a6b5da1054';
const shopFixtures = fixturesOf('shopify');

let stack: LocalStack;
let copernica: CopernicaSimulator;
let mailchimp: MailchimpSimulator;

beforeAll(async () => {
  stack = await startLocalStack({
    config: SynclineConfig.parse({
      tenants: [
        {
          id: TENANT,
          defaultCountryCode: '31',
          sourcePriority: ['shopify', 'copernica', 'mailchimp'],
          instances: [
            { id: 'shopify', connector: 'shopify', webhooks: true, settings: { shopDomain: SHOP_DOMAIN, apiBaseUrl: 'simulator' } },
            { id: 'copernica', connector: 'copernica', webhooks: true, push: true, settings: { databaseId: 1, apiBaseUrl: 'simulator' } },
            { id: 'mailchimp', connector: 'mailchimp', webhooks: true, push: true, settings: { listId: LIST_ID, apiBaseUrl: 'simulator' } },
          ],
        },
      ],
    }),
    port: 0,
    pollAtStart: false,
    visibilityTimeout: 2,
    maxReceiveCount: 2,
    ...sharedDynamo(),
  });
  copernica = stack.simulators.copernica(TENANT, 'copernica') as CopernicaSimulator;
  mailchimp = stack.simulators.handle<MailchimpSimulator>(TENANT, 'mailchimp') as MailchimpSimulator;
  // The audience's list webhook as Mailchimp's API adds it: every event, every source (api included) by default.
  const token = mailchimp.secrets.webhookToken;
  const added = await fetch(`${mailchimp.settings.apiBaseUrl}/lists/${LIST_ID}/webhooks`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`any:${mailchimp.secrets.apiKey}`).toString('base64')}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ url: `${stack.url}/webhooks/${TENANT}/mailchimp?token=${token}` }),
  });
  expect(added.status).toBe(200);
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

async function shop(topic: string, body: Record<string, unknown>, id: string): Promise<void> {
  const secret = stack.simulators.secretsFor(TENANT, 'shopify')?.webhookSecret as string;
  const text = JSON.stringify(body);
  const response = await fetch(`${stack.url}/webhooks/${TENANT}/shopify`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': topic,
      'x-shopify-shop-domain': SHOP_DOMAIN,
      'x-shopify-webhook-id': id,
      ...signShopifyWebhook(text, secret),
    },
    body: text,
  });
  expect(response.status).toBe(202);
}

/** Until the pipeline is idle and no callback is on its way: every push has come back and been merged. */
async function settle(): Promise<void> {
  for (let round = 0; round < 6; round++) {
    await stack.waitUntilIdle(60_000);
    const before = copernica.callbacks().length;
    await Promise.all([copernica.callbacksSettled(), mailchimp.webhooksSettled()]);
    await stack.waitUntilIdle(60_000);
    await Promise.all([copernica.callbacksSettled(), mailchimp.webhooksSettled()]);
    if (copernica.callbacks().length === before) {
      await stack.waitUntilIdle(60_000);
      return;
    }
  }
}

const iso = (ms: number) => new Date(ms).toISOString();
let seq = 0;

function customer(id: number, email: string, at: number, extra: Record<string, unknown> = {}) {
  return {
    ...shopFixtures.json<Record<string, unknown>>('customers-create.json'),
    id,
    email,
    first_name: 'Shop',
    last_name: 'Person',
    phone: null,
    created_at: iso(at),
    updated_at: iso(at),
    ...extra,
  };
}

async function newSubscriber(id: number, email: string, at: number, extra: Record<string, unknown> = {}): Promise<void> {
  await shop('customers/create', customer(id, email, at, extra), `c-${id}-${seq++}`);
  await consent(id, email, 'subscribed', at);
  await settle();
}

async function consent(id: number, email: string, state: string, at: number): Promise<void> {
  await shop(
    'customers/email_marketing_consent_update',
    {
      customer_id: id,
      email_address: email,
      email_marketing_consent: { state, opt_in_level: 'single_opt_in', consent_updated_at: iso(at) },
    },
    `m-${id}-${seq++}`,
  );
}

async function person(email: string): Promise<Record<string, FieldValue>> {
  const profile = await stack.findProfile(TENANT, { email });
  expect(profile, email).toBeDefined();
  return projectProfile(profile!);
}

const member = (email: string) => mailchimp.members().find((m) => m.email_address === email);
const copernicaProfile = (email: string) => copernica.profiles().find((p) => p.fields.email === email);
const copernicaWrites = (email: string) =>
  copernica.log().filter((r) => r.method === 'PUT' && decodeURIComponent(r.query).includes(`email==${email}`)).length;

describe('two-way sync with the vendors answering our writes (issue 22)', () => {
  it('keeps a late unsubscribe over the echoed subscribe, everywhere', async () => {
    const email = 'unsub@example.com';
    const t0 = Date.now() - 60_000;
    await newSubscriber(8001, email, t0);
    expect(member(email)?.status).toBe('subscribed');
    // Copernica answered its own write with a signed callback the local stack accepted.
    expect(copernica.callbacks().filter((c) => c.status === 202).length).toBeGreaterThan(0);
    // The shop's unsubscribe a second after the subscribe, delivered after Mailchimp's echo (stamped now) came back.
    await consent(8001, email, 'unsubscribed', t0 + 1000);
    await settle();
    expect((await person(email)).consentEmailMarketing).toBe(false);
    expect(member(email)?.status).toBe('unsubscribed');
  }, 120_000);

  it('lets a newer shop value win over the echo of an older platform edit, everywhere', async () => {
    const email = 'newer@example.com';
    const t0 = Date.now() - 120_000;
    await newSubscriber(8002, email, t0);
    const id = copernicaProfile(email)?.id as number;
    // Edited in Copernica at T1; the shop's own edit at T2 > T1 arrives after Mailchimp echoed the Copernica value.
    const t1 = Date.now() - 20_000;
    copernica.editProfile(id, { firstName: 'Platform' }, new Date(t1));
    await settle();
    expect(member(email)?.merge_fields.FNAME).toBe('Platform');
    await shop('customers/update', customer(8002, email, t0, { first_name: 'Newer', updated_at: iso(t1 + 5000) }), `u-8002-${seq++}`);
    await settle();
    expect((await person(email)).firstName).toBe('Newer');
    expect(copernicaProfile(email)?.fields.firstName).toBe('Newer');
    expect(member(email)?.merge_fields.FNAME).toBe('Newer');
  }, 120_000);

  it('grants nothing for an order placed before the unsubscribe and updated after it', async () => {
    const email = 'late-order@example.com';
    const t0 = Date.now() - 120_000;
    await newSubscriber(8003, email, t0);
    await consent(8003, email, 'unsubscribed', t0 + 10_000);
    await settle();
    const order = shopFixtures.json<Record<string, unknown>>('orders-create.json');
    await shop(
      'orders/create',
      {
        ...order,
        id: 98003,
        name: '#98003',
        order_number: 98003,
        email,
        created_at: iso(t0 + 5000),
        updated_at: iso(Date.now()),
        processed_at: iso(t0 + 5000),
        currency: 'EUR',
        buyer_accepts_marketing: true,
        customer: { ...(order.customer as Record<string, unknown>), id: 8003, email },
      },
      `o-8003-${seq++}`,
    );
    await settle();
    expect((await person(email)).consentEmailMarketing).toBe(false);
    expect(member(email)?.status).toBe('unsubscribed');
  }, 120_000);

  it('writes a Copernica edit on to Mailchimp but not back to Copernica', async () => {
    const email = 'edited@example.com';
    await newSubscriber(8004, email, Date.now() - 60_000);
    const writes = copernicaWrites(email);
    expect(writes).toBeGreaterThan(0);
    copernica.editProfile(copernicaProfile(email)?.id as number, { firstName: 'Edited' });
    await settle();
    expect((await person(email)).firstName).toBe('Edited');
    expect(member(email)?.merge_fields.FNAME).toBe('Edited');
    expect(copernicaWrites(email), 'no write back to Copernica').toBe(writes);
  }, 120_000);

  it("takes Mailchimp's upemail answering our address change as our echo: one person, one member, at the new address", async () => {
    const email = 'moving@example.com';
    const moved = 'moved@example.com';
    const t0 = Date.now() - 60_000;
    await newSubscriber(8006, email, t0);
    const before = mailchimp.apiWebhooks().length;
    await shop('customers/update', customer(8006, moved, t0, { updated_at: iso(t0 + 5000) }), `u-8006-${seq++}`);
    await settle();
    // The member moved (PATCH email_address) and Mailchimp answered with its upemail webhook, which syncline accepted.
    const upemail = mailchimp
      .apiWebhooks()
      .slice(before)
      .filter((w) => w.type === 'upemail');
    expect(upemail).toHaveLength(1);
    expect(upemail[0]!.statuses.every((s) => s < 300)).toBe(true);
    expect(member(email)).toBeUndefined();
    expect(member(moved)?.status).toBe('subscribed');
    const profile = await stack.findProfile(TENANT, { email: moved });
    expect(projectProfile(profile!).email).toBe(moved);
    // The echo is acknowledged, not merged as Mailchimp's own fact: the address stays the shop's.
    expect(profile!.fields.email?.source).toBe('shopify');
    expect(mailchimp.members().filter((m) => m.email_address === moved)).toHaveLength(1);
  }, 120_000);

  it("keeps the shop's E.164 phone as the profile's value while Copernica keeps its national format", async () => {
    const email = 'phone@example.com';
    await newSubscriber(8005, email, Date.now() - 60_000, { phone: '+31612345678' });
    expect(copernicaProfile(email)?.fields.phone).toBe('0612345678');
    expect((await person(email)).phone).toBe('+31612345678');
    expect(member(email)?.merge_fields.PHONE).toBe('+31612345678');
    expect(copernicaWrites(email), 'the national format coming back is no change to write').toBe(1);
  }, 120_000);
});
