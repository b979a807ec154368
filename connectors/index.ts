// The installed connectors, by name (they are listed in installed.ts), all loaded: for the CLI, the local runtime and
// tests. Lambda handlers load only the one they need through loadConnector. No simulator code may be imported from
// here; the local runtime finds simulators on its own (local/simulators.ts).
import { installed, loadConnector } from './installed.js';
import type { AnyConnector } from './sdk/index.js';

export const installedConnectors: Readonly<Record<string, AnyConnector>> = Object.freeze(
  Object.fromEntries(
    await Promise.all(Object.keys(installed).map(async (name) => [name, (await loadConnector(name)) as AnyConnector] as const)),
  ),
);
