// How an identifier's value becomes a storage key or a receipt entry (issue 16 item 10). A plain SHA-256 of tenant and
// value lets anyone with a table dump brute-force phone numbers (a few billion guesses); an HMAC with the stage's secret
// key does not. Items written before the key existed carry the legacy digest: readers try the keyed one first.
import { createHmac } from 'node:crypto';
import { identifierDigest, identifierKey, type Identifier } from './identifiers.js';

export type IdentifierDigest = (tenantId: string, id: Identifier) => string;

/** The digests a store writes (`current`) and still reads (`legacy`, only while a key is in use). */
export interface IdentifierDigests {
  current: IdentifierDigest;
  legacy?: IdentifierDigest;
}

/** Where the stage's digest key comes from (Secrets Manager in AWS, a local file): read once, undefined when none is set. */
export type DigestKeySource = () => Promise<Uint8Array | undefined>;

/** HMAC-SHA256 under `key`, same length and alphabet as the legacy digest so keys keep their shape. */
export function keyedIdentifierDigest(key: Uint8Array): IdentifierDigest {
  if (key.length < 32) throw new Error(`an identifier digest key must have at least 32 bytes, not ${key.length}`);
  return (tenantId, id) =>
    createHmac('sha256', key)
      .update(`${tenantId}\u0000${identifierKey(id)}`)
      .digest('base64url')
      .slice(0, 32);
}

/** Keyed digests with the legacy fallback when there is a key; the legacy digest alone when there is none. */
export function identifierDigests(key: Uint8Array | undefined): IdentifierDigests {
  return key === undefined ? { current: identifierDigest } : { current: keyedIdentifierDigest(key), legacy: identifierDigest };
}

/** Resolves a key source once (per container), whatever the number of callers. */
export function digestsFrom(source: DigestKeySource | undefined): () => Promise<IdentifierDigests> {
  let resolved: Promise<IdentifierDigests> | undefined;
  return () => {
    resolved ??= (source?.() ?? Promise.resolve(undefined)).then(identifierDigests);
    // A failed read is retried on the next call rather than cached for the container's life.
    resolved.catch(() => {
      resolved = undefined;
    });
    return resolved;
  };
}
