import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliIO } from './io.js';
import { runCli } from './main.js';

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { out: (t) => void (out += t), err: (t) => void (err += t), isTTY: false };
  const code = await runCli(argv, io, {});
  return { code, out, err };
}

const dir = mkdtempSync(join(tmpdir(), 'syncline-config-check-'));
const typos = join(dir, 'typos.json');
writeFileSync(
  typos,
  JSON.stringify({
    tenants: [
      {
        id: 'acme',
        campaings: { campaigns: [] },
        instances: [
          { id: 'shop', connector: 'shopify', pollEverMinutes: 15, settings: { shopDomain: 'acme.myshopify.com', acessToken: 'shpat_1' } },
          { id: 'pos', connector: 'sqaure' },
        ],
      },
    ],
  }),
);

describe('syncline config check', () => {
  it('says OK in one line and exits 0 for a valid config (no stack needed)', async () => {
    expect(await run('config', 'check')).toEqual({ code: 0, out: 'syncline.config.json: OK (1 tenant, 2 instances)\n', err: '' });
  });

  it('prints every problem of the file given with --config and exits 1', async () => {
    const { code, out } = await run('config', 'check', '--config', typos);
    expect(code).toBe(1);
    expect(out.split('\n')).toEqual([
      `syncline config at ${typos} is invalid (4 problems):`,
      '  tenants[0].campaings: unknown key "campaings"; did you mean "campaigns"?',
      '  tenants[0].instances[0].pollEverMinutes: unknown key "pollEverMinutes"; did you mean "pollEveryMinutes"?',
      expect.stringMatching(
        /^ {2}tenants\[0\]\.instances\[0\]\.settings\.acessToken: unknown key "acessToken"; did you mean "accessToken"\?/,
      ),
      expect.stringMatching(
        /^ {2}tenants\[0\]\.instances\[1\]\.connector: connector "sqaure" is not installed; did you mean "square"\? \(installed: /,
      ),
      '',
    ]);
  });

  it('gives the problems as JSON with --json', async () => {
    const { code, out } = await run('config', 'check', '--config', typos, '--json');
    expect(code).toBe(1);
    const report = JSON.parse(out) as { valid: boolean; problems: { path: string }[] };
    expect(report.valid).toBe(false);
    expect(report.problems.map((p) => p.path)).toEqual([
      'tenants[0].campaings',
      'tenants[0].instances[0].pollEverMinutes',
      'tenants[0].instances[0].settings.acessToken',
      'tenants[0].instances[1].connector',
    ]);
  });

  it('reports a missing file as a problem', async () => {
    const { code, out } = await run('config', 'check', '--config', join(dir, 'absent.json'));
    expect(code).toBe(1);
    expect(out).toMatch(/is invalid \(1 problem\):\n {2}cannot read the syncline config at .*absent\.json/);
  });

  it('refuses another subcommand with the usage', async () => {
    const { code, err } = await run('config', 'show');
    expect(code).toBe(2);
    expect(err).toContain('syncline: config: unknown subcommand "show" (only "check")');
    expect(err).toContain('usage: syncline config check [--config syncline.config.json] [--json]');
  });
});
