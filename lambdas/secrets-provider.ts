// The secrets of the handlers: Secrets Manager in a deployed function, environment or file locally, or the override.
import type { SecretsProvider } from '../core/ports.js';
import { EnvOrFileSecrets, SecretsManagerSecrets } from '../aws/secrets.js';
import { once, runtimeOverrides } from './container.js';

export function secretsProvider(): SecretsProvider {
  return once('secrets', () => {
    const overrides = runtimeOverrides();
    return (
      overrides.secrets ??
      (process.env.SYNCLINE_STAGE && process.env.AWS_LAMBDA_FUNCTION_NAME
        ? new SecretsManagerSecrets(process.env.SYNCLINE_STAGE)
        : new EnvOrFileSecrets())
    );
  });
}
