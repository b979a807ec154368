// The instance resolver of the handlers that call vendors (webhook, poll, push): it loads a connector when an instance
// naming it is first bound, and reads the instance's secret (Secrets Manager in AWS, environment or file locally).
import { loadConnector } from '../connectors/installed.js';
import { createInstanceResolver, type InstanceResolver } from '../pipeline/instances.js';
import { once, runtimeOverrides, shared } from './container.js';
import { secretsProvider } from './secrets-provider.js';

export function connectedInstances(): InstanceResolver {
  return once('connected-instances', () => {
    const overrides = runtimeOverrides();
    const { config, log } = shared();
    return createInstanceResolver({ config, connectors: overrides.connectors ?? loadConnector, secrets: secretsProvider(), log });
  });
}
