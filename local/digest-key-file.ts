// The local stack's identifier digest key: 32 random bytes generated on first start into .syncline/digest-key (owner
// only), kept across restarts because DynamoDB Local's data may be; the handlers and the CLI read it (aws/digest-key.ts).
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export const DEFAULT_DIGEST_KEY_FILE = '.syncline/digest-key';

/** Creates the key file unless it exists (two stacks starting at once: the first write wins), and returns its path. */
export function ensureDigestKeyFile(path = DEFAULT_DIGEST_KEY_FILE): string {
  const file = resolve(path);
  mkdirSync(dirname(file), { recursive: true });
  try {
    writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    readFileSync(file); // an unreadable file fails here, at start, rather than at the first lookup
  }
  return file;
}
