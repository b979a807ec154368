import { describe, expect, it } from 'vitest';
import { destinationPace } from './destination-pace.js';
import { createPacer, estimateEtaMs } from './pacer.js';

describe('the resync pace', () => {
  it('waits only the part of the interval that has not passed since the last push started', async () => {
    let clock = 0;
    const waits: number[] = [];
    const pacer = createPacer(
      3_000,
      () => clock,
      async (ms) => {
        waits.push(ms);
        clock += ms;
      },
    );
    await pacer.ready();
    expect(waits, 'the first push goes at once').toEqual([]);
    pacer.pushed(clock);
    clock += 1_000; // the push took a second
    await pacer.ready();
    pacer.pushed(clock);
    clock += 5_000; // slower than the pace: no wait
    await pacer.ready();
    expect(waits).toEqual([2_000]);
    expect(pacer.waitedMs).toBe(2_000);
  });

  it('does not wait after a page that reached no vendor (every profile unchanged or without consent)', async () => {
    const waits: number[] = [];
    const pacer = createPacer(
      3_000,
      () => 0,
      async (ms) => void waits.push(ms),
    );
    await pacer.ready();
    await pacer.ready();
    expect(waits).toEqual([]);
  });

  it('keeps every push call of 60 batches at least the interval apart', async () => {
    let clock = 0;
    const starts: number[] = [];
    const pacer = createPacer(
      1_000,
      () => clock,
      async (ms) => void (clock += ms),
    );
    for (let i = 0; i < 60; i++) {
      await pacer.ready();
      starts.push(clock);
      pacer.pushed(clock);
      clock += 120; // each push takes 120 ms
    }
    const gaps = starts.slice(1).map((s, i) => s - starts[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1_000);
    expect(starts.at(-1)).toBe(59_000);
  });

  it("follows each vendor's documented limit and marks the vendors that document none", () => {
    expect(destinationPace('klaviyo')).toMatchObject({ minIntervalMs: 3_000, documented: true });
    // ~6 requests per push at 20 pushes a minute stay under Klaviyo's steady 150/m.
    expect((60_000 / destinationPace('klaviyo').minIntervalMs) * 6).toBeLessThanOrEqual(150);
    expect(destinationPace('copernica').documented).toBe(false);
    expect(destinationPace('someone-elses')).toMatchObject({ minIntervalMs: 1_000, documented: false });
  });
});

describe('the resync ETA', () => {
  const base = { batchSize: 100, minIntervalMs: 1_000 };

  it("is this run's speed over what is left", () => {
    // 200 of 1,000 in 10 s: 800 left at 20/s = 40 s (the pace allows 8 batches in 8 s).
    expect(estimateEtaMs({ ...base, done: 200, total: 1_000, doneThisRun: 200, elapsedThisRunMs: 10_000 })).toBe(40_000);
  });

  it('is never shorter than the pace allows', () => {
    // Fast so far (1,000/s), but 8 batches left at one a second take 8 s.
    expect(estimateEtaMs({ ...base, done: 200, total: 1_000, doneThisRun: 200, elapsedThisRunMs: 200 })).toBe(8_000);
  });

  it("uses a resumed run's own speed: profiles done before the interruption do not count as fast", () => {
    expect(estimateEtaMs({ ...base, done: 600, total: 1_000, doneThisRun: 100, elapsedThisRunMs: 10_000 })).toBe(40_000);
  });

  it('is unknown without a total or before the first page, and zero when nothing is left', () => {
    expect(estimateEtaMs({ ...base, done: 10, total: undefined, doneThisRun: 10, elapsedThisRunMs: 100 })).toBeUndefined();
    expect(estimateEtaMs({ ...base, done: 0, total: 50, doneThisRun: 0, elapsedThisRunMs: 0 })).toBeUndefined();
    expect(estimateEtaMs({ ...base, done: 50, total: 50, doneThisRun: 50, elapsedThisRunMs: 10 })).toBe(0);
  });
});
