// The benchmark helpers' arithmetic: medians, growth classes, counts and the baseline comparison. No timing here.
import { describe, expect, it } from 'vitest';
import { compareMetrics, formatCount, growthClass, growthExponent, median, parseCount } from './stats.js';
import { costPerMillionEvents } from './cost.js';
import { events, MIX } from './workload.js';

describe('bench helpers', () => {
  it('takes the median of odd and even samples', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('tells flat from linear growth by the log-log slope', () => {
    const flat = [10, 100, 1000].map((x) => ({ x, y: 50 }));
    const linear = [10, 100, 1000].map((x) => ({ x, y: x * 3 }));
    expect(growthClass(growthExponent(flat))).toBe('flat');
    expect(growthClass(growthExponent(linear))).toBe('linear');
  });

  it('reads and writes counts like 10k and 1m', () => {
    expect(parseCount('10k')).toBe(10_000);
    expect(parseCount('1M')).toBe(1_000_000);
    expect(formatCount(100_000)).toBe('100k');
    expect(() => parseCount('lots')).toThrow(/not a count/);
  });

  it('flags a ratio that moved the wrong way beyond its tolerance only', () => {
    const baseline = { ratios: { rate: 100, writes: 1 } };
    const current = { ratios: { rate: 70, writes: 1.05 } };
    const result = compareMetrics(
      baseline,
      current,
      [
        { path: 'ratios.rate', better: 'higher' },
        { path: 'ratios.writes', better: 'lower', tolerance: 0.1 },
      ],
      0.25,
    );
    expect(result.map((c) => [c.path, c.regressed])).toEqual([
      ['ratios.rate', true],
      ['ratios.writes', false],
    ]);
  });

  it('generates the same stream for the same seed, in the documented mix', () => {
    const a = [...events(2_000, { profiles: 100, seed: 3 })];
    const b = [...events(2_000, { profiles: 100, seed: 3 })];
    expect(a).toEqual(b);
    const views = a.filter((e) => e.type === 'product.viewed').length / a.length;
    expect(Math.abs(views - MIX['product.viewed'])).toBeLessThan(0.05);
  });

  it('prices a million events from per-event counts', () => {
    const { lines, total } = costPerMillionEvents({
      webhooksPerEvent: 1,
      mergeCpuMicrosPerEvent: 1000,
      dynamoRequestsPerEvent: 4,
      writeUnitsPerEvent: 4,
      readUnitsPerEvent: 2,
      sqsBilledRequestsPerEvent: 2,
      syncMessagesPerEvent: 0.5,
      secretsPerTenant: 2,
    });
    expect(lines.find((l) => l.item === 'DynamoDB writes')?.perMillionEvents).toBeCloseTo(2.5);
    expect(lines.find((l) => l.item === 'API Gateway HTTP API')?.perMillionEvents).toBeCloseTo(1);
    expect(total).toBeGreaterThan(4);
  });

  it('prices read units as billed and says how many were eventually consistent', () => {
    const inputs = {
      webhooksPerEvent: 1,
      mergeCpuMicrosPerEvent: 1000,
      dynamoRequestsPerEvent: 4,
      writeUnitsPerEvent: 4,
      readUnitsPerEvent: 3,
      sqsBilledRequestsPerEvent: 2,
      syncMessagesPerEvent: 0.5,
      secretsPerTenant: 2,
    };
    const reads = (more: { eventualReadUnitsPerEvent?: number }) =>
      costPerMillionEvents({ ...inputs, ...more }).lines.find((l) => l.item === 'DynamoDB reads')!;
    expect(reads({}).basis).toBe('3 RRU/event (strongly consistent)');
    expect(reads({ eventualReadUnitsPerEvent: 1.2 }).basis).toBe(
      '3 RRU/event (1.8 strongly consistent, 1.2 eventually consistent at half a unit per 4 KB)',
    );
    expect(reads({ eventualReadUnitsPerEvent: 1.2 }).perMillionEvents).toBeCloseTo(3 * 0.125);
  });
});
