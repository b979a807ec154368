// Reads and checks syncline.config.json, the file the local runtime, the CLI and the CDK stack share: one loader, so
// a config that `syncline config check` rejects also stops `npm start` and `cdk synth`, with the same message. This
// strict check loads every installed connector; a deployed function reads the checked file with deployed-config.ts.
import { checkConfig, formatProblems, type ConfigProblem } from '../core/config-check.js';
import type { SynclineConfig } from '../core/config.js';
import { installedConnectors } from '../connectors/index.js';
import { configPath, readConfigJson } from './deployed-config.js';

/** The message every loader fails with: the file and each of its problems on a line. */
export function describeProblems(path: string, problems: readonly ConfigProblem[]): string {
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  return `syncline config at ${path} is invalid (${count}):\n${formatProblems(problems)}`;
}

/** The config in the file, or every problem with it (an unreadable file or invalid JSON is one problem). */
export function checkConfigFile(path = configPath()): { config: SynclineConfig; problems: [] } | { problems: ConfigProblem[] } {
  let raw: unknown;
  try {
    raw = readConfigJson(path);
  } catch (error) {
    return { problems: [{ path: '', message: (error as Error).message }] };
  }
  const checked = checkConfig(raw, installedConnectors);
  return checked.config ? { config: checked.config, problems: [] } : { problems: checked.problems };
}

export function loadConfig(path = configPath()): SynclineConfig {
  const checked = checkConfigFile(path);
  if ('config' in checked) return checked.config;
  throw new Error(describeProblems(path, checked.problems));
}

/** A config given as a value (tests, the benchmarks), held to the same rules as the file; `source` names it in the message. */
export function requireValidConfig(config: unknown, source: string): SynclineConfig {
  const checked = checkConfig(config, installedConnectors);
  if (checked.config) return checked.config;
  throw new Error(describeProblems(source, checked.problems));
}
