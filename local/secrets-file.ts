// Where `syncline connect` stores a signing secret on the local stack: the instance's entry in secrets.local.json
// (SYNCLINE_SECRETS_FILE), merged with the keys already there, written whole (temporary file + rename) and readable
// only by its owner. The local stack reads the file on every call (aws/secrets.ts EnvOrFileSecrets).
import { chmodSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { secretEnvName } from '../aws/secrets.js';
import type { SecretWriter } from '../pipeline/subscriptions/connect.js';

export class LocalSecretsFile implements SecretWriter {
  readonly file: string;

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {
    this.file = resolve(env.SYNCLINE_SECRETS_FILE ?? 'secrets.local.json');
  }

  describe(tenantId: string, instanceId: string): string {
    return `${this.file} "${tenantId}/${instanceId}"`;
  }

  async merge(tenantId: string, instanceId: string, values: Record<string, string>): Promise<void> {
    const variable = secretEnvName(tenantId, instanceId);
    // The variable wins over the file: a secret stored in the file would never be read.
    if (this.env[variable])
      throw new Error(
        `${variable} is set and wins over ${this.file}: unset it (and restart) so that connect can store the secret in the file`,
      );
    let all: Record<string, unknown> = {};
    try {
      all = JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        throw new Error(`cannot update secrets file ${this.file}: it is not valid JSON`);
    }
    const key = `${tenantId}/${instanceId}`;
    const entry = all[key];
    all[key] = { ...(typeof entry === 'object' && entry !== null && !Array.isArray(entry) ? entry : {}), ...values };
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
    chmodSync(temporary, 0o600);
    renameSync(temporary, this.file);
  }
}
