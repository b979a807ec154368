// The Marketing API's /{custom_audience_id}/users: token (and appsecret_proof) auth, sessions of at most 10,000 rows,
// and Graph API error codes turned into what the SDK client retries (rate limits, transient errors) or not.
import { createHmac, randomInt } from 'node:crypto';
import type { AxiosResponse } from 'axios';
import { createVendorClient, parsePayload, type VendorClient, type VendorClientOptions } from '../sdk/index.js';
import type { MetaAudiencesSecrets, MetaAudiencesSettings } from './config.js';
import { SCHEMA, type Row } from './hashing.js';
import { GraphError, UsersResponse, type UploadSession } from './schemas.js';

export type MetaClientOptions = Pick<VendorClientOptions, 'retries' | 'minDelayMs' | 'timeoutMs'>;

/** "You can add an unlimited number of records for an audience, but only a maximum of 10000 at a time." */
export const MAX_ROWS_PER_REQUEST = 10_000;

/** Graph API error codes that mean "slow down": application, user, page, ad-account and custom-audience rate limits. */
const RATE_LIMITS = new Set([4, 17, 32, 341, 613, 80003, 80004]);
/** Unknown and temporary errors, worth another try. */
const TRANSIENT = new Set([1, 2]);
/** An access token that is invalid, expired or revoked: nothing works until someone gives a new one. */
const TOKEN = new Set([102, 190]);
/** The token lacks ads_management or access to the ad account (10, 200–299). */
const isPermission = (code: number) => code === 10 || (code >= 200 && code <= 299);

/**
 * Graph answers most errors with HTTP 400 and says what happened in `error.code`: the status the SDK client acts on is
 * derived from the code, so that a rate limit waits and is retried and an invalid token is not.
 */
function statusOf(status: number, data: unknown): number {
  if (status < 400) return status;
  const parsed = GraphError.safeParse(data);
  if (!parsed.success) return status;
  const { code, is_transient } = parsed.data.error;
  if (RATE_LIMITS.has(code)) return 429;
  if (TRANSIENT.has(code) || is_transient === true) return 503;
  if (TOKEN.has(code)) return 401;
  if (isPermission(code)) return 403;
  return status;
}

/**
 * When the ad account may call again, from X-Business-Use-Case-Usage (`estimated_time_to_regain_access`, minutes):
 * as a Retry-After in seconds, so that a long block gives the batch back to the queue instead of waiting here.
 */
export function retryAfterOf(header: unknown): string | undefined {
  if (typeof header !== 'string') return undefined;
  try {
    const usage = JSON.parse(header) as Record<string, { estimated_time_to_regain_access?: number }[]>;
    const minutes = Math.max(0, ...Object.values(usage).flatMap((entries) => entries.map((e) => e.estimated_time_to_regain_access ?? 0)));
    return String(minutes * 60);
  } catch {
    return undefined;
  }
}

function graphStatus(response: AxiosResponse): AxiosResponse {
  const status = statusOf(response.status, response.data);
  if (status === response.status) return response;
  const retryAfter = status === 429 ? retryAfterOf(response.headers['x-business-use-case-usage']) : undefined;
  if (retryAfter !== undefined) response.headers['retry-after'] = retryAfter;
  response.status = status;
  return response;
}

export class MetaAudiencesClient {
  private readonly http: VendorClient;
  private readonly auth: { access_token: string; appsecret_proof?: string };

  constructor(settings: MetaAudiencesSettings, secrets: MetaAudiencesSecrets, options: MetaClientOptions = {}) {
    this.http = createVendorClient({
      vendor: 'Meta',
      baseURL: `${settings.apiBaseUrl.replace(/\/+$/, '')}/${settings.apiVersion}`,
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      ...options,
    });
    this.http.axios.interceptors.response.use(graphStatus);
    // In the body, never the URL: query strings reach access logs. The proof is HMAC-SHA256(token) keyed by the app secret.
    this.auth = {
      access_token: secrets.accessToken,
      ...(secrets.appSecret ? { appsecret_proof: createHmac('sha256', secrets.appSecret).update(secrets.accessToken).digest('hex') } : {}),
    };
  }

  /** One request of at most 10,000 rows; a 2xx answer is Meta's receipt (matching takes up to 24 hours). */
  async users(method: 'POST' | 'DELETE', audienceId: string, rows: readonly Row[], session?: UploadSession): Promise<UsersResponse> {
    if (rows.length > MAX_ROWS_PER_REQUEST)
      throw new Error(`Meta takes at most ${MAX_ROWS_PER_REQUEST} rows a request, not ${rows.length}`);
    const response = await this.http.request<unknown>({
      method,
      url: `/${encodeURIComponent(audienceId)}/users`,
      data: { ...this.auth, payload: { schema: SCHEMA, data: rows }, ...(session ? { session } : {}) },
    });
    return parsePayload(UsersResponse, response.data ?? {}, 'Meta users response');
  }

  /**
   * All rows for one audience: one request when they fit, else one session of numbered requests (the last flagged),
   * as Meta documents for uploads over 10,000. Stops at the first failed request: the caller retries the whole upload.
   */
  async upload(method: 'POST' | 'DELETE', audienceId: string, rows: readonly Row[]): Promise<UsersResponse[]> {
    const answers: UsersResponse[] = [];
    if (rows.length === 0) return answers;
    const batches = Math.ceil(rows.length / MAX_ROWS_PER_REQUEST);
    const sessionId = randomInt(1, 2 ** 47);
    for (let i = 0; i < batches; i++) {
      const slice = rows.slice(i * MAX_ROWS_PER_REQUEST, (i + 1) * MAX_ROWS_PER_REQUEST);
      const session: UploadSession = {
        session_id: sessionId,
        batch_seq: i + 1,
        last_batch_flag: i === batches - 1,
        estimated_num_total: rows.length,
      };
      answers.push(await this.users(method, audienceId, slice, session));
    }
    return answers;
  }
}
