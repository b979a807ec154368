// Outbound safety of the one vendor HTTP client: no private destinations (SSRF) unless allowed, no redirects.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigInvalid, DestinationRefused, VendorRejected } from './errors.js';
import { failureReason } from './failure-reason.js';
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
    // Not private, but no public unicast either: carrier-grade NAT, benchmarking, multicast, broadcast, reserved, documentation.
    '100.64.0.1',
    '100.127.255.254',
    '198.18.0.1',
    '198.19.255.255',
    '224.0.0.1',
    '239.255.255.250',
    '255.255.255.255',
    '240.0.0.1',
    '0.1.2.3',
    '192.0.0.8',
    '192.0.2.1',
    '198.51.100.7',
    '203.0.113.9',
    // IPv6 forms that reach IPv4 or are not global unicast: NAT64, mapped in hex, IPv4-translated, IPv4-compatible, 6to4, Teredo.
    '64:ff9b::a00:1',
    '64:ff9b::8.8.8.8',
    '::ffff:a00:1',
    '::ffff:7f00:1',
    '::ffff:0:a00:1',
    '::ffff:0:8.8.8.8',
    '::10.0.0.1',
    '2002:a00:1::1',
    '2001:0:4136:e378::1',
    '2001:db8::1',
    'ff02::1',
    'ff0e::1',
    'fec0::1',
    '100::1',
    '::ffff:100.64.0.1',
  ])('refuses %s', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each([
    '8.8.8.8',
    '172.32.0.1',
    '172.15.255.255',
    '192.169.0.1',
    '1.1.1.1',
    '100.63.255.255',
    '100.128.0.1',
    '198.20.0.1',
    '223.255.255.254',
    '2606:4700:4700::1111',
    '2a00:1450:4001:80b::200e',
    '::ffff:8.8.8.8',
    '::ffff:808:808',
  ])('allows the public address %s', (address) => {
    expect(isPrivateAddress(address)).toBe(false);
  });
});

describe('createVendorClient outbound safety', () => {
  it('refuses a loopback base URL before sending anything, without retrying', async () => {
    const before = hits.length;
    const client = createVendorClient({ vendor: 'Test', baseURL: origin, allowPrivateNetwork: false, retries: 3, minDelayMs: 1 });
    await expect(client.request({ url: '/x' })).rejects.toThrow(DestinationRefused);
    await expect(client.request({ url: '/x' })).rejects.toThrow(/127\.0\.0\.1, which is not a public unicast address/);
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

  it('reports a refused destination as a configuration error, also when DNS rebinding points it elsewhere at connect time, and never retries it', async () => {
    let lookups = 0;
    const rebinding = createVendorClient({
      vendor: 'Test',
      baseURL: `http://api.vendor.example:${new URL(origin).port}`,
      allowPrivateNetwork: false,
      retries: 3,
      minDelayMs: 1,
      // Public when checked before the request, loopback (our server) when the socket connects.
      resolve: async () => [{ address: lookups++ === 0 ? '93.184.215.14' : '127.0.0.1', family: 4 }],
    });
    const before = hits.length;
    const failure = await rebinding.request({ url: '/x' }).catch((error: unknown) => error);
    expect(failure, 'a configuration error, not a network error').toBeInstanceOf(DestinationRefused);
    expect(failure).toBeInstanceOf(ConfigInvalid);
    expect(lookups, 'looked up once before and once at connect, not retried').toBe(2);
    expect(hits.length, 'the server got no request').toBe(before);
    expect(failureReason('Test', failure), 'push and erase outcomes').toEqual({
      reason: expect.stringMatching(/^Test configuration error: .*127\.0\.0\.1, which is not a public unicast address/),
      retryable: false,
    });
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
