// The merge judges what each changes message may claim (issue 16 item 11), on the emulators: the merge handler with
// SQS events as Lambda hands them over, SenderId included, against the producers the stack names in
// SYNCLINE_QUEUE_SENDERS. A refused message is failed (dead-lettered on its last receive, with the reason in the
// ledger) and writes nothing; the same message from the right producer is applied.
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SynclineConfig } from '../core/config.js';
import { CanonicalEvent, CLI_SOURCE } from '../core/events.js';
import { identifierKey } from '../core/identifiers.js';
import { SURVEY_SOURCE } from '../pipeline/survey/answer-survey.js';
import { LOCAL_SQS_SENDER_ID, QUEUE_SENDERS_VARIABLE, REPLAY_OF_ATTRIBUTE } from '../pipeline/scope/queue-senders.js';
import { useEmulators } from '../test/support/emulators.js';
import { customer, order } from '../test/support/events.js';
import { silentLogger, sqsEvent } from '../test/support/lambda-events.js';
import { handler } from './merge.js';
import { configureRuntime, runtime } from './runtime.js';

const env = useEmulators({ maxReceiveCount: 5 });

// Role ids as IAM gives them (21 characters, AROA for a role); Lambda's sessions are named after the function.
const ROLES = {
  webhook: 'AROAWEBHOOKROLE000001',
  poll: 'AROAPOLLROLE000000001',
  collect: 'AROACOLLECTROLE000001',
  survey: 'AROASURVEYROLE0000001',
  operator: 'AROAOPERATORROLE00001',
};
const STRANGER = 'AIDASOMEOTHERUSER0001';
const session = (role: string, name: string) => `${role}:syncline-dev-${name}`;

const config = SynclineConfig.parse({
  tenants: [
    {
      id: 'acme',
      instances: [
        { id: 'shop', connector: 'shopify', webhooks: true },
        { id: 'site', connector: 'website', settings: { writeKey: 'wk_acme', origins: ['https://acme.example'] } },
        { id: 'pos', connector: 'square', pollEveryMinutes: 5 },
      ],
    },
    // A tenant with a website only: no shop instance through which an order could enter.
    { id: 'blog', instances: [{ id: 'site', connector: 'website', settings: { writeKey: 'wk_blog', origins: ['https://blog.example'] } }] },
  ],
});

let saved: string | undefined;
beforeAll(() => {
  saved = process.env[QUEUE_SENDERS_VARIABLE];
  process.env[QUEUE_SENDERS_VARIABLE] = Object.entries(ROLES)
    .map(([producer, role]) => `${producer}=${role}`)
    .join(',');
});
afterAll(() => {
  if (saved === undefined) delete process.env[QUEUE_SENDERS_VARIABLE];
  else process.env[QUEUE_SENDERS_VARIABLE] = saved;
});
// Each test builds the runtime (and so the scope) afresh from the environment it set.
beforeEach(() => configureRuntime({ config, secrets: { get: async () => undefined }, log: silentLogger }));

let serial = 0;
/** One message as Lambda's event source hands it over: on its last receive, so a failure is a dead letter. */
function delivery(event: CanonicalEvent, senderId: string | undefined, attributes: Record<string, string> = {}): SQSEvent {
  const batch = sqsEvent([JSON.stringify(event)]);
  const record = batch.Records[0]!;
  record.messageId = `scope-${++serial}`;
  record.attributes.ApproximateReceiveCount = '5';
  if (senderId === undefined) delete (record.attributes as { SenderId?: string }).SenderId;
  else record.attributes.SenderId = senderId;
  record.messageAttributes = Object.fromEntries(
    Object.entries(attributes).map(([name, stringValue]) => [name, { dataType: 'String', stringValue }]),
  );
  return batch;
}

const inTenant = (tenantId: string, e: CanonicalEvent, source = e.source): CanonicalEvent => ({ ...e, tenantId, source });
let person = 0;
/** A fresh person per test, so that "applied" and "not written" are about this test's message only. */
function freshCustomer(source = { connector: 'shopify', instance: 'shop' }) {
  const email = `scope-${++person}@example.com`;
  return { email, event: { ...customer(String(9000 + person), email, '2026-10-01T10:00:00Z', { firstName: 'Scope' }), source } };
}

async function profileOf(tenantId: string, email: string): Promise<string | undefined> {
  const id = { type: 'email' as const, value: email };
  return (await runtime().merge.profiles.lookup(tenantId, [id])).get(identifierKey(id));
}

async function deadLetterReasons(tenantId: string, instance: string): Promise<string[]> {
  const ledger = await runtime().merge.accounting!.ledger.count(tenantId, instance);
  return Object.keys(ledger.deadLetterReasons);
}

describe("the merge applies only what a message's sender may claim", () => {
  it('applies a customer the webhook function sent for a shop instance that takes webhooks', async () => {
    const { email, event } = freshCustomer();
    expect(await handler(delivery(event, session(ROLES.webhook, 'webhook')))).toEqual({ batchItemFailures: [] });
    expect(await profileOf('acme', email), 'the profile was written').toBeDefined();
  });

  it("dead-letters the same message from a principal that is not one of the stage's producers", async () => {
    const { email, event } = freshCustomer();
    const result = await handler(delivery(event, STRANGER));
    expect(result.batchItemFailures, 'failed, so SQS moves it to the DLQ').toHaveLength(1);
    expect(await profileOf('acme', email), 'nothing written').toBeUndefined();
    expect(await deadLetterReasons('acme', 'shop')).toContain(`refused: sent by ${STRANGER}, which is not one of the stage's producers`);
  });

  it('dead-letters a message without a SenderId', async () => {
    const { email, event } = freshCustomer();
    expect((await handler(delivery(event, undefined))).batchItemFailures).toHaveLength(1);
    expect(await profileOf('acme', email)).toBeUndefined();
  });

  it('refuses an order for a tenant that has no such instance, and one through its website instance', async () => {
    const ids = [{ type: 'email' as const, value: 'scope-order@example.com' }];
    const shopOrder = order('S-1', ids, '2026-10-02T10:00:00Z', 80);
    const noShop = await handler(delivery(inTenant('blog', shopOrder), session(ROLES.webhook, 'webhook')));
    expect(noShop.batchItemFailures, 'blog has no instance "shop"').toHaveLength(1);
    expect(await deadLetterReasons('blog', 'shop')).toContain('refused: tenant "blog" has no instance "shop"');

    const viaSite = inTenant('acme', shopOrder, { connector: 'website', instance: 'site' });
    expect((await handler(delivery(viaSite, session(ROLES.collect, 'collect')))).batchItemFailures).toHaveLength(1);
    expect(await deadLetterReasons('acme', 'site')).toContain(
      'refused: a website connector does not produce order.placed (acme/site, website)',
    );
    expect(await profileOf('acme', 'scope-order@example.com'), 'no order anywhere').toBeUndefined();
    expect(await profileOf('blog', 'scope-order@example.com')).toBeUndefined();
  });

  it('refuses a source that names another connector than the instance runs', async () => {
    const { email, event } = freshCustomer({ connector: 'woocommerce', instance: 'shop' });
    expect((await handler(delivery(event, session(ROLES.webhook, 'webhook')))).batchItemFailures).toHaveLength(1);
    expect(await profileOf('acme', email)).toBeUndefined();
  });

  it("takes from the public collect function website behaviour and cookie consent, never e-mail consent or a shop's events", async () => {
    const site = { connector: 'website', instance: 'site' };
    const consent = (purpose: string, email: string) =>
      CanonicalEvent.parse({
        tenantId: 'acme',
        source: site,
        sourceEventId: `consent-${purpose}-${email}`,
        occurredAt: '2026-10-03T10:00:00Z',
        receivedAt: '2026-10-03T10:00:00Z',
        identifiers: [{ type: 'email', value: email }],
        type: 'consent.changed',
        data: { purpose, granted: true, method: 'website' },
      });
    const collect = session(ROLES.collect, 'collect');
    expect((await handler(delivery(consent('email_marketing', 'scope-mail@example.com'), collect))).batchItemFailures).toHaveLength(1);
    expect(await profileOf('acme', 'scope-mail@example.com')).toBeUndefined();
    expect(await handler(delivery(consent('profiling', 'scope-cookie@example.com'), collect))).toEqual({ batchItemFailures: [] });
    expect(await profileOf('acme', 'scope-cookie@example.com')).toBeDefined();

    const { email, event } = freshCustomer();
    expect((await handler(delivery(event, collect))).batchItemFailures, "a shop's customer from collect").toHaveLength(1);
    expect(await profileOf('acme', email)).toBeUndefined();
  });

  it('takes webhooks only for instances that take them, and polls only for polled instances', async () => {
    const pos = { connector: 'square', instance: 'pos' };
    const first = freshCustomer(pos);
    expect((await handler(delivery(first.event, session(ROLES.webhook, 'webhook')))).batchItemFailures).toHaveLength(1);
    expect(await profileOf('acme', first.email)).toBeUndefined();
    expect(await handler(delivery(first.event, session(ROLES.poll, 'poll')))).toEqual({ batchItemFailures: [] });
    expect(await profileOf('acme', first.email)).toBeDefined();

    const second = freshCustomer();
    expect((await handler(delivery(second.event, session(ROLES.poll, 'poll')))).batchItemFailures, 'shop is not polled').toHaveLength(1);
  });

  it('takes survey answers from the survey function, and nothing else from it', async () => {
    const answer = CanonicalEvent.parse({
      tenantId: 'acme',
      source: SURVEY_SOURCE,
      sourceEventId: 'survey-1',
      occurredAt: '2026-10-04T10:00:00Z',
      receivedAt: '2026-10-04T10:00:00Z',
      identifiers: [{ type: 'email', value: 'scope-survey@example.com' }],
      type: 'survey.answered',
      data: { question: 'why-not', answer: 'too-expensive' },
    });
    expect((await handler(delivery(answer, session(ROLES.webhook, 'webhook')))).batchItemFailures).toHaveLength(1);
    expect(await handler(delivery(answer, session(ROLES.survey, 'survey')))).toEqual({ batchItemFailures: [] });
    const { event } = freshCustomer();
    expect((await handler(delivery(event, session(ROLES.survey, 'survey')))).batchItemFailures).toHaveLength(1);
  });

  it("takes the CLI's erasure requests from the operator only", async () => {
    const { email, event } = freshCustomer();
    await handler(delivery(event, session(ROLES.webhook, 'webhook')));
    const erasure = CanonicalEvent.parse({
      tenantId: 'acme',
      source: CLI_SOURCE,
      sourceEventId: `erasure-${email}`,
      occurredAt: '2026-10-05T10:00:00Z',
      receivedAt: '2026-10-05T10:00:00Z',
      identifiers: [{ type: 'email', value: email }],
      type: 'erasure.requested',
      data: { scope: 'person' },
    });
    expect((await handler(delivery(erasure, session(ROLES.webhook, 'webhook')))).batchItemFailures).toHaveLength(1);
    expect(await profileOf('acme', email), 'not erased by the webhook function').toBeDefined();
    expect(await handler(delivery(erasure, `${ROLES.operator}:anna`))).toEqual({ batchItemFailures: [] });
    expect(await profileOf('acme', email), 'erased by the operator').toBeUndefined();
  });

  it("judges a dead letter the operator replays as its first sender's: a stranger's stays refused", async () => {
    const replayed = freshCustomer();
    const operator = `${ROLES.operator}:anna`;
    const ofWebhook = { [REPLAY_OF_ATTRIBUTE]: session(ROLES.webhook, 'webhook') };
    expect(await handler(delivery(replayed.event, operator, ofWebhook))).toEqual({ batchItemFailures: [] });
    expect(await profileOf('acme', replayed.email)).toBeDefined();

    const forged = freshCustomer();
    expect((await handler(delivery(forged.event, operator, { [REPLAY_OF_ATTRIBUTE]: STRANGER }))).batchItemFailures).toHaveLength(1);
    expect(await profileOf('acme', forged.email)).toBeUndefined();
    // Only the operator's word counts: a webhook message claiming to replay the operator's is the webhook's.
    const cli = CanonicalEvent.parse({
      tenantId: 'acme',
      source: CLI_SOURCE,
      sourceEventId: 'erasure-forged',
      occurredAt: '2026-10-05T10:00:00Z',
      receivedAt: '2026-10-05T10:00:00Z',
      identifiers: [{ type: 'email', value: replayed.email }],
      type: 'erasure.requested',
      data: { scope: 'person' },
    });
    expect(
      (await handler(delivery(cli, session(ROLES.webhook, 'webhook'), { [REPLAY_OF_ATTRIBUTE]: operator }))).batchItemFailures,
    ).toHaveLength(1);
    expect(await profileOf('acme', replayed.email)).toBeDefined();
  });

  it('refuses what local-aws-sqs stamps once the stage names its producers, and admits it as the local operator otherwise', async () => {
    const { email, event } = freshCustomer();
    await env.sqs.send(new SendMessageCommand({ QueueUrl: env.queues.changes.url, MessageBody: JSON.stringify(event) }));
    // As Lambda's event source receives: with the system attributes (local-aws-sqs honours the older parameter only).
    const { Messages: received = [] } = await env.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: env.queues.changes.url,
        AttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
        WaitTimeSeconds: 1,
      }),
    );
    expect(received.map((m) => m.Attributes?.SenderId)).toEqual([LOCAL_SQS_SENDER_ID]);
    expect((await handler(sqsEvent(received))).batchItemFailures, 'not a producer of this stage').toHaveLength(1);

    delete process.env[QUEUE_SENDERS_VARIABLE];
    configureRuntime({ config, secrets: { get: async () => undefined }, log: silentLogger });
    expect(await handler(sqsEvent(received))).toEqual({ batchItemFailures: [] });
    expect(await profileOf('acme', email)).toBeDefined();
  });
});
