// `syncline connect` and `doctor` on the local stack run here, inside the stack: the simulated vendors' credentials
// exist only in this process. A signing secret connect stores goes to secrets.local.json, and the handlers' runtime
// is rebuilt so that the next delivery is verified with it (the instance resolver keeps secrets once read).
import type { SynclineConfig } from '../core/config.js';
import type { SecretsProvider } from '../core/ports.js';
import type { Logger } from '../connectors/sdk/index.js';
import { installedConnectors } from '../connectors/index.js';
import { connectInstance, type ConnectOutcome } from '../pipeline/subscriptions/connect.js';
import { LocalSecretsFile } from './secrets-file.js';

export type LocalConnect = (tenantId: string, instanceId: string, url: string, apply: boolean) => Promise<ConnectOutcome>;

export function localConnect(config: SynclineConfig, secrets: SecretsProvider, log: Logger, secretStored: () => void): LocalConnect {
  const deps = { config, connectors: installedConnectors, secrets, writer: new LocalSecretsFile(), log };
  return async (tenantId, instanceId, url, apply) => {
    const outcome = await connectInstance(deps, tenantId, instanceId, url, { apply });
    if (outcome.kind === 'applied' && outcome.storedSecret) secretStored();
    return outcome;
  };
}
