import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { useEmulators } from '../test/support/emulators.js';
import { createQueues } from './emulators.js';
import { startQueuePoller, type QueuePoller } from './queue-poller.js';

const env = useEmulators({ dynamo: false, visibilityTimeout: 30 });
const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let poller: QueuePoller | undefined;
afterEach(async () => {
  await poller?.stop();
  poller = undefined;
});

/** A fresh queue with `count` messages on it, and a poller whose handler takes `handlerMs` per batch. */
async function burst(count: number, options: { concurrency: number; handlerMs: number; failBodies?: Set<string>; batchSize?: number }) {
  const names = (['changes', 'changesDlq', 'push', 'pushDlq'] as const).map((n) =>
    env.unique(`${n}-${Math.random().toString(36).slice(2, 8)}`),
  );
  const queues = await createQueues(env.sqs, { changes: names[0]!, changesDlq: names[1]!, push: names[2]!, pushDlq: names[3]! });
  for (let i = 0; i < count; i += 10)
    await env.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queues.changes.url,
        Entries: Array.from({ length: Math.min(10, count - i) }, (_, k) => ({ Id: String(k), MessageBody: `m${i + k}` })),
      }),
    );
  const batches: string[][] = [];
  let running = 0;
  let mostAtOnce = 0;
  poller = startQueuePoller({
    sqs: env.sqs,
    queueUrl: queues.changes.url,
    queueArn: queues.changes.arn,
    batchSize: options.batchSize ?? 10,
    concurrency: options.concurrency,
    log: silent,
    handler: async (event: SQSEvent) => {
      running++;
      mostAtOnce = Math.max(mostAtOnce, running);
      await sleep(options.handlerMs);
      running--;
      batches.push(event.Records.map((r) => r.body));
      const failed = event.Records.filter((r) => options.failBodies?.has(r.body));
      return { batchItemFailures: failed.map((r) => ({ itemIdentifier: r.messageId })) };
    },
  });
  const handled = async (total: number) => {
    for (const deadline = Date.now() + 20_000; Date.now() < deadline; await sleep(20))
      if (poller!.stats().succeeded + poller!.stats().failed >= total) return;
    throw new Error(`only ${JSON.stringify(poller!.stats())} of ${total} messages handled`);
  };
  return { batches, handled, mostAtOnce: () => mostAtOnce };
}

describe('the local queue poller (Lambda SQS event source mapping)', () => {
  it('hands a backlog on in full batches, several at once up to its concurrency', async () => {
    const q = await burst(40, { concurrency: 3, handlerMs: 400 });
    await q.handled(40);
    expect(q.batches.map((b) => b.length)).toEqual([10, 10, 10, 10]);
    expect(q.batches.flat().sort()).toEqual(Array.from({ length: 40 }, (_, i) => `m${i}`).sort());
    expect(q.mostAtOnce(), 'batches in the handler at once').toBe(3);
  });

  it('never runs more batches at once than its concurrency', async () => {
    const q = await burst(30, { concurrency: 1, handlerMs: 150 });
    await q.handled(30);
    expect(q.mostAtOnce()).toBe(1);
    expect(q.batches).toHaveLength(3);
  });

  it('deletes what succeeded and counts what failed, which stays on the queue', async () => {
    const q = await burst(10, { concurrency: 2, handlerMs: 0, failBodies: new Set(['m3', 'm7']) });
    await q.handled(10);
    expect(poller!.stats()).toEqual({ batches: 1, succeeded: 8, failed: 2 });
  });

  it('fills a batch above 10 from several receives, as the event source does, and deletes it 10 at a time', async () => {
    const q = await burst(45, { concurrency: 1, handlerMs: 0, batchSize: 25, failBodies: new Set(['m40']) });
    await q.handled(45);
    expect(q.batches.map((b) => b.length)).toEqual([25, 20]);
    expect(poller!.stats()).toEqual({ batches: 2, succeeded: 44, failed: 1 });
  });
});
