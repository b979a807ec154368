import { describe, expect, it } from 'vitest';
import { instantAtWallClock, wallClockAt } from './time-zone.js';

describe('wall-clock time in a zone', () => {
  it('reads the clock in Amsterdam in winter and in summer', () => {
    expect(wallClockAt(Date.UTC(2026, 0, 15, 12), 'Europe/Amsterdam')).toBe(Date.UTC(2026, 0, 15, 13));
    expect(wallClockAt(Date.UTC(2026, 6, 1, 12), 'Europe/Amsterdam')).toBe(Date.UTC(2026, 6, 1, 14));
  });

  it('finds the instant a local reading stands for, on both sides of a daylight-saving change', () => {
    expect(instantAtWallClock(Date.UTC(2026, 2, 29, 1, 30), 'Europe/Amsterdam')).toBe(Date.UTC(2026, 2, 29, 0, 30));
    expect(instantAtWallClock(Date.UTC(2026, 2, 29, 3, 30), 'Europe/Amsterdam')).toBe(Date.UTC(2026, 2, 29, 1, 30));
  });
});
