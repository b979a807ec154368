// Dead letters on the emulators: the local queue poller sends poison to the DLQ like Lambda's event source, and
// replayDeadLetters moves messages back once their cause is fixed.
import { ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { LOCAL_SQS_SENDER_ID, REPLAY_OF_ATTRIBUTE } from '../pipeline/scope/queue-senders.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { SynclineConfig } from '../core/config.js';
import type { CanonicalEvent } from '../core/events.js';
import { identifierKey } from '../core/identifiers.js';
import { DynamoProfileRepository } from '../aws/dynamo-profile-repository.js';
import { SqsMessageQueue } from '../aws/sqs-queue.js';
import { createMergeHandler, handler as merge } from '../lambdas/merge.js';
import { configureRuntime, runtime } from '../lambdas/runtime.js';
import { customer } from '../test/support/events.js';
import { useEmulators } from '../test/support/emulators.js';
import { silentLogger, takeAll, takeBodies } from '../test/support/lambda-events.js';
import { createTables } from './emulators.js';
import { peekMessages, queueDepth, replayDeadLetters } from './dlq.js';
import { startQueuePoller } from './queue-poller.js';

// A short visibility timeout (above the poller's 1 s long poll, as local-aws-sqs needs) and two receives before the DLQ.
const VISIBILITY = 2;
const env = useEmulators({ visibilityTimeout: VISIBILITY, maxReceiveCount: 2 });

beforeAll(() => {
  const config = SynclineConfig.parse({ tenants: [{ id: 'acme', instances: [{ id: 'shop', connector: 'shopify', webhooks: true }] }] });
  configureRuntime({ config, secrets: { get: async () => undefined }, log: silentLogger });
});

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const depth = async (url: string) => {
  const { visible, inFlight } = await queueDepth(env.sqs, url);
  return visible + inFlight;
};

function consume(handler: Parameters<typeof startQueuePoller>[0]['handler']) {
  return startQueuePoller({
    sqs: env.sqs,
    queueUrl: env.queues.changes.url,
    queueArn: env.queues.changes.arn,
    handler,
    batchSize: 10,
    visibilityTimeout: VISIBILITY,
    concurrency: 1,
    log: silentLogger,
  });
}

async function profileIdOf(table: string, email: string): Promise<string | undefined> {
  const id = { type: 'email' as const, value: email };
  return (await new DynamoProfileRepository(env.db, table).lookup('acme', [id])).get(identifierKey(id));
}

describe('dead letters through the local queue poller', () => {
  it('a poison message lands in the changes DLQ after maxReceiveCount receives', async () => {
    const poison = '{"type":"customer.upserted","tenantId":"acme"'; // cut short: no retry can parse it
    const good = customer('401', 'gus@example.com', '2026-10-01T10:00:00Z', { firstName: 'Gus' });
    await env.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: env.queues.changes.url,
        Entries: [
          { Id: 'poison', MessageBody: poison },
          { Id: 'good', MessageBody: JSON.stringify(good) },
        ],
      }),
    );

    const poller = consume(merge);
    try {
      await until('the poison message is in the DLQ', async () => (await depth(env.queues.changesDlq.url)) === 1);
      await until('the changes queue is empty', async () => (await depth(env.queues.changes.url)) === 0);
    } finally {
      await poller.stop();
    }
    expect(poller.stats().failed, 'the poison message failed once per receive').toBe(2);
    expect((await takeAll(env.sqs, env.queues.changesDlq.url)).map((m) => m.Body)).toEqual([poison]);
    expect(await profileIdOf(env.tables.profiles, 'gus@example.com'), 'its healthy neighbour in the batch was merged').toBeDefined();
  });

  it('replays dead letters once their cause is fixed, and nothing is lost', async () => {
    // An outage: the merge handler writes to a table that does not exist yet, so every event fails into the DLQ.
    const table = env.unique('profiles-late');
    const broken = createMergeHandler(() => ({ ...runtime().merge, profiles: new DynamoProfileRepository(env.db, table) }));
    const emails = ['hal', 'ida', 'jan'].map((name) => `${name}@example.com`);
    const events = emails.map((email, i) => customer(`50${i}`, email, '2026-10-01T10:00:00Z', { firstName: email.split('@')[0] }));
    await new SqsMessageQueue<CanonicalEvent>(env.sqs, env.queues.changes.url).send(events);

    const poller = consume(broken);
    try {
      await until('all three events are in the DLQ', async () => (await depth(env.queues.changesDlq.url)) === 3);
      expect(await depth(env.queues.changes.url)).toBe(0);

      await createTables(env.dynamo, { profiles: table, ops: env.tables.ops }); // the fix
      const report = await replayDeadLetters(env.sqs, env.queues.changesDlq.url, env.queues.changes.url, { waitTimeSeconds: 0 });
      expect(report).toEqual({ moved: 3, failed: 0, duplicates: 0, reasons: [] });

      await until('all three are merged', async () => (await Promise.all(emails.map((email) => profileIdOf(table, email)))).every(Boolean));
    } finally {
      await poller.stop();
    }
    expect(await depth(env.queues.changesDlq.url), 'DLQ empty').toBe(0);
  });
});

describe('replayDeadLetters', () => {
  /** The real client, recording how many entries each SendMessageBatch carried. */
  function recording(): { sqs: SQSClient; batches: number[] } {
    const batches: number[] = [];
    const sqs = {
      send: (command: { input: unknown }) => {
        if (command instanceof SendMessageBatchCommand) batches.push(command.input.Entries?.length ?? 0);
        return env.sqs.send(command as never);
      },
    } as unknown as SQSClient;
    return { sqs, batches };
  }

  it('moves messages in batches of 10, keeps their bodies and stops at max', async () => {
    await takeAll(env.sqs, env.queues.push.url); // sync requests the merges above queued
    const messages = Array.from({ length: 25 }, (_, i) => ({ kind: 'sync', tenantId: 'acme', profileId: `p${i}` }));
    await new SqsMessageQueue(env.sqs, env.queues.pushDlq.url).send(messages);
    const { sqs, batches } = recording();

    const first = await replayDeadLetters(sqs, env.queues.pushDlq.url, env.queues.push.url, { max: 12, waitTimeSeconds: 0 });
    expect(first.moved).toBe(12);
    expect(await depth(env.queues.pushDlq.url)).toBe(13);
    const rest = await replayDeadLetters(sqs, env.queues.pushDlq.url, env.queues.push.url, { waitTimeSeconds: 0 });
    expect(rest.moved).toBe(13);

    expect(batches).toEqual([10, 2, 10, 3]);
    expect(await depth(env.queues.pushDlq.url)).toBe(0);
    const moved = await takeBodies(env.sqs, env.queues.push.url);
    expect(moved).toHaveLength(25);
    expect(moved).toEqual(expect.arrayContaining(messages));
  });

  it('leaves the messages in the DLQ when the target queue does not exist', async () => {
    await new SqsMessageQueue(env.sqs, env.queues.pushDlq.url).send([{ kind: 'sync', tenantId: 'acme', profileId: 'kept' }]);
    const missing = `${env.sqsEndpoint}/000000000000/${env.unique('missing')}`;

    await expect(replayDeadLetters(env.sqs, env.queues.pushDlq.url, missing, { waitTimeSeconds: 0 })).rejects.toThrow();
    // (local-aws-sqs also counts in-flight messages in ApproximateNumberOfMessages; AWS does not.)
    expect((await queueDepth(env.sqs, env.queues.pushDlq.url)).inFlight, 'still in the DLQ, hidden until its visibility timeout ends').toBe(
      1,
    );
  });

  it("sends with the client it is given, naming each dead letter's first sender so the merge judges it as theirs", async () => {
    await takeAll(env.sqs, env.queues.pushDlq.url);
    await takeAll(env.sqs, env.queues.push.url);
    const dlq = new SqsMessageQueue(env.sqs, env.queues.pushDlq.url);
    await dlq.send([{ kind: 'sync', tenantId: 'acme', profileId: 'first-replay' }]);
    await env.sqs.send(
      new SendMessageCommand({
        QueueUrl: env.queues.pushDlq.url,
        MessageBody: JSON.stringify({ kind: 'sync', tenantId: 'acme', profileId: 'second-replay' }),
        MessageAttributes: { [REPLAY_OF_ATTRIBUTE]: { DataType: 'String', StringValue: 'AROAFIRSTSENDER000001:syncline-dev-webhook' } },
      }),
    );
    const { sqs: operator, batches } = recording();

    const report = await replayDeadLetters(env.sqs, env.queues.pushDlq.url, env.queues.push.url, {
      waitTimeSeconds: 0,
      sendWith: operator,
    });
    expect(report.moved).toBe(2);
    expect(batches, 'sent through the operator client').toEqual([2]);
    const { Messages = [] } = await env.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: env.queues.push.url, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'] }),
    );
    const replayOf = Object.fromEntries(
      Messages.map((m) => [JSON.parse(m.Body!).profileId, m.MessageAttributes?.[REPLAY_OF_ATTRIBUTE]?.StringValue]),
    );
    expect(replayOf).toEqual({
      // What local-aws-sqs stamps as the sender; in AWS the producer's role id and session.
      'first-replay': LOCAL_SQS_SENDER_ID,
      'second-replay': 'AROAFIRSTSENDER000001:syncline-dev-webhook',
    });
  });

  it('peeks at dead letters without their content and leaves them for a replay', async () => {
    await takeAll(env.sqs, env.queues.pushDlq.url);
    await new SqsMessageQueue(env.sqs, env.queues.pushDlq.url).send([{ kind: 'sync', tenantId: 'acme', profileId: 'peeked' }]);

    const peeked = await peekMessages(env.sqs, env.queues.pushDlq.url);
    expect(peeked).toEqual([expect.objectContaining({ summary: 'tenant acme, push sync, profile peeked' })]);
    const report = await replayDeadLetters(env.sqs, env.queues.pushDlq.url, env.queues.push.url, { waitTimeSeconds: 0 });
    expect(report.moved, 'visible again right after the peek').toBe(1);
  });

  it('summarises a packed sync message by its number of profiles, not their ids', async () => {
    await takeAll(env.sqs, env.queues.pushDlq.url);
    await new SqsMessageQueue(env.sqs, env.queues.pushDlq.url).send([
      { kind: 'syncs', tenantId: 'acme', profiles: [{ profileId: 'a', version: 2 }, { profileId: 'b' }] },
    ]);

    expect(await peekMessages(env.sqs, env.queues.pushDlq.url)).toEqual([
      expect.objectContaining({ summary: 'tenant acme, push syncs, 2 profiles' }),
    ]);
    await takeAll(env.sqs, env.queues.pushDlq.url);
  });
});
