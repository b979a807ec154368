import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, requireValidConfig } from './load-config.js';
import { loadDeployedConfig } from './deployed-config.js';

const dir = mkdtempSync(join(tmpdir(), 'syncline-config-'));
type Json = Record<string, unknown>;
const shipped = JSON.parse(readFileSync('syncline.config.json', 'utf8')) as { tenants: (Json & { instances: Json[] })[] };

/** syncline.config.json with one change, written to a file. */
function fileWith(change: (config: typeof shipped) => void): string {
  const config = structuredClone(shipped);
  change(config);
  const file = join(dir, `config-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(config));
  return file;
}

const failure = (file: string): string => {
  try {
    loadConfig(file);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`${file} loaded without an error`);
};

describe('loading syncline.config.json strictly', () => {
  it('loads the shipped config', () => {
    expect(loadConfig('syncline.config.json').tenants[0]!.instances.map((i) => i.connector)).toEqual(['shopify', 'copernica']);
  });

  it('refuses "pollEverMinutes", naming the key and "pollEveryMinutes"', () => {
    const file = fileWith((c) => {
      const shopify = c.tenants[0]!.instances[0]!;
      delete shopify.pollEveryMinutes;
      shopify.pollEverMinutes = 15;
    });
    expect(failure(file)).toBe(
      `syncline config at ${file} is invalid (1 problem):\n` +
        '  tenants[0].instances[0].pollEverMinutes: unknown key "pollEverMinutes"; did you mean "pollEveryMinutes"?',
    );
  });

  it('refuses "campaings", naming the key and "campaigns"', () => {
    const file = fileWith((c) => {
      c.tenants[0]!.campaings = { campaigns: [] };
    });
    expect(failure(file)).toContain('tenants[0].campaings: unknown key "campaings"; did you mean "campaigns"?');
  });

  it('refuses "acessToken" in settings, naming the key, "accessToken" and where a token belongs', () => {
    const file = fileWith((c) => {
      (c.tenants[0]!.instances[0]!.settings as Record<string, unknown>).acessToken = 'shpat_123';
    });
    expect(failure(file)).toContain(
      'tenants[0].instances[0].settings.acessToken: unknown key "acessToken"; did you mean "accessToken"? That is a secret',
    );
  });

  it('names the installed connectors for "shopifyy", even with a simulated vendor', () => {
    const file = fileWith((c) => {
      c.tenants[0]!.instances[0]!.connector = 'shopifyy';
    });
    expect(failure(file)).toMatch(
      /tenants\[0\]\.instances\[0\]\.connector: connector "shopifyy" is not installed; did you mean "shopify"\? \(installed: copernica, .*shopify, .*woocommerce\)/,
    );
  });

  it("checks every instance's settings against its connector's schema at load, and lists every problem at once", () => {
    const file = fileWith((c) => {
      const [shopify, copernica] = c.tenants[0]!.instances;
      shopify!.settings = { shopDomain: 'demo-shop.example.com', apiBaseUrl: 'simulator' };
      copernica!.settings = { apiBaseUrl: 'https://api.copernica.com/v4' };
      copernica!.pushh = true;
    });
    const message = failure(file);
    expect(message).toMatch(/is invalid \(3 problems\)/);
    expect(message).toContain("tenants[0].instances[0].settings.shopDomain: the shop's myshopify.com domain");
    expect(message).toContain('tenants[0].instances[1].pushh: unknown key "pushh"; did you mean "push"?');
    expect(message).toContain('tenants[0].instances[1].settings.databaseId:');
  });

  it('says when the file is missing or not JSON', () => {
    expect(failure(join(dir, 'absent.json'))).toMatch(/cannot read the syncline config at .*absent\.json/);
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ "tenants": [ }');
    expect(failure(broken)).toMatch(/cannot read the syncline config at .*broken\.json: .*JSON/);
  });

  it('holds a config given as a value to the same rules', () => {
    expect(() => requireValidConfig({ tenants: [{ ...shipped.tenants[0], campaings: {} }] }, 'the config given')).toThrow(
      /syncline config at the config given is invalid \(1 problem\):\n {2}tenants\[0\]\.campaings: unknown key "campaings"; did you mean "campaigns"\?/,
    );
    expect(requireValidConfig(loadConfig('syncline.config.json'), 'the config given').tenants).toHaveLength(1);
  });

  it("reads a deployed function's file by the config's schema only: the strict check ran at cdk synth", () => {
    const misspelt = fileWith((c) => {
      c.tenants[0]!.campaings = { campaigns: [] };
    });
    expect(failure(misspelt), 'the strict check (cdk synth, npm start) refuses an unknown key').toContain('did you mean "campaigns"');
    expect(loadDeployedConfig(misspelt).tenants[0]!.id, 'the deployed function reads past it').toBe(shipped.tenants[0]!.id);
    const invalid = fileWith((c) => {
      c.tenants[0]!.id = 42;
    });
    expect(() => loadDeployedConfig(invalid)).toThrow(/syncline config at .* is invalid \(1 problem\(s\)\):\n {2}tenants\.0\.id: /);
    const settings = fileWith((c) => {
      c.tenants[0]!.instances[0]!.settings = { shopDomain: 'demo-shop.example.com' };
    });
    expect(failure(settings), 'the strict check (cdk synth, npm start) refuses it').toContain('settings.shopDomain');
    expect(loadDeployedConfig(settings).tenants[0]!.instances[0]!.settings).toEqual({ shopDomain: 'demo-shop.example.com' });
  });
});
