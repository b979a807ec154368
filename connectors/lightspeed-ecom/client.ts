// The Lightspeed eCom REST API client: HTTP Basic with key and secret, page/limit lists filtered by
// updated_at_min, order products, customer deletion. Retries (429 with Retry-After, 5xx) come from createVendorClient.
import { createVendorClient, parsePayload, VendorRejected, type VendorClient, type VendorClientOptions } from '../sdk/index.js';
import { apiRoot, type LightspeedEcomSecrets, type LightspeedEcomSettings } from './config.js';
import { CustomersPage, OrderProductsPage, OrdersPage } from './schemas.js';
import { CategoriesPage, CategoriesProductsPage, ProductsPage, VariantsPage } from './product-schemas.js';

export type EcomClientOptions = Pick<VendorClientOptions, 'retries' | 'minDelayMs' | 'timeoutMs' | 'maxRetryAfterMs'>;

export interface ListQuery {
  page: number;
  limit: number;
  /** UTC ISO time; records updated at or after it. */
  updatedSince: string | null;
}

const params = (q: ListQuery) => ({ page: q.page, limit: q.limit, ...(q.updatedSince ? { updated_at_min: q.updatedSince } : {}) });

export class LightspeedEcomClient {
  private readonly http: VendorClient;

  constructor(settings: LightspeedEcomSettings, secrets: LightspeedEcomSecrets, options: EcomClientOptions = {}) {
    const basic = Buffer.from(`${secrets.apiKey}:${secrets.apiSecret}`).toString('base64');
    this.http = createVendorClient({
      vendor: 'Lightspeed eCom',
      baseURL: apiRoot(settings),
      headers: { authorization: `Basic ${basic}`, accept: 'application/json' },
      ...options,
    });
  }

  async customers(q: ListQuery) {
    const response = await this.http.request<unknown>({ method: 'GET', url: '/customers.json', params: params(q) });
    return parsePayload(CustomersPage, response.data, 'Lightspeed eCom customers page').customers;
  }

  async orders(q: ListQuery) {
    const response = await this.http.request<unknown>({ method: 'GET', url: '/orders.json', params: params(q) });
    return parsePayload(OrdersPage, response.data, 'Lightspeed eCom orders page').orders;
  }

  async products(q: ListQuery) {
    const response = await this.http.request<unknown>({ method: 'GET', url: '/products.json', params: params(q) });
    return parsePayload(ProductsPage, response.data, 'Lightspeed eCom products page').products;
  }

  /** A product's variants (one page of 250, the most a product has here). */
  async variants(productId: number) {
    const response = await this.http.request<unknown>({ method: 'GET', url: '/variants.json', params: { product: productId, limit: 250 } });
    return parsePayload(VariantsPage, response.data, 'Lightspeed eCom variants').variants;
  }

  /** The ids of the categories a product is in, in the shop's order. */
  async productCategoryIds(productId: number): Promise<number[]> {
    const response = await this.http.request<unknown>({
      method: 'GET',
      url: '/categories/products.json',
      params: { product: productId, limit: 250 },
    });
    return parsePayload(CategoriesProductsPage, response.data, 'Lightspeed eCom categories of a product')
      .categoriesProducts.map((r) => r.category?.resource.id)
      .filter((id): id is number => typeof id === 'number');
  }

  /** Every category of the shop, all pages. */
  async categories() {
    const all = [];
    for (let page = 1; ; page++) {
      const response = await this.http.request<unknown>({ method: 'GET', url: '/categories.json', params: { page, limit: 250 } });
      const found = parsePayload(CategoriesPage, response.data, 'Lightspeed eCom categories page').categories;
      all.push(...found);
      if (found.length < 250) return all;
    }
  }

  /** The order's lines (one page of 250: more lines than that on one order are not read). */
  async orderProducts(orderId: number) {
    const response = await this.http.request<unknown>({ method: 'GET', url: `/orders/${orderId}/products.json`, params: { limit: 250 } });
    return parsePayload(OrderProductsPage, response.data, 'Lightspeed eCom order products').orderProducts;
  }

  /** DELETE /customers/{id}.json; a customer that is already gone counts as deleted. */
  async deleteCustomer(id: string): Promise<'deleted' | 'absent'> {
    try {
      await this.http.request<unknown>({ method: 'DELETE', url: `/customers/${encodeURIComponent(id)}.json` });
      return 'deleted';
    } catch (error) {
      if (error instanceof VendorRejected && error.status === 404) return 'absent';
      throw error;
    }
  }
}
