// The CLI's credentials for sending to a deployed stage's changes queue: the stage's operator role
// (cdk/constructs/queue-producers.ts), assumed with the operator's own credentials. The merge refuses messages from
// senders it does not know, and an operator's user or SSO role is not one of them; the session name keeps who it was.
import { AssumeRoleCommand, GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';

interface AwsCredentialIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** Renew this long before the session expires. */
const RENEW_BEFORE_MS = 5 * 60_000;

/** A credentials provider for SDK clients: assumes `roleName` in the caller's own account, again before expiry. */
export function operatorRoleCredentials(sts: STSClient, roleName: string): () => Promise<AwsCredentialIdentity> {
  let current: Promise<AwsCredentialIdentity> | undefined;
  const assume = async (): Promise<AwsCredentialIdentity> => {
    const caller = await sts.send(new GetCallerIdentityCommand({}));
    const [, partition, , , account] = (caller.Arn ?? '').split(':');
    if (!partition || !account) throw new Error('sts:GetCallerIdentity named no account: cannot find the operator role');
    const { Credentials } = await sts.send(
      new AssumeRoleCommand({
        RoleArn: `arn:${partition}:iam::${account}:role/${roleName}`,
        RoleSessionName: sessionName(caller.Arn ?? ''),
        DurationSeconds: 3600,
      }),
    );
    if (!Credentials?.AccessKeyId || !Credentials.SecretAccessKey || !Credentials.SessionToken || !Credentials.Expiration)
      throw new Error(`sts:AssumeRole of ${roleName} returned no complete credentials`);
    return {
      accessKeyId: Credentials.AccessKeyId,
      secretAccessKey: Credentials.SecretAccessKey,
      sessionToken: Credentials.SessionToken,
      expiration: Credentials.Expiration,
    };
  };
  return async () => {
    const held = current ? await current.catch(() => undefined) : undefined;
    if (!held || (held.expiration && held.expiration.getTime() - Date.now() < RENEW_BEFORE_MS)) current = assume();
    return current!;
  };
}

/** `syncline-<last part of the caller's ARN>` in the characters and length STS allows: CloudTrail and SenderId show it. */
export function sessionName(callerArn: string): string {
  const who = (callerArn.split('/').pop() ?? 'operator').replace(/[^\w+=,.@-]/g, '-');
  return `syncline-${who}`.slice(0, 64);
}
