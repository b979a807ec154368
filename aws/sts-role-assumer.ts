// sts:AssumeRole for TenantCredentials, with the SDK's STS client.
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AssumeRoleRequest, RoleAssumer, TemporaryCredentials } from './tenant-credentials.js';

/** The function's own credentials, as another SDK client resolves them. */
type CredentialsProvider = () => Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiration?: Date }>;

export class StsRoleAssumer implements RoleAssumer {
  private readonly sts: STSClient;

  /** `credentials`: the function's own (its execution role); the nested client has no default chain of its own. */
  /** `endpoint`: a stand-in STS for tests; in Lambda the regional STS endpoint. */
  constructor(credentials: CredentialsProvider, options: { endpoint?: string; region?: string } = {}) {
    const region = options.region ?? process.env.AWS_REGION;
    this.sts = new STSClient({ credentials, ...(region ? { region } : {}), ...(options.endpoint ? { endpoint: options.endpoint } : {}) });
  }

  async assume(request: AssumeRoleRequest): Promise<TemporaryCredentials> {
    const { Credentials } = await this.sts.send(
      new AssumeRoleCommand({
        RoleArn: request.roleArn,
        RoleSessionName: request.sessionName,
        DurationSeconds: request.durationSeconds,
        Tags: Object.entries(request.tags).map(([Key, Value]) => ({ Key, Value })),
      }),
    );
    if (!Credentials?.AccessKeyId || !Credentials.SecretAccessKey || !Credentials.SessionToken || !Credentials.Expiration) {
      throw new Error(`sts:AssumeRole of ${request.roleArn} returned no complete credentials`);
    }
    return {
      accessKeyId: Credentials.AccessKeyId,
      secretAccessKey: Credentials.SecretAccessKey,
      sessionToken: Credentials.SessionToken,
      expiration: Credentials.Expiration,
    };
  }
}
