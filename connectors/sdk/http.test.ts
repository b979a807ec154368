// Outbound safety of the one vendor HTTP client: no private destinations (SSRF) unless allowed, no redirects.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DestinationRefused, VendorRejected } from './errors.js';
import { createVendorClient } from './http.js';
import { isPrivateAddress, privateNetworkAllowed } from './outbound.js';

let server: Server;
let origin: string;
const hits: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(req.url ?? '');
    if (req.url === '/redirect') {
      res.writeHead(302, { location: `${origin}/elsewhere` });
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('isPrivateAddress', () => {
  it.each([
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '127.0.0.1',
    '127.8.8.8',
    '169.254.169.254',
    '0.0.0.0',
    '::1',
    '::',
    'fc00::1',
    'fd12:3456::1',
    'fe80::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    '[::1]',
  ])('refuses %s', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each(['8.8.8.8', '172.32.0.1', '172.15.255.255', '192.169.0.1', '1.1.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])(
    'allows the public address %s',
    (address) => {
      expect(isPrivateAddress(address)).toBe(false);
    },
  );
});

describe('createVendorClient outbound safety', () => {
  it('refuses a loopback base URL before sending anything, without retrying', async () => {
    const before = hits.length;
    const client = createVendorClient({ vendor: 'Test', baseURL: origin, allowPrivateNetwork: false, retries: 3, minDelayMs: 1 });
    await expect(client.request({ url: '/x' })).rejects.toThrow(DestinationRefused);
    await expect(client.request({ url: '/x' })).rejects.toThrow(/private address 127\.0\.0\.1/);
    expect(hits.length, 'the server got no request').toBe(before);
  });

  it('refuses a host name that resolves to a private address (localhost, or a public name re-pointed at the metadata service)', async () => {
    const local = createVendorClient({
      vendor: 'Test',
      baseURL: `http://localhost:${new URL(origin).port}`,
      allowPrivateNetwork: false,
      retries: 0,
    });
    await expect(local.request({ url: '/x' })).rejects.toThrow(DestinationRefused);
    const rebound = createVendorClient({
      vendor: 'Test',
      baseURL: 'https://api.vendor.example',
      allowPrivateNetwork: false,
      retries: 0,
      resolve: async () => [{ address: '169.254.169.254', family: 4 }],
    });
    await expect(rebound.request({ url: '/latest/meta-data' })).rejects.toThrow(/169\.254\.169\.254/);
  });

  it('refuses an absolute URL in a request that points elsewhere than the base URL, when that is private', async () => {
    const client = createVendorClient({
      vendor: 'Test',
      baseURL: 'https://api.vendor.example',
      allowPrivateNetwork: false,
      retries: 0,
      resolve: async () => [{ address: '93.184.215.14', family: 4 }],
    });
    await expect(client.request({ url: 'http://10.0.0.7/admin' })).rejects.toThrow(DestinationRefused);
  });

  it('reaches a local simulator when private networks are allowed explicitly', async () => {
    const client = createVendorClient({ vendor: 'Test', baseURL: origin, allowPrivateNetwork: true, retries: 0 });
    expect((await client.request<{ ok: boolean }>({ url: '/x' })).data).toEqual({ ok: true });
  });

  it('takes the permission from SYNCLINE_ALLOW_PRIVATE_VENDOR_URLS=1 (set for the tests in vitest.config.ts)', async () => {
    expect(privateNetworkAllowed({ SYNCLINE_ALLOW_PRIVATE_VENDOR_URLS: '1' })).toBe(true);
    expect(privateNetworkAllowed({ SYNCLINE_ALLOW_PRIVATE_VENDOR_URLS: 'true' })).toBe(false);
    expect(privateNetworkAllowed({})).toBe(false);
    expect(process.env.SYNCLINE_ALLOW_PRIVATE_VENDOR_URLS).toBe('1');
    const client = createVendorClient({ vendor: 'Test', baseURL: origin, retries: 0 });
    expect((await client.request({ url: '/x' })).status).toBe(200);
  });

  it('follows no redirect: a 302 is a rejection and its target is never requested', async () => {
    const before = hits.length;
    const client = createVendorClient({ vendor: 'Test', baseURL: origin, allowPrivateNetwork: true, retries: 0 });
    await expect(client.request({ url: '/redirect' })).rejects.toThrow(VendorRejected);
    expect(hits.slice(before)).toEqual(['/redirect']);
  });
});
