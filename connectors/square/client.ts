// The Square API client: bearer token, Square-Version, and the endpoints poll uses: the customer, order, catalog and
// loyalty-event searches (cursor pagination), one loyalty account, and a batch of orders by id.
import { answeredAt, createVendorClient, parsePayload, VendorRejected, type VendorClient, type VendorClientOptions } from '../sdk/index.js';
import { apiBase, type SquareSecrets, type SquareSettings } from './config.js';
import {
  BatchRetrieveOrdersResponse,
  RetrieveLoyaltyAccountResponse,
  SearchCatalogObjectsResponse,
  SearchCustomersResponse,
  SearchLoyaltyEventsResponse,
  SearchOrdersResponse,
  type CatalogObject,
  type Customer,
  type LoyaltyAccount,
  type LoyaltyEvent,
  type Order,
} from './schemas.js';

export type SquareClientOptions = Pick<VendorClientOptions, 'retries' | 'minDelayMs' | 'timeoutMs'>;

export interface Page<T> {
  items: T[];
  /** Square's cursor for the next page of the same query; absent on the last page. */
  cursor?: string;
  /** Square's clock when it answered (Date header), epoch ms. */
  serverTime?: number;
}

/** POST /v2/customers/search, in Square's field names. */
export interface SearchCustomersBody {
  limit: number;
  cursor?: string;
  query: {
    filter?: { updated_at?: { start_at: string } };
    sort: { field: 'CREATED_AT' | 'DEFAULT'; order: 'ASC' | 'DESC' };
  };
}

/** POST /v2/orders/search, in Square's field names. */
export interface SearchOrdersBody {
  location_ids: string[];
  limit: number;
  cursor?: string;
  return_entries: false;
  query: {
    filter: {
      state_filter: { states: Array<'OPEN' | 'COMPLETED' | 'CANCELED'> };
      date_time_filter?: { updated_at: { start_at: string } };
    };
    /** Square requires the sort field to be the one the date_time_filter uses. */
    sort: { sort_field: 'UPDATED_AT'; sort_order: 'ASC' };
  };
}

/** POST /v2/catalog/search: items and categories changed since `begin_time`, deleted ones included. */
export interface SearchCatalogBody {
  object_types: Array<'ITEM' | 'CATEGORY'>;
  include_deleted_objects: true;
  include_related_objects: true;
  begin_time?: string;
  limit: number;
  cursor?: string;
}

/** POST /v2/loyalty/events/search: points earned since a time (Square answers newest first). */
export interface SearchLoyaltyEventsBody {
  limit: number;
  cursor?: string;
  query: {
    filter: {
      type_filter: { types: Array<'ACCUMULATE_POINTS'> };
      date_time_filter?: { created_at: { start_at: string } };
    };
  };
}

export class SquareClient {
  private readonly http: VendorClient;

  constructor(settings: SquareSettings, secrets: SquareSecrets, options: SquareClientOptions = {}) {
    this.http = createVendorClient({
      vendor: 'Square',
      baseURL: apiBase(settings),
      headers: {
        authorization: `Bearer ${secrets.accessToken}`,
        'square-version': settings.squareVersion,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      ...options,
    });
  }

  private async search(url: string, body: object) {
    const response = await this.http.request<unknown>({ method: 'POST', url, data: body });
    const at = answeredAt(response.headers);
    return { data: response.data, ...(at === undefined ? {} : { serverTime: at }) };
  }

  async searchCustomers(body: SearchCustomersBody): Promise<Page<Customer>> {
    const { data, serverTime } = await this.search('/v2/customers/search', body);
    const page = parsePayload(SearchCustomersResponse, data, 'Square SearchCustomers response');
    return {
      items: page.customers ?? [],
      ...(page.cursor ? { cursor: page.cursor } : {}),
      ...(serverTime !== undefined ? { serverTime } : {}),
    };
  }

  async searchOrders(body: SearchOrdersBody): Promise<Page<Order>> {
    const { data, serverTime } = await this.search('/v2/orders/search', body);
    const page = parsePayload(SearchOrdersResponse, data, 'Square SearchOrders response');
    return {
      items: page.orders ?? [],
      ...(page.cursor ? { cursor: page.cursor } : {}),
      ...(serverTime !== undefined ? { serverTime } : {}),
    };
  }

  async searchCatalog(body: SearchCatalogBody): Promise<Page<CatalogObject> & { related: CatalogObject[] }> {
    const { data, serverTime } = await this.search('/v2/catalog/search', body);
    const page = parsePayload(SearchCatalogObjectsResponse, data, 'Square SearchCatalogObjects response');
    return {
      items: page.objects ?? [],
      related: page.related_objects ?? [],
      ...(page.cursor ? { cursor: page.cursor } : {}),
      ...(serverTime !== undefined ? { serverTime } : {}),
    };
  }

  async searchLoyaltyEvents(body: SearchLoyaltyEventsBody): Promise<Page<LoyaltyEvent>> {
    const { data, serverTime } = await this.search('/v2/loyalty/events/search', body);
    const page = parsePayload(SearchLoyaltyEventsResponse, data, 'Square SearchLoyaltyEvents response');
    return {
      items: page.events ?? [],
      ...(page.cursor ? { cursor: page.cursor } : {}),
      ...(serverTime !== undefined ? { serverTime } : {}),
    };
  }

  /** GET /v2/loyalty/accounts/{id}; undefined when the account is gone (404). */
  async loyaltyAccount(id: string): Promise<LoyaltyAccount | undefined> {
    try {
      const response = await this.http.request<unknown>({ method: 'GET', url: `/v2/loyalty/accounts/${encodeURIComponent(id)}` });
      return parsePayload(RetrieveLoyaltyAccountResponse, response.data, 'Square RetrieveLoyaltyAccount response').loyalty_account;
    } catch (error) {
      if (error instanceof VendorRejected && error.status === 404) return undefined;
      throw error;
    }
  }

  /** POST /v2/orders/batch-retrieve: up to 100 orders by id (ids Square does not find are left out). */
  async retrieveOrders(orderIds: readonly string[]): Promise<Order[]> {
    if (orderIds.length === 0) return [];
    const response = await this.http.request<unknown>({ method: 'POST', url: '/v2/orders/batch-retrieve', data: { order_ids: orderIds } });
    return parsePayload(BatchRetrieveOrdersResponse, response.data, 'Square BatchRetrieveOrders response').orders ?? [];
  }
}
