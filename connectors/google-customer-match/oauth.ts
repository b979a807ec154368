// An OAuth 2.0 access token for the Google Ads API from the instance's refresh token, kept until shortly before it
// expires (Google's access tokens last an hour), per tenant and instance.
import { createHash } from 'node:crypto';
import { createVendorClient, parsePayload, type VendorClientOptions } from '../sdk/index.js';
import type { GoogleCustomerMatchSecrets, GoogleCustomerMatchSettings } from './config.js';
import { TokenResponse } from './schemas.js';

export type ClientOptions = Pick<VendorClientOptions, 'retries' | 'minDelayMs' | 'timeoutMs'>;

/** A token this close to its expiry is renewed rather than used. */
const EARLY_MS = 60_000;

interface Held {
  token: string;
  expiresAt: number;
}

const held = new Map<string, Held>();

/** Tenant, instance and a digest of the refresh token: another grant (a rotated token) never reuses an old access token. */
function keyOf(scope: string, secrets: GoogleCustomerMatchSecrets): string {
  return `${scope}|${createHash('sha256').update(`${secrets.clientId}\n${secrets.refreshToken}`).digest('hex')}`;
}

export class AccessTokens {
  private readonly key: string;

  constructor(
    scope: string,
    private readonly settings: GoogleCustomerMatchSettings,
    private readonly secrets: GoogleCustomerMatchSecrets,
    private readonly options: ClientOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    this.key = keyOf(scope, secrets);
  }

  async token(): Promise<string> {
    const kept = held.get(this.key);
    if (kept && kept.expiresAt - EARLY_MS > this.now()) return kept.token;
    return this.refresh();
  }

  /** Forgets the token (Google answered 401 to it) and asks for a new one. */
  async renew(): Promise<string> {
    held.delete(this.key);
    return this.refresh();
  }

  private async refresh(): Promise<string> {
    const url = new URL(this.settings.tokenUrl);
    const http = createVendorClient({ vendor: 'Google OAuth', baseURL: url.origin, ...this.options });
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: this.secrets.clientId,
      client_secret: this.secrets.clientSecret,
      refresh_token: this.secrets.refreshToken,
    });
    const response = await http.request<unknown>({
      method: 'POST',
      url: url.pathname,
      data: form.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    });
    const body = parsePayload(TokenResponse, response.data, 'Google OAuth token response');
    held.set(this.key, { token: body.access_token, expiresAt: this.now() + body.expires_in * 1000 });
    return body.access_token;
  }
}
