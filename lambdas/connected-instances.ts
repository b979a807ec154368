// The instance resolver of the handlers that call vendors (webhook, poll, push): it loads a connector when an instance
// naming it is first bound, and reads the instance's secret (Secrets Manager in AWS, environment or file locally).
import { loadConnector } from '../connectors/installed.js';
import { createInstanceResolver, type InstanceResolver } from '../pipeline/instances.js';
import { EnvOrFileSecrets, SecretsManagerSecrets } from '../aws/secrets.js';
import { once, runtimeOverrides, shared } from './container.js';

export function connectedInstances(): InstanceResolver {
  return once('connected-instances', () => {
    const overrides = runtimeOverrides();
    const { config, log } = shared();
    const secrets =
      overrides.secrets ??
      (process.env.SYNCLINE_STAGE && process.env.AWS_LAMBDA_FUNCTION_NAME
        ? new SecretsManagerSecrets(process.env.SYNCLINE_STAGE)
        : new EnvOrFileSecrets());
    return createInstanceResolver({ config, connectors: overrides.connectors ?? loadConnector, secrets, log });
  });
}
