// DynamoDB clients that act as one tenant: signed with that tenant's TenantCredentials, so IAM itself refuses any key
// outside `T#<tenant>#`. Enabled by SYNCLINE_TENANT_DATA_ROLE_ARN, which the stack sets on the per-tenant functions
// (webhook, poll); without it (the local stack, tests) there is no STS and callers keep the shared client.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DOCUMENT_CLIENT_OPTIONS } from './aws-clients.js';
import { TENANT_DATA_ROLE_VARIABLE, TenantCredentials, type RoleAssumer } from './tenant-credentials.js';

export { TENANT_DATA_ROLE_VARIABLE };

export class TenantScopedDynamo {
  private readonly clients = new Map<string, DynamoDBDocumentClient>();
  private readonly credentials: TenantCredentials;

  constructor(roleArn: string, assumer: RoleAssumer) {
    this.credentials = new TenantCredentials({ roleArn, assumer });
  }

  /** Cheap until its first request: credentials are fetched when the SDK first signs one, and renewed as they expire. */
  documentClientFor(tenantId: string): DynamoDBDocumentClient {
    let client = this.clients.get(tenantId);
    if (!client) {
      const dynamo = new DynamoDBClient({ credentials: () => this.credentials.for(tenantId) });
      client = DynamoDBDocumentClient.from(dynamo, DOCUMENT_CLIENT_OPTIONS);
      this.clients.set(tenantId, client);
    }
    return client;
  }
}

/** The tenant-scoped clients when the environment names the role, else undefined. */
export function tenantScopedDynamo(assumer: () => RoleAssumer, env: NodeJS.ProcessEnv = process.env): TenantScopedDynamo | undefined {
  const roleArn = env[TENANT_DATA_ROLE_VARIABLE];
  return roleArn ? new TenantScopedDynamo(roleArn, assumer()) : undefined;
}
