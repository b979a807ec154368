import { describe, expect, it } from 'vitest';
import { sweepSchedule } from './constructs/schedules.js';

describe('the campaign sweep schedule', () => {
  it('runs on the clock grid the due times are rounded to, where the period divides an hour or a day', () => {
    expect(sweepSchedule(15).expressionString).toBe('cron(0/15 * * * ? *)');
    expect(sweepSchedule(5).expressionString).toBe('cron(0/5 * * * ? *)');
    expect(sweepSchedule(60).expressionString).toBe('cron(0 0/1 * * ? *)');
    expect(sweepSchedule(120).expressionString).toBe('cron(0 0/2 * * ? *)');
  });

  it('keeps a rate for other periods', () => {
    expect(sweepSchedule(7).expressionString).toBe('rate(7 minutes)');
    expect(sweepSchedule(90).expressionString).toBe('rate(90 minutes)');
  });
});
