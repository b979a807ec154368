// Failures a caller can act on, each carrying what a person needs to fix it (never the payload itself).

/** The webhook's signature does not match: wrong secret, tampered body or a replay. Answer 401. */
export class SignatureInvalid extends Error {
  override readonly name = 'SignatureInvalid';
}

/** The payload is authentic but not what the vendor documents. Answer 422 and quarantine it. */
export class PayloadInvalid extends Error {
  override readonly name = 'PayloadInvalid';
  constructor(
    message: string,
    readonly issues: readonly string[] = [],
  ) {
    super(issues.length > 0 ? `${message}: ${issues.slice(0, 5).join('; ')}` : message);
  }
}

/** The vendor asked us to slow down; `retryAfterMs` is what it told us, when it told us. */
export class RateLimited extends Error {
  override readonly name = 'RateLimited';
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** The vendor answered with an error that retrying will not fix (4xx other than 408/409/429). */
export class VendorRejected extends Error {
  override readonly name = 'VendorRejected';
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** The connector instance's settings or secrets do not pass its schema. */
export class ConfigInvalid extends Error {
  override readonly name: string = 'ConfigInvalid';
}

/**
 * A vendor URL points at an address that is no public unicast (private, loopback, link-local, multicast, …: SSRF).
 * A configuration error, never retried: fix the connector instance's base URL; local simulators are allowed with
 * SYNCLINE_ALLOW_PRIVATE_VENDOR_URLS=1 or `allowPrivateNetwork`.
 */
export class DestinationRefused extends ConfigInvalid {
  override readonly name = 'DestinationRefused';
}
