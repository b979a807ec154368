// Where `syncline connect --stage` stores a signing secret: the instance's Secrets Manager secret
// (`syncline/<stage>/<tenant>/<instance>`), merged with the keys already there; created when it does not exist yet.
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { secretPrefix } from './secrets.js';

export class SecretsManagerSecretWriter {
  constructor(
    private readonly stage: string,
    private readonly client = new SecretsManagerClient({}),
  ) {}

  describe(tenantId: string, instanceId: string): string {
    return `${secretPrefix(this.stage)}${tenantId}/${instanceId}`;
  }

  async merge(tenantId: string, instanceId: string, values: Record<string, string>): Promise<void> {
    const SecretId = this.describe(tenantId, instanceId);
    let current: Record<string, unknown> | undefined;
    try {
      const { SecretString } = await this.client.send(new GetSecretValueCommand({ SecretId }));
      current = JSON.parse(SecretString ?? '{}') as Record<string, unknown>;
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
    const SecretString = JSON.stringify({ ...current, ...values });
    if (current === undefined) await this.client.send(new CreateSecretCommand({ Name: SecretId, SecretString }));
    else await this.client.send(new PutSecretValueCommand({ SecretId, SecretString }));
  }
}
