// An erasure leaves nothing of the person behind (issue 16 item 1), on the emulators: a person with a profile that
// absorbed another (whose push snapshot stays under the merged-away id), a second shop account refused the same
// e-mail, a quarantined delivery naming them and a dead-lettered event. After `syncline erase`, a quarantine replay and
// a dead-letter replay, a scan of every table finds none of the person's identifiers or values; an order after the
// erasure still creates a new profile, a late delivery of an update made before it does not.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { inflateWithDictionary } from '../aws/deflate-dictionary-codec.js';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SynclineConfig } from '../core/config.js';
import { CanonicalEvent } from '../core/events.js';
import { startCopernicaSimulator, type CopernicaSimulator } from '../connectors/copernica/simulator.js';
import { signShopifyWebhook } from '../connectors/shopify/simulator.js';
import { documentClient, sqsClient } from '../aws/aws-clients.js';
import { DynamoPushSnapshotStore } from '../aws/dynamo-ops-store.js';
import { secretEnvName } from '../aws/secrets.js';
import { SqsMessageQueue } from '../aws/sqs-queue.js';
import { tableNames } from '../aws/tables.js';
import { startLocalStack, type LocalStack } from '../local/local-stack.js';
import { runSyncline } from './support/syncline-cli.js';
import { readSnapshot } from '../pipeline/push-snapshot.js';
import { sharedDynamo } from './support/shared-stack.js';

const TENANT = 'erase-shop';
const SHOP_DOMAIN = 'erase-shop.myshopify.com';
const EMAIL = 'zelda.quistorp@erase.example';
const SECOND_EMAIL = 'zq@old-mail.example';
const PHONE = '+31612345678';
/** The number as the shop sent it: an identifier (a national number of unknown country would not be one). */
const SHOP_PHONE = '+31 6 1234 5678';
const SURNAME = 'Quistorp';
const CUSTOMER_ID = '88130071';
/** What a scan must not find afterwards (the phone also as the shop sent it). */
const PERSONAL = [EMAIL, SECOND_EMAIL, PHONE, SHOP_PHONE, SURNAME, CUSTOMER_ID];

let copernica: CopernicaSimulator;
let stack: LocalStack;
let dir: string;
let stateFile: string;
const secretVariable = secretEnvName(TENANT, 'copernica');

beforeAll(async () => {
  copernica = await startCopernicaSimulator({ accessToken: 'erase-token' });
  process.env[secretVariable] = JSON.stringify(copernica.secrets);
  dir = mkdtempSync(join(tmpdir(), 'syncline-erase-'));
  stateFile = join(dir, 'local.json');
  const config = SynclineConfig.parse({
    tenants: [
      {
        id: TENANT,
        instances: [
          { id: 'shopify', connector: 'shopify', webhooks: true, settings: { shopDomain: SHOP_DOMAIN, apiBaseUrl: 'simulator' } },
          { id: 'copernica', connector: 'copernica', push: true, settings: copernica.settings },
        ],
      },
    ],
  });
  stack = await startLocalStack({
    config,
    port: 0,
    pollAtStart: false,
    visibilityTimeout: 1,
    maxReceiveCount: 2,
    stateFile,
    ...sharedDynamo(),
  });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await copernica?.stop();
  delete process.env[secretVariable];
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const syncline = (...argv: string[]) => runSyncline(stateFile, ...argv);

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const tenDaysAgo = new Date(Date.now() - 10 * 86_400_000).toISOString();
const nineDaysAgo = new Date(Date.now() - 9 * 86_400_000).toISOString();

function event(id: string, identifiers: { type: string; value: string }[], type: string, data: Record<string, unknown>, at = tenDaysAgo) {
  return CanonicalEvent.parse({
    tenantId: TENANT,
    source: { connector: 'shopify', instance: 'shopify' },
    sourceEventId: id,
    occurredAt: at,
    receivedAt: at,
    identifiers,
    type,
    data,
  });
}

const consent = { purpose: 'email_marketing', granted: true };

function inflated(value: Uint8Array): string {
  for (const inflate of [inflateWithDictionary, (v: Uint8Array) => inflateRawSync(v).toString('utf8')]) {
    try {
      return inflate(value);
    } catch {}
  }
  return Buffer.from(value).toString('utf8');
}

/** Every string in an item, and what a base64 string decodes to (a quarantined body). */
function texts(value: unknown, into: string[] = []): string[] {
  if (typeof value === 'string') {
    into.push(value);
    if (value.length >= 24 && /^[A-Za-z0-9+/]+={0,2}$/.test(value)) into.push(Buffer.from(value, 'base64').toString('utf8'));
  } else if (value instanceof Uint8Array) {
    // Deflated items (aws/profile-codec.ts: profiles, history tails and items, push snapshots) are read as their JSON,
    // with the preset dictionary they were written with, or none (`docz`, `eventz`).
    into.push(inflated(value));
  } else if (value instanceof Set) for (const v of value) texts(v, into);
  else if (Array.isArray(value)) for (const v of value) texts(v, into);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) texts(v, into);
  return into;
}

async function scanAll(): Promise<{ table: string; pk: string; sk: string; text: string }[]> {
  const items: { table: string; pk: string; sk: string; text: string }[] = [];
  const names = tableNames();
  for (const table of [names.profiles, names.ops]) {
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await documentClient().send(new ScanCommand({ TableName: table, ExclusiveStartKey, ConsistentRead: true }));
      for (const item of page.Items ?? [])
        items.push({ table, pk: String(item.pk), sk: String(item.sk), text: texts(item).join('\n').toLowerCase() });
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  }
  return items;
}

async function leftBehind(): Promise<string[]> {
  const found: string[] = [];
  for (const item of await scanAll())
    for (const value of PERSONAL) if (item.text.includes(value.toLowerCase())) found.push(`${item.pk} ${item.sk}: ${value}`);
  return found;
}

describe('an erasure leaves nothing of the person behind', () => {
  it('finds none of the identifiers or values in any table after the erasure and the replays', async () => {
    const changes = new SqsMessageQueue<CanonicalEvent>(sqsClient(), stack.queues.changes);
    const customer = { type: 'customerId:shopify', value: CUSTOMER_ID };
    // A guest checkout's profile under the old address, pushed on its own: its snapshot lives under its id. It came
    // first, so it survives the merge below and the customer account's profile (pushed as a record of its own) is absorbed.
    await changes.send([
      event('g-1', [{ type: 'email', value: SECOND_EMAIL }], 'customer.upserted', { lastName: SURNAME }),
      event('g-2', [{ type: 'email', value: SECOND_EMAIL }], 'consent.changed', consent),
    ]);
    await until(async () => copernica.profiles().some((p) => p.fields.email === SECOND_EMAIL), 'the guest profile at Copernica');
    await stack.waitUntilIdle();
    // The customer account (a Copernica record of its own), which then names the old address too: the two are merged.
    await changes.send([
      event(
        'c-1',
        [customer, { type: 'email', value: EMAIL }, { type: 'phone', value: SHOP_PHONE }],
        'customer.upserted',
        {
          firstName: 'Zelda',
          lastName: SURNAME,
        },
        nineDaysAgo,
      ),
      event('c-2', [customer, { type: 'email', value: EMAIL }], 'consent.changed', consent, nineDaysAgo),
    ]);
    await stack.waitUntilIdle();
    await changes.send([
      event('c-3', [customer, { type: 'email', value: SECOND_EMAIL }], 'customer.upserted', { lastName: SURNAME }, nineDaysAgo),
    ]);
    await stack.waitUntilIdle();
    // A second shop account with the same address: one customer id per profile, so it is refused the address.
    await changes.send([
      event(
        's-1',
        [
          { type: 'customerId:shopify', value: '99000002' },
          { type: 'email', value: EMAIL },
        ],
        'customer.upserted',
        {},
      ),
    ]);
    await stack.waitUntilIdle();
    const person = await stack.findProfile(TENANT, { email: EMAIL });
    expect(person?.mergedFrom, "the customer account's profile was absorbed").toHaveLength(1);
    // Each profile was pushed as a record of its own, and its snapshot keeps that record's Copernica id.
    const snapshots = new DynamoPushSnapshotStore(documentClient(), tableNames().ops);
    for (const id of [person!.profileId, ...person!.mergedFrom])
      expect(readSnapshot(await snapshots.get(TENANT, id, 'copernica'))?.remoteId, `the Copernica id of ${id}`).toMatch(/^\d+$/);
    const secondAccount = { type: 'customerId:shopify', value: '99000002' };
    const secondId = (await stack.profiles.lookup(TENANT, [secondAccount])).get('customerId:shopify#99000002')!;
    const refused = (await stack.profiles.get(TENANT, secondId))?.refusedIdentifiers.map((r) => r.value);
    expect(refused, 'the second account was refused the address').toEqual([EMAIL]);

    // A delivery naming the person that the parser rejects: quarantined with its raw body.
    const body = JSON.parse(
      readFileSync(new URL('../connectors/shopify/fixtures/customers-update.json', import.meta.url), 'utf8'),
    ) as Record<string, unknown>;
    const raw = JSON.stringify({ ...body, id: Number(CUSTOMER_ID), email: EMAIL, last_name: SURNAME, updated_at: 'yesterday' });
    const secret = stack.simulators.secretsFor(TENANT, 'shopify')?.webhookSecret as string;
    const delivered = await fetch(`${stack.url}/webhooks/${TENANT}/shopify`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-shopify-topic': 'customers/update',
        'x-shopify-shop-domain': SHOP_DOMAIN,
        'x-shopify-webhook-id': 'erase-q-1',
        ...signShopifyWebhook(raw, secret),
      },
      body: raw,
    });
    expect(delivered.status, 'quarantined').toBe(422);
    // An event that died on the changes queue before the erasure: its dead letter waits for a replay.
    await new SqsMessageQueue<CanonicalEvent>(sqsClient(), stack.queues.changesDlq).send([
      event('d-1', [customer, { type: 'email', value: EMAIL }, { type: 'phone', value: PHONE }], 'customer.upserted', {
        lastName: SURNAME,
      }),
    ]);
    expect((await leftBehind()).length, 'the person is stored before the erasure').toBeGreaterThan(0);

    const erased = await syncline('erase', TENANT, EMAIL, '--wait', '--json');
    expect(erased.code, erased.err).toBe(0);
    expect(JSON.parse(erased.out)).toMatchObject({ erased: true, state: 'settled' });
    await stack.waitUntilIdle();

    const replayedQuarantine = await syncline('quarantine', 'replay', TENANT);
    expect(replayedQuarantine.out, 'nothing of the person is left to replay').not.toMatch(/replayed/);
    const replayedDlq = await syncline('dlq', 'replay', '--queue', 'changes');
    expect(replayedDlq.code, replayedDlq.err).toBe(0);
    await stack.waitUntilIdle();

    // The shop's retry of an update made before the erasure, validly signed, arrives after it: accepted, re-creates nobody.
    const late = JSON.stringify({ ...body, id: Number(CUSTOMER_ID), email: EMAIL, last_name: SURNAME, updated_at: nineDaysAgo });
    const lateDelivery = await fetch(`${stack.url}/webhooks/${TENANT}/shopify`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-shopify-topic': 'customers/update',
        'x-shopify-shop-domain': SHOP_DOMAIN,
        'x-shopify-webhook-id': 'erase-late-1',
        ...signShopifyWebhook(late, secret),
      },
      body: late,
    });
    expect(lateDelivery.status, 'the late delivery is accepted').toBe(202);
    await stack.waitUntilIdle();

    expect(await leftBehind()).toEqual([]);
    expect(await stack.findProfile(TENANT, { email: EMAIL }), 'the dead letter re-created nobody').toBeUndefined();
    expect(await stack.profiles.get(TENANT, secondId), 'the second account is kept, without the address').toMatchObject({
      refusedIdentifiers: [],
    });
    // Both records at Copernica go. The absorbed profile's record has the address the second account was refused, which
    // is left out of what destinations delete by: only its own Copernica id, from its push snapshot, reaches it (this
    // failed in about half the runs while the guest and the account were first seen at the same instant, the survivor
    // then being the lower random id: erasures used the survivor's Copernica id only).
    expect(
      copernica.profiles().filter((p) => JSON.stringify(p).includes(SURNAME)),
      'the person at Copernica',
    ).toEqual([]);
    expect(
      copernica.profiles().filter((p) => [EMAIL, SECOND_EMAIL].includes(String(p.fields.email))),
      "the guest's record and the customer account's",
    ).toEqual([]);

    // An order after the erasure is a new relationship: it creates a profile again.
    await changes.send([event('n-1', [{ type: 'email', value: EMAIL }], 'consent.changed', consent, new Date().toISOString())]);
    await stack.waitUntilIdle();
    expect(await stack.findProfile(TENANT, { email: EMAIL }), 'a consent after the erasure').toBeDefined();
  }, 120_000);
});
