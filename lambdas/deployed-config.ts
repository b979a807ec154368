// The config file as a function reads it at cold start, without loading any connector or the strict check:
// `cdk synth` checked the same file whole (load-config.ts: unknown keys, every instance's settings against its
// connector) before copying it into each bundle, and an instance's connector and settings are checked again when the
// instance is bound (pipeline/instances.ts). Here the file is only parsed by the config's schema (issue 15: the strict
// check is code every cold start read, ~4 kB of merge's 250 kB, for a file that passed it at synth).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SynclineConfig } from '../core/config.js';

export function configPath(): string {
  return resolve(process.env.SYNCLINE_CONFIG_FILE ?? 'syncline.config.json');
}

/** The file's JSON, unchecked; an unreadable file or invalid JSON throws, naming the path (load-config.ts too). */
export function readConfigJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read the syncline config at ${path}: ${(error as Error).message}`);
  }
}

/** The config in the file; a file that cannot be read or parsed fails the cold start with its path and every issue. */
export function loadDeployedConfig(path = configPath()): SynclineConfig {
  const raw = readConfigJson(path);
  const parsed = SynclineConfig.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => `  ${issue.path.join('.') || '(file)'}: ${issue.message}`);
  throw new Error(`syncline config at ${path} is invalid (${issues.length} problem(s)):\n${issues.join('\n')}`);
}
