// A local stand-in for a WooCommerce store's REST API v3 (customers, orders, products): HTTP Basic consumer keys,
// page/per_page with X-WP-Total, X-WP-TotalPages and Link headers, orderby/order, modified_after with
// dates_are_gmt, WooCommerce's error bodies, and injected 429/500 faults. Changing a product as a merchant would
// fires the store's product webhooks (created, updated, deleted when trashed, restored).
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimulatedVendor, SimulatorFaults } from '../sdk/simulator-kit.js';
import { defineSimulator } from '../sdk/define-simulator.js';
import { sendJson, startVendorServer } from '../sdk/simulator-kit.js';
import { WooCommerceSettings, type WooCommerceSecrets } from './config.js';
import { generateSampleStore } from './sample-store.js';
import { simulatedWooCommerceWebhooks, type SimulatedWooCommerceWebhooks } from './simulated-webhooks.js';
import type { CustomerJson, OrderJson } from './schemas.js';
import type { ProductJson } from './product-schemas.js';
import type { DeliveryOutcome } from './simulated-webhooks.js';

export { signWooCommerceWebhook } from './webhook.js';
export { expectedPollEvents, generateSampleStore, type SampleStore } from './sample-store.js';

export interface WooCommerceSimulatorOptions {
  customers: CustomerJson[];
  orders: OrderJson[];
  /** The catalog; none unless given. */
  products?: ProductJson[];
  faults?: SimulatorFaults;
  secrets?: Partial<WooCommerceSecrets>;
  /** Settings besides the URL (pageSize, pollCustomers). */
  settings?: Partial<Omit<WooCommerceSettings, 'storeUrl' | 'apiBaseUrl'>>;
}

export interface SimulatedRequest {
  resource: 'customers' | 'orders' | 'products';
  query: Record<string, string>;
}

export interface WooCommerceSimulator extends SimulatedVendor<WooCommerceSettings, WooCommerceSecrets> {
  secrets: WooCommerceSecrets;
  /** List requests that got past faults and authentication, in order. */
  lists(): SimulatedRequest[];
  /** Changes an order as the store would (new fields, a new date_modified_gmt). */
  touchOrder(id: number, change: Partial<OrderJson>): void;
  /**
   * Saves a product as the merchant would (a new date_modified_gmt) and fires product.created for a new id,
   * product.updated otherwise, to the store's webhooks of that topic.
   */
  putProduct(product: ProductJson): Promise<DeliveryOutcome[]>;
  /** Moves a product to the trash: it leaves the list (status `any` excludes the trash); product.deleted gets `{"id"}`. */
  trashProduct(id: number): Promise<DeliveryOutcome[]>;
  /** The products the list shows now (not the trash). */
  products(): ProductJson[];
  /** Takes a product out of the trash: back in the list, modified now; product.restored gets the product. */
  restoreProduct(id: number): Promise<DeliveryOutcome[]>;
  /** The store's webhooks, deliveries to them, and WooCommerce disabling one. */
  webhooks: SimulatedWooCommerceWebhooks;
}

const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
  sendJson(res, status, body, { 'content-type': 'application/json; charset=UTF-8', ...headers });

const restError = (code: string, message: string, status: number) => ({ code, message, data: { status } });

export async function startWooCommerceSimulator(options: WooCommerceSimulatorOptions): Promise<WooCommerceSimulator> {
  const secrets: WooCommerceSecrets = {
    consumerKey: 'ck_simulated',
    consumerSecret: 'cs_simulated',
    webhookSecret: 'simulated-webhook-secret',
    ...options.secrets,
  };
  const data = { customers: [...options.customers], orders: [...options.orders], products: [...(options.products ?? [])] };
  const trash: ProductJson[] = [];
  const nowGmt = () => new Date().toISOString().slice(0, 19);
  const log: SimulatedRequest[] = [];
  let origin = '';
  const webhooks = simulatedWooCommerceWebhooks(() => `${origin}/`);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const expected = `Basic ${Buffer.from(`${secrets.consumerKey}:${secrets.consumerSecret}`).toString('base64')}`;
    if (url.pathname.startsWith('/wp-json/wc/v3/webhooks')) {
      if (req.headers.authorization !== expected)
        return send(res, 401, restError('woocommerce_rest_cannot_view', 'Sorry, you cannot list resources.', 401));
      if (await webhooks.handle(req, url, res)) return;
    }
    const match = /^\/wp-json\/wc\/v3\/(customers|orders|products)\/?$/.exec(url.pathname);
    if (req.method !== 'GET' || !match)
      return send(res, 404, restError('rest_no_route', 'No route was found matching the URL and request method.', 404));
    if (req.headers.authorization !== expected)
      return send(res, 401, restError('woocommerce_rest_cannot_view', 'Sorry, you cannot list resources.', 401));

    const resource = match[1] as 'customers' | 'orders' | 'products';
    const query = Object.fromEntries(url.searchParams);
    log.push({ resource, query });
    const page = Number(query.page ?? 1);
    const perPage = Number(query.per_page ?? 10);
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100) {
      return send(res, 400, {
        ...restError('rest_invalid_param', 'Invalid parameter(s): per_page', 400),
        data: { status: 400, params: { per_page: 'per_page must be between 1 (inclusive) and 100 (inclusive)' } },
      });
    }
    if (!Number.isInteger(page) || page < 1) return send(res, 400, restError('rest_invalid_param', 'Invalid parameter(s): page', 400));

    let items: Array<CustomerJson | OrderJson | ProductJson> = [...data[resource]];
    if (resource !== 'customers' && query.modified_after !== undefined) {
      // Without dates_are_gmt the store would read the time in its own zone; the simulator's zone is UTC either way.
      const after = Date.parse(`${query.modified_after.replace(/Z$/, '')}Z`);
      if (Number.isNaN(after)) return send(res, 400, restError('rest_invalid_param', 'Invalid parameter(s): modified_after', 400));
      items = items.filter((o) => Date.parse(`${(o as OrderJson | ProductJson).date_modified_gmt}Z`) > after);
    }
    const orderby = query.orderby ?? (resource === 'customers' ? 'name' : 'date');
    const key = (item: CustomerJson | OrderJson | ProductJson): number =>
      orderby === 'modified'
        ? Date.parse(`${item.date_modified_gmt ?? ''}Z`)
        : orderby === 'id'
          ? item.id
          : Date.parse(`${item.date_created_gmt ?? ''}Z`);
    // WooCommerce adds ID to date and modified sorts "for consistency with pagination".
    const direction = (query.order ?? (resource === 'customers' ? 'asc' : 'desc')) === 'asc' ? 1 : -1;
    items.sort((a, b) => direction * (key(a) - key(b) || a.id - b.id));

    const total = items.length;
    const totalPages = Math.ceil(total / perPage);
    const body = items.slice((page - 1) * perPage, page * perPage);
    const self = `${origin}/wp-json/wc/v3/${resource}`;
    const link = (p: number) => `<${self}?${new URLSearchParams({ ...query, page: String(p) }).toString()}>`;
    const links = [
      ...(page > 1 ? [`${link(Math.min(page - 1, Math.max(totalPages, 1)))}; rel="prev"`] : []),
      ...(totalPages > page ? [`${link(page + 1)}; rel="next"`] : []),
    ];
    return send(res, 200, body, {
      'x-wp-total': String(total),
      'x-wp-totalpages': String(totalPages),
      ...(links.length ? { link: links.join(', ') } : {}),
    });
  }

  const server = await startVendorServer(handle, {
    faults: options.faults,
    rateLimited: (_req, res) => send(res, 429, restError('too_many_requests', 'Too many requests.', 429), { 'retry-after': '0' }),
    failed: (_req, res) => send(res, 500, restError('internal_server_error', 'There has been a critical error on this website.', 500)),
    crashed: (res) => send(res, 500, restError('simulator_failure', 'simulator failure', 500)),
  });
  origin = server.origin;

  return {
    settings: WooCommerceSettings.parse({ storeUrl: `${origin}/`, apiBaseUrl: `${origin}/wp-json/wc/v3`, ...options.settings }),
    secrets,
    received: () => [],
    requests: server.requests,
    lists: () => log.map((l) => ({ ...l, query: { ...l.query } })),
    async putProduct(product) {
      const saved = { ...product, date_modified_gmt: nowGmt() };
      const index = data.products.findIndex((p) => p.id === product.id);
      if (index < 0) data.products.push({ ...saved, date_created_gmt: saved.date_created_gmt ?? saved.date_modified_gmt });
      else data.products[index] = saved;
      return webhooks.deliver(index < 0 ? 'product.created' : 'product.updated', saved);
    },
    products: () => data.products.map((p) => ({ ...p })),
    async trashProduct(id) {
      const index = data.products.findIndex((p) => p.id === id);
      if (index < 0) throw new Error(`no product ${id} in the simulator`);
      trash.push(...data.products.splice(index, 1));
      return webhooks.deliver('product.deleted', { id });
    },
    async restoreProduct(id) {
      const index = trash.findIndex((p) => p.id === id);
      if (index < 0) throw new Error(`no product ${id} in the simulator's trash`);
      const [product] = trash.splice(index, 1);
      const restored = { ...(product as ProductJson), date_modified_gmt: nowGmt() };
      data.products.push(restored);
      return webhooks.deliver('product.restored', restored);
    },
    touchOrder(id, change) {
      const index = data.orders.findIndex((o) => o.id === id);
      if (index < 0) throw new Error(`no order ${id} in the simulator`);
      data.orders[index] = { ...(data.orders[index] as OrderJson), ...change };
    },
    webhooks,
    stop: server.stop,
  };
}

/** The simulated store `npm start` runs: 10 sample customers unless told otherwise, its own webhook secret each run. */
export const simulator = defineSimulator<WooCommerceSimulator>({
  connector: 'woocommerce',
  async start({ faults, sampleCustomers }) {
    const store = generateSampleStore({ customers: sampleCustomers ?? 10 });
    const sim = await startWooCommerceSimulator({
      ...store,
      secrets: { webhookSecret: randomBytes(24).toString('base64url') },
      ...(faults ? { faults } : {}),
    });
    return { settings: { ...sim.settings }, secrets: { ...sim.secrets }, handle: sim, stop: () => sim.stop() };
  },
});
