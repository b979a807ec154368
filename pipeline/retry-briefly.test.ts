import { describe, expect, it } from 'vitest';
import { retryBriefly } from './retry-briefly.js';

describe('retryBriefly', () => {
  it('answers the first success after failures, waiting longer each time', async () => {
    const waits: number[] = [];
    let calls = 0;
    const result = await retryBriefly(
      async () => {
        calls++;
        if (calls < 3) throw new Error(`throttled ${calls}`);
        return 'written';
      },
      { sleep: async (ms) => void waits.push(ms) },
    );
    expect(result).toBe('written');
    expect(calls).toBe(3);
    expect(waits).toHaveLength(2);
    expect(waits[0]).toBeGreaterThanOrEqual(50);
    expect(waits[0]).toBeLessThanOrEqual(100);
    expect(waits[1]).toBeGreaterThanOrEqual(100);
    expect(waits[1]).toBeLessThanOrEqual(200);
  });

  it('throws the last error once its retries are spent, after retries + 1 attempts', async () => {
    let calls = 0;
    const failing = retryBriefly(
      async () => {
        calls++;
        throw new Error(`throttled ${calls}`);
      },
      { retries: 3, sleep: async () => {} },
    );
    await expect(failing).rejects.toThrow('throttled 4');
    expect(calls).toBe(4);
  });
});
