// One DynamoDB Local (a JVM that takes seconds to start) for the whole test run; each test file creates its own
// uniquely named tables in it. Test files see it through SYNCLINE_TEST_DYNAMO_ENDPOINT.
import { startEmulators } from '../local/emulators.js';

export default async function setup(): Promise<() => Promise<void>> {
  if (process.env.SYNCLINE_TEST_DYNAMO_ENDPOINT) return async () => {};
  const emulators = await startEmulators({ sqs: false });
  process.env.SYNCLINE_TEST_DYNAMO_ENDPOINT = emulators.dynamoEndpoint;
  return () => emulators.stop();
}
