// Where the stage's identifier digest key is read (issue 16 item 10): the Secrets Manager secret the stack generates
// (SYNCLINE_DIGEST_KEY_SECRET, its ARN), or locally a generated key file (SYNCLINE_DIGEST_KEY_FILE, local/digest-key-file.ts).
// Read once per container; the key's value never reaches a message or a log line.
import { readFileSync } from 'node:fs';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { DigestKeySource } from '../core/identifier-digest.js';

/** The secret's name in a stage: outside `syncline/<stage>/`, so the connector-secret grant of webhook and poll misses it. */
export function digestKeySecretName(stage: string): string {
  return `syncline-${stage}/identifier-digest-key`;
}

/** One GetSecretValue per container, shared by every store that asks; a failed read is tried again on the next call. */
export function secretsManagerDigestKey(secretId: string, client: SecretsManagerClient = new SecretsManagerClient({})): DigestKeySource {
  let key: Promise<Uint8Array> | undefined;
  const read = async () => {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    if (!SecretString) throw new Error(`the identifier digest key ${secretId} has no string value`);
    return Buffer.from(SecretString, 'utf8');
  };
  return () => {
    key ??= read().catch((error: unknown) => {
      key = undefined;
      throw error;
    });
    return key;
  };
}

export function fileDigestKey(file: string): DigestKeySource {
  return async () => {
    try {
      return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    } catch (error) {
      throw new Error(`cannot read the identifier digest key file ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
    }
  };
}

/** The key source the environment names, or undefined (legacy unkeyed digests) when it names none. */
export function digestKeyFromEnvironment(env: NodeJS.ProcessEnv = process.env): DigestKeySource | undefined {
  if (env.SYNCLINE_DIGEST_KEY_SECRET) return secretsManagerDigestKey(env.SYNCLINE_DIGEST_KEY_SECRET);
  if (env.SYNCLINE_DIGEST_KEY_FILE) return fileDigestKey(env.SYNCLINE_DIGEST_KEY_FILE);
  return undefined;
}
