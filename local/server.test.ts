// The local server's JSON API is for the person at this machine (issue 16 item 3): a page on another site must not
// read it through DNS rebinding (a Host that is not this machine) nor post to it (CSRF). Webhooks stay open to any
// Host: vendors reach them through a tunnel.
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalServer, type LocalServer } from './server.js';

let server: LocalServer;
const calls: string[] = [];

beforeAll(async () => {
  server = await startLocalServer({
    port: 0,
    webhook: async () => ({ statusCode: 202, body: '{}' }),
    findProfile: async (tenantId) => {
      calls.push(`profile ${tenantId}`);
      return { id: 'p1' };
    },
    status: async () => ({ ok: true }),
    accounting: async () => [],
    quarantine: {
      list: async (tenantId) => {
        calls.push(`list ${tenantId}`);
        return [];
      },
      replay: async (tenantId) => {
        calls.push(`replay ${tenantId}`);
        return [];
      },
    },
  });
});
afterAll(() => server.close());

function send(method: string, path: string, headers: Record<string, string>): Promise<number> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ hostname, port, method, path, headers: { 'content-length': '0', ...headers } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('local server guards', () => {
  const readRoutes = ['/api/profiles/t-a?email=x', '/api/quarantine/t-a', '/api/status', '/api/accounting', '/api/accounting/t-a'];

  it('answers every JSON route with 421 for a Host that is not this machine (DNS rebinding), and reads nothing', async () => {
    for (const host of ['attacker.example', 'attacker.example:3000', '127.0.0.1.nip.io', '10.0.0.5:3000']) {
      for (const path of readRoutes) expect(await send('GET', path, { host }), `GET ${path} Host ${host}`).toBe(421);
      expect(await send('POST', '/api/quarantine/t-a/replay', { host }), `replay Host ${host}`).toBe(421);
    }
    expect(calls).toEqual([]);
  });

  it('answers 403 to a cross-site POST, and replays nothing', async () => {
    const host = new URL(server.url).host;
    for (const headers of <Record<string, string>[]>[
      { origin: 'https://attacker.example' },
      { origin: 'null' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
    ]) {
      expect(await send('POST', '/api/quarantine/t-a/replay/q1', { host, ...headers }), JSON.stringify(headers)).toBe(403);
    }
    expect(calls).toEqual([]);
  });

  it('still answers this machine, the CLI (no Origin) and a same-origin POST', async () => {
    const host = new URL(server.url).host;
    for (const h of [host, `localhost:${new URL(server.url).port}`, 'localhost'])
      for (const path of readRoutes) expect(await send('GET', path, { host: h }), `GET ${path} Host ${h}`).toBe(200);
    expect(await send('POST', '/api/quarantine/t-a/replay', { host }), 'CLI').toBe(200);
    expect(await send('POST', '/api/quarantine/t-a/replay', { host, origin: `http://${host}`, 'sec-fetch-site': 'same-origin' })).toBe(200);
    calls.length = 0;
  });

  it('takes webhooks whatever the Host, as vendors reach them through a tunnel', async () => {
    expect(await send('POST', '/webhooks/t-a/shopify', { host: 'abc.ngrok.example', origin: 'https://vendor.example' })).toBe(202);
  });
});
