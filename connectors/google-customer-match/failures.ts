// Google Ads API errors in Google's own words, and which of them another attempt can fix (fixtures/SOURCES.md, "Errors").
import type { AxiosResponse } from 'axios';
import { ErrorBody, type GoogleAdsError, type Status } from './schemas.js';

/** "offlineUserDataJobError.CONFLICTING_OPERATION": the error's kind and code, as Google's client libraries print them. */
export function errorCodeOf(error: GoogleAdsError): string {
  const [kind, code] = Object.entries(error.errorCode)[0] ?? ['unknown', 'UNKNOWN'];
  return `${kind}.${code}`;
}

export function googleAdsErrors(status: Status | undefined): GoogleAdsError[] {
  return (status?.details ?? []).flatMap((d) => d.errors ?? []);
}

/** Google documents these as "retry the request": a conflict on the same user list, or a quota to wait for. */
const CONFLICT = new Set(['databaseError.CONCURRENT_MODIFICATION']);
const QUOTA = new Set(['quotaError.RESOURCE_EXHAUSTED', 'quotaError.RESOURCE_TEMPORARILY_EXHAUSTED']);

/** Codes and messages, short, for an outcome's reason (Google's messages name fields, never the hashed values). */
export function describeStatus(status: Status): string {
  const errors = googleAdsErrors(status);
  if (errors.length === 0) return `${status.status ?? 'error'}: ${status.message ?? 'no message'}`;
  return errors
    .slice(0, 3)
    .map((e) => `${errorCodeOf(e)}${e.message ? `: ${e.message}` : ''}`)
    .join('; ');
}

/** "30s" or "1.5s" (a protobuf Duration in JSON) in milliseconds. */
function durationMs(value: unknown): number | undefined {
  const match = typeof value === 'string' ? /^(\d+(?:\.\d+)?)s$/.exec(value) : null;
  return match ? Math.round(Number(match[1]) * 1000) : undefined;
}

function retryDelayMs(errors: GoogleAdsError[]): number | undefined {
  for (const e of errors) {
    const details = (e as { details?: { quotaErrorDetails?: { retryDelay?: unknown } } }).details;
    const ms = durationMs(details?.quotaErrorDetails?.retryDelay);
    if (ms !== undefined) return ms;
  }
  return undefined;
}

/**
 * Rewrites an error answer before the SDK client judges it: the body becomes Google's codes and messages (what the
 * outcome's reason keeps), a conflict or quota error is retried as 409/429 whatever status it came with, and a quota's
 * retryDelay becomes the Retry-After the client honours.
 */
export function readGoogleError(response: AxiosResponse): AxiosResponse {
  if (response.status < 400) return response;
  const parsed = ErrorBody.safeParse(response.data);
  if (!parsed.success) return response;
  const errors = googleAdsErrors(parsed.data.error);
  const codes = new Set(errors.map(errorCodeOf));
  if ([...codes].some((c) => CONFLICT.has(c))) response.status = 409;
  if ([...codes].some((c) => QUOTA.has(c)) || parsed.data.error.status === 'RESOURCE_EXHAUSTED') {
    response.status = 429;
    const delay = retryDelayMs(errors);
    if (delay !== undefined && response.headers['retry-after'] === undefined) response.headers['retry-after'] = String(delay / 1000);
  }
  response.data = describeStatus(parsed.data.error);
  return response;
}
