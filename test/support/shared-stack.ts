// Options that let a test's local stack use the run's shared DynamoDB Local with tables of its own.
import { randomBytes } from 'node:crypto';
import type { LocalStackOptions } from '../../local/local-stack.js';

export function sharedDynamo(): Pick<LocalStackOptions, 'dynamoEndpoint' | 'tables'> {
  const endpoint = process.env.SYNCLINE_TEST_DYNAMO_ENDPOINT;
  if (!endpoint) return {};
  const prefix = `s${randomBytes(4).toString('hex')}`;
  return { dynamoEndpoint: endpoint, tables: { profiles: `${prefix}-profiles`, ops: `${prefix}-ops` } };
}
