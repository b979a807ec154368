import { describe, expect, it } from 'vitest';
import { mergeDigest } from './merge-digest.js';

describe('the merge engine on the bench workload', () => {
  // Computed with the engine of 96a5ecc, before stop 32 rewrote the hot path for speed. A change that means to store
  // something else (a new field, another bound) changes it too: then check that difference and update the digest.
  it('stores byte for byte what the engine stored before its speed work', async () => {
    expect(await mergeDigest(5_000, 500)).toBe('ea4c6bee21d81ebaed7d6a6079cd059f838fbe9338d0b6442fd03474e2751b72');
  });
});
