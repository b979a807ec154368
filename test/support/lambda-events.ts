// The events AWS hands the Lambda handlers (API Gateway HTTP API v2, SQS), and reading queues dry, for handler tests.
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Logger } from '../../connectors/sdk/index.js';
import { scanWithoutPrinting } from '../log-scan/scan-unprinted.js';
import { LOCAL_SQS_SENDER_ID } from '../../pipeline/scope/queue-senders.js';

/** Prints nothing, but every line is formatted as lambdas/logger.ts would print it and scanned for personal data. */
export const silentLogger: Logger = { debug: quiet('debug'), info: quiet('info'), warn: quiet('warn'), error: quiet('error') };

function quiet(level: string) {
  return (message: string, details?: Record<string, unknown>) => scanWithoutPrinting(asLogLine(level, message, details));
}

function asLogLine(level: string, message: string, details?: Record<string, unknown>): string {
  try {
    return JSON.stringify({ level, message, ...details });
  } catch {
    return `${level} ${message} ${String(details)}`; // circular or BigInt details: still scanned, as text
  }
}

/** A POST to /webhooks/{tenant}/{instance} as API Gateway delivers it; binary-safe bodies arrive base64-encoded. */
export function webhookEvent(options: {
  tenant: string;
  instance: string;
  body: Buffer | string;
  headers?: Record<string, string>;
  base64?: boolean;
  method?: string;
}): APIGatewayProxyEventV2 {
  const raw = typeof options.body === 'string' ? Buffer.from(options.body, 'utf8') : options.body;
  const base64 = options.base64 ?? false;
  const path = `/webhooks/${options.tenant}/${options.instance}`;
  return {
    version: '2.0',
    routeKey: 'POST /webhooks/{tenant}/{instance}',
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', ...options.headers },
    pathParameters: { tenant: options.tenant, instance: options.instance },
    isBase64Encoded: base64,
    body: base64 ? raw.toString('base64') : raw.toString('utf8'),
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'hooks.syncline.example',
      domainPrefix: 'hooks',
      http: { method: options.method ?? 'POST', path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'Shopify-Captain-Hook' },
      requestId: 'request-1',
      routeKey: 'POST /webhooks/{tenant}/{instance}',
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
  };
}

/** An SQS event source batch: from messages received off a queue, or from bare bodies (ids m0, m1, …). */
export function sqsEvent(messages: readonly (Message | string)[], queueArn = 'arn:aws:sqs:eu-west-1:000000000000:test'): SQSEvent {
  return {
    Records: messages.map((m, i): SQSRecord => {
      const message = typeof m === 'string' ? { MessageId: `m${i}`, Body: m, ReceiptHandle: `r${i}` } : m;
      const received = typeof m === 'string' ? {} : (m.Attributes ?? {});
      return {
        messageId: message.MessageId ?? `m${i}`,
        receiptHandle: message.ReceiptHandle ?? '',
        body: message.Body ?? '',
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: String(Date.now()),
          // What local-aws-sqs stamps on every message: the local stack's one producer (pipeline/scope/queue-senders.ts).
          SenderId: received.SenderId ?? LOCAL_SQS_SENDER_ID,
          ApproximateFirstReceiveTimestamp: String(Date.now()),
        },
        messageAttributes: {},
        md5OfBody: message.MD5OfBody ?? '',
        eventSource: 'aws:sqs',
        eventSourceARN: queueArn,
        awsRegion: 'eu-west-1',
      };
    }),
  };
}

/** Receives and deletes everything visible on the queue: the messages in the order received. */
export async function takeAll(sqs: SQSClient, queueUrl: string): Promise<Message[]> {
  const taken: Message[] = [];
  for (;;) {
    // WaitTimeSeconds 0: local-aws-sqs answers at once with what it has.
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 30, WaitTimeSeconds: 0 }),
    );
    if (Messages.length === 0) return taken;
    taken.push(...Messages);
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
      }),
    );
  }
}

/** The JSON bodies of everything visible on the queue, taken off it. */
export async function takeBodies<T = unknown>(sqs: SQSClient, queueUrl: string): Promise<T[]> {
  return (await takeAll(sqs, queueUrl)).map((m) => JSON.parse(m.Body!) as T);
}
