// The Square API client: bearer token, Square-Version, and the two search endpoints poll uses (cursor pagination).
import { answeredAt, createVendorClient, parsePayload, type VendorClient, type VendorClientOptions } from '../sdk/index.js';
import { apiBase, type SquareSecrets, type SquareSettings } from './config.js';
import { SearchCustomersResponse, SearchOrdersResponse, type Customer, type Order } from './schemas.js';

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
}
