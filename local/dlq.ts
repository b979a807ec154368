// Dead-letter queues, locally: look at what failed and move it back to its source queue once the cause is fixed.
// In AWS, too, replay with `syncline dlq replay` rather than the console's redrive: it names each message's first sender (pipeline/scope/).
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type Message,
  type MessageAttributeValue,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { REPLAY_OF_ATTRIBUTE } from '../pipeline/scope/queue-senders.js';

export interface ReplayOptions {
  /** Move at most this many messages (default: all). */
  max?: number;
  /** Seconds a message being moved stays hidden in the DLQ; one that could not be sent reappears after it (default 30). */
  visibilityTimeout?: number;
  /** Long-poll seconds per receive (default 1): a short poll of real SQS may answer empty while messages wait. */
  waitTimeSeconds?: number;
  /**
   * Sends with this client instead (a stage's operator role, cli/target.ts): the merge takes messages on the changes
   * queue only from the stage's producers, and judges a replayed one as its first sender's (REPLAY_OF_ATTRIBUTE).
   */
  sendWith?: SQSClient;
}

export interface ReplayReport {
  /** Sent to the target queue and deleted from the DLQ. */
  moved: number;
  /** Still in the DLQ (not sent); they become visible again after the visibility timeout. */
  failed: number;
  /** Sent, but could not be deleted from the DLQ: they will be moved again (at least once, like every SQS delivery). */
  duplicates: number;
  reasons: string[];
}

const BATCH = 10;

/** Moves messages from `dlqUrl` to `targetUrl` in batches of 10: send first, then delete what was sent. */
export async function replayDeadLetters(
  sqs: SQSClient,
  dlqUrl: string,
  targetUrl: string,
  options: ReplayOptions = {},
): Promise<ReplayReport> {
  const max = options.max ?? Number.POSITIVE_INFINITY;
  if (!(max >= 0)) throw new Error(`max must be a positive number, not ${options.max}`);
  const report: ReplayReport = { moved: 0, failed: 0, duplicates: 0, reasons: [] };
  const seen = new Set<string>();
  while (report.moved + report.failed < max) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: dlqUrl,
        MaxNumberOfMessages: Math.min(BATCH, max - report.moved - report.failed),
        VisibilityTimeout: options.visibilityTimeout ?? 30,
        WaitTimeSeconds: options.waitTimeSeconds ?? 1,
        MessageAttributeNames: ['All'],
        // SenderId: who first sent each one, passed on as REPLAY_OF_ATTRIBUTE (local-aws-sqs honours the older parameter only).
        MessageSystemAttributeNames: ['SenderId'],
        AttributeNames: ['All'],
      }),
    );
    // A message seen before failed to send and came back: stop rather than loop on a target that refuses it.
    const fresh = Messages.filter((m) => m.MessageId === undefined || !seen.has(m.MessageId));
    if (fresh.length === 0) break;
    for (const m of fresh) if (m.MessageId) seen.add(m.MessageId);

    const sent = await sendBatch(options.sendWith ?? sqs, targetUrl, fresh, report);
    if (sent.length === 0) break; // the target refuses everything: no point in taking more off the DLQ
    const deleted = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: dlqUrl,
        Entries: sent.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
      }),
    );
    const notDeleted = deleted.Failed?.length ?? 0;
    report.moved += sent.length - notDeleted;
    report.duplicates += notDeleted;
    for (const f of deleted.Failed ?? []) report.reasons.push(`delete from DLQ: ${f.Code ?? 'error'} ${f.Message ?? ''}`.trim());
  }
  return report;
}

async function sendBatch(sqs: SQSClient, targetUrl: string, messages: Message[], report: ReplayReport): Promise<Message[]> {
  const result = await sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: targetUrl,
      Entries: messages.map((m, i) => {
        const attributes = withReplayOf(m);
        return {
          Id: String(i),
          MessageBody: m.Body ?? '',
          ...(Object.keys(attributes).length > 0 ? { MessageAttributes: attributes } : {}),
        };
      }),
    }),
  );
  const failedIds = new Set((result.Failed ?? []).map((f) => f.Id));
  for (const f of result.Failed ?? []) report.reasons.push(`send to target: ${f.Code ?? 'error'} ${f.Message ?? ''}`.trim());
  report.failed += failedIds.size;
  return messages.filter((_, i) => !failedIds.has(String(i)));
}

/** The message's attributes, and its first sender's id unless an earlier replay already named it (the replayer's own id is no news). */
function withReplayOf(message: Message): Record<string, MessageAttributeValue> {
  const attributes = { ...message.MessageAttributes };
  const sender = message.Attributes?.SenderId;
  if (attributes[REPLAY_OF_ATTRIBUTE] === undefined && sender)
    attributes[REPLAY_OF_ATTRIBUTE] = { DataType: 'String', StringValue: sender };
  return attributes;
}

export interface DeadLetter {
  messageId: string;
  receiveCount: number;
  sentAt: string;
  bytes: number;
  /** What the message is about, without its content: personal data stays in the queue. */
  summary: string;
}

/** Up to `max` (≤ 10) messages of a queue, made visible again at once so that a replay can take them. */
export async function peekMessages(sqs: SQSClient, queueUrl: string, max = 10): Promise<DeadLetter[]> {
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: Math.min(Math.max(1, max), BATCH),
      VisibilityTimeout: 30,
      WaitTimeSeconds: 0,
      MessageSystemAttributeNames: ['All'],
      // local-aws-sqs only honours the older parameter; AWS accepts both.
      AttributeNames: ['All'],
    }),
  );
  if (Messages.length > 0) {
    await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queueUrl,
        Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: 0 })),
      }),
    );
  }
  return Messages.map((m) => ({
    messageId: m.MessageId ?? '?',
    receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? 0),
    sentAt: new Date(Number(m.Attributes?.SentTimestamp ?? 0)).toISOString(),
    bytes: Buffer.byteLength(m.Body ?? '', 'utf8'),
    summary: summarise(m.Body ?? ''),
  }));
}

/** Tenant, kind and ids of a changes or push message; never names, addresses or other payload fields. */
function summarise(body: string): string {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return 'not JSON';
  }
  if (json === null || typeof json !== 'object') return `JSON ${json === null ? 'null' : typeof json}`;
  const m = json as Record<string, unknown>;
  const source = m.source as { instance?: unknown } | undefined;
  const parts = [
    typeof m.tenantId === 'string' ? `tenant ${m.tenantId}` : 'no tenant',
    typeof m.type === 'string' ? m.type : typeof m.kind === 'string' ? `push ${m.kind}` : 'unknown kind',
    typeof source?.instance === 'string' ? `from ${source.instance}` : undefined,
    typeof m.sourceEventId === 'string' ? `event ${m.sourceEventId}` : undefined,
    typeof m.profileId === 'string' ? `profile ${m.profileId}` : undefined,
    // A packed sync message (pipeline/packed-syncs.ts): its profiles' delivery logs say which of them failed.
    Array.isArray(m.profiles) ? `${m.profiles.length} profile${m.profiles.length === 1 ? '' : 's'}` : undefined,
  ];
  return parts.filter((p) => p !== undefined).join(', ');
}

/** Messages waiting plus in flight. */
export async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<{ visible: number; inFlight: number }> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return {
    visible: Number(Attributes?.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0),
  };
}
