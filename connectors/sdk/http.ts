// The one way connectors call a vendor API: axios with p-retry, honouring 429/Retry-After and retrying 5xx with jitter.
import axios, { type AxiosInstance, type AxiosRequestConfig, type AxiosResponse, isAxiosError } from 'axios';
import pRetry, { AbortError } from 'p-retry';
import { DestinationRefused, RateLimited, VendorRejected } from './errors.js';
import { privateNetworkAllowed, publicAddress, resolveAll, type Resolve } from './outbound.js';
import { pathOf, redactPersonalData } from './redact.js';

export interface VendorClientOptions {
  /** Vendor name, for error messages. */
  vendor: string;
  baseURL: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
  /** Attempts after the first; 0 disables retrying (tests of the retry path set it low). */
  retries?: number;
  /** Base delay of the exponential back-off, in ms. */
  minDelayMs?: number;
  /** Longest wait we accept from a Retry-After before giving the message back to the queue instead. */
  maxRetryAfterMs?: number;
  /**
   * Allow private, loopback and link-local destinations: only for a base URL that came from a local simulator.
   * Default: SYNCLINE_ALLOW_PRIVATE_VENDOR_URLS=1 in the environment (the local stack and the tests set it).
   */
  allowPrivateNetwork?: boolean;
  /** DNS resolution, replaceable in tests (default dns.lookup, all addresses). */
  resolve?: Resolve;
}

export interface VendorClient {
  request<T>(config: AxiosRequestConfig): Promise<AxiosResponse<T>>;
  readonly axios: AxiosInstance;
}

/** Parses Retry-After as seconds or as an HTTP date (Lightspeed sends dates). */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The vendor's clock when it answered (its Date header), as epoch ms; undefined when it sent none we can read. */
export function answeredAt(headers: Readonly<Record<string, unknown>>): number | undefined {
  const date = Date.parse(String(headers['date'] ?? ''));
  return Number.isNaN(date) ? undefined : date;
}

/**
 * 15 s, or SYNCLINE_VENDOR_TIMEOUT_MS: fault tests and the soak shorten it so that a simulated vendor that hangs
 * costs them a fraction of a second per attempt instead of 15 s.
 */
function defaultTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv = Number(env.SYNCLINE_VENDOR_TIMEOUT_MS);
  return Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : 15_000;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 425 || status === 429 || status >= 500;
}

export function createVendorClient(options: VendorClientOptions): VendorClient {
  const allowPrivate = options.allowPrivateNetwork ?? privateNetworkAllowed();
  const resolve = options.resolve ?? resolveAll;
  const instance = axios.create({
    baseURL: options.baseURL,
    headers: options.headers,
    timeout: options.timeoutMs ?? defaultTimeoutMs(),
    // A vendor redirect could point anywhere: we only talk to the host the connector names.
    maxRedirects: 0,
    validateStatus: () => true,
    // Checked again where the socket connects, so that a name re-resolving to a private address (DNS rebinding) fails too.
    ...(allowPrivate ? {} : { lookup: async (hostname: string) => publicAddress(options.vendor, hostname, resolve) }),
  });
  const retries = options.retries ?? 4;
  const minDelay = options.minDelayMs ?? 250;
  const maxRetryAfter = options.maxRetryAfterMs ?? 30_000;

  async function attempt<T>(config: AxiosRequestConfig): Promise<AxiosResponse<T>> {
    let response: AxiosResponse<T>;
    try {
      response = await instance.request<T>(config);
    } catch (error) {
      // Refused where the socket connects (the name re-resolved elsewhere): a configuration error, not a network one.
      if (isAxiosError(error) && error.cause instanceof DestinationRefused) throw new AbortError(error.cause);
      // Network errors and timeouts are worth another try; anything else is a bug in the request.
      if (isAxiosError(error) && error.response === undefined) {
        throw new Error(`${options.vendor}: ${error.code ?? 'network error'} on ${config.method ?? 'GET'} ${pathOf(config.url)}`);
      }
      throw error;
    }
    const { status } = response;
    if (status < 300) return response;
    // Path only: query strings carry selections such as e-mail addresses, and these messages reach logs.
    const where = `${options.vendor} answered ${status} to ${(config.method ?? 'GET').toUpperCase()} ${pathOf(config.url)}`;
    if (status === 429) {
      const retryAfterMs = parseRetryAfter(String(response.headers['retry-after'] ?? ''));
      const error = new RateLimited(`${where}: rate limited`, retryAfterMs);
      if (retryAfterMs !== undefined && retryAfterMs > maxRetryAfter) throw new AbortError(error);
      if (retryAfterMs !== undefined) await sleep(retryAfterMs);
      throw error;
    }
    if (isRetryableStatus(status)) throw new Error(where);
    throw new AbortError(new VendorRejected(`${where}: ${summariseBody(response.data)}`, status));
  }

  return {
    axios: instance,
    request: async <T>(config: AxiosRequestConfig) => {
      // Before any attempt, and not retried: a refused destination is a configuration error.
      if (!allowPrivate) await publicAddress(options.vendor, new URL(instance.getUri(config)).hostname, resolve);
      return pRetry(() => attempt<T>(config), {
        retries,
        minTimeout: minDelay,
        factor: 2,
        randomize: true,
        maxTimeout: 10_000,
      });
    },
  };
}

/** A vendor's error body, cut short and with personal data and credentials blanked (vendors echo requests back). */
function summariseBody(data: unknown): string {
  const text = typeof data === 'string' ? data : JSON.stringify(data ?? '');
  const redacted = redactPersonalData(text.length > 400 ? text.slice(0, 400) : text);
  return redacted.length > 200 ? `${redacted.slice(0, 200)}…` : redacted;
}
