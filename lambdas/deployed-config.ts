// The config file as a function reads it at cold start, without loading any connector: `cdk synth` checked the same
// file whole (load-config.ts, every instance's settings against its connector) before copying it into each bundle,
// and an instance's connector and settings are checked again when the instance is bound (pipeline/instances.ts).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { checkConfig, formatProblems, type ConfigProblem, type ConnectorSchemas } from '../core/config-check.js';
import type { SynclineConfig } from '../core/config.js';

export function configPath(): string {
  return resolve(process.env.SYNCLINE_CONFIG_FILE ?? 'syncline.config.json');
}

/** The config in the file, or every problem with it (an unreadable file or invalid JSON is one problem). */
export function checkConfigAt(
  path: string,
  connectors?: Readonly<Record<string, ConnectorSchemas>>,
): { config: SynclineConfig; problems: [] } | { problems: ConfigProblem[] } {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    return { problems: [{ path: '', message: `cannot read the syncline config at ${path}: ${(error as Error).message}` }] };
  }
  const checked = checkConfig(raw, connectors);
  return checked.config ? { config: checked.config, problems: [] } : { problems: checked.problems };
}

/** The message every loader fails with: the file and each of its problems on a line. */
export function describeProblems(path: string, problems: readonly ConfigProblem[]): string {
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  return `syncline config at ${path} is invalid (${count}):\n${formatProblems(problems)}`;
}

export function loadDeployedConfig(path = configPath()): SynclineConfig {
  const checked = checkConfigAt(path);
  if ('config' in checked) return checked.config;
  throw new Error(describeProblems(path, checked.problems));
}
