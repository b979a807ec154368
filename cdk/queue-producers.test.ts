// The merge knows exactly the principals that may send to the changes queue (issue 16 item 11): the role ids in its
// SYNCLINE_QUEUE_SENDERS are the roles IAM lets send there, nothing broader, and no other function is told them.
import { describe, expect, it } from 'vitest';
import { QUEUE_SENDERS_VARIABLE } from '../pipeline/scope/queue-senders.js';
import { operatorRoleName } from '../operator/stage.js';
import { logicalId, resourcesOf, synth } from './test-support.js';

const dev = synth();
type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Principal?: unknown };

/** `webhook=<GetAtt role.RoleId>,…` as CloudFormation joins it: producer → the role's logical id. */
function sendersOf(value: unknown): Record<string, string> {
  const parts = (value as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
  const senders: Record<string, string> = {};
  for (let i = 0; i < parts.length; i += 2) {
    const producer = String(parts[i]).replace(/^,/, '').replace(/=$/, '');
    const [role, attribute] = (parts[i + 1] as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'];
    expect(attribute, 'SQS reports the role id, not the ARN or name').toBe('RoleId');
    senders[producer] = role;
  }
  return senders;
}

const roleIdOf = (construct: { node: { defaultChild?: unknown } }) => logicalId(dev.stack, construct);

describe("the changes queue's producers", () => {
  const functions = resourcesOf(dev.template, 'AWS::Lambda::Function');
  const mergeId = logicalId(dev.stack, dev.stack.functions.merge as never);

  it('tells the merge the role id of every producer: webhook, poll, survey, collect and the operator role', () => {
    const senders = sendersOf(functions[mergeId]!.Properties!.Environment.Variables[QUEUE_SENDERS_VARIABLE]);
    const fn = (name: 'webhook' | 'poll' | 'survey' | 'collect') => roleIdOf(dev.stack.functions[name].role as never);
    expect(senders).toEqual({
      webhook: fn('webhook'),
      poll: fn('poll'),
      survey: fn('survey'),
      collect: fn('collect'),
      operator: roleIdOf(dev.stack.producers.operatorRole),
    });
  });

  it('names exactly the roles IAM lets send to the changes queue: nothing broader, no one left out', () => {
    const queueId = logicalId(dev.stack, dev.stack.changes.queue);
    const senderRoles = Object.values(resourcesOf(dev.template, 'AWS::IAM::Policy'))
      .filter((policy) =>
        (policy.Properties!.PolicyDocument.Statement as Statement[]).some(
          (s) =>
            s.Effect === 'Allow' &&
            [s.Action].flat().some((a) => a === 'sqs:SendMessage' || a === 'sqs:*') &&
            JSON.stringify(s.Resource).includes(queueId),
        ),
      )
      .flatMap((policy) => (policy.Properties!.Roles as { Ref: string }[]).map((r) => r.Ref));
    const named = Object.values(sendersOf(functions[mergeId]!.Properties!.Environment.Variables[QUEUE_SENDERS_VARIABLE]));
    expect(senderRoles.sort()).toEqual([...named].sort());
    // No queue policy opens the queue to other principals (the SSL-only statement denies).
    for (const policy of Object.values(resourcesOf(dev.template, 'AWS::SQS::QueuePolicy')))
      for (const s of policy.Properties!.PolicyDocument.Statement as Statement[]) expect(s.Effect, JSON.stringify(s)).toBe('Deny');
  });

  it('tells no other function who the producers are', () => {
    const told = Object.entries(functions).filter(([, f]) => f.Properties?.Environment?.Variables?.[QUEUE_SENDERS_VARIABLE] !== undefined);
    expect(told.map(([id]) => id)).toEqual([mergeId]);
  });

  it('lets the operator role, named for the CLI, be assumed in this account only, and send to the changes queue only', () => {
    const role = resourcesOf(dev.template, 'AWS::IAM::Role')[roleIdOf(dev.stack.producers.operatorRole)]!;
    expect(role.Properties!.RoleName).toBe(operatorRoleName('dev'));
    const trust = role.Properties!.AssumeRolePolicyDocument.Statement as Statement[];
    expect(trust).toHaveLength(1);
    expect(JSON.stringify(trust[0]!.Principal)).toMatch(/:iam::","?\{"Ref":"AWS::AccountId"\},":root"/);
    const statements = Object.values(resourcesOf(dev.template, 'AWS::IAM::Policy'))
      .filter((p) => (p.Properties!.Roles as { Ref: string }[]).some((r) => r.Ref === roleIdOf(dev.stack.producers.operatorRole)))
      .flatMap((p) => p.Properties!.PolicyDocument.Statement as Statement[]);
    expect(statements.flatMap((s) => [s.Action].flat()).sort()).toEqual(['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage']);
    expect(JSON.stringify(statements.map((s) => s.Resource))).toContain(logicalId(dev.stack, dev.stack.changes.queue));
  });
});
