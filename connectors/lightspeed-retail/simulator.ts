// A local stand-in for the X-Series API 2.0: the customers and sales change feeds (`after`, `page_size`,
// `version {min,max}`), bearer auth, X-RateLimit-* headers, 429 with Retry-After as an HTTP date, customer
// deletion, and injected faults.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SimulatedVendor, SimulatorFaults } from '../sdk/contract-kit.js';
import { LightspeedRetailSettings, type LightspeedRetailSecrets } from './config.js';
import type { CustomerJson, SaleJson } from './schemas.js';

export { signRetailWebhook } from './webhook.js';
export { expectedPollEvents, generateSampleStore, type SampleStore } from './sample-store.js';

export interface RetailSimulatorOptions {
  customers: CustomerJson[];
  sales: SaleJson[];
  pageSize?: number;
  faults?: SimulatorFaults;
  accessToken?: string;
}

export interface RetailSimulator extends SimulatedVendor<LightspeedRetailSettings, LightspeedRetailSecrets> {
  secrets: LightspeedRetailSecrets;
  /** Feed requests that got past faults and authentication: path and query, in order. */
  reads(): { stream: string; after: number; pageSize: number }[];
  /** Customer ids deleted through DELETE /customers/{id}. */
  deleted(): string[];
}

/** Lightspeed's default when page_size is missing (an assumption: its docs do not state a number for every list). */
const DEFAULT_PAGE_SIZE = 1000;

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(body === undefined ? '' : JSON.stringify(body));
}

export async function startRetailSimulator(options: RetailSimulatorOptions): Promise<RetailSimulator> {
  const accessToken = options.accessToken ?? 'lsxs_simulated_access_token';
  const feeds: Record<string, { version?: number | null; id: string }[]> = {
    customers: [...options.customers].sort((a, b) => (a.version ?? 0) - (b.version ?? 0)),
    sales: [...options.sales].sort((a, b) => (a.version ?? 0) - (b.version ?? 0)),
  };
  let rateLimitLeft = options.faults?.rateLimitFirst ?? 0;
  let failLeft = options.faults?.failNext ?? 0;
  let requests = 0;
  const reads: { stream: string; after: number; pageSize: number }[] = [];
  const deleted: string[] = [];
  const limit = 300;

  function handle(req: IncomingMessage, res: ServerResponse): void {
    requests++;
    const rate = { 'x-ratelimit-limit': String(limit), 'x-ratelimit-remaining': String(Math.max(0, limit - requests)), 'x-ratelimit-reset': new Date(Date.now() + 300_000).toISOString() };
    if (rateLimitLeft > 0) {
      rateLimitLeft--;
      // Lightspeed sends the moment to retry at as an HTTP date; this one is already past, so the wait is zero.
      return send(res, 429, { error: 'Too Many Requests' }, { ...rate, 'x-ratelimit-remaining': '0', 'retry-after': new Date(Date.now() - 1000).toUTCString() });
    }
    if (failLeft > 0) {
      failLeft--;
      return send(res, 500, { error: 'Internal Server Error' });
    }
    if (req.headers.authorization !== `Bearer ${accessToken}`) return send(res, 401, { error: 'Unauthorized', error_description: 'The access token is missing, invalid or expired' });
    const url = new URL(req.url ?? '/', 'http://simulator');
    const remove = /^\/api\/2\.0\/customers\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'DELETE' && remove) {
      const id = decodeURIComponent(remove[1] as string);
      const at = feeds.customers!.findIndex((c) => c.id === id);
      if (at < 0) return send(res, 404, { error: 'Not Found' });
      feeds.customers!.splice(at, 1);
      deleted.push(id);
      return send(res, 204, undefined, rate);
    }
    const list = /^\/api\/2\.0\/(customers|sales)$/.exec(url.pathname);
    if (req.method !== 'GET' || !list) return send(res, 404, { error: 'Not Found' });
    const stream = list[1] as string;
    const after = Number(url.searchParams.get('after') ?? 0);
    const pageSize = Math.min(Number(url.searchParams.get('page_size') ?? DEFAULT_PAGE_SIZE), options.pageSize ?? DEFAULT_PAGE_SIZE);
    if (!Number.isInteger(after) || after < 0 || !Number.isInteger(pageSize) || pageSize < 1) return send(res, 400, { error: 'Bad Request', details: 'after and page_size must be positive integers' });
    reads.push({ stream, after, pageSize });
    const data = feeds[stream]!.filter((r) => (r.version ?? 0) > after).slice(0, pageSize);
    const versions = data.map((r) => r.version ?? 0);
    return send(res, 200, { data, version: { min: versions.length ? Math.min(...versions) : null, max: versions.length ? Math.max(...versions) : null } }, rate);
  }

  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch {
      send(res, 500, { error: 'simulator failure' });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    settings: LightspeedRetailSettings.parse({
      domainPrefix: 'syncline-demo',
      apiBaseUrl: `http://127.0.0.1:${port}/api/2.0`,
      currency: 'EUR',
      ...(options.pageSize !== undefined ? { pageSize: options.pageSize } : {}),
    }),
    secrets: { accessToken, clientSecret: 'simulated-client-secret' },
    received: () => [...deleted],
    requests: () => requests,
    reads: () => reads.map((r) => ({ ...r })),
    deleted: () => [...deleted],
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
