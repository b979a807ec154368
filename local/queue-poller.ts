// Lambda's SQS event source mapping, locally: receive a batch, invoke the handler, delete what succeeded.
// Failed messages stay invisible until the visibility timeout ends, then come back; the queue's redrive
// policy moves them to the DLQ after maxReceiveCount, exactly as in AWS.
// One receive loop hands batches to up to `concurrency` invocations at once, as the mapping's pollers hand them to
// concurrent Lambda invocations. One loop per invocation (before stop 31) spread the messages over as many receives:
// local-aws-sqs holds a long poll until the batch is full or the wait ends (AWS returns as soon as messages arrive),
// so ten loops each waited a second and handed on ~6 messages where one loop hands on 10.
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient, type Message } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Logger } from '../connectors/sdk/index.js';

export interface QueuePollerOptions {
  sqs: SQSClient;
  queueUrl: string;
  queueArn: string;
  handler: (event: SQSEvent) => Promise<SQSBatchResponse | void>;
  batchSize?: number;
  /** Seconds a received message stays hidden; the handler's failures reappear after it. */
  visibilityTimeout?: number;
  /** Concurrent batches, like the mapping's maximum concurrency. */
  concurrency?: number;
  log: Logger;
}

export interface QueuePoller {
  stop(): Promise<void>;
  /**
   * Stops at once, like a Lambda container that dies: batches in flight are never acknowledged, whatever their
   * handler still does, so their messages come back after the visibility timeout.
   */
  kill(): void;
  /** Batches handled and messages deleted so far. */
  stats(): { batches: number; succeeded: number; failed: number };
}

/** What one ReceiveMessage returns and one DeleteMessageBatch takes at most (SQS quotas). */
const RECEIVE_MAX = 10;

export function startQueuePoller(options: QueuePollerOptions): QueuePoller {
  const { sqs, queueUrl, handler, log } = options;
  const batchSize = options.batchSize ?? 10;
  const visibilityTimeout = options.visibilityTimeout ?? 30;
  let running = true;
  let killed = false;
  const stats = { batches: 0, succeeded: 0, failed: 0 };
  const controller = new AbortController();

  const concurrency = options.concurrency ?? 2;
  const invocations = new Set<Promise<void>>();

  async function loop(): Promise<void> {
    while (running) {
      // A free invocation first: never more batches at once than the mapping's maximum concurrency.
      while (invocations.size >= concurrency) await Promise.race(invocations);
      if (!running) return;
      let messages: Message[] = [];
      try {
        messages = await receiveBatch();
      } catch (error) {
        if (!running) return;
        log.warn('receive failed', { queue: queueName(queueUrl), reason: (error as Error).message });
        await sleep(500);
        continue;
      }
      if (messages.length === 0) continue;
      const invocation = invoke(messages)
        .catch((error: Error) => {
          // Not deleted: the messages come back after the visibility timeout, as after a failed delete in Lambda.
          if (!killed) log.warn('could not delete the handled messages', { queue: queueName(queueUrl), reason: error.message });
        })
        .finally(() => invocations.delete(invocation));
      invocations.add(invocation);
    }
  }

  const receive = async (max: number, waitSeconds: number): Promise<Message[]> => {
    const received = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: max,
        WaitTimeSeconds: waitSeconds,
        VisibilityTimeout: visibilityTimeout,
        MessageSystemAttributeNames: ['All'],
        // local-aws-sqs only honours the older parameter; AWS accepts both.
        AttributeNames: ['All'],
        // `syncline-replay-of` on a replayed dead letter (pipeline/scope/queue-senders.ts), as Lambda passes it.
        MessageAttributeNames: ['All'],
      }),
      { abortSignal: controller.signal },
    );
    return received.Messages ?? [];
  };

  /**
   * One batch of up to `batchSize`: SQS hands out at most 10 messages per receive, so, as the mapping's poller does for
   * a batch size above 10, full receives are followed by more until the batch is full. Unlike the mapping it does not
   * hold a batch back for its window: it takes what is already waiting (a receive without wait) and invokes.
   */
  async function receiveBatch(): Promise<Message[]> {
    const messages = await receive(Math.min(RECEIVE_MAX, batchSize), 1);
    for (let last = messages.length; last === RECEIVE_MAX && messages.length < batchSize && running; ) {
      const more = await receive(Math.min(RECEIVE_MAX, batchSize - messages.length), 0);
      messages.push(...more);
      last = more.length;
    }
    return messages;
  }

  async function invoke(messages: Message[]): Promise<void> {
    const event: SQSEvent = { Records: messages.map((m) => toRecord(m, options.queueArn)) };
    let failedIds: Set<string>;
    try {
      const response = await handler(event);
      failedIds = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch (error) {
      // A thrown handler fails the whole batch, as in Lambda.
      log.error('handler failed the whole batch', { queue: queueName(queueUrl), reason: (error as Error).message });
      failedIds = new Set(messages.map((m) => m.MessageId ?? ''));
    }
    if (killed) return;
    stats.batches++;
    const done = messages.filter((m) => !failedIds.has(m.MessageId ?? ''));
    stats.succeeded += done.length;
    stats.failed += messages.length - done.length;
    // DeleteMessageBatch takes 10 entries at most.
    for (let i = 0; i < done.length; i += RECEIVE_MAX) {
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: done.slice(i, i + RECEIVE_MAX).map((m, k) => ({ Id: String(k), ReceiptHandle: m.ReceiptHandle! })),
        }),
      );
    }
  }

  const receiving = loop();
  return {
    stats: () => ({ ...stats }),
    async stop() {
      running = false;
      controller.abort();
      // A killed worker's batches may never finish; there is nothing left to wait for.
      if (killed) return;
      await Promise.allSettled([receiving, ...invocations]);
    },
    kill() {
      killed = true;
      running = false;
      controller.abort();
    },
  };
}

function toRecord(message: Message, queueArn: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
        name,
        { dataType: value.DataType ?? 'String', ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}) },
      ]),
    ),
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: queueArn.split(':')[3] ?? 'eu-west-1',
  };
}

function queueName(url: string): string {
  return url.split('/').pop() ?? url;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
