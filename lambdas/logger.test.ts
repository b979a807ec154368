import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger, emfMetrics, logFormat } from './logger.js';

function captureStdout(): string[] {
  const lines: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: string) => (lines.push(chunk), true)) as typeof process.stdout.write);
  return lines;
}

afterEach(() => vi.restoreAllMocks());

describe('log lines', () => {
  it('writes JSON in Lambda and when LOG_FORMAT=json asks for it, readable text elsewhere', () => {
    expect(logFormat({ AWS_LAMBDA_FUNCTION_NAME: 'syncline-dev-merge' })).toBe('json');
    expect(logFormat({ LOG_FORMAT: 'json' })).toBe('json');
    expect(logFormat({})).toBe('text');
    expect(logFormat({ AWS_LAMBDA_FUNCTION_NAME: 'syncline-dev-merge', LOG_FORMAT: 'text' })).toBe('text');
  });

  it('prints a readable line with time, level, service, message and the details as key=value', () => {
    const lines = captureStdout();
    createLogger('merge', 'info', 'text').info('merged batch', { events: 10, profiles: 7, tenantId: 'demo-shop', skipped: undefined });
    expect(lines).toEqual([
      expect.stringMatching(/^\d{2}:\d{2}:\d{2} INFO  merge  merged batch  events=10 profiles=7 tenantId=demo-shop\n$/),
    ]);
  });

  it('quotes a reason with spaces so that the line still splits into fields', () => {
    const lines = captureStdout();
    createLogger('local', 'debug', 'text').debug('caught up', { reason: 'id: expected number', stream: 'orders', page: { n: 2 } });
    expect(lines[0]).toMatch(/ DEBUG local  caught up  reason="id: expected number" stream=orders page=\{"n":2\}\n$/);
  });

  it('keeps the JSON line CloudWatch reads', () => {
    const lines = captureStdout();
    createLogger('syncline-dev-merge', 'info', 'json').info('merged batch', { events: 10 });
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'info', service: 'syncline-dev-merge', message: 'merged batch', events: 10 });
  });

  it('writes a count as a CloudWatch embedded-metric line in Lambda, and nothing in a terminal', () => {
    const lines = captureStdout();
    const time = new Date('2026-03-03T10:00:00.000Z');
    const record = { dimensions: { tenantId: 'acme', instance: 'shop', stage: 'merge' }, metrics: { okCount: 10 }, time };
    emfMetrics('syncline', 'text')(record);
    expect(lines, 'no EMF in a terminal').toEqual([]);
    emfMetrics('syncline', 'json')(record);
    expect(JSON.parse(lines[0]!)).toEqual({
      _aws: {
        Timestamp: time.getTime(),
        CloudWatchMetrics: [
          { Namespace: 'syncline', Dimensions: [['tenantId', 'instance', 'stage']], Metrics: [{ Name: 'okCount', Unit: 'Count' }] },
        ],
      },
      tenantId: 'acme',
      instance: 'shop',
      stage: 'merge',
      okCount: 10,
    });
  });
});
