// Squeezely's back-end API: the two auth headers and POST /v1/track, with retries from the SDK client.
import {
  blankEmails,
  createVendorClient,
  parsePayload,
  VendorRejected,
  type VendorClient,
  type VendorClientOptions,
} from '../sdk/index.js';
import type { SqueezelySecrets, SqueezelySettings } from './config.js';
import { TrackResponse, type TrackEvent } from './schemas.js';

export type SqueezelyClientOptions = Pick<VendorClientOptions, 'retries' | 'minDelayMs' | 'timeoutMs'>;

/** Squeezely's own words on a rejection, with any e-mail address blanked. */
export function describeErrors(errors: TrackResponse['errors']): string {
  const text = (errors ?? []).map((e) => (typeof e === 'string' ? e : JSON.stringify(e))).join('; ');
  return blankEmails(text).slice(0, 300);
}

export class SqueezelyClient {
  private readonly http: VendorClient;

  constructor(settings: SqueezelySettings, secrets: SqueezelySecrets, options: SqueezelyClientOptions = {}) {
    this.http = createVendorClient({
      vendor: 'Squeezely',
      baseURL: settings.apiBaseUrl.replace(/\/+$/, ''),
      headers: {
        'X-AUTH-ACCOUNT': secrets.accountId,
        'X-AUTH-APIKEY': secrets.apiKey,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      ...options,
    });
  }

  /** Sends events in one request; a 2xx answer that lists errors is a rejection of the whole request. */
  async track(events: TrackEvent[]): Promise<void> {
    const response = await this.http.request<unknown>({ method: 'POST', url: '/v1/track', data: { events } });
    const body = parsePayload(TrackResponse, response.data ?? {}, 'Squeezely track response');
    if (body.success === false || (body.errors?.length ?? 0) > 0) {
      throw new VendorRejected(`Squeezely refused the events: ${describeErrors(body.errors) || 'success=false'}`, response.status);
    }
  }
}
