// `syncline webhooks`: every webhook URL from the base URL and the config, for a stage and for the local stack.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../main.js';

let dir: string;
let configFile: string;
let stateFile: string;
const config = {
  tenants: [
    {
      id: 'fitness-store-amsterdam',
      instances: [
        {
          id: 'shopify',
          connector: 'shopify',
          webhooks: true,
          pollEveryMinutes: 15,
          settings: { shopDomain: 'fitness-store.myshopify.com' },
        },
        { id: 'copernica', connector: 'copernica', push: true, settings: { databaseId: 4321 } },
      ],
    },
    {
      id: 'bike-shop',
      instances: [{ id: 'woo', connector: 'woocommerce', webhooks: true, settings: { storeUrl: 'https://bike-shop.example' } }],
    },
  ],
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'syncline-webhooks-'));
  configFile = join(dir, 'syncline.config.json');
  writeFileSync(configFile, JSON.stringify(config));
  stateFile = join(dir, 'local.json');
  // A live pid (this process) and no config: the local stack's URL, the config from --config.
  writeFileSync(stateFile, JSON.stringify({ pid: process.pid, url: 'http://127.0.0.1:3000' }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function syncline(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(
    [...argv, '--config', configFile, '--state-file', stateFile],
    { out: (t) => void (out += t), err: (t) => void (err += t), isTTY: false },
    {},
  );
  return { code, out, err };
}

describe('syncline webhooks', () => {
  it('prints the URL and the secret name of every instance that receives webhooks on a stage', async () => {
    const base = 'https://abc123.execute-api.eu-west-1.amazonaws.com';
    const { code, out } = await syncline('webhooks', '--stage', 'prod', '--base-url', `${base}/`, '--json');
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual([
      {
        tenantId: 'fitness-store-amsterdam',
        instanceId: 'shopify',
        connector: 'shopify',
        url: `${base}/webhooks/fitness-store-amsterdam/shopify`,
        secret: 'syncline/prod/fitness-store-amsterdam/shopify',
      },
      {
        tenantId: 'bike-shop',
        instanceId: 'woo',
        connector: 'woocommerce',
        url: `${base}/webhooks/bike-shop/woo`,
        secret: 'syncline/prod/bike-shop/woo',
      },
    ]);
    const table = await syncline('webhooks', 'bike-shop', '--stage', 'dev', '--base-url', base);
    expect(table.out).toContain(`${base}/webhooks/bike-shop/woo`);
    expect(table.out).toContain('syncline/dev/bike-shop/woo');
    expect(table.out).not.toContain('fitness-store-amsterdam');
  });

  it('asks a stage for the WebhookBaseUrl output, and refuses an unknown tenant or a base that is not a URL', async () => {
    const missing = await syncline('webhooks', '--stage', 'dev');
    expect(missing.code).toBe(2);
    expect(missing.err).toContain("OutputKey=='WebhookBaseUrl'");
    const unknown = await syncline('webhooks', 'nope', '--stage', 'dev', '--base-url', 'https://x.example');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('configured: fitness-store-amsterdam, bike-shop');
    expect((await syncline('webhooks', '--stage', 'dev', '--base-url', 'abc123')).code).toBe(2);
  });

  it('uses the local stack’s URL, or a tunnel’s in front of it', async () => {
    const local = JSON.parse((await syncline('webhooks', '--json')).out) as { url: string; secret: string }[];
    expect(local.map((r) => r.url)).toEqual([
      'http://127.0.0.1:3000/webhooks/fitness-store-amsterdam/shopify',
      'http://127.0.0.1:3000/webhooks/bike-shop/woo',
    ]);
    expect(local[1]?.secret).toBe('secrets.local.json "bike-shop/woo"');
    const tunnel = JSON.parse((await syncline('webhooks', '--json', '--base-url', 'https://my-tunnel.example')).out) as { url: string }[];
    expect(tunnel[0]?.url).toBe('https://my-tunnel.example/webhooks/fitness-store-amsterdam/shopify');
  });
});
