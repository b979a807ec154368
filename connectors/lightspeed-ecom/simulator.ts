// A local stand-in for the Lightspeed eCom REST API: customers.json and orders.json with page/limit (≤ 250) and
// updated_at_min, order products, customer deletion, HTTP Basic auth, X-RateLimit-* headers and injected faults.
// The catalog: products.json (updated_at_min), variants.json?product=, categories.json and
// categories/products.json?product=; changing or deleting a product fires the products webhooks.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimulatedVendor, SimulatorFaults } from '../sdk/simulator-kit.js';
import { sendJson, startVendorServer } from '../sdk/simulator-kit.js';
import { LightspeedEcomSettings, type LightspeedEcomSecrets } from './config.js';
import { generateSampleShop, type SampleShop } from './sample-shop.js';
import { simulatedEcomWebhooks, type DeliveryOutcome, type SimulatedEcomWebhooks } from './simulated-webhooks.js';
import type { ProductJson, VariantJson } from './product-schemas.js';
import { defineSimulator } from '../sdk/define-simulator.js';

export { signEcomWebhook } from './webhook.js';
export { expectedPollEvents, generateSampleShop, type SampleShop } from './sample-shop.js';

export interface EcomSimulatorOptions extends SampleShop {
  /** Cap on `limit`, like the API's 250. */
  pageSize?: number;
  faults?: SimulatorFaults;
  language?: string;
}

export interface EcomSimulator extends SimulatedVendor<LightspeedEcomSettings, LightspeedEcomSecrets> {
  secrets: LightspeedEcomSecrets;
  /** List requests that got past faults and authentication. */
  lists(): { resource: string; page: number; limit: number; updatedAtMin: string | null }[];
  deleted(): string[];
  /** The shop's webhooks (webhooks resource), and deliveries to them. */
  webhooks: SimulatedEcomWebhooks;
  /**
   * Saves a product (and its variants, when given) as the merchant would, updatedAt now, and fires products.created
   * for a new id, products.updated otherwise, with the product resource (variants and categories as links).
   */
  putProduct(product: ProductJson, variants?: VariantJson[]): Promise<DeliveryOutcome[]>;
  /** Deletes a product and its variants; products.deleted carries `{"product": {"id": <id>}}` (unconfirmed). */
  deleteProduct(id: number): Promise<DeliveryOutcome[]>;
}

const MAX_LIMIT = 250;

/** Limits per 5 minutes, hour and day, as comma-separated triples. */
const rateHeaders = (request: number) => ({
  'x-ratelimit-limit': '300,3000,12000',
  'x-ratelimit-remaining': `${Math.max(0, 300 - request)},${3000 - request},${12000 - request}`,
  'x-ratelimit-reset': '300,3600,86400',
});

export async function startEcomSimulator(options: EcomSimulatorOptions): Promise<EcomSimulator> {
  const secrets: LightspeedEcomSecrets = {
    apiKey: 'simulated-api-key',
    apiSecret: 'simulated-api-secret',
    webhookSecret: 'simulated-app-secret',
  };
  const language = options.language ?? 'nl';
  const data = {
    customers: [...options.customers].sort((a, b) => a.id - b.id),
    orders: [...options.orders].sort((a, b) => a.id - b.id),
    products: [...(options.catalog?.products ?? [])].sort((a, b) => a.id - b.id),
  };
  const catalog = {
    variants: [...(options.catalog?.variants ?? [])],
    categories: [...(options.catalog?.categories ?? [])],
    categoriesProducts: [...(options.catalog?.categoriesProducts ?? [])],
  };
  const productOf = (v: VariantJson) => (v.product && typeof v.product === 'object' ? v.product.resource.id : undefined);
  const nowAt = () => new Date().toISOString().replace(/\.\d{3}Z$/, '+00:00');
  const maxLimit = Math.min(options.pageSize ?? MAX_LIMIT, MAX_LIMIT);
  const lists: { resource: string; page: number; limit: number; updatedAtMin: string | null }[] = [];
  const deleted: string[] = [];
  const webhooks = simulatedEcomWebhooks(language, secrets.webhookSecret ?? secrets.apiSecret);
  const basic = `Basic ${Buffer.from(`${secrets.apiKey}:${secrets.apiSecret}`).toString('base64')}`;

  async function handle(req: IncomingMessage, res: ServerResponse, request: number): Promise<void> {
    const rate = rateHeaders(request);
    if (req.headers.authorization !== basic) return sendJson(res, 401, { error: { code: 401, message: 'Invalid API key or secret' } });
    const url = new URL(req.url ?? '/', 'http://simulator');
    const prefix = `/${language}`;
    const path = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : '';
    if (await webhooks.handle(req, path, res)) return;
    const remove = /^\/customers\/(\d+)\.json$/.exec(path);
    if (req.method === 'DELETE' && remove) {
      const at = data.customers.findIndex((c) => String(c.id) === remove[1]);
      if (at < 0) return sendJson(res, 404, { error: { code: 404, message: 'Not found' } });
      data.customers.splice(at, 1);
      deleted.push(remove[1] as string);
      return sendJson(res, 204, undefined, rate);
    }
    if (req.method !== 'GET') return sendJson(res, 405, { error: { code: 405, message: 'Method not allowed' } });
    const productsOf = /^\/orders\/(\d+)\/products\.json$/.exec(path);
    if (productsOf) return sendJson(res, 200, { orderProducts: options.products[Number(productsOf[1])] ?? [] }, rate);
    const ofProduct = Number(url.searchParams.get('product'));
    if (path === '/variants.json')
      return sendJson(res, 200, { variants: catalog.variants.filter((v) => productOf(v) === ofProduct) }, rate);
    if (path === '/categories/products.json') {
      const relations = catalog.categoriesProducts.filter((r) => r.product && r.product.resource.id === ofProduct);
      return sendJson(res, 200, { categoriesProducts: relations }, rate);
    }
    if (path === '/categories.json') {
      const page = Number(url.searchParams.get('page') ?? 1);
      const limit = Math.min(Number(url.searchParams.get('limit') ?? 50), MAX_LIMIT);
      return sendJson(res, 200, { categories: catalog.categories.slice((page - 1) * limit, page * limit) }, rate);
    }
    const list = /^\/(customers|orders|products)\.json$/.exec(path);
    if (!list) return sendJson(res, 404, { error: { code: 404, message: 'Not found' } });
    const resource = list[1] as 'customers' | 'orders' | 'products';
    const page = Number(url.searchParams.get('page') ?? 1);
    const limit = Number(url.searchParams.get('limit') ?? 50);
    const updatedAtMin = url.searchParams.get('updated_at_min');
    const since = updatedAtMin === null ? undefined : Date.parse(updatedAtMin);
    if (!Number.isInteger(page) || page < 1 || !Number.isInteger(limit) || limit < 1 || limit > maxLimit || Number.isNaN(since)) {
      return sendJson(res, 400, {
        error: { code: 400, message: `page must be ≥ 1, limit between 1 and ${maxLimit}, updated_at_min a date` },
      });
    }
    lists.push({ resource, page, limit, updatedAtMin });
    const records = (data[resource] as { updatedAt: string }[]).filter((r) => since === undefined || Date.parse(r.updatedAt) >= since);
    return sendJson(res, 200, { [resource]: records.slice((page - 1) * limit, page * limit) }, rate);
  }

  const server = await startVendorServer(handle, {
    faults: options.faults,
    rateLimited: (req, res, request) =>
      sendJson(
        res,
        429,
        { error: { code: 429, method: req.method, request: req.url, message: 'Too many requests' } },
        { ...rateHeaders(request), 'retry-after': '0' },
      ),
    failed: (_req, res) => sendJson(res, 500, { error: { code: 500, message: 'Internal server error' } }),
    crashed: (res) => sendJson(res, 500, { error: { code: 500, message: 'simulator failure' } }),
  });

  return {
    settings: LightspeedEcomSettings.parse({
      language,
      apiBaseUrl: `${server.origin}/${language}`,
      currency: 'EUR',
      ...(options.pageSize !== undefined ? { pageSize: options.pageSize } : {}),
    }),
    secrets,
    received: () => [...deleted],
    requests: server.requests,
    lists: () => lists.map((l) => ({ ...l })),
    deleted: () => [...deleted],
    webhooks,
    async putProduct(product, variants) {
      const saved = { ...product, updatedAt: nowAt() };
      const index = data.products.findIndex((p) => p.id === product.id);
      if (index < 0) data.products.push({ ...saved, createdAt: saved.createdAt ?? saved.updatedAt });
      else data.products[index] = saved;
      if (variants) catalog.variants = [...catalog.variants.filter((v) => productOf(v) !== product.id), ...variants];
      return webhooks.deliver('products', index < 0 ? 'created' : 'updated', { product: saved });
    },
    async deleteProduct(id) {
      const index = data.products.findIndex((p) => p.id === id);
      if (index < 0) throw new Error(`no product ${id} in the simulated shop`);
      data.products.splice(index, 1);
      catalog.variants = catalog.variants.filter((v) => productOf(v) !== id);
      return webhooks.deliver('products', 'deleted', { product: { id } });
    },
    stop: server.stop,
  };
}

/** The local stack's simulated Lightspeed eCom shop (`"apiBaseUrl": "simulator"`), with sample customers and orders. */
export const simulator = defineSimulator<EcomSimulator>({
  connector: 'lightspeed-ecom',
  async start({ settings, faults, sampleCustomers }) {
    const shop = generateSampleShop({ customers: sampleCustomers ?? 10 });
    const language = typeof settings.language === 'string' ? settings.language : undefined;
    const sim = await startEcomSimulator({ ...shop, ...(language ? { language } : {}), ...(faults ? { faults } : {}) });
    return { settings: { ...sim.settings }, secrets: { ...sim.secrets }, handle: sim, stop: () => sim.stop() };
  },
});
