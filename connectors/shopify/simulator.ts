// A local stand-in for the GraphQL Admin API's customers, orders and order queries: cursor pages (nested line items
// too), updated_at search, Shopify's documented query cost (simulated-query-cost.ts) with its single-query maximum,
// THROTTLED answers and injected faults.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimulatedVendor, SimulatorFaults } from '../sdk/simulator-kit.js';
import { defineSimulator } from '../sdk/define-simulator.js';
import { readBody, sendJson, startVendorServer } from '../sdk/simulator-kit.js';
import { DEFAULT_API_VERSION, ShopifySettings, type ShopifySecrets } from './config.js';
import { generateSampleShop } from './sample-shop.js';
import { simulatedShopifySubscriptions, type SimulatedShopifySubscriptions } from './simulated-subscriptions.js';
import type { CustomerNodeJson, OrderNodeJson } from './schemas.js';
import type { ProductNodeJson } from './product-schemas.js';
import { actualCost, parseOperation, requestedCost, selectionAt, SINGLE_QUERY_MAX_COST, type Selection } from './simulated-query-cost.js';

export { signShopifyWebhook } from './webhook.js';
export { expectedPollEvents, generateSampleShop, type SampleShop, type SampleShopOptions } from './sample-shop.js';

export interface ShopifySimulatorOptions {
  customers: CustomerNodeJson[];
  orders: OrderNodeJson[];
  /** The shop's products (the catalog); none unless given. */
  products?: ProductNodeJson[];
  /** Cap on `first`, like Shopify's 250. */
  pageSize?: number;
  faults?: SimulatorFaults;
  /** Answer the first N GraphQL queries with a THROTTLED error (after any faults). */
  throttleFirst?: number;
  shopDomain?: string;
  accessToken?: string;
  /** The app's client secret the shop signs webhook deliveries with. */
  webhookSecret?: string;
}

export interface SimulatedQuery {
  root: 'customers' | 'orders' | 'order' | 'products';
  variables: { first?: number; after?: string | null; query?: string | null };
  throttled: boolean;
}

export interface ShopifySimulator extends SimulatedVendor<ShopifySettings> {
  secrets: ShopifySecrets;
  /** Adds or replaces products (by id), as a merchant editing the catalog would; the poll reads them by updatedAt. */
  putProducts(products: readonly ProductNodeJson[]): void;
  /** GraphQL queries that got past faults and authentication, in order. */
  queries(): SimulatedQuery[];
  /** The app's webhook subscriptions in this shop, and deliveries to them. */
  subscriptions: SimulatedShopifySubscriptions;
}

const MAX_FIRST = 250;
const BUCKET = { maximumAvailable: 2000, restoreRate: 100 };

type Node = { id: string; updatedAt: string };
interface Position {
  at: number;
  id: number;
}

const position = (n: Node): Position => ({ at: Date.parse(n.updatedAt), id: Number(/\d+$/.exec(n.id)?.[0] ?? 0) });
const compare = (a: Position, b: Position) => a.at - b.at || a.id - b.id;
const encodeCursor = (p: Position) => Buffer.from(JSON.stringify([p.at, p.id])).toString('base64url');
function decodeCursor(cursor: string): Position | undefined {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    return typeof at === 'number' && typeof id === 'number' ? { at, id } : undefined;
  } catch {
    return undefined;
  }
}

/** The part of Shopify's search syntax poll uses: `updated_at:>'…'` and `updated_at:>='…'`. */
function updatedFilter(query: string | null | undefined): ((n: Node) => boolean) | 'unsupported' | undefined {
  if (query === undefined || query === null || query.trim() === '') return undefined;
  const match = /^updated_at:(>=|>)'?([^']+)'?$/.exec(query.trim());
  const since = match ? Date.parse(match[2] as string) : NaN;
  if (!match || Number.isNaN(since)) return 'unsupported';
  return match[1] === '>=' ? (n) => Date.parse(n.updatedAt) >= since : (n) => Date.parse(n.updatedAt) > since;
}

export async function startShopifySimulator(options: ShopifySimulatorOptions): Promise<ShopifySimulator> {
  const shopDomain = options.shopDomain ?? 'syncline-demo.myshopify.com';
  const accessToken = options.accessToken ?? 'shpat_simulated';
  const maxFirst = Math.min(options.pageSize ?? MAX_FIRST, MAX_FIRST);
  const data = {
    customers: [...options.customers].sort((a, b) => compare(position(a), position(b))),
    orders: [...options.orders].sort((a, b) => compare(position(a), position(b))),
    products: [...(options.products ?? [])].sort((a, b) => compare(position(a), position(b))),
  };
  const webhookSecret = options.webhookSecret ?? 'simulated-client-secret';
  const subscriptions = simulatedShopifySubscriptions(shopDomain, () => webhookSecret);
  let throttleLeft = options.throttleFirst ?? 0;
  const log: SimulatedQuery[] = [];

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator');
    if (req.method !== 'POST' || !/^\/admin\/api\/[\w-]+\/graphql\.json$/.test(url.pathname))
      return sendJson(res, 404, { errors: 'Not Found' });
    if (req.headers['x-shopify-access-token'] !== accessToken) {
      return sendJson(res, 401, { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' });
    }
    let body: { query?: unknown; variables?: Record<string, unknown> };
    try {
      body = JSON.parse(await readBody(req)) as typeof body;
    } catch {
      return sendJson(res, 400, { errors: { query: 'Required parameter missing or invalid' } });
    }
    const query = typeof body.query === 'string' ? body.query : '';
    const subscriptionAnswer = subscriptions.answer(query, body.variables ?? {});
    if (subscriptionAnswer !== undefined) return sendJson(res, 200, subscriptionAnswer);
    const variables = (body.variables ?? {}) as SimulatedQuery['variables'];
    const selections = parseOperation(query, variables);
    const top = selections[0];
    const root =
      top?.name === 'customers' || top?.name === 'orders' || top?.name === 'order' || top?.name === 'products' ? top.name : undefined;
    if (!root || !top)
      return sendJson(res, 200, {
        errors: [
          { message: 'The simulator answers only the customers, orders, order and products queries', extensions: { code: 'UNSUPPORTED' } },
        ],
      });
    const requestedQueryCost = requestedCost(selections);
    if (requestedQueryCost > SINGLE_QUERY_MAX_COST) {
      // Refused before it runs, whatever the bucket holds: no data, nothing charged.
      log.push({ root, variables, throttled: false });
      return sendJson(res, 200, {
        errors: [
          {
            message: `Query cost is ${requestedQueryCost}, which exceeds the single query max cost limit (${SINGLE_QUERY_MAX_COST}).`,
            extensions: { code: 'MAX_COST_EXCEEDED', cost: requestedQueryCost, maxCost: SINGLE_QUERY_MAX_COST },
          },
        ],
        extensions: {
          cost: { requestedQueryCost, actualQueryCost: null, throttleStatus: { ...BUCKET, currentlyAvailable: BUCKET.maximumAvailable } },
        },
      });
    }
    const first = root === 'order' ? 1 : Number(top.args['first'] ?? 0);

    if (throttleLeft > 0) {
      throttleLeft--;
      log.push({ root, variables, throttled: true });
      // Just short of the cost, so that the documented wait is a few tens of milliseconds.
      const throttleStatus = { ...BUCKET, currentlyAvailable: requestedQueryCost - 5 };
      return sendJson(res, 200, {
        errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' } }],
        extensions: { cost: { requestedQueryCost, actualQueryCost: null, throttleStatus } },
      });
    }
    log.push({ root, variables, throttled: false });
    if (root === 'order') return answer({ order: orderWithLineItems(top, ['lineItems']) ?? null });
    if (!Number.isInteger(first) || first < 1 || first > maxFirst) {
      return sendJson(res, 200, {
        errors: [{ message: `The first argument must be between 1 and ${maxFirst}`, extensions: { code: 'BAD_REQUEST' } }],
      });
    }
    const filter = updatedFilter(variables.query);
    if (filter === 'unsupported')
      return sendJson(res, 200, { errors: [{ message: 'Unsupported search query', extensions: { code: 'BAD_REQUEST' } }] });
    const after = variables.after ? decodeCursor(variables.after) : undefined;
    if (variables.after && !after)
      return sendJson(res, 200, {
        errors: [{ message: 'Invalid cursor for current pagination sort.', extensions: { code: 'BAD_REQUEST' } }],
      });

    const matching = (data[root] as Node[])
      .filter((n) => (filter ? filter(n) : true))
      .filter((n) => !after || compare(position(n), after) > 0);
    const page = matching.slice(0, first);
    const last = page.at(-1);
    const lineItems = selectionAt(selections, ['orders', 'nodes', 'lineItems']);
    const nodes = root === 'orders' ? page.map((n) => withLineItemPage(n as OrderNodeJson, lineItems)) : page;
    return answer({
      [root]: {
        nodes,
        pageInfo: {
          hasNextPage: matching.length > page.length,
          hasPreviousPage: after !== undefined,
          endCursor: last ? encodeCursor(position(last)) : null,
          startCursor: page[0] ? encodeCursor(position(page[0])) : null,
        },
      },
    });

    function answer(answered: Record<string, unknown>): void {
      const actualQueryCost = actualCost(selections, answered);
      sendJson(res, 200, {
        data: answered,
        extensions: {
          cost: {
            requestedQueryCost,
            actualQueryCost,
            throttleStatus: { ...BUCKET, currentlyAvailable: BUCKET.maximumAvailable - actualQueryCost },
          },
        },
      });
    }

    /** `order(id:)`: one order with the requested page of its line items. */
    function orderWithLineItems(order: Selection, path: string[]): OrderNodeJson | undefined {
      const found = data.orders.find((o) => o.id === order.args['id']);
      return found ? withLineItemPage(found, selectionAt(order.children ?? [], path)) : undefined;
    }
  }

  /** The order with the page of line items `lineItems(first:, after:)` asks for, and its pageInfo. */
  function withLineItemPage(order: OrderNodeJson, selection: Selection | undefined): OrderNodeJson {
    if (!selection) return order;
    const all = order.lineItems.nodes;
    const from =
      typeof selection.args['after'] === 'string' ? Number(Buffer.from(selection.args['after'], 'base64url').toString('utf8')) : 0;
    const size = Number(selection.args['first'] ?? all.length);
    const nodes = all.slice(from, from + size);
    const end = from + nodes.length;
    const pageInfo = { hasNextPage: end < all.length, endCursor: Buffer.from(String(end)).toString('base64url') };
    return { ...order, lineItems: { nodes, pageInfo } as OrderNodeJson['lineItems'] };
  }

  const server = await startVendorServer(handle, {
    faults: options.faults,
    rateLimited: (_req, res) =>
      sendJson(
        res,
        429,
        { errors: 'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.' },
        { 'retry-after': '0' },
      ),
    failed: (_req, res) => sendJson(res, 500, { errors: 'Internal Server Error' }),
    crashed: (res) => sendJson(res, 500, { errors: 'simulator failure' }),
  });

  return {
    settings: ShopifySettings.parse({
      shopDomain,
      apiVersion: DEFAULT_API_VERSION,
      apiBaseUrl: `${server.origin}/admin/api/${DEFAULT_API_VERSION}/graphql.json`,
      ...(options.pageSize !== undefined ? { pageSize: options.pageSize } : {}),
    }),
    secrets: { webhookSecret, accessToken },
    received: () => [],
    requests: server.requests,
    queries: () => log.map((q) => ({ ...q, variables: { ...q.variables } })),
    putProducts(products) {
      const ids = new Set(products.map((p) => p.id));
      data.products = [...data.products.filter((p) => !ids.has(p.id)), ...products].sort((a, b) => compare(position(a), position(b)));
    },
    subscriptions,
    stop: server.stop,
  };
}

/** The simulated shop `npm start` runs: 25 sample customers unless told otherwise. */
export const simulator = defineSimulator<ShopifySimulator>({
  connector: 'shopify',
  async start({ settings, faults, sampleCustomers }) {
    const shop = generateSampleShop({ customers: sampleCustomers ?? 25 });
    const sim = await startShopifySimulator({
      ...shop,
      shopDomain: String(settings.shopDomain ?? 'demo-shop.myshopify.com'),
      // Each run gets its own webhook secret, as an app would from the Partner dashboard.
      webhookSecret: randomBytes(24).toString('base64url'),
      ...(faults ? { faults } : {}),
    });
    return {
      settings: { ...sim.settings },
      secrets: { ...sim.secrets },
      handle: sim,
      stop: () => sim.stop(),
    };
  },
});
