import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger, logFormat } from './logger.js';

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
});
