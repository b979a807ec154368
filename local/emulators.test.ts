import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createResources, JavaMissing, startEmulators } from './emulators.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('startEmulators', () => {
  it('says how to install Java when java is missing', async () => {
    const path = process.env.PATH;
    process.env.PATH = mkdtempSync(join(tmpdir(), 'no-java-'));
    try {
      const error = await startEmulators({ sqs: false }).catch((e: Error) => e);
      expect(error).toBeInstanceOf(JavaMissing);
      expect((error as Error).message).toBe('DynamoDB Local needs Java 17+: apt-get install openjdk-17-jre-headless');
    } finally {
      process.env.PATH = path;
    }
  });

  it('creates the tables and queues from the environment, twice, and leaves no JVM behind', async () => {
    const emulators = await startEmulators();
    expect(emulators.dynamoStartMs ?? 0, 'how long DynamoDB Local took to answer, in ms').toBeGreaterThan(0);
    expect(emulators.dynamoPid, 'pid of the DynamoDB Local JVM').toBeTypeOf('number');
    const env = {
      AWS_ENDPOINT_URL_DYNAMODB: emulators.dynamoEndpoint,
      AWS_ENDPOINT_URL_SQS: emulators.sqsEndpoint,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    };
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    try {
      Object.assign(process.env, env);
      const first = await createResources({ visibilityTimeout: 5, maxReceiveCount: 3 });
      const second = await createResources({ visibilityTimeout: 5, maxReceiveCount: 3 });
      expect(second).toEqual({ ...first, created: [] });
      expect(first.created.sort(), 'the first call creates both tables, the second finds them').toEqual([
        'syncline-ops',
        'syncline-profiles',
      ]);
      expect(first.tables).toEqual({ profiles: 'syncline-profiles', ops: 'syncline-ops' });
      expect(first.queues.changes.url).toBe(`${emulators.sqsEndpoint}/123456789012/syncline-changes`);
      expect(first.queues.pushDlq.arn).toBe('arn:aws:sqs:eu-west-1:123456789012:syncline-push-dlq');
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      await emulators.stop();
    }
    expect(alive(emulators.dynamoPid!), 'DynamoDB Local JVM after stop').toBe(false);
    // The JVM starts inside the test, not in a hook: ~11 s here alone, more while other files start theirs.
  }, 60_000);
});
