// An SQS client for the Lambda bundles (issue 15, lean functions): SendMessageBatch, the one SQS call syncline's
// functions make, over SQS's JSON protocol (aws/lite/aws-json-client.ts). As the SDK's client (middleware-sdk-sqs), it
// checks each sent message's MD5OfMessageBody and throws when one differs. cdk/handler-bundle.ts aliases
// `@aws-sdk/client-sqs` to this module; tests, the CLI and the local runtime keep the SDK.
import { createHash } from 'node:crypto';
import type { SendMessageBatchCommandInput, SendMessageBatchCommandOutput } from '@aws-sdk/client-sqs';
import { AwsJsonClient, type LiteClientConfig } from './aws-json-client.js';

export class SendMessageBatchCommand {
  declare readonly output?: SendMessageBatchCommandOutput;
  readonly operation = 'SendMessageBatch';
  constructor(readonly input: SendMessageBatchCommandInput) {}
}

export class SQSClient {
  private readonly transport: AwsJsonClient;
  readonly config: AwsJsonClient['config'];

  constructor(config: LiteClientConfig = {}) {
    this.transport = new AwsJsonClient(
      {
        service: 'sqs',
        targetPrefix: 'AmazonSQS',
        jsonVersion: '1.0',
        endpointVariable: 'AWS_ENDPOINT_URL_SQS',
        defaultMaxAttempts: 3,
        exceptions: {},
      },
      config,
    );
    this.config = this.transport.config;
  }

  /** Also takes the SDK's own SendMessageBatchCommand (tests hand this client to code written against the SDK). */
  async send(command: SendMessageBatchCommand): Promise<SendMessageBatchCommandOutput> {
    if (command.operation === undefined && command.constructor.name !== 'SendMessageBatchCommand')
      throw new Error(`the lite SQS client sends SendMessageBatch only, not ${command.constructor.name}`);
    const output = (await this.transport.call('SendMessageBatch', command.input)) as unknown as SendMessageBatchCommandOutput;
    const sent = new Map((command.input.Entries ?? []).map((entry) => [entry.Id, entry.MessageBody ?? '']));
    const mismatched = (output.Successful ?? []).filter(
      (entry) => sent.has(entry.Id) && entry.MD5OfMessageBody !== createHash('md5').update(sent.get(entry.Id)!, 'utf8').digest('hex'),
    );
    if (mismatched.length > 0)
      throw new Error(`Invalid MD5 checksum on messages: ${mismatched.map((entry) => entry.MessageId).join(', ')}`);
    return output;
  }
}
