// One DynamoDB and one SQS client per process (per Lambda container), reused across invocations.
// Endpoints are not configured here: SDK v3 reads AWS_ENDPOINT_URL_DYNAMODB / AWS_ENDPOINT_URL_SQS (and AWS_ENDPOINT_URL)
// itself, so the same code talks to the emulators locally and to AWS in Lambda, where those variables are unset.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';

// Keyed by the endpoint variables, so a process that points them elsewhere (a test file starting its own emulators,
// the local runtime after it started them) gets a client for the new endpoint instead of a stale one.
const clients = new Map<string, unknown>();

function once<T>(kind: string, variable: string, create: () => T): T {
  const key = `${kind}|${process.env[variable] ?? process.env.AWS_ENDPOINT_URL ?? ''}|${process.env.AWS_REGION ?? ''}`;
  let client = clients.get(key) as T | undefined;
  if (client === undefined) {
    client = create();
    clients.set(key, client);
  }
  return client;
}

export function dynamoClient(): DynamoDBClient {
  return once('dynamodb', 'AWS_ENDPOINT_URL_DYNAMODB', () => new DynamoDBClient({}));
}

/** Profiles carry optional fields (`mergedInto`, …): undefined values are dropped rather than rejected. */
export const DOCUMENT_CLIENT_OPTIONS = { marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false } };

export function documentClient(): DynamoDBDocumentClient {
  return once('document', 'AWS_ENDPOINT_URL_DYNAMODB', () => DynamoDBDocumentClient.from(dynamoClient(), DOCUMENT_CLIENT_OPTIONS));
}

export function sqsClient(): SQSClient {
  return once('sqs', 'AWS_ENDPOINT_URL_SQS', () => new SQSClient({}));
}
