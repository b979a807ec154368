// The resync function in the stack: its own schedule for the stage (runs never overlap), and least privilege — the
// tenant's profiles by the tenant-profiles index (read only), its job item, snapshots and status in ops, the
// connector secrets of this stage; no queue and no profile write.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { TENANT_DUE_INDEX, TENANT_PROFILES_INDEX } from '../aws/tables.js';
import { RESYNC_EVERY_MINUTES } from './constructs/resync-schedule.js';
import { logicalId, resourcesOf, synth, type Synthesized } from './test-support.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 240_000 });

let dev: Synthesized;
beforeAll(() => {
  dev = synth();
});

const statementsOf = (synthesized: Synthesized) => {
  const roleId = logicalId(synthesized.stack, synthesized.stack.functions.resync.role as never);
  return Object.values(resourcesOf(synthesized.template, 'AWS::IAM::Policy'))
    .filter((p) => p.Properties?.Roles.some((r: { Ref: string }) => r.Ref === roleId))
    .flatMap((p) => p.Properties?.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown; Condition?: unknown }[]);
};

describe('the resync function', () => {
  it('runs on one schedule for the stage, every RESYNC_EVERY_MINUTES, with a timeout shorter than that and no retries', () => {
    const fnId = logicalId(dev.stack, dev.stack.functions.resync);
    const fn = resourcesOf(dev.template, 'AWS::Lambda::Function')[fnId]!;
    expect(fn.Properties?.Timeout).toBeLessThan(RESYNC_EVERY_MINUTES * 60);
    const schedules = Object.values(resourcesOf(dev.template, 'AWS::Scheduler::Schedule')).filter((s) =>
      JSON.stringify(s.Properties?.Target?.Arn).includes(fnId),
    );
    expect(schedules).toHaveLength(1);
    expect(schedules[0]!.DependsOn, 'created after its group').toContain(logicalId(dev.stack, dev.stack.schedules.group));
    expect(schedules[0]!.Properties).toMatchObject({
      ScheduleExpression: `rate(${RESYNC_EVERY_MINUTES} minutes)`,
      Target: { RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 } },
    });
    const invokeConfigs = Object.values(resourcesOf(dev.template, 'AWS::Lambda::EventInvokeConfig')).filter((c) =>
      JSON.stringify(c.Properties?.FunctionName).includes(fnId),
    );
    expect(invokeConfigs[0]?.Properties?.MaximumRetryAttempts).toBe(0);
  });

  it('may read profiles (and the tenant-profiles index only), write ops items, read secrets; no queue, no profile write', () => {
    const statements = statementsOf(dev);
    const actions = statements.flatMap((s) => [s.Action].flat());
    expect(actions.filter((a) => a.startsWith('sqs:'))).toEqual([]);
    expect(actions.filter((a) => a.startsWith('kms:'))).toEqual([]);
    expect(actions).toEqual(
      expect.arrayContaining(['dynamodb:Query', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'secretsmanager:GetSecretValue']),
    );
    const profilesId = logicalId(dev.stack, dev.stack.tables.profiles);
    const opsId = logicalId(dev.stack, dev.stack.tables.ops);
    for (const s of statements.filter((s) => JSON.stringify(s.Resource).includes(profilesId))) {
      expect(
        [s.Action].flat().filter((a) => /Put|Update|Delete|Write/.test(a)),
        'no write on profiles',
      ).toEqual([]);
      const resources = JSON.stringify(s.Resource);
      if (resources.includes('/index/')) {
        expect(resources).toContain(`/index/${TENANT_PROFILES_INDEX.name}`);
        expect(resources).not.toContain(`/index/${TENANT_DUE_INDEX.name}`);
      }
    }
    expect(
      statements.some((s) => JSON.stringify(s.Resource).includes(opsId) && [s.Action].flat().includes('dynamodb:PutItem')),
      'the job item, snapshots and status',
    ).toBe(true);
    for (const s of statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('dynamodb:'))))
      expect(JSON.stringify(s.Condition), 'every table grant confined to tenant keys').toContain('dynamodb:LeadingKeys');
    const secrets = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('secretsmanager:')));
    expect(secrets.flatMap((s) => [s.Action].flat())).toEqual(['secretsmanager:GetSecretValue']);
    expect(JSON.stringify(secrets.map((s) => s.Resource))).toContain('syncline/dev/');
  });
});
