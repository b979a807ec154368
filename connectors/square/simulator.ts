// A local stand-in for Square's SearchCustomers and SearchOrders: bearer auth, Square-Version, limits, cursors bound
// to their query, updated_at filters, state and location filters, Square's error bodies, and injected 429/500 faults.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimulatedVendor, SimulatorFaults } from '../sdk/simulator-kit.js';
import { readBody, sendJson, startVendorServer } from '../sdk/simulator-kit.js';
import { defineSimulator } from '../sdk/define-simulator.js';
import { SquareSettings, type SquareSecrets } from './config.js';
import { generateSampleSeller, SAMPLE_LOCATIONS } from './sample-seller.js';
import { simulatedSquareSubscriptions, type SimulatedSquareSubscriptions } from './simulated-subscriptions.js';
import type { CustomerJson, OrderJson } from './schemas.js';

export { signSquareWebhook } from './webhook.js';
export { expectedPollEvents, generateSampleSeller, SAMPLE_LOCATIONS, type SampleSeller } from './sample-seller.js';

export interface SquareSimulatorOptions {
  customers: CustomerJson[];
  orders: OrderJson[];
  locationIds: string[];
  faults?: SimulatorFaults;
  settings?: Partial<Pick<SquareSettings, 'customersPageSize' | 'ordersPageSize'>>;
}

export interface SimulatedSearch {
  endpoint: 'customers' | 'orders';
  body: Record<string, unknown>;
  squareVersion: string | undefined;
}

export interface SquareSimulator extends SimulatedVendor<SquareSettings, SquareSecrets> {
  secrets: SquareSecrets;
  searches(): SimulatedSearch[];
  /** Changes an object as the seller would, bumping updated_at. */
  touchCustomer(id: string, change: Partial<CustomerJson>): void;
  /** A customer the seller enters at the register (e.g. while signing someone up for loyalty). */
  addCustomer(customer: CustomerJson): void;
  /** An order rung up at a register: the next SearchOrders that covers its location and time finds it. */
  addOrder(order: OrderJson): void;
  /** The application's webhook subscriptions, and deliveries to them. */
  subscriptions: SimulatedSquareSubscriptions;
}

const error = (category: string, code: string, detail: string, field?: string) => ({
  errors: [{ category, code, detail, ...(field ? { field } : {}) }],
});

/** A cursor names its position and the query it belongs to: Square refuses a cursor sent with another query. */
const queryHash = (body: Record<string, unknown>) =>
  createHash('sha256')
    .update(JSON.stringify({ ...body, cursor: undefined }))
    .digest('base64url')
    .slice(0, 12);
const encodeCursor = (offset: number, hash: string) => Buffer.from(`${offset}:${hash}`).toString('base64url');
function decodeCursor(cursor: string): { offset: number; hash: string } | undefined {
  const [offset, hash] = Buffer.from(cursor, 'base64url').toString('utf8').split(':');
  return offset && hash && /^\d+$/.test(offset) ? { offset: Number(offset), hash } : undefined;
}

export async function startSquareSimulator(options: SquareSimulatorOptions): Promise<SquareSimulator> {
  const secrets: SquareSecrets = { accessToken: 'EAAAsimulated', signatureKey: 'simulated-signature-key' };
  const data = { customers: [...options.customers], orders: [...options.orders] };
  const log: SimulatedSearch[] = [];
  const subscriptions = simulatedSquareSubscriptions();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator');
    if (url.pathname.startsWith('/v2/webhooks/')) {
      if (req.headers.authorization !== `Bearer ${secrets.accessToken}`)
        return sendJson(res, 401, error('AUTHENTICATION_ERROR', 'UNAUTHORIZED', 'This request could not be authorized.'));
      if (await subscriptions.handle(req, url, res)) return;
    }
    const match = /^\/v2\/(customers|orders)\/search$/.exec(url.pathname);
    if (req.method !== 'POST' || !match) return sendJson(res, 404, error('INVALID_REQUEST_ERROR', 'NOT_FOUND', 'Resource not found.'));
    if (req.headers.authorization !== `Bearer ${secrets.accessToken}`) {
      return sendJson(res, 401, error('AUTHENTICATION_ERROR', 'UNAUTHORIZED', 'This request could not be authorized.'));
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(await readBody(req)) as Record<string, unknown>;
    } catch {
      return sendJson(res, 400, error('INVALID_REQUEST_ERROR', 'INVALID_JSON', 'Invalid JSON body.'));
    }
    const endpoint = match[1] as 'customers' | 'orders';
    log.push({ endpoint, body, squareVersion: req.headers['square-version'] as string | undefined });
    const limit = Number(body.limit ?? (endpoint === 'customers' ? 100 : 500));
    const maxLimit = endpoint === 'customers' ? 100 : 1000;
    if (!Number.isInteger(limit) || limit < 1 || limit > maxLimit)
      return sendJson(res, 400, error('INVALID_REQUEST_ERROR', 'INVALID_VALUE', `Limit must be between 1 and ${maxLimit}.`, 'limit'));
    const hash = queryHash(body);
    let offset = 0;
    if (typeof body.cursor === 'string') {
      const decoded = decodeCursor(body.cursor);
      if (!decoded || decoded.hash !== hash)
        return sendJson(res, 400, error('INVALID_REQUEST_ERROR', 'INVALID_CURSOR', 'The cursor is not valid for this query.', 'cursor'));
      offset = decoded.offset;
    }
    const query = (body.query ?? {}) as {
      filter?: {
        updated_at?: { start_at?: string };
        date_time_filter?: Record<string, { start_at?: string }>;
        state_filter?: { states?: string[] };
      };
    };
    const filter = query.filter ?? {};

    let items: Array<CustomerJson | OrderJson>;
    if (endpoint === 'customers') {
      const from = filter.updated_at?.start_at ? Date.parse(filter.updated_at.start_at) : -Infinity;
      items = data.customers
        .filter((c) => Date.parse(c.updated_at ?? '') >= from)
        .sort((a, b) => Date.parse(a.created_at ?? '') - Date.parse(b.created_at ?? '') || a.id.localeCompare(b.id));
    } else {
      const locations = body.location_ids;
      if (!Array.isArray(locations) || locations.length < 1 || locations.length > 10)
        return sendJson(
          res,
          400,
          error('INVALID_REQUEST_ERROR', 'INVALID_VALUE', 'location_ids must hold 1 to 10 location ids.', 'location_ids'),
        );
      const sort = (query as { sort?: { sort_field?: string } }).sort?.sort_field ?? 'CREATED_AT';
      const dateField = Object.keys(filter.date_time_filter ?? {})[0];
      if (dateField !== undefined && dateField.toUpperCase() !== sort)
        return sendJson(
          res,
          400,
          error(
            'INVALID_REQUEST_ERROR',
            'INVALID_SORT_FIELD',
            'The sort field must match the date_time_filter field.',
            'query.sort.sort_field',
          ),
        );
      const updatedFrom = filter.date_time_filter?.updated_at?.start_at;
      const from = updatedFrom ? Date.parse(updatedFrom) : -Infinity;
      const states = filter.state_filter?.states;
      items = data.orders
        .filter((o) => locations.includes(o.location_id) && (!states || states.includes(o.state)) && Date.parse(o.updated_at) >= from)
        .sort((a, b) => Date.parse(a.updated_at) - Date.parse(b.updated_at) || a.id.localeCompare(b.id));
    }
    const page = items.slice(offset, offset + limit);
    const next = offset + limit < items.length ? { cursor: encodeCursor(offset + limit, hash) } : {};
    return sendJson(res, 200, { [endpoint]: page, ...next });
  }

  const server = await startVendorServer(handle, {
    faults: options.faults,
    rateLimited: (_req, res) => sendJson(res, 429, error('RATE_LIMIT_ERROR', 'RATE_LIMITED', 'Rate limited.'), { 'retry-after': '0' }),
    failed: (_req, res) => sendJson(res, 500, error('API_ERROR', 'INTERNAL_SERVER_ERROR', 'An internal error has occurred.')),
    crashed: (res) => sendJson(res, 500, error('API_ERROR', 'INTERNAL_SERVER_ERROR', 'simulator failure')),
  });

  return {
    settings: SquareSettings.parse({ locationIds: options.locationIds, apiBaseUrl: server.origin, ...options.settings }),
    secrets,
    received: () => [],
    requests: server.requests,
    searches: () => log.map((s) => ({ ...s, body: structuredClone(s.body) })),
    touchCustomer(id, change) {
      const index = data.customers.findIndex((c) => c.id === id);
      if (index < 0) throw new Error(`no customer ${id} in the simulator`);
      const current = data.customers[index] as CustomerJson;
      data.customers[index] = { ...current, ...change, updated_at: new Date().toISOString(), version: (current.version ?? 0) + 1 };
    },
    addCustomer(customer) {
      data.customers.push(customer);
    },
    addOrder(order) {
      data.orders.push(order);
    },
    subscriptions,
    stop: server.stop,
  };
}

/** The simulated seller `npm start` runs: 12 sample customers at the sample locations unless told otherwise. */
export const simulator = defineSimulator<SquareSimulator>({
  connector: 'square',
  async start({ settings, faults, sampleCustomers }) {
    const seller = generateSampleSeller({ customers: sampleCustomers ?? 12 });
    const locationIds = Array.isArray(settings.locationIds) ? (settings.locationIds as string[]) : SAMPLE_LOCATIONS;
    const sim = await startSquareSimulator({ ...seller, locationIds, ...(faults ? { faults } : {}) });
    return { settings: { ...sim.settings }, secrets: { ...sim.secrets }, handle: sim, stop: () => sim.stop() };
  },
  // The URL `syncline connect` registers with the subscription, which Square signs (connectors/square/webhook.ts).
  webhookSettings: (webhookUrl) => ({ notificationUrl: webhookUrl }),
});
