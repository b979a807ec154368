// A DynamoDB client for the Lambda bundles (issue 15, lean functions): the SDK's `@aws-sdk/client-dynamodb` names that
// syncline's adapters use at run time, over aws/lite/aws-json-client.ts instead of the SDK's ~210 kB of middleware.
// cdk/handler-bundle.ts aliases `@aws-sdk/client-dynamodb` to this module; tests, the CLI and the local runtime keep
// the SDK. Requests and answers are DynamoDB's JSON protocol (AttributeValues, binary as base64).
import { AwsJsonClient, type LiteClientConfig } from './aws-json-client.js';
import { namedException } from './service-error.js';

export const ConditionalCheckFailedException = namedException('ConditionalCheckFailedException');
export const TransactionCanceledException = namedException('TransactionCanceledException');

const EXCEPTIONS = { ConditionalCheckFailedException, TransactionCanceledException };

/** Blobs arrive as base64 in `B` and `BS`: back to bytes, as the SDK gives them (answers and errors' `Item` alike). */
export function reviveBinary(key: string, value: unknown): unknown {
  if (key === 'B' && typeof value === 'string') return new Uint8Array(Buffer.from(value, 'base64'));
  if (key === 'BS' && Array.isArray(value) && value.every((v) => typeof v === 'string'))
    return value.map((v: string) => new Uint8Array(Buffer.from(v, 'base64')));
  return value;
}

/** A low-level command: an operation name and its input in DynamoDB's own JSON (AttributeValues). */
export interface DynamoOperation {
  readonly operation: string;
  readonly input: object;
}

export class DynamoDBClient {
  private readonly transport: AwsJsonClient;
  readonly config: AwsJsonClient['config'];

  constructor(config: LiteClientConfig = {}) {
    this.transport = new AwsJsonClient(
      {
        service: 'dynamodb',
        targetPrefix: 'DynamoDB_20120810',
        jsonVersion: '1.0',
        endpointVariable: 'AWS_ENDPOINT_URL_DYNAMODB',
        defaultMaxAttempts: 4,
        exceptions: EXCEPTIONS,
      },
      config,
    );
    this.config = this.transport.config;
  }

  send(command: DynamoOperation): Promise<Record<string, unknown>> {
    return this.transport.call(command.operation, command.input, reviveBinary);
  }
}
