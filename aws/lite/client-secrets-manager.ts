// A Secrets Manager client for the Lambda bundles (issue 15, lean functions): GetSecretValue, the one call the
// functions make (aws/secrets.ts), over Secrets Manager's JSON 1.1 protocol (aws/lite/aws-json-client.ts).
// cdk/handler-bundle.ts aliases `@aws-sdk/client-secrets-manager` to this module; the CLI's secret writer keeps the SDK.
import type { GetSecretValueCommandInput, GetSecretValueCommandOutput } from '@aws-sdk/client-secrets-manager';
import { AwsJsonClient, type LiteClientConfig } from './aws-json-client.js';
import { namedException } from './service-error.js';

export const ResourceNotFoundException = namedException('ResourceNotFoundException');

export class GetSecretValueCommand {
  declare readonly output?: GetSecretValueCommandOutput;
  readonly operation = 'GetSecretValue';
  constructor(readonly input: GetSecretValueCommandInput) {}
}

export class SecretsManagerClient {
  private readonly transport: AwsJsonClient;

  constructor(config: LiteClientConfig = {}) {
    this.transport = new AwsJsonClient(
      {
        service: 'secretsmanager',
        targetPrefix: 'secretsmanager',
        jsonVersion: '1.1',
        endpointVariable: 'AWS_ENDPOINT_URL_SECRETS_MANAGER',
        defaultMaxAttempts: 3,
        exceptions: { ResourceNotFoundException },
      },
      config,
    );
  }

  async send(command: GetSecretValueCommand): Promise<GetSecretValueCommandOutput> {
    // SecretBinary (base64 in JSON) is not read by syncline (binary secrets are refused): left as the string it is.
    return (await this.transport.call(command.operation, command.input)) as unknown as GetSecretValueCommandOutput;
  }
}
