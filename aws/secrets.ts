// Where connector secrets come from: environment or a git-ignored file locally, AWS Secrets Manager in Lambda.
// Error messages name where a secret was looked for, never its value (JSON.parse errors quote the input, so they are dropped).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SecretsProvider } from '../core/ports.js';

/** A secret exists but is not a JSON object. */
export class SecretInvalid extends Error {
  override readonly name = 'SecretInvalid';
}

function parseSecret(text: string, where: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new SecretInvalid(`${where} does not hold valid JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new SecretInvalid(`${where} must hold a JSON object`);
  return value as Record<string, unknown>;
}

/** SYNCLINE_SECRET_<TENANT>_<INSTANCE>, upper-cased, dashes → underscores. (`a-b`/`c` and `a`/`b-c` share a name: avoid such pairs.) */
export function secretEnvName(tenantId: string, instance: string): string {
  return `SYNCLINE_SECRET_${tenantId}_${instance}`.toUpperCase().replace(/-/g, '_');
}

/**
 * Local secrets: an environment variable holding JSON, else the entry `"<tenant>/<instance>"` of a JSON file
 * (SYNCLINE_SECRETS_FILE, default ./secrets.local.json, git-ignored). Undefined when neither has it.
 * The file is read on every call so that edits apply without a restart; it is only used locally.
 */
export class EnvOrFileSecrets implements SecretsProvider {
  private readonly env: NodeJS.ProcessEnv;
  private readonly file: string;

  constructor(options: { env?: NodeJS.ProcessEnv; file?: string } = {}) {
    this.env = options.env ?? process.env;
    this.file = resolve(options.file ?? this.env.SYNCLINE_SECRETS_FILE ?? 'secrets.local.json');
  }

  async get(tenantId: string, instance: string): Promise<unknown> {
    const variable = secretEnvName(tenantId, instance);
    const fromEnv = this.env[variable];
    if (fromEnv !== undefined && fromEnv !== '') return parseSecret(fromEnv, `environment variable ${variable}`);

    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new Error(`cannot read secrets file ${this.file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
    }
    const entry = parseSecret(text, `secrets file ${this.file}`)[`${tenantId}/${instance}`];
    if (entry === undefined) return undefined;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
      throw new SecretInvalid(`entry "${tenantId}/${instance}" of secrets file ${this.file} must be a JSON object`);
    return entry;
  }
}

export interface SecretsManagerOptions {
  client?: SecretsManagerClient;
  /** How long a secret is reused before it is read again (default 5 minutes): rotation shows up within this time. */
  ttlMs?: number;
  now?: () => number;
}

/** The name prefix of a stage's connector secrets; the stack grants reads on it. */
export function secretPrefix(stage: string): string {
  return `syncline/${stage}/`;
}

/** Secrets Manager, secret id `syncline/<stage>/<tenant>/<instance>` holding a JSON object; undefined when it does not exist. */
export class SecretsManagerSecrets implements SecretsProvider {
  private readonly client: SecretsManagerClient;
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly cache = new Map<string, { expiresAt: number; value: Promise<unknown> }>();

  constructor(
    readonly stage: string,
    options: SecretsManagerOptions = {},
  ) {
    this.client = options.client ?? new SecretsManagerClient({});
    this.ttlMs = options.ttlMs ?? 5 * 60_000;
    this.now = options.now ?? Date.now;
  }

  secretId(tenantId: string, instance: string): string {
    return `${secretPrefix(this.stage)}${tenantId}/${instance}`;
  }

  get(tenantId: string, instance: string): Promise<unknown> {
    const id = this.secretId(tenantId, instance);
    const cached = this.cache.get(id);
    if (cached && cached.expiresAt > this.now()) return cached.value;
    // Concurrent callers share one request; a failure is not cached.
    const value = this.fetch(id);
    this.cache.set(id, { expiresAt: this.now() + this.ttlMs, value });
    value.catch(() => this.cache.delete(id));
    return value;
  }

  private async fetch(id: string): Promise<unknown> {
    try {
      const { SecretString } = await this.client.send(new GetSecretValueCommand({ SecretId: id }));
      if (SecretString === undefined) throw new SecretInvalid(`secret ${id} has no string value (binary secrets are not supported)`);
      return parseSecret(SecretString, `secret ${id}`);
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return undefined;
      throw error;
    }
  }
}
