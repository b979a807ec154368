// The X-Series API 2.0 client: bearer auth, the version-ordered change feed of customers, products and sales, and
// customer deletion. Retries (429 with Retry-After as an HTTP date, 5xx) come from createVendorClient.
import { createVendorClient, parsePayload, VendorRejected, type VendorClient, type VendorClientOptions } from '../sdk/index.js';
import { apiRoot, type LightspeedRetailSecrets, type LightspeedRetailSettings } from './config.js';
import { CustomerCollection, ProductCollection, SaleCollection } from './schemas.js';

export type RetailClientOptions = Pick<VendorClientOptions, 'retries' | 'minDelayMs' | 'timeoutMs' | 'maxRetryAfterMs'>;

export class LightspeedRetailClient {
  private readonly http: VendorClient;

  constructor(settings: LightspeedRetailSettings, secrets: LightspeedRetailSecrets, options: RetailClientOptions = {}) {
    this.http = createVendorClient({
      vendor: 'Lightspeed Retail',
      baseURL: apiRoot(settings),
      headers: { authorization: `Bearer ${secrets.accessToken}`, accept: 'application/json' },
      ...options,
    });
  }

  /** Records whose version is above `after`, in version order: the change feed (`after=<version>` until empty). */
  async customers(after: number, pageSize: number) {
    const response = await this.http.request<unknown>({ method: 'GET', url: '/customers', params: { after, page_size: pageSize } });
    return parsePayload(CustomerCollection, response.data, 'Lightspeed Retail customers page');
  }

  async sales(after: number, pageSize: number) {
    const response = await this.http.request<unknown>({ method: 'GET', url: '/sales', params: { after, page_size: pageSize } });
    return parsePayload(SaleCollection, response.data, 'Lightspeed Retail sales page');
  }

  /** Products (every variant is one) above `after`, deleted ones included (`deleted=true`) so the catalog drops them. */
  async products(after: number, pageSize: number) {
    const response = await this.http.request<unknown>({
      method: 'GET',
      url: '/products',
      params: { after, page_size: pageSize, deleted: true },
    });
    return parsePayload(ProductCollection, response.data, 'Lightspeed Retail products page');
  }

  /** DELETE /customers/{id}; a customer that is already gone counts as deleted. */
  async deleteCustomer(id: string): Promise<'deleted' | 'absent'> {
    try {
      await this.http.request<unknown>({ method: 'DELETE', url: `/customers/${encodeURIComponent(id)}` });
      return 'deleted';
    } catch (error) {
      if (error instanceof VendorRejected && error.status === 404) return 'absent';
      throw error;
    }
  }
}
