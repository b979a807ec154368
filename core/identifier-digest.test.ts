import { describe, expect, it } from 'vitest';
import { digestsFrom, identifierDigests, keyedIdentifierDigest } from './identifier-digest.js';
import { identifierDigest, type Identifier } from './identifiers.js';

const phone: Identifier = { type: 'phone', value: '+31612345678' };
const key = Buffer.alloc(32, 7);

describe('identifier digests', () => {
  it('keys a digest with the stage key: the unkeyed SHA-256 of a guessed phone number no longer finds the item', () => {
    const keyed = keyedIdentifierDigest(key)('acme', phone);
    expect(keyed, 'same shape as the legacy digest').toMatch(/^[\w-]{32}$/);
    expect(keyed, 'a table dump cannot be matched by hashing guesses').not.toBe(identifierDigest('acme', phone));
    expect(keyed, 'another key gives another digest').not.toBe(keyedIdentifierDigest(Buffer.alloc(32, 8))('acme', phone));
    expect(keyed, 'stable for one key').toBe(keyedIdentifierDigest(Buffer.from(key))('acme', phone));
    expect(keyed, 'scoped to the tenant').not.toBe(keyedIdentifierDigest(key)('other', phone));
  });

  it('refuses a key too short to resist guessing', () => {
    expect(() => keyedIdentifierDigest(Buffer.alloc(8))).toThrow(/at least 32 bytes/);
  });

  it('reads the legacy digest beside the keyed one only when there is a key', () => {
    expect(identifierDigests(undefined)).toEqual({ current: identifierDigest });
    expect(identifierDigests(key).legacy).toBe(identifierDigest);
  });

  it('reads the key once however many lookups ask, and again after a failed read', async () => {
    let reads = 0;
    let fail = true;
    const digests = digestsFrom(async () => {
      reads++;
      if (fail) throw new Error('throttled');
      return key;
    });
    await expect(digests()).rejects.toThrow('throttled');
    fail = false;
    await Promise.all([digests(), digests(), digests()]);
    expect(reads).toBe(2);
  });
});
