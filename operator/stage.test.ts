import { describe, expect, it } from 'vitest';
import { resolveStage, stageNames, StageNotFound, STAGES } from './stage.js';

// Nothing here calls AWS: GetQueueUrl is a fake. What a deployed stack answers is not tested in this repository.
describe('stage resolution', () => {
  it('uses the names cdk/ gives every resource of a stage', () => {
    expect(stageNames('dev')).toEqual({
      tables: { profiles: 'syncline-dev-profiles', ops: 'syncline-dev-ops' },
      queues: {
        changes: 'syncline-dev-changes',
        changesDlq: 'syncline-dev-changes-dlq',
        push: 'syncline-dev-push',
        pushDlq: 'syncline-dev-push-dlq',
      },
    });
  });

  it('knows the same stages as the CDK stack', async () => {
    const cdk = await import('../cdk/syncline-stack.js');
    expect([...STAGES]).toEqual([...cdk.STAGES]);
  });

  it('resolves queue URLs through GetQueueUrl', async () => {
    const asked: string[] = [];
    const resources = await resolveStage('prod', async (name) => {
      asked.push(name);
      return `https://sqs.eu-west-1.amazonaws.com/123456789012/${name}`;
    });
    expect(asked).toEqual(['syncline-prod-changes', 'syncline-prod-changes-dlq', 'syncline-prod-push', 'syncline-prod-push-dlq']);
    expect(resources.queues.pushDlq).toBe('https://sqs.eu-west-1.amazonaws.com/123456789012/syncline-prod-push-dlq');
    expect(resources.tables.ops).toBe('syncline-prod-ops');
  });

  it('says the stack is not deployed when a queue does not exist', async () => {
    const missing = Object.assign(new Error('The specified queue does not exist.'), { name: 'QueueDoesNotExist' });
    const attempt = resolveStage(
      'dev',
      async () => {
        throw missing;
      },
      'region eu-west-1',
    );
    await expect(attempt).rejects.toThrow(StageNotFound);
    await expect(attempt).rejects.toThrow(/no SQS queue syncline-dev-changes in region eu-west-1: is the stack Syncline-dev deployed/);
  });

  it('passes other AWS errors through (no credentials, access denied)', async () => {
    const denied = Object.assign(new Error('not authorized'), { name: 'AccessDenied' });
    await expect(resolveStage('dev', async () => Promise.reject(denied))).rejects.toBe(denied);
  });
});
