// The WooCommerce REST API v3 client: consumer key/secret as HTTP Basic, page/per_page pagination with X-WP-TotalPages.
import { answeredAt, createVendorClient, parsePayload, PayloadInvalid, type VendorClient, type VendorClientOptions } from '../sdk/index.js';
import { restBaseUrl, type WooCommerceSecrets, type WooCommerceSettings } from './config.js';
import { CustomerPage, OrderPage, type Customer, type Order } from './schemas.js';
import { ProductPage, type Product } from './product-schemas.js';

export type WooCommerceClientOptions = Pick<VendorClientOptions, 'retries' | 'minDelayMs' | 'timeoutMs'>;

export interface Page<T> {
  items: T[];
  /** X-WP-TotalPages: how many pages the query has at this moment. */
  totalPages: number;
  /** The store's clock when it answered (the Date header), as epoch ms; undefined when it sent none. */
  serverTime?: number;
}

/** The query parameters poll uses, in WooCommerce's names. */
export interface ListQuery {
  page: number;
  per_page: number;
  orderby: 'id' | 'modified';
  order: 'asc' | 'desc';
  /** Orders and products: ISO time without offset, read as GMT because of dates_are_gmt. */
  modified_after?: string;
}

function headerNumber(value: unknown, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new PayloadInvalid(`WooCommerce answered without a usable ${name} header`, [`${name}: ${String(value).slice(0, 20)}`]);
  return n;
}

export class WooCommerceClient {
  private readonly http: VendorClient;

  constructor(settings: WooCommerceSettings, secrets: WooCommerceSecrets, options: WooCommerceClientOptions = {}) {
    const basic = Buffer.from(`${secrets.consumerKey}:${secrets.consumerSecret}`).toString('base64');
    this.http = createVendorClient({
      vendor: 'WooCommerce',
      baseURL: restBaseUrl(settings),
      headers: { authorization: `Basic ${basic}`, accept: 'application/json' },
      ...options,
    });
  }

  private async list<T>(
    resource: 'customers' | 'orders' | 'products',
    query: ListQuery,
    schema: typeof CustomerPage | typeof OrderPage | typeof ProductPage,
  ): Promise<Page<T>> {
    const params: Record<string, string | number | boolean> = { ...query };
    // Without it, modified_after is read in the store's own time zone.
    if (query.modified_after !== undefined) params.dates_are_gmt = true;
    // The customers endpoint lists only the `customer` role by default; keep that (staff accounts are not customers).
    const response = await this.http.request<unknown>({ method: 'GET', url: `/${resource}`, params });
    const items = parsePayload(schema, response.data, `WooCommerce ${resource} page`) as T[];
    const at = answeredAt(response.headers);
    return {
      items,
      totalPages: headerNumber(response.headers['x-wp-totalpages'], 'X-WP-TotalPages'),
      ...(at === undefined ? {} : { serverTime: at }),
    };
  }

  customers(query: ListQuery): Promise<Page<Customer>> {
    return this.list<Customer>('customers', query, CustomerPage);
  }

  orders(query: ListQuery): Promise<Page<Order>> {
    return this.list<Order>('orders', query, OrderPage);
  }

  /** Every status (the endpoint's default `any`: drafts and private products too, the trash not). */
  products(query: ListQuery): Promise<Page<Product>> {
    return this.list<Product>('products', query, ProductPage);
  }
}
