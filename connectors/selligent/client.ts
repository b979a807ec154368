// The Selligent Marketing Cloud API (Portal/Api): key:secret auth and the four list-data calls syncline makes.
import { createVendorClient, parsePayload, type VendorClient, type VendorClientOptions } from '../sdk/index.js';
import type { SelligentSecrets, SelligentSettings } from './config.js';
import { DeleteDataResponse, EngagementRecord, LoadDataResponse, SearchDataResponse, type SearchDataRequest } from './schemas.js';

export type SelligentClientOptions = Pick<VendorClientOptions, 'retries' | 'minDelayMs' | 'timeoutMs'>;

export class SelligentClient {
  private readonly http: VendorClient;
  private readonly listPath: string;

  constructor(
    private readonly settings: SelligentSettings,
    secrets: SelligentSecrets,
    options: SelligentClientOptions = {},
  ) {
    this.http = createVendorClient({
      vendor: 'Selligent',
      baseURL: settings.apiBaseUrl.replace(/\/+$/, ''),
      // `X-ApiKey: <key>:<secret>` as VENDORS.md records it: not confirmed by a public Selligent page (see SOURCES.md).
      headers: { 'X-ApiKey': `${secrets.apiKey}:${secrets.apiSecret}`, 'content-type': 'application/json', accept: 'application/json' },
      ...options,
    });
    this.listPath = `/organizations/${encodeURIComponent(settings.organization)}/lists/${encodeURIComponent(settings.list)}`;
  }

  /** POST …/data/load?keyFields=&fields=&mode=: inserts or updates rows (values in `fields` order). */
  async load(fields: string[], rows: string[][]): Promise<LoadDataResponse> {
    const response = await this.http.request<unknown>({
      method: 'POST',
      url: `${this.listPath}/data/load`,
      params: { keyFields: this.settings.keyField, fields: fields.join(','), mode: this.settings.mode },
      data: rows,
    });
    return parsePayload(LoadDataResponse, response.data, 'Selligent data/load response');
  }

  /** DELETE …/data?keyFields=&fields=: deletes the records whose key field holds one of the values. */
  async deleteByKey(values: string[]): Promise<DeleteDataResponse> {
    const response = await this.http.request<unknown>({
      method: 'DELETE',
      url: `${this.listPath}/data`,
      params: { keyFields: this.settings.keyField, fields: this.settings.keyField, mode: this.settings.mode },
      data: values.map((value) => [value]),
    });
    return parsePayload(DeleteDataResponse, response.data, 'Selligent data delete response');
  }

  /** POST …/data/search: one page of records (skip/take, filters, order_by). */
  async search(request: SearchDataRequest): Promise<SearchDataResponse> {
    const response = await this.http.request<unknown>({
      method: 'POST',
      url: `${this.listPath}/data/search`,
      params: { mode: this.settings.mode },
      data: request,
    });
    return parsePayload(SearchDataResponse, response.data, 'Selligent data/search response');
  }

  /** GET …/engagement/Email/data/{record_id}: `{}` when the record has no engagement yet. */
  async emailEngagement(recordId: string): Promise<EngagementRecord> {
    const response = await this.http.request<unknown>({
      method: 'GET',
      url: `${this.listPath}/engagement/Email/data/${encodeURIComponent(recordId)}`,
    });
    return parsePayload(EngagementRecord, response.data ?? {}, 'Selligent engagement record');
  }
}
