// Credentials confined to one tenant's keys: the TenantDataAccess role (cdk/constructs/tenant-data-access.ts) assumed
// with the session tag `tenant=<id>`, whose policy allows DynamoDB only on keys starting with `T#<that tenant>#`.
// Assuming costs an STS round trip, so each tenant's credentials are reused until shortly before they expire.

export interface TemporaryCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

export interface AssumeRoleRequest {
  roleArn: string;
  sessionName: string;
  /** Session tags; IAM sees them as aws:PrincipalTag/<key> in the role's policies. */
  tags: Readonly<Record<string, string>>;
  durationSeconds: number;
}

/** sts:AssumeRole with session tags. The real one is sts-role-assumer.ts; tests pass a fake. */
export interface RoleAssumer {
  assume(request: AssumeRoleRequest): Promise<TemporaryCredentials>;
}

/** Names the TenantDataAccess role; the stack sets it on the functions whose tenant comes from the route or schedule. */
export const TENANT_DATA_ROLE_VARIABLE = 'SYNCLINE_TENANT_DATA_ROLE_ARN';

/** The session tag the role's policy reads (`${aws:PrincipalTag/tenant}`) and its trust policy restricts. */
export const TENANT_SESSION_TAG = 'tenant';

export interface TenantCredentialsOptions {
  roleArn: string;
  assumer: RoleAssumer;
  /** STS's minimum; a warm container re-assumes every quarter of an hour at most. */
  durationSeconds?: number;
  /** Fetch new credentials this long before the old ones expire, so no request is signed with expiring ones. */
  refreshBeforeMs?: number;
  now?: () => number;
}

export class TenantCredentials {
  private readonly cache = new Map<string, Promise<TemporaryCredentials>>();
  private readonly durationSeconds: number;
  private readonly refreshBeforeMs: number;
  private readonly now: () => number;

  constructor(private readonly options: TenantCredentialsOptions) {
    this.durationSeconds = options.durationSeconds ?? 900;
    this.refreshBeforeMs = options.refreshBeforeMs ?? 5 * 60_000;
    this.now = options.now ?? Date.now;
  }

  /** The tenant's credentials: cached, shared by concurrent callers, renewed when they near expiry or failed. */
  async for(tenantId: string): Promise<TemporaryCredentials> {
    const cached = this.cache.get(tenantId);
    if (cached) {
      const credentials = await cached.catch(() => undefined);
      if (credentials && credentials.expiration.getTime() - this.refreshBeforeMs > this.now()) return credentials;
      if (this.cache.get(tenantId) !== cached) return this.for(tenantId); // another caller is already renewing
    }
    const pending = this.options.assumer.assume({
      roleArn: this.options.roleArn,
      // Shows in CloudTrail next to every DynamoDB call made with these credentials.
      sessionName: `syncline-${tenantId}`.slice(0, 64),
      tags: { [TENANT_SESSION_TAG]: tenantId },
      durationSeconds: this.durationSeconds,
    });
    this.cache.set(tenantId, pending);
    try {
      return await pending;
    } catch (error) {
      if (this.cache.get(tenantId) === pending) this.cache.delete(tenantId); // the next call tries again
      throw error;
    }
  }
}
