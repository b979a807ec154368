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
import { CustomersPage, GraphqlResponse, OrdersPage } from './schemas.js';

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

export const ORDERS_QUERY = `query SynclineOrders($first: Int!, $after: String, $query: String) {
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    nodes {
      id name email phone createdAt updatedAt cancelledAt sourceName customerAcceptsMarketing displayFinancialStatus
      totalPriceSet { shopMoney { amount currencyCode } }
      customer { id }
      lineItems(first: 50) {
        nodes { sku name quantity product { id } variant { id } originalUnitPriceSet { shopMoney { amount currencyCode } } }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;

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

export class ShopifyClient {
  private readonly http: VendorClient;
  private readonly sleep: (ms: number) => Promise<void>;

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
  }

  /** Runs one query; a THROTTLED answer is waited out as the cost report says, then the query is sent again. */
  async query(operation: string, query: string, variables: Record<string, unknown>): Promise<unknown> {
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
      // Messages name fields and arguments, not customer data; cut them short all the same.
      if (errors.length > 0)
        throw new VendorRejected(
          `Shopify rejected ${operation}: ${errors
            .map((e) => `${e.extensions?.code ?? 'ERROR'} ${e.message}`)
            .join('; ')
            .slice(0, 300)}`,
        );
      if (body.data === undefined || body.data === null) throw new VendorRejected(`Shopify answered ${operation} without data`);
      return body.data;
    }
  }

  async customers(variables: PageVariables) {
    return parsePayload(CustomersPage, await this.query('customers query', CUSTOMERS_QUERY, { ...variables }), 'Shopify customers page')
      .customers;
  }

  async orders(variables: PageVariables) {
    return parsePayload(OrdersPage, await this.query('orders query', ORDERS_QUERY, { ...variables }), 'Shopify orders page').orders;
  }
}
