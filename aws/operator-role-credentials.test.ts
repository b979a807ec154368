import { AssumeRoleCommand, GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { operatorRoleCredentials, sessionName } from './operator-role-credentials.js';

/** STS as the CLI meets it: the caller is an SSO role session; AssumeRole answers credentials valid for `validMs`. */
function fakeSts(validMs: number) {
  const assumed: { RoleArn?: string; RoleSessionName?: string }[] = [];
  const sts = {
    send: async (command: unknown) => {
      if (command instanceof GetCallerIdentityCommand)
        return { Account: '123456789012', Arn: 'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Admin_0a1b/anna@shop.example' };
      if (command instanceof AssumeRoleCommand) {
        assumed.push(command.input);
        return {
          Credentials: {
            AccessKeyId: `AKIA${assumed.length}`,
            SecretAccessKey: 'secret',
            SessionToken: 'token',
            Expiration: new Date(Date.now() + validMs),
          },
        };
      }
      throw new Error('unexpected command');
    },
  } as unknown as STSClient;
  return { sts, assumed };
}

describe("the operator role the CLI sends to a stage's changes queue as", () => {
  it("assumes the named role in the caller's account, with a session named after the caller, once while valid", async () => {
    const { sts, assumed } = fakeSts(60 * 60_000);
    const credentials = operatorRoleCredentials(sts, 'syncline-prod-operator');
    expect((await credentials()).accessKeyId).toBe('AKIA1');
    expect((await credentials()).accessKeyId, 'cached').toBe('AKIA1');
    expect(assumed).toEqual([
      {
        RoleArn: 'arn:aws:iam::123456789012:role/syncline-prod-operator',
        RoleSessionName: 'syncline-anna@shop.example',
        DurationSeconds: 3600,
      },
    ]);
  });

  it('assumes it again when the session is about to expire', async () => {
    const { sts, assumed } = fakeSts(60_000);
    const credentials = operatorRoleCredentials(sts, 'syncline-dev-operator');
    await credentials();
    expect((await credentials()).accessKeyId).toBe('AKIA2');
    expect(assumed).toHaveLength(2);
  });

  it('keeps session names to what STS accepts', () => {
    expect(sessionName('arn:aws:iam::123456789012:user/ops team/Bob Smith')).toBe('syncline-Bob-Smith');
    expect(sessionName(`arn:aws:iam::1:user/${'x'.repeat(100)}`)).toHaveLength(64);
  });
});
