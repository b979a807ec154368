// Reads and validates syncline.config.json, the file the local runtime and the CDK stack share.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SynclineConfig } from '../core/config.js';

function configPath(): string {
  return resolve(process.env.SYNCLINE_CONFIG_FILE ?? 'syncline.config.json');
}

export function loadConfig(path = configPath()): SynclineConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read the syncline config at ${path}: ${(error as Error).message}`);
  }
  const result = SynclineConfig.safeParse(raw);
  if (!result.success) {
    throw new Error(
      `syncline config at ${path} is invalid:\n${result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`,
    );
  }
  return result.data;
}
