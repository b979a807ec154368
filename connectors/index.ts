// The installed connectors, by name (they are listed in installed.ts). Bundled into every Lambda: no simulator
// code may be imported from here; the local runtime finds simulators on its own (local/simulators.ts).
import * as installed from './installed.js';
import type { AnyConnector } from './sdk/index.js';

export const installedConnectors: Readonly<Record<string, AnyConnector>> = Object.freeze(
  Object.fromEntries(Object.values<AnyConnector>(installed).map((connector) => [connector.name, connector])),
);
