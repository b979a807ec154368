// A local stand-in for Square's SearchCustomers, SearchOrders, BatchRetrieveOrders, SearchCatalogObjects,
// SearchLoyaltyEvents and RetrieveLoyaltyAccount: bearer auth, Square-Version, limits, cursors bound to their query,
// time filters, state, location and type filters, related objects, Square's error bodies, and injected 429/500 faults.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimulatedVendor, SimulatorFaults } from '../sdk/simulator-kit.js';
import { readBody, sendJson, startVendorServer } from '../sdk/simulator-kit.js';
import { defineSimulator } from '../sdk/define-simulator.js';
import { SquareSettings, type SquareSecrets } from './config.js';
import { generateSampleSeller, SAMPLE_LOCATIONS } from './sample-seller.js';
import { simulatedSquareSubscriptions, type SimulatedSquareSubscriptions } from './simulated-subscriptions.js';
import type { CatalogObjectJson, CustomerJson, LoyaltyAccountJson, LoyaltyEventJson, OrderJson } from './schemas.js';

export { signSquareWebhook } from './webhook.js';
export { expectedPollEvents, generateSampleSeller, SAMPLE_LOCATIONS, type SampleSeller } from './sample-seller.js';

export interface SquareSimulatorOptions {
  customers: CustomerJson[];
  orders: OrderJson[];
  catalog?: CatalogObjectJson[];
  loyaltyAccounts?: LoyaltyAccountJson[];
  loyaltyEvents?: LoyaltyEventJson[];
  locationIds: string[];
  faults?: SimulatorFaults;
  settings?: Partial<Pick<SquareSettings, 'customersPageSize' | 'ordersPageSize'>>;
  /** The permissions the seller granted the access token; all the connector reads when absent. */
  scopes?: readonly string[];
}

export interface SimulatedSearch {
  endpoint: 'customers' | 'orders' | 'catalog' | 'loyalty/events';
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
  /** A catalog object the seller creates or changes (an ITEM with its variations, a CATEGORY): replaces one with its id. */
  addCatalogObject(object: CatalogObjectJson): void;
  /** A buyer enrolled in the seller's loyalty program at the register (by phone number). */
  addLoyaltyAccount(account: LoyaltyAccountJson): void;
  /** Points collected (ACCUMULATE_POINTS on an order) or another ledger entry. */
  addLoyaltyEvent(event: LoyaltyEventJson): void;
  /** The application's webhook subscriptions, and deliveries to them. */
  subscriptions: SimulatedSquareSubscriptions;
  /** The seller re-authorises the application with these permissions (OAuth scopes). */
  grantScopes(scopes: readonly string[]): void;
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
  const data = {
    customers: [...options.customers],
    orders: [...options.orders],
    catalog: [...(options.catalog ?? [])],
    loyaltyAccounts: [...(options.loyaltyAccounts ?? [])],
    loyaltyEvents: [...(options.loyaltyEvents ?? [])],
  };
  const log: SimulatedSearch[] = [];
  let scopes: ReadonlySet<string> | undefined = options.scopes ? new Set(options.scopes) : undefined;
  const subscriptions = simulatedSquareSubscriptions();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator');
    if (url.pathname.startsWith('/v2/webhooks/')) {
      if (req.headers.authorization !== `Bearer ${secrets.accessToken}`)
        return sendJson(res, 401, error('AUTHENTICATION_ERROR', 'UNAUTHORIZED', 'This request could not be authorized.'));
      if (await subscriptions.handle(req, url, res)) return;
    }
    if (req.headers.authorization !== `Bearer ${secrets.accessToken}`) {
      return sendJson(res, 401, error('AUTHENTICATION_ERROR', 'UNAUTHORIZED', 'This request could not be authorized.'));
    }
    const account = /^\/v2\/loyalty\/accounts\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && account) {
      const found = data.loyaltyAccounts.find((a) => a.id === decodeURIComponent(account[1] as string));
      return found
        ? sendJson(res, 200, { loyalty_account: found })
        : sendJson(res, 404, error('INVALID_REQUEST_ERROR', 'NOT_FOUND', 'Loyalty account not found.'));
    }
    if (req.method === 'POST' && url.pathname === '/v2/orders/batch-retrieve') {
      let ids: unknown;
      try {
        ids = (JSON.parse(await readBody(req)) as { order_ids?: unknown }).order_ids;
      } catch {
        return sendJson(res, 400, error('INVALID_REQUEST_ERROR', 'INVALID_JSON', 'Invalid JSON body.'));
      }
      if (!Array.isArray(ids) || ids.length < 1 || ids.length > 100)
        return sendJson(res, 400, error('INVALID_REQUEST_ERROR', 'INVALID_VALUE', 'order_ids must hold 1 to 100 ids.', 'order_ids'));
      return sendJson(res, 200, { orders: data.orders.filter((o) => ids.includes(o.id)) });
    }
    // A call outside the token's permissions: 403 INSUFFICIENT_SCOPES, as Square answers SearchCatalogObjects without ITEMS_READ.
    const needs = url.pathname === '/v2/catalog/search' ? 'ITEMS_READ' : undefined;
    if (needs !== undefined && scopes !== undefined && !scopes.has(needs))
      return sendJson(
        res,
        403,
        error(
          'AUTHENTICATION_ERROR',
          'INSUFFICIENT_SCOPES',
          `The merchant has not given your application sufficient permissions to do that. The merchant must authorize your application for the following scopes: ${needs}`,
        ),
      );
    if (req.method === 'POST' && (url.pathname === '/v2/catalog/search' || url.pathname === '/v2/loyalty/events/search'))
      return searchOther(req, res, url.pathname === '/v2/catalog/search' ? 'catalog' : 'loyalty/events');
    const match = /^\/v2\/(customers|orders)\/search$/.exec(url.pathname);
    if (req.method !== 'POST' || !match) return sendJson(res, 404, error('INVALID_REQUEST_ERROR', 'NOT_FOUND', 'Resource not found.'));
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

  /** Ids of the CATEGORY and IMAGE objects an ITEM names: what include_related_objects returns with it. */
  function relatedIds(object: CatalogObjectJson): string[] {
    const item = object.item_data;
    if (!item) return [];
    return [item.reporting_category?.id, ...(item.categories ?? []).map((c) => c.id), item.category_id, ...(item.image_ids ?? [])].filter(
      (id): id is string => typeof id === 'string' && id !== '',
    );
  }

  async function searchOther(req: IncomingMessage, res: ServerResponse, endpoint: 'catalog' | 'loyalty/events'): Promise<void> {
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(await readBody(req)) as Record<string, unknown>;
    } catch {
      return sendJson(res, 400, error('INVALID_REQUEST_ERROR', 'INVALID_JSON', 'Invalid JSON body.'));
    }
    log.push({ endpoint, body, squareVersion: req.headers['square-version'] as string | undefined });
    const maxLimit = endpoint === 'catalog' ? 1000 : 30;
    const limit = Number(body.limit ?? (endpoint === 'catalog' ? 100 : 30));
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
    const nextOf = (total: number) => (offset + limit < total ? { cursor: encodeCursor(offset + limit, hash) } : {});
    if (endpoint === 'catalog') {
      const types = Array.isArray(body.object_types) ? (body.object_types as string[]) : undefined;
      const from = typeof body.begin_time === 'string' ? Date.parse(body.begin_time) : -Infinity;
      const matching = data.catalog
        .filter((o) => (!types || types.includes(o.type)) && (body.include_deleted_objects === true || o.is_deleted !== true))
        .filter((o) => Date.parse(o.updated_at ?? '') >= from)
        .sort((a, b) => Date.parse(a.updated_at ?? '') - Date.parse(b.updated_at ?? '') || a.id.localeCompare(b.id));
      const page = matching.slice(offset, offset + limit);
      const wanted = new Set(body.include_related_objects === true ? page.flatMap(relatedIds) : []);
      const related = data.catalog.filter((o) => wanted.has(o.id) && !page.includes(o));
      return sendJson(res, 200, {
        objects: page,
        ...(related.length > 0 ? { related_objects: related } : {}),
        latest_time: new Date().toISOString(),
        ...nextOf(matching.length),
      });
    }
    const filter = ((body.query ?? {}) as { filter?: Record<string, unknown> }).filter ?? {};
    const types = (filter.type_filter as { types?: string[] } | undefined)?.types;
    const start = (filter.date_time_filter as { created_at?: { start_at?: string } } | undefined)?.created_at?.start_at;
    const from = start ? Date.parse(start) : -Infinity;
    // Square returns the ledger newest first.
    const matching = data.loyaltyEvents
      .filter((e) => (!types || types.includes(e.type)) && Date.parse(e.created_at) >= from)
      .sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at) || a.id.localeCompare(b.id));
    return sendJson(res, 200, { events: matching.slice(offset, offset + limit), ...nextOf(matching.length) });
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
    grantScopes(granted) {
      scopes = new Set(granted);
    },
    addOrder(order) {
      data.orders.push(order);
    },
    addCatalogObject(object) {
      data.catalog = [...data.catalog.filter((o) => o.id !== object.id), object];
    },
    addLoyaltyAccount(account) {
      data.loyaltyAccounts = [...data.loyaltyAccounts.filter((a) => a.id !== account.id), account];
    },
    addLoyaltyEvent(event) {
      data.loyaltyEvents.push(event);
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
    // Only where the seller is: the instance's own choices (catalog, loyalty, page sizes) stay as configured.
    return {
      settings: { apiBaseUrl: sim.settings.apiBaseUrl, locationIds },
      secrets: { ...sim.secrets },
      handle: sim,
      stop: () => sim.stop(),
    };
  },
  // The URL `syncline connect` registers with the subscription, which Square signs (connectors/square/webhook.ts).
  webhookSettings: (webhookUrl) => ({ notificationUrl: webhookUrl }),
});
