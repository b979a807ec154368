// The GraphQL Admin API client: access-token auth, cost-based throttling, and the two list queries poll uses.
import {
  createVendorClient,
  parsePayload,
  RateLimited,
  VendorRejected,
  type VendorClient,
  type VendorClientOptions,
} from '../sdk/index.js';
import { graphqlEndpoint, type ShopifySecrets, type ShopifySettings } from './config.js';
import { CustomersPage, GraphqlResponse, OrderLineItemsPage, OrdersPage } from './schemas.js';
import { ProductsPage } from './product-schemas.js';

export interface ShopifyClientOptions extends Pick<VendorClientOptions, 'retries' | 'minDelayMs' | 'timeoutMs'> {
  /** THROTTLED answers we wait out per query before giving up. */
  throttleRetries?: number;
  /** Longest single wait for the cost bucket to refill; beyond it the run stops and the schedule retries. */
  maxThrottleWaitMs?: number;
  /** Stop waiting (throw RateLimited) rather than run past this epoch-ms deadline. */
  deadline?: number;
  sleep?: (ms: number) => Promise<void>;
}

export const CUSTOMERS_QUERY = `query SynclineCustomers($first: Int!, $after: String, $query: String) {
  customers(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    nodes {
      id firstName lastName locale createdAt updatedAt
      defaultEmailAddress { emailAddress }
      defaultPhoneNumber { phoneNumber }
      defaultAddress { address1 address2 city zip provinceCode countryCodeV2 }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;

const LINE_ITEM_FIELDS =
  'sku name quantity isGiftCard product { id } variant { id } originalUnitPriceSet { shopMoney { amount currencyCode } }';

/**
 * Line items asked with each order: every one multiplies the order's cost (5 points a line at most), so the orders
 * query asks for a few and the order query pages the rest of a longer order.
 */
export const LINE_ITEMS_PER_ORDER = 10;
const LINE_ITEMS_PAGE = 100;

export const ORDERS_QUERY = `query SynclineOrders($first: Int!, $after: String, $query: String, $lineItems: Int!) {
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    nodes {
      id name email phone createdAt updatedAt cancelledAt sourceName customerAcceptsMarketing test displayFinancialStatus
      totalPriceSet { shopMoney { amount currencyCode } }
      customer { id firstName lastName }
      customAttributes { key value }
      shippingAddress { name firstName lastName countryCodeV2 }
      billingAddress { name firstName lastName countryCodeV2 }
      lineItems(first: $lineItems) { nodes { ${LINE_ITEM_FIELDS} } pageInfo { hasNextPage endCursor } }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;

export const ORDER_LINE_ITEMS_QUERY = `query SynclineOrderLineItems($id: ID!, $first: Int!, $after: String) {
  order(id: $id) {
    lineItems(first: $first, after: $after) { nodes { ${LINE_ITEM_FIELDS} } pageInfo { hasNextPage endCursor } }
  }
}`;

/** Variants, collections and tags asked with each product: enough for the catalog's category, price and stock. */
export const PRODUCTS_QUERY = `query SynclineProducts($first: Int!, $after: String, $query: String) {
  products(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    nodes {
      id title handle productType tags status updatedAt onlineStoreUrl
      featuredMedia { preview { image { url } } }
      collections(first: 5) { nodes { title } }
      variants(first: 20) { nodes { id sku price inventoryQuantity inventoryPolicy } }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** "The maximum cost of a single query is 1,000 points" (GraphQL Admin API rate limits). */
export const SINGLE_QUERY_MAX_COST = 1000;

/** Shopify refused the query before running it: its requested cost is above the single-query maximum. */
class QueryTooCostly extends Error {
  constructor(
    readonly cost: number,
    readonly maxCost: number,
  ) {
    super(`query cost ${cost} exceeds the single query maximum ${maxCost}`);
  }
}

export interface PageVariables {
  first: number;
  after?: string | null;
  /** Shopify search syntax, e.g. `updated_at:>='2026-01-01T00:00:00Z'`. */
  query?: string | null;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** How long the cost bucket needs to hold a query's cost again: (requested − available) / restoreRate seconds. */
export function throttleWaitMs(cost: NonNullable<NonNullable<GraphqlResponse['extensions']>['cost']> | undefined): number {
  if (!cost) return 1000;
  const { currentlyAvailable, restoreRate } = cost.throttleStatus;
  return Math.max(0, Math.ceil(((cost.requestedQueryCost - currentlyAvailable) / restoreRate) * 1000));
}

/**
 * Points one node of a paged query costs, per shop and query, as Shopify last reported: how many fit in one query.
 * Kept for the process (a warm Lambda runs many polls), so only a cold start may send one query that is refused.
 */
const nodeCosts = new Map<string, { perNode: number; maxCost: number }>();

export class ShopifyClient {
  private readonly http: VendorClient;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly shop: string;

  constructor(
    settings: ShopifySettings,
    secrets: ShopifySecrets,
    private readonly options: ShopifyClientOptions = {},
  ) {
    const { throttleRetries: _t, maxThrottleWaitMs: _m, deadline: _d, sleep, ...http } = options;
    this.http = createVendorClient({
      vendor: 'Shopify',
      baseURL: graphqlEndpoint(settings),
      headers: { 'X-Shopify-Access-Token': secrets.accessToken, 'content-type': 'application/json', accept: 'application/json' },
      ...http,
    });
    this.sleep = sleep ?? defaultSleep;
    this.shop = graphqlEndpoint(settings);
  }

  /** Runs one query; a THROTTLED answer is waited out as the cost report says, then the query is sent again. */
  async query(operation: string, query: string, variables: Record<string, unknown>): Promise<unknown> {
    return (await this.run(operation, query, variables)).data;
  }

  private async run(
    operation: string,
    query: string,
    variables: Record<string, unknown>,
  ): Promise<{ data: unknown; requestedCost: number | undefined }> {
    const attempts = (this.options.throttleRetries ?? 5) + 1;
    for (let attempt = 1; ; attempt++) {
      const response = await this.http.request<unknown>({ method: 'POST', url: '', data: { query, variables } });
      const body = parsePayload(GraphqlResponse, response.data, `Shopify ${operation} response`);
      const errors = body.errors ?? [];
      if (errors.some((e) => e.extensions?.code === 'THROTTLED')) {
        const wait = throttleWaitMs(body.extensions?.cost);
        const tooLong = wait > (this.options.maxThrottleWaitMs ?? 30_000) || Date.now() + wait > (this.options.deadline ?? Infinity);
        if (attempt >= attempts || tooLong)
          throw new RateLimited(`Shopify throttled ${operation} (query cost above the available points)`, wait);
        await this.sleep(wait);
        continue;
      }
      const tooCostly = errors.find((e) => e.extensions?.code === 'MAX_COST_EXCEEDED');
      if (tooCostly) {
        const { cost, maxCost } = tooCostly.extensions as { cost?: unknown; maxCost?: unknown };
        if (typeof cost === 'number') throw new QueryTooCostly(cost, typeof maxCost === 'number' ? maxCost : SINGLE_QUERY_MAX_COST);
      }
      // Messages name fields and arguments, not customer data; cut them short all the same.
      if (errors.length > 0)
        throw new VendorRejected(
          `Shopify rejected ${operation}: ${errors
            .map((e) => `${e.extensions?.code ?? 'ERROR'} ${e.message}`)
            .join('; ')
            .slice(0, 300)}`,
        );
      if (body.data === undefined || body.data === null) throw new VendorRejected(`Shopify answered ${operation} without data`);
      return { data: body.data, requestedCost: body.extensions?.cost?.requestedQueryCost };
    }
  }

  /**
   * One page of a connection query, sized to fit the single-query maximum: from the cost Shopify reported for an
   * earlier page (extensions.cost.requestedQueryCost: 2 for the connection plus `first` nodes), or, when Shopify
   * refuses a page as too costly, from the cost its refusal names. So a page asks for fewer nodes, never fails.
   */
  private async page(operation: string, query: string, variables: PageVariables & Record<string, unknown>): Promise<unknown> {
    let first = this.fitting(operation, variables.first);
    for (;;) {
      try {
        const { data, requestedCost } = await this.run(operation, query, { ...variables, first });
        if (requestedCost !== undefined) this.learn(operation, requestedCost, first, nodeCosts.get(`${this.shop}|${operation}`)?.maxCost);
        return data;
      } catch (error) {
        if (!(error instanceof QueryTooCostly)) throw error;
        this.learn(operation, error.cost, first, error.maxCost);
        const smaller = Math.min(this.fitting(operation, first), first - 1);
        if (smaller < 1)
          throw new VendorRejected(`Shopify refused ${operation}: one node costs more than the single query maximum (${error.message})`);
        first = smaller;
      }
    }
  }

  private learn(operation: string, cost: number, first: number, maxCost = SINGLE_QUERY_MAX_COST): void {
    nodeCosts.set(`${this.shop}|${operation}`, { perNode: Math.max(1, (cost - 2) / first), maxCost });
  }

  private fitting(operation: string, wanted: number): number {
    const known = nodeCosts.get(`${this.shop}|${operation}`);
    if (!known) return wanted;
    return Math.max(1, Math.min(wanted, Math.floor((known.maxCost - 2) / known.perNode)));
  }

  async customers(variables: PageVariables) {
    return parsePayload(CustomersPage, await this.page('customers query', CUSTOMERS_QUERY, { ...variables }), 'Shopify customers page')
      .customers;
  }

  async products(variables: PageVariables) {
    return parsePayload(ProductsPage, await this.page('products query', PRODUCTS_QUERY, { ...variables }), 'Shopify products page')
      .products;
  }

  /** A page of orders, each with all its line items (the first few with the order, the rest paged per order). */
  async orders(variables: PageVariables) {
    const page = parsePayload(
      OrdersPage,
      await this.page('orders query', ORDERS_QUERY, { ...variables, lineItems: LINE_ITEMS_PER_ORDER }),
      'Shopify orders page',
    ).orders;
    for (const order of page.nodes) {
      let info = order.lineItems.pageInfo;
      while (info?.hasNextPage && info.endCursor) {
        const more = parsePayload(
          OrderLineItemsPage,
          await this.query('order line items query', ORDER_LINE_ITEMS_QUERY, {
            id: order.id,
            first: LINE_ITEMS_PAGE,
            after: info.endCursor,
          }),
          'Shopify order line items page',
        ).order;
        if (!more) throw new VendorRejected('Shopify answered the order line items query without the order');
        order.lineItems.nodes.push(...more.lineItems.nodes);
        info = more.lineItems.pageInfo;
      }
    }
    return page;
  }
}
