import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SendMessageBatchCommandOutput,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { createQueues } from '../local/emulators.js';
import { useEmulators } from '../test/support/emulators.js';
import { MessageTooLarge, SendFailed, SQS_MAX_BYTES, SqsMessageQueue } from './sqs-queue.js';

const env = useEmulators({ dynamo: false });

/** The real client, recording the size of every SendMessageBatch and optionally failing entries on their first try. */
function recordingClient(options: { failFirstTry?: (id: string) => boolean; failAlways?: (id: string) => boolean } = {}) {
  const batches: number[] = [];
  const tried = new Set<string>();
  const client = {
    async send(command: SendMessageBatchCommand): Promise<SendMessageBatchCommandOutput> {
      const entries = command.input.Entries ?? [];
      batches.push(entries.length);
      const failing = entries.filter(
        (e) => options.failAlways?.(e.MessageBody!) || (options.failFirstTry?.(e.MessageBody!) && !tried.has(e.MessageBody!)),
      );
      for (const e of entries) tried.add(e.MessageBody!);
      const passing = entries.filter((e) => !failing.includes(e));
      const result: SendMessageBatchCommandOutput =
        passing.length > 0
          ? await env.sqs.send(new SendMessageBatchCommand({ ...command.input, Entries: passing }))
          : { Successful: [], Failed: [], $metadata: {} };
      return {
        ...result,
        Failed: failing.map((e) => ({ Id: e.Id!, Code: 'InternalError', Message: 'injected failure', SenderFault: false })),
      };
    },
  };
  return { client: client as unknown as SQSClient, batches };
}

async function queue(name: string): Promise<string> {
  const { QueueUrl } = await env.sqs.send(new CreateQueueCommand({ QueueName: env.unique(name) }));
  return QueueUrl!;
}

async function drain(url: string): Promise<string[]> {
  const bodies: string[] = [];
  for (;;) {
    // MaxNumberOfMessages 10 and WaitTimeSeconds 0: local-aws-sqs returns after ~40 ms with what it has.
    const { Messages } = await env.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 60 }));
    if (!Messages?.length) return bodies;
    bodies.push(...Messages.map((m) => m.Body!));
  }
}

describe('SqsMessageQueue', () => {
  it('sends more than 10 messages in batches of 10', async () => {
    const url = await queue('batches');
    const { client, batches } = recordingClient();
    const messages = Array.from({ length: 25 }, (_, i) => ({ kind: 'sync', tenantId: 'acme', profileId: `p${i}` }));
    await new SqsMessageQueue(client, url).send(messages);

    expect(batches).toEqual([10, 10, 5]);
    const received = (await drain(url)).map((b) => JSON.parse(b));
    expect(received).toHaveLength(25);
    expect(received).toEqual(expect.arrayContaining(messages));
  });

  it('splits a batch so that it stays under 1 MiB in total', async () => {
    const url = await queue('split');
    const { client, batches } = recordingClient();
    const big = (i: number) => ({ i, padding: 'x'.repeat(400_000) });
    await new SqsMessageQueue(client, url).send([big(1), big(2), big(3), { i: 4 }]);
    expect(batches).toEqual([2, 2]);
    expect((await drain(url)).map((b) => JSON.parse(b).i).sort()).toEqual([1, 2, 3, 4]);
  });

  it('rejects a message above the SQS size limit with its size', async () => {
    const url = await queue('too-large');
    const { client, batches } = recordingClient();
    // 600,000 'é' are 1.2 MB in UTF-8, though only 600,000 characters: the limit counts bytes.
    const error = await new SqsMessageQueue(client, url).send([{ ok: true }, { text: 'é'.repeat(600_000) }]).catch((e: Error) => e);
    expect(error).toBeInstanceOf(MessageTooLarge);
    expect((error as MessageTooLarge).size).toBe(1_200_011);
    expect((error as Error).message).toContain(`message 1 is 1200011 bytes as JSON, above the SQS limit of ${SQS_MAX_BYTES} bytes`);
    expect(batches, 'nothing sent').toEqual([]);
  });

  it('accepts a message of exactly 1 MiB', async () => {
    const url = await queue('exact');
    const body = { p: 'x'.repeat(SQS_MAX_BYTES - '{"p":""}'.length) };
    await new SqsMessageQueue(env.sqs, url).send([body]);
    expect(await drain(url)).toHaveLength(1);
  });

  it('retries entries SQS reports as failed and sends them once', async () => {
    const url = await queue('retry');
    const { client, batches } = recordingClient({ failFirstTry: (body) => body.includes('"n":3') || body.includes('"n":7') });
    await new SqsMessageQueue(client, url, { sleep: async () => {} }).send(Array.from({ length: 10 }, (_, n) => ({ n })));
    expect(batches).toEqual([10, 2]);
    expect((await drain(url)).map((b) => JSON.parse(b).n).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('names how many messages failed after its retries', async () => {
    const url = await queue('fail');
    const { client, batches } = recordingClient({ failAlways: (body) => body.includes('"n":1') || body.includes('"n":2') });
    const error = await new SqsMessageQueue(client, url, { sleep: async () => {}, maxAttempts: 3 })
      .send(Array.from({ length: 5 }, (_, n) => ({ n })))
      .catch((e: Error) => e);
    expect(error).toBeInstanceOf(SendFailed);
    expect((error as Error).message).toBe('2 of 5 messages could not be sent to SQS: InternalError: injected failure (×2)');
    expect(batches).toEqual([5, 2, 2]);
  });

  it('round-trips JSON bodies, including characters SQS does not accept raw', async () => {
    const url = await queue('unicode');
    const message = { name: 'Zoë \u{1F600}', odd: 'a\uffffb\ufffe', control: 'tab\there\u0001' };
    await new SqsMessageQueue(env.sqs, url).send([message]);
    const [body] = await drain(url);
    expect(body).not.toMatch(/[\ufffe\uffff]/);
    expect(JSON.parse(body!)).toEqual(message);
  });

  it('asks SQS to hold each message for its delaySeconds, and refuses a delay SQS would not take', async () => {
    const url = await queue('delayed');
    const sent: (number | undefined)[] = [];
    const client = {
      send: async (command: SendMessageBatchCommand) => {
        sent.push(...(command.input.Entries ?? []).map((e) => e.DelaySeconds));
        return env.sqs.send(command);
      },
    } as unknown as SQSClient;
    await new SqsMessageQueue(client, url, { delaySeconds: 30 }).send([{ n: 1 }, { n: 2 }]);
    await new SqsMessageQueue(client, url, { delaySeconds: 0 }).send([{ n: 3 }]);
    expect(sent).toEqual([30, 30, undefined]);
    expect(() => new SqsMessageQueue(client, url, { delaySeconds: 901 })).toThrow(/0 to 900/);
    expect(() => new SqsMessageQueue(client, url, { delaySeconds: 1.5 })).toThrow(/whole number/);
  });

  it('sends nothing for an empty list', async () => {
    const { client, batches } = recordingClient();
    await new SqsMessageQueue(client, 'http://unused').send([]);
    expect(batches).toEqual([]);
  });
});

describe('SQS emulator (local-aws-sqs) behaviour the local runtime relies on', () => {
  it('moves a message to the DLQ after maxReceiveCount receives', async () => {
    const queues = await createQueues(
      env.sqs,
      {
        changes: env.unique('redrive'),
        changesDlq: env.unique('redrive-dlq'),
        push: env.unique('redrive-p'),
        pushDlq: env.unique('redrive-p-dlq'),
      },
      { visibilityTimeout: 1, maxReceiveCount: 2 },
    );
    await new SqsMessageQueue(env.sqs, queues.changes.url).send([{ poison: true }]);

    const receiveCounts: string[] = [];
    for (let i = 0; i < 2; i++) {
      // WaitTimeSeconds 2 > the 1 s visibility timeout, so the second receive sees the message come back.
      // local-aws-sqs 2.0.2 ignores MessageSystemAttributeNames and answers only the deprecated AttributeNames: send both.
      const { Messages } = await env.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queues.changes.url,
          MaxNumberOfMessages: 1,
          WaitTimeSeconds: 2,
          MessageSystemAttributeNames: ['ApproximateReceiveCount'],
          AttributeNames: ['ApproximateReceiveCount' as 'All'],
        }),
      );
      receiveCounts.push(...(Messages ?? []).map((m) => m.Attributes?.ApproximateReceiveCount ?? '?'));
    }
    expect(receiveCounts).toEqual(['1', '2']);

    const { Messages } = await env.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queues.changesDlq.url, MaxNumberOfMessages: 1, WaitTimeSeconds: 3 }),
    );
    expect(Messages?.map((m) => JSON.parse(m.Body!))).toEqual([{ poison: true }]);
    const { Attributes } = await env.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queues.changes.url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    expect(
      Number(Attributes?.ApproximateNumberOfMessages) + Number(Attributes?.ApproximateNumberOfMessagesNotVisible),
      'left in the source queue',
    ).toBe(0);
  });

  it('holds a delayed message back from receives until its delay has passed, and counts it as delayed meanwhile', async () => {
    const url = await queue('delay');
    await new SqsMessageQueue(env.sqs, url, { delaySeconds: 2 }).send([{ held: true }]);
    const delayed = async () =>
      (await env.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessagesDelayed'] })))
        .Attributes?.ApproximateNumberOfMessagesDelayed;

    expect(await drain(url), 'received at once').toEqual([]);
    expect(await delayed()).toBe('1');
    const { Messages } = await env.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 1, WaitTimeSeconds: 4 }));
    expect(Messages?.map((m) => JSON.parse(m.Body!))).toEqual([{ held: true }]);
    expect(await delayed()).toBe('0');
  });

  it('creates the queues again with a new visibility timeout instead of failing', async () => {
    const again = await createQueues(
      env.sqs,
      { changes: env.unique('changes'), changesDlq: env.unique('changes-dlq'), push: env.unique('push'), pushDlq: env.unique('push-dlq') },
      { visibilityTimeout: 7 },
    );
    expect(again.changes.url).toBe(env.queues.changes.url);
    const { Attributes } = await env.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: again.changes.url, AttributeNames: ['VisibilityTimeout', 'RedrivePolicy'] }),
    );
    expect(Attributes?.VisibilityTimeout).toBe('7');
    expect(JSON.parse(Attributes?.RedrivePolicy ?? '{}')).toEqual({ maxReceiveCount: 5, deadLetterTargetArn: env.queues.changesDlq.arn });
  });
});
