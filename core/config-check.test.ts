import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { checkConfig, suggestion, type ConnectorSchemas } from './config-check.js';

// A connector's schemas as connectors declare them: plain (stripping) zod objects.
const connectors: Record<string, ConnectorSchemas> = {
  shop: {
    settingsSchema: z.object({ shopDomain: z.string(), apiBaseUrl: z.url().optional(), pageSize: z.number().default(100) }),
    secretsSchema: z.object({ accessToken: z.string(), webhookSecret: z.string() }),
  },
  mail: { settingsSchema: z.object({ listId: z.string() }), secretsSchema: z.object({ apiKey: z.string() }) },
};

const instance = (extra: Record<string, unknown> = {}) => ({
  id: 'shop',
  connector: 'shop',
  settings: { shopDomain: 'acme.example' },
  ...extra,
});
const configWith = (tenant: Record<string, unknown> = {}, inst: Record<string, unknown> = {}) => ({
  tenants: [{ id: 'acme', identity: {}, campaigns: {}, instances: [instance(inst)], ...tenant }],
});

describe('the strict config check', () => {
  it('accepts a valid config and returns it parsed, defaults filled', () => {
    const checked = checkConfig(configWith(), connectors);
    expect(checked.problems).toEqual([]);
    expect(checked.config?.tenants[0]!.instances[0]!.webhooks).toBe(false);
  });

  it('suggests the known key nearest to a typo, transpositions included, and nothing for a key unlike any', () => {
    expect(suggestion('pollEverMinutes', ['webhooks', 'pollEveryMinutes', 'push'])).toBe('pollEveryMinutes');
    expect(suggestion('campaings', ['identity', 'campaigns', 'instances'])).toBe('campaigns');
    expect(suggestion('SHOPDOMAIN', ['shopDomain'])).toBe('shopDomain');
    expect(suggestion('colour', ['webhooks', 'push'])).toBeUndefined();
  });

  it('names an unknown key at every level with its path and a suggestion', () => {
    const checked = checkConfig(
      {
        tenantz: [],
        tenants: [
          {
            id: 'acme',
            identity: { limits: { email: 5 }, blockedValuse: {} },
            campaigns: { campaigns: [], segmentz: [] },
            instances: [instance({ pollEverMinutes: 15 })],
          },
        ],
      },
      connectors,
    );
    expect(checked.config).toBeUndefined();
    expect(checked.problems).toEqual([
      { path: 'tenantz', message: 'unknown key "tenantz"; did you mean "tenants"?' },
      { path: 'tenants[0].identity.blockedValuse', message: 'unknown key "blockedValuse"; did you mean "blockedValues"?' },
      { path: 'tenants[0].campaigns.segmentz', message: 'unknown key "segmentz"; did you mean "segments"?' },
      { path: 'tenants[0].instances[0].pollEverMinutes', message: 'unknown key "pollEverMinutes"; did you mean "pollEveryMinutes"?' },
    ]);
  });

  it("lists the known keys when no key is near, and checks settings against the connector's own schema", () => {
    const checked = checkConfig(configWith({}, { settings: { shopDomain: 'acme.example', colour: 'red', pageSize: 'ten' } }), connectors);
    expect(checked.problems).toEqual([
      {
        path: 'tenants[0].instances[0].settings.colour',
        message: 'unknown key "colour" (known keys: shopDomain, apiBaseUrl, pageSize)',
      },
      { path: 'tenants[0].instances[0].settings.pageSize', message: expect.stringContaining('expected number') },
    ]);
  });

  it('says that a secret misspelt into the settings belongs in the secret', () => {
    const checked = checkConfig(configWith({}, { settings: { shopDomain: 'acme.example', acessToken: 'shpat_x' } }), connectors);
    expect(checked.problems).toHaveLength(1);
    expect(checked.problems[0]!.path).toBe('tenants[0].instances[0].settings.acessToken');
    expect(checked.problems[0]!.message).toMatch(/^unknown key "acessToken"; did you mean "accessToken"\? That is a secret/);
  });

  it('names the installed connectors for an unknown one, with the nearest', () => {
    const checked = checkConfig(configWith({}, { connector: 'shopp' }), connectors);
    expect(checked.problems).toEqual([
      {
        path: 'tenants[0].instances[0].connector',
        message: 'connector "shopp" is not installed; did you mean "shop"? (installed: mail, shop)',
      },
    ]);
  });

  it('accepts "simulator" as the base URL, with the settings its simulated vendor fills in, but no other non-URL', () => {
    const simulated = { settings: { shopDomain: 'acme.example', apiBaseUrl: 'simulator' } };
    expect(checkConfig(configWith({}, simulated), connectors).problems).toEqual([]);
    // The simulated vendor supplies the settings left out (its shop's domain, say), not the ones given wrongly.
    expect(checkConfig(configWith({}, { settings: { apiBaseUrl: 'simulator' } }), connectors).problems).toEqual([]);
    const given = { settings: { apiBaseUrl: 'simulator', pageSize: 'ten' } };
    expect(checkConfig(configWith({}, given), connectors).problems.map((p) => p.path)).toEqual([
      'tenants[0].instances[0].settings.pageSize',
    ]);
    const wrong = { settings: { shopDomain: 'acme.example', apiBaseUrl: 'simulatr' } };
    expect(checkConfig(configWith({}, wrong), connectors).problems.map((p) => p.path)).toEqual([
      'tenants[0].instances[0].settings.apiBaseUrl',
    ]);
  });

  it('collects every problem of every tenant and instance in one run', () => {
    const checked = checkConfig(
      {
        tenants: [
          {
            id: 'a',
            identity: {},
            campaigns: {},
            instances: [instance({ pollEverMinutes: 5 }), { id: 'm', connector: 'mail', settings: {} }],
          },
          { id: 'b', identity: {}, campaings: {}, instances: [instance({ connector: 'nope' })] },
        ],
      },
      connectors,
    );
    expect(checked.problems.map((p) => p.path)).toEqual([
      'tenants[0].instances[0].pollEverMinutes',
      'tenants[1].campaings',
      'tenants[0].instances[1].settings.listId',
      'tenants[1].instances[0].connector',
    ]);
  });
});
