// A local stand-in for the X-Series API 2.0: the customers, products and sales change feeds (`after`, `page_size`,
// `version {min,max}`, products' `deleted`), bearer auth, X-RateLimit-* headers, 429 with Retry-After as an HTTP date, customer
// deletion, and injected faults.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimulatedVendor, SimulatorFaults } from '../sdk/simulator-kit.js';
import { sendJson, startVendorServer } from '../sdk/simulator-kit.js';
import { defineSimulator } from '../sdk/define-simulator.js';
import { LightspeedRetailSettings, type LightspeedRetailSecrets } from './config.js';
import { generateSampleStore } from './sample-store.js';
import type { CustomerJson, ProductJson, SaleJson } from './schemas.js';

export { signRetailWebhook } from './webhook.js';
export { expectedPollEvents, generateSampleStore, type SampleStore } from './sample-store.js';

export interface RetailSimulatorOptions {
  customers: CustomerJson[];
  sales: SaleJson[];
  products?: ProductJson[];
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
  /**
   * A record the retailer creates or changes (a customer at the till, a product in the catalog, a sale rung up): it
   * gets the store's next version, so the next read of its feed returns it. Returns that version.
   */
  addCustomer(customer: CustomerJson): number;
  addProduct(product: ProductJson): number;
  addSale(sale: SaleJson): number;
}

type Feed = 'customers' | 'products' | 'sales';

/** Lightspeed's default when page_size is missing (an assumption: its docs do not state a number for every list). */
const DEFAULT_PAGE_SIZE = 1000;

const LIMIT = 300;
const rateHeaders = (request: number) => ({
  'x-ratelimit-limit': String(LIMIT),
  'x-ratelimit-remaining': String(Math.max(0, LIMIT - request)),
  'x-ratelimit-reset': new Date(Date.now() + 300_000).toISOString(),
});

export async function startRetailSimulator(options: RetailSimulatorOptions): Promise<RetailSimulator> {
  const accessToken = options.accessToken ?? 'lsxs_simulated_access_token';
  const byVersion = <T extends { version?: number | null }>(records: readonly T[]) =>
    [...records].sort((a, b) => (a.version ?? 0) - (b.version ?? 0));
  const feeds: Record<Feed, { version?: number | null; id: string; deleted_at?: string | null }[]> = {
    customers: byVersion(options.customers),
    products: byVersion(options.products ?? []),
    sales: byVersion(options.sales),
  };
  // One version sequence for the whole store, as Lightspeed's: a change always gets a version above every other.
  let version = Math.max(0, ...Object.values(feeds).flatMap((f) => f.map((r) => r.version ?? 0)));
  function add(feed: Feed, record: { id: string; version?: number | null }): number {
    version += 1;
    const list = feeds[feed];
    const at = list.findIndex((r) => r.id === record.id);
    if (at >= 0) list.splice(at, 1);
    list.push({ ...record, version });
    return version;
  }
  const reads: { stream: string; after: number; pageSize: number }[] = [];
  const deleted: string[] = [];

  function handle(req: IncomingMessage, res: ServerResponse, request: number): void {
    const rate = rateHeaders(request);
    if (req.headers.authorization !== `Bearer ${accessToken}`)
      return sendJson(res, 401, { error: 'Unauthorized', error_description: 'The access token is missing, invalid or expired' });
    const url = new URL(req.url ?? '/', 'http://simulator');
    const remove = /^\/api\/2\.0\/customers\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'DELETE' && remove) {
      const id = decodeURIComponent(remove[1] as string);
      const at = feeds.customers.findIndex((c) => c.id === id);
      if (at < 0) return sendJson(res, 404, { error: 'Not Found' });
      feeds.customers.splice(at, 1);
      deleted.push(id);
      return sendJson(res, 204, undefined, rate);
    }
    const list = /^\/api\/2\.0\/(customers|products|sales)$/.exec(url.pathname);
    if (req.method !== 'GET' || !list) return sendJson(res, 404, { error: 'Not Found' });
    const stream = list[1] as Feed;
    // Products leave deleted ones out unless asked for (`deleted=true`), as ListProducts documents.
    const withDeleted = stream !== 'products' || url.searchParams.get('deleted') === 'true';
    const after = Number(url.searchParams.get('after') ?? 0);
    const pageSize = Math.min(Number(url.searchParams.get('page_size') ?? DEFAULT_PAGE_SIZE), options.pageSize ?? DEFAULT_PAGE_SIZE);
    if (!Number.isInteger(after) || after < 0 || !Number.isInteger(pageSize) || pageSize < 1)
      return sendJson(res, 400, { error: 'Bad Request', details: 'after and page_size must be positive integers' });
    reads.push({ stream, after, pageSize });
    const data = feeds[stream].filter((r) => (r.version ?? 0) > after && (withDeleted || !r.deleted_at)).slice(0, pageSize);
    const versions = data.map((r) => r.version ?? 0);
    return sendJson(
      res,
      200,
      { data, version: { min: versions.length ? Math.min(...versions) : null, max: versions.length ? Math.max(...versions) : null } },
      rate,
    );
  }

  const server = await startVendorServer(handle, {
    faults: options.faults,
    // Lightspeed sends the moment to retry at as an HTTP date; this one is already past, so the wait is zero.
    rateLimited: (_req, res, request) =>
      sendJson(
        res,
        429,
        { error: 'Too Many Requests' },
        { ...rateHeaders(request), 'x-ratelimit-remaining': '0', 'retry-after': new Date(Date.now() - 1000).toUTCString() },
      ),
    failed: (_req, res) => sendJson(res, 500, { error: 'Internal Server Error' }),
    crashed: (res) => sendJson(res, 500, { error: 'simulator failure' }),
  });

  return {
    settings: LightspeedRetailSettings.parse({
      domainPrefix: 'syncline-demo',
      apiBaseUrl: `${server.origin}/api/2.0`,
      currency: 'EUR',
      ...(options.pageSize !== undefined ? { pageSize: options.pageSize } : {}),
    }),
    secrets: { accessToken, clientSecret: 'simulated-client-secret' },
    received: () => [...deleted],
    requests: server.requests,
    reads: () => reads.map((r) => ({ ...r })),
    deleted: () => [...deleted],
    addCustomer: (customer) => add('customers', customer),
    addProduct: (product) => add('products', product),
    addSale: (sale) => add('sales', sale),
    stop: server.stop,
  };
}

/** The simulated store `npm start` runs: the sample store's customers, products and sales unless told otherwise. */
export const simulator = defineSimulator<RetailSimulator>({
  connector: 'lightspeed-retail',
  async start({ settings, faults, sampleCustomers }) {
    const customers = sampleCustomers ?? 12;
    const store = generateSampleStore({ customers, ...(customers === 0 ? { sales: 0 } : {}) });
    const sim = await startRetailSimulator({ ...store, ...(faults ? { faults } : {}) });
    const currency = typeof settings.currency === 'string' ? settings.currency : sim.settings.currency;
    const domainPrefix = typeof settings.domainPrefix === 'string' ? settings.domainPrefix : sim.settings.domainPrefix;
    return {
      settings: { domainPrefix, apiBaseUrl: sim.settings.apiBaseUrl, currency },
      secrets: { ...sim.secrets },
      handle: sim,
      stop: () => sim.stop(),
    };
  },
});
