// MessageQueue on SQS: JSON bodies, SendMessageBatch within SQS's count and size limits, failed entries retried.
import { SendMessageBatchCommand, type SendMessageBatchRequestEntry, type SQSClient } from '@aws-sdk/client-sqs';
import type { MessageQueue } from '../core/ports.js';

/** SQS's limit for one message and for the sum of a batch's messages (1 MiB since January 2026), in UTF-8 bytes. */
export const SQS_MAX_BYTES = 1_048_576;
const SQS_MAX_BATCH = 10;

/** A message SQS would refuse: send it by reference (e.g. an S3 key) instead. */
export class MessageTooLarge extends Error {
  override readonly name = 'MessageTooLarge';
  constructor(
    readonly size: number,
    readonly index: number,
  ) {
    super(`message ${index} is ${size} bytes as JSON, above the SQS limit of ${SQS_MAX_BYTES} bytes; send large payloads by reference`);
  }
}

/** Some messages were still refused after retries; the ones not named here were sent. */
export class SendFailed extends Error {
  override readonly name = 'SendFailed';
  constructor(
    readonly failed: number,
    readonly total: number,
    readonly reasons: string[],
  ) {
    super(`${failed} of ${total} messages could not be sent to SQS: ${reasons.join('; ')}`);
  }
}

export interface SqsQueueOptions {
  /** Attempts per message for entries SQS reports as failed on its side (default 4). */
  maxAttempts?: number;
  /** Batches in flight at once (default 8): per-call latency dominates, but a Lambda has few sockets to spare. */
  concurrency?: number;
  sleep?: (ms: number) => Promise<void>;
  /**
   * Seconds SQS holds each message sent here before a consumer can receive it (the message's DelaySeconds, 0–900 on a
   * standard queue; default 0). Only the sends of this sender are delayed, not the queue's other producers.
   */
  delaySeconds?: number;
}

/** SQS's longest message delay (DelaySeconds), 15 minutes. */
export const SQS_MAX_DELAY_SECONDS = 900;

interface Pending {
  index: number;
  body: string;
  bytes: number;
}

// SQS accepts #x9 #xA #xD, #x20–#xD7FF, #xE000–#xFFFD and astral characters. JSON.stringify already escapes control
// characters and lone surrogates; U+FFFE and U+FFFF it leaves raw, so escape them too (the JSON stays equal).
const NON_CHARACTERS = /[\ufffe\uffff]/g;
const escapeNonCharacter = (c: string) => `\\u${c.charCodeAt(0).toString(16)}`;

export class SqsMessageQueue<T> implements MessageQueue<T> {
  constructor(
    private readonly sqs: SQSClient,
    readonly queueUrl: string,
    private readonly options: SqsQueueOptions = {},
  ) {
    const delay = options.delaySeconds;
    if (delay !== undefined && !(Number.isInteger(delay) && delay >= 0 && delay <= SQS_MAX_DELAY_SECONDS))
      throw new Error(`delaySeconds must be a whole number of seconds from 0 to ${SQS_MAX_DELAY_SECONDS}, not ${delay}`);
  }

  async send(messages: readonly T[]): Promise<void> {
    const pending: Pending[] = messages.map((message, index) => {
      const body = JSON.stringify(message).replace(NON_CHARACTERS, escapeNonCharacter);
      const bytes = Buffer.byteLength(body, 'utf8');
      if (bytes > SQS_MAX_BYTES) throw new MessageTooLarge(bytes, index);
      return { index, body, bytes };
    });
    if (pending.length === 0) return;

    const maxAttempts = this.options.maxAttempts ?? 4;
    const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    let retry = pending;
    let reasons: string[] = [];
    for (let attempt = 1; retry.length > 0 && attempt <= maxAttempts; attempt++) {
      if (attempt > 1) await sleep(Math.random() * 100 * 2 ** attempt);
      const failed = (await inPool(batches(retry), this.options.concurrency ?? 8, (batch) => this.sendBatch(batch))).flat();
      reasons = failed.map((f) => f.reason);
      // A sender fault (malformed entry) fails the same way every time: only SQS-side failures are worth a retry.
      const permanent = failed.filter((f) => f.senderFault);
      if (permanent.length > 0) throw new SendFailed(failed.length, messages.length, summarise(reasons));
      retry = failed.map((f) => f.message);
    }
    if (retry.length > 0) throw new SendFailed(retry.length, messages.length, summarise(reasons));
  }

  private async sendBatch(batch: Pending[]): Promise<{ message: Pending; reason: string; senderFault: boolean }[]> {
    const delay = this.options.delaySeconds ?? 0;
    const Entries: SendMessageBatchRequestEntry[] = batch.map((m) => ({
      Id: String(m.index),
      MessageBody: m.body,
      ...(delay > 0 ? { DelaySeconds: delay } : {}),
    }));
    const result = await this.sqs.send(new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries }));
    const byId = new Map(batch.map((m) => [String(m.index), m]));
    return (result.Failed ?? []).flatMap((f) => {
      const message = f.Id === undefined ? undefined : byId.get(f.Id);
      return message
        ? [{ message, reason: `${f.Code ?? 'error'}: ${f.Message ?? 'no message'}`, senderFault: f.SenderFault === true }]
        : [];
    });
  }
}

/** Up to 10 messages per batch and at most 1 MiB in total, in order. */
function batches(messages: readonly Pending[]): Pending[][] {
  const out: Pending[][] = [];
  let current: Pending[] = [];
  let bytes = 0;
  for (const message of messages) {
    if (current.length === SQS_MAX_BATCH || (current.length > 0 && bytes + message.bytes > SQS_MAX_BYTES)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(message);
    bytes += message.bytes;
  }
  if (current.length > 0) out.push(current);
  return out;
}

async function inPool<I, O>(items: readonly I[], concurrency: number, work: (item: I) => Promise<O>): Promise<O[]> {
  const results: O[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

/** Distinct reasons, so that 500 identical failures read as one line. */
function summarise(reasons: string[]): string[] {
  const counts = new Map<string, number>();
  for (const r of reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  return [...counts].map(([reason, n]) => (n > 1 ? `${reason} (×${n})` : reason));
}
