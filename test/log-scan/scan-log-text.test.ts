import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { secretLiteralsIn } from './known-test-secrets.js';
import { scanLogText } from './scan-log-text.js';

const patterns = (text: string, secrets: string[] = []) => scanLogText(text, secrets).map((f) => f.pattern);

describe('scanLogText', () => {
  it('finds an e-mail address in a JSON log line, and masks it', () => {
    const findings = scanLogText('{"level":"info","message":"merged"}\n{"level":"warn","email":"anna.jansen@example.com"}\n');
    expect(findings).toEqual([
      { pattern: 'e-mail address', masked: 'ann************ (23 chars)', line: 2, context: '{"level":"warn","email":"<e-mail address>"}' },
    ]);
  });

  it('finds phone numbers in E.164 and common national forms', () => {
    for (const phone of [
      '+31612345678',
      '+31 6 1234 5678',
      '%2B31612345678',
      '0612345678',
      '06-123 45678',
      '020 123 4567',
      '555-625-1199',
      '(555) 625-1199',
    ]) {
      expect(patterns(`call ${phone} now`), phone).toEqual(['phone number']);
    }
  });

  it('finds JWTs, bearer tokens and known secrets', () => {
    expect(patterns('token eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjF9.c2ln')).toEqual(['JWT']);
    expect(patterns('authorization: Bearer shpat_0123456789abcdef')).toEqual(['bearer token']);
    expect(patterns('signed with simulated-webhook-secret', ['simulated-webhook-secret'])).toEqual(['known test secret']);
  });

  it('passes a clean log line: ids, counts, UUIDs, timestamps, vendor ids and redaction placeholders', () => {
    const clean = [
      JSON.stringify({
        level: 'info',
        service: 'merge',
        message: 'merged',
        tenantId: 'demo-shop',
        profileId: '3f0b8a52-0123-4567-89ab-0123456789ab',
        events: 12,
        time: '2026-11-20T09:00:00.123Z',
      }),
      JSON.stringify({
        level: 'warn',
        message: 'push failed',
        reason: 'HTTP 400: {"authorization":"<secret>","email":"<e-mail>","phone":"<phone>"} Bearer <secret>',
        vendorId: 207119551,
        at: 1763629200123,
      }),
      'merged 3 events into profile 3f0b8a52 in 0.012345 s; cursor eyJwYWdlIjoyfQ',
    ].join('\n');
    expect(scanLogText(clean, ['simulated-webhook-secret'])).toEqual([]);
  });
});

describe('secretLiteralsIn', () => {
  it('collects literals assigned to secret-named fields and defaults, not URLs, words or cart tokens', () => {
    const source = `const secrets = { apiKey: 'pk_simulated_0123456789', webhookSecret: "simulated-webhook-secret" };
      const accessToken = options.accessToken ?? 'shpat_simulated'; const ECHO_ACCESS_TOKEN = 'echo-access-token-5f2c9a71d3';
      const tokenUrl = 'https://vendor.example/token'; const apiKeyName = 'apikey'; const cart_token = 'c0ffee0123456789';`;
    expect(secretLiteralsIn(source).sort()).toEqual([
      'echo-access-token-5f2c9a71d3',
      'pk_simulated_0123456789',
      'shpat_simulated',
      'simulated-webhook-secret',
    ]);
  });
});

describe('the suite-wide capture (vitest.config.ts setupFiles)', () => {
  it('fails a test file that logs personal data, printed or to silentLogger, naming the file and the pattern without the value, and passes a clean one', () => {
    const run = spawnSync(
      process.execPath,
      ['node_modules/vitest/vitest.mjs', 'run', '--config', 'test/log-scan/fixtures/vitest.config.ts'],
      {
        encoding: 'utf8',
        env: { ...process.env, SYNCLINE_LOG_SCAN_DIR: '', LOG_LEVEL: 'info', NO_COLOR: '1', CI: '' },
        timeout: 120_000,
      },
    );
    const output = `${run.stdout}\n${run.stderr}`;
    expect(run.status, `vitest exit code; output:\n${output}`).toBe(1);
    expect(output).toMatch(/log privacy: test\/log-scan\/fixtures\/logs-an-email\.fixture\.ts logged personal data or secrets \(3 finding/);
    expect(output, 'a line logged to silentLogger is scanned too').toMatch(
      /log privacy: test\/log-scan\/fixtures\/logs-quietly\.fixture\.ts logged personal data or secrets \(1 finding\(s\)\):\s+line 1 of its output: known test secret sim/,
    );
    for (const pattern of ['e-mail address lea', 'phone number +31', 'bearer token Bea']) expect(output).toContain(pattern);
    expect(output).not.toMatch(/log privacy: test\/log-scan\/fixtures\/logs-ids-only/);
    expect(output).toMatch(/3 test files, \d+ lines, \d+ bytes of output scanned, 4 finding\(s\)/);
    const report = output.slice(output.indexOf('Failed Suites'));
    expect(report, 'the report itself shows no full e-mail address').not.toContain('leaky.person@example.com');
    expect(report, 'nor the secret').not.toContain('simulated-webhook-secret');
  }, 120_000);
});
