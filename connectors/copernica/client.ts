// Copernica REST API v4: the JWT exchange, and the three profile calls syncline makes (upsert, search, delete).
import { createHash } from 'node:crypto';
import type { AxiosRequestConfig, AxiosResponse } from 'axios';
import { createVendorClient, parsePayload, VendorRejected, type VendorClient } from '../sdk/index.js';
import type { CopernicaSecrets, CopernicaSettings } from './config.js';
import { ProfilePage } from './schemas.js';

export interface CopernicaClientOptions {
  /** Attempts after the first for 429/5xx/network errors (createVendorClient's default when unset). */
  retries?: number;
  minDelayMs?: number;
}

/** Documented maximum page size (rest-paging). */
export const PAGE_LIMIT = 1000;
/** JWTs live 24 hours (REST v4 introduction); renew a little early, and when the token carries no exp. */
const TOKEN_LIFETIME_MS = 23 * 3600_000;
const RENEW_BEFORE_MS = 5 * 60_000;

interface CachedToken {
  jwt: string;
  expiresAt: number;
}
/** Per API token (hashed: the key never holds the secret), shared by every client in a warm Lambda. */
const tokens = new Map<string, CachedToken>();
const pending = new Map<string, Promise<CachedToken>>();

function jwtExpiry(jwt: string, now: number): number {
  try {
    const payload = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown };
    if (typeof payload.exp === 'number') return Math.min(payload.exp * 1000, now + TOKEN_LIFETIME_MS + RENEW_BEFORE_MS) - RENEW_BEFORE_MS;
  } catch {
    // Not a readable JWT: fall back to the documented lifetime.
  }
  return now + TOKEN_LIFETIME_MS;
}

/** The authentication service answers with the JWT string; accept a JSON wrapper too (the format is not documented). */
function readJwt(data: unknown): string | undefined {
  let value = data;
  if (typeof value === 'string' && value.trim().startsWith('{')) {
    try {
      value = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    value = record['access_token'] ?? record['token'] ?? record['jwt'];
  }
  if (typeof value !== 'string') return undefined;
  const jwt = value.trim().replace(/^"|"$/g, '');
  return /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]*){1,2}$/.test(jwt) ? jwt : undefined;
}

/** `fields[]=<field>==<value>` exactly as rest-fields-parameter shows it, with the selection escaped. */
function selection(keyField: string, value: string): string {
  return `fields[]=${encodeURIComponent(`${keyField}==${value}`)}`;
}

export class CopernicaClient {
  private readonly api: VendorClient;
  private readonly auth: VendorClient;
  private readonly tokenKey: string;

  constructor(
    private readonly settings: CopernicaSettings,
    private readonly secrets: CopernicaSecrets,
    options: CopernicaClientOptions = {},
  ) {
    const common = { vendor: 'Copernica', ...options };
    this.api = createVendorClient({ ...common, baseURL: settings.apiBaseUrl.replace(/\/+$/, '') });
    this.auth = createVendorClient({ ...common, baseURL: settings.authUrl });
    this.tokenKey = createHash('sha256').update(`${settings.authUrl}\u0000${secrets.accessToken}`).digest('hex');
  }

  private async token(renew: boolean): Promise<string> {
    const cached = tokens.get(this.tokenKey);
    if (!renew && cached && cached.expiresAt > Date.now()) return cached.jwt;
    let request = pending.get(this.tokenKey);
    if (request === undefined) {
      request = this.fetchToken().finally(() => pending.delete(this.tokenKey));
      pending.set(this.tokenKey, request);
    }
    return (await request).jwt;
  }

  private async fetchToken(): Promise<CachedToken> {
    const response = await this.auth.request<unknown>({
      method: 'POST',
      url: '',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      data: new URLSearchParams({ access_token: this.secrets.accessToken }).toString(),
      responseType: 'text',
    });
    const jwt = readJwt(response.data);
    if (jwt === undefined) throw new VendorRejected('Copernica authentication answered without a JWT', response.status);
    const token = { jwt, expiresAt: jwtExpiry(jwt, Date.now()) };
    tokens.set(this.tokenKey, token);
    return token;
  }

  /** Every API call carries the JWT; a 401 means it expired early or was revoked: renew it once. */
  private async call<T>(config: AxiosRequestConfig): Promise<AxiosResponse<T>> {
    const send = async (renew: boolean) =>
      this.api.request<T>({ ...config, headers: { ...config.headers, authorization: `Bearer ${await this.token(renew)}` } });
    try {
      return await send(false);
    } catch (error) {
      if (error instanceof VendorRejected && error.status === 401) return send(true);
      throw error;
    }
  }

  /**
   * PUT database/$id/profiles?fields[]=<key>==<value>&create=1 (rest-put-database-profiles): updates every profile
   * whose key field holds the value, or creates one. The selection is serialised from a closure, not put in
   * `url` or `params`, so that error messages and axios configs never carry the e-mail address.
   */
  async upsertProfile(keyValue: string, fields: Record<string, string>): Promise<{ created: boolean; profileId?: string }> {
    const response = await this.call<unknown>({
      method: 'PUT',
      url: `/database/${this.settings.databaseId}/profiles`,
      params: { selection: true },
      paramsSerializer: { serialize: () => `${selection(this.settings.keyField, keyValue)}&create=1` },
      headers: { 'content-type': 'application/json' },
      data: { fields },
    });
    const created = String(response.headers['x-created'] ?? '').trim();
    const location = String(response.headers['x-location'] ?? '');
    const profileId = /^\d+$/.test(created) ? created : /\/profile\/(\d+)/.exec(location)?.[1];
    return { created: response.status === 201, ...(profileId !== undefined ? { profileId } : {}) };
  }

  /** GET database/$id/profiles with the same selection, every page (rest-get-database-profiles, rest-paging). */
  async findProfileIds(keyValue: string): Promise<string[]> {
    const ids: string[] = [];
    for (let start = 0; ; start += PAGE_LIMIT) {
      const response = await this.call<unknown>({
        method: 'GET',
        url: `/database/${this.settings.databaseId}/profiles`,
        params: { selection: true, start },
        paramsSerializer: {
          serialize: () => `${selection(this.settings.keyField, keyValue)}&start=${start}&limit=${PAGE_LIMIT}&total=false&dataonly=true`,
        },
      });
      const page = parsePayload(ProfilePage, response.data, 'Copernica profile list');
      for (const profile of page.data) ids.push((profile.ID ?? profile.id) as string);
      if (page.count < PAGE_LIMIT || page.data.length === 0) return ids;
    }
  }

  /** DELETE profile/$id with `completely` (rest-delete-profile); an already deleted profile counts as gone. */
  async deleteProfile(profileId: string): Promise<'deleted' | 'absent'> {
    try {
      await this.call<unknown>({
        method: 'DELETE',
        url: `/profile/${encodeURIComponent(profileId)}`,
        headers: { 'content-type': 'application/json' },
        data: { completely: true },
      });
      return 'deleted';
    } catch (error) {
      if (error instanceof VendorRejected && error.status === 404) return 'absent';
      throw error;
    }
  }
}
