// Why a vendor call failed, in the shape push and erase outcomes carry: a reason a person can act on, and whether to retry.
import { redactPersonalData } from './redact.js';
import { ConfigInvalid, RateLimited, VendorRejected } from './errors.js';

export interface FailureReason {
  reason: string;
  retryable: boolean;
}

const MAX_REASON = 300;

/**
 * A rejection (4xx) and a configuration error are final, a rejection keeps the vendor's own words; rate limiting and anything else (5xx, network) are
 * worth another try later. E-mail addresses, phone numbers and credentials are blanked and the reason is cut short: it is stored with the outcome.
 */
export function failureReason(vendor: string, error: unknown): FailureReason {
  if (error instanceof VendorRejected) {
    const said = redactPersonalData(error.message.replace(/^.*?: /, ''));
    return { reason: `${vendor} rejected the request (HTTP ${error.status ?? '?'}): ${said}`.slice(0, MAX_REASON), retryable: false };
  }
  // A refused destination or bad settings: retrying cannot help until an operator fixes the instance.
  if (error instanceof ConfigInvalid) {
    // The outbound guard already names the vendor (`Copernica: host resolves to …`): name it once.
    const said = error.message.startsWith(`${vendor}: `) ? error.message.slice(vendor.length + 2) : error.message;
    return { reason: `${vendor} configuration error: ${redactPersonalData(said)}`.slice(0, MAX_REASON), retryable: false };
  }
  if (error instanceof RateLimited) return { reason: `${vendor} kept rate limiting after retries`, retryable: true };
  const message = error instanceof Error ? redactPersonalData(error.message) : 'unknown error';
  return { reason: `${vendor} unavailable: ${message}`.slice(0, MAX_REASON), retryable: true };
}
