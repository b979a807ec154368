// Klaviyo JSON:API (https://a.klaviyo.com/api): API-key auth, revision header, the jobs and reads syncline uses.
import { createVendorClient, parsePayload, type VendorClient } from '../sdk/index.js';
import type { KlaviyoSecrets, KlaviyoSettings } from './config.js';
import { EventPage, ImportErrorPage, ImportJob, ImportProfilePage, type ImportProfile } from './schemas.js';

export interface KlaviyoClientOptions {
  retries?: number;
  minDelayMs?: number;
  /** Epoch ms: a Retry-After that ends later is not waited for (the caller retries later). */
  deadline?: number;
}

/** Documented limits (klaviyo/openapi, stable). */
export const LIMITS = {
  importProfiles: 10_000,
  /** 5 MB per import request; we stay a little under it for the envelope. */
  importBytes: 5 * 1024 * 1024 - 64 * 1024,
  subscribeProfiles: 1000,
  unsubscribeProfiles: 100,
} as const;

const JSON_API = 'application/vnd.api+json';
/** The first revision whose GET /api/events takes page[size] (klaviyo-api-node 21.0.1 changelog, revision 2026-01-15). */
export const EVENTS_PAGE_SIZE_SINCE = '2026-01-15';
const list = (id: string) => ({ type: 'list', id });

export class KlaviyoClient {
  private readonly api: VendorClient;

  constructor(
    private readonly settings: KlaviyoSettings,
    secrets: KlaviyoSecrets,
    options: KlaviyoClientOptions = {},
  ) {
    const { deadline, ...retry } = options;
    this.api = createVendorClient({
      vendor: 'Klaviyo',
      baseURL: settings.apiBaseUrl.replace(/\/+$/, ''),
      headers: { authorization: `Klaviyo-API-Key ${secrets.apiKey}`, revision: settings.revision, accept: JSON_API },
      ...(deadline !== undefined ? { maxRetryAfterMs: Math.max(0, deadline - Date.now()) } : {}),
      ...retry,
    });
  }

  private post(url: string, data: unknown) {
    return this.api.request<unknown>({ method: 'POST', url, headers: { 'content-type': JSON_API }, data });
  }

  /**
   * POST /api/profile-bulk-import-jobs (202, processed asynchronously): creates or updates the profiles, a profile
   * with an `id` by that id (so its e-mail address can change), the others by e-mail.
   */
  async importProfiles(profiles: ImportProfile[]): Promise<string | undefined> {
    const response = await this.post('/api/profile-bulk-import-jobs', {
      data: {
        type: 'profile-bulk-import-job',
        attributes: {
          profiles: {
            data: profiles.map(({ id, attributes, meta }) => ({
              type: 'profile',
              ...(id ? { id } : {}),
              attributes,
              ...(meta ? { meta } : {}),
            })),
          },
        },
        ...(this.settings.listId ? { relationships: { lists: { data: [list(this.settings.listId)] } } } : {}),
      },
    });
    const id = (response.data as { data?: { id?: unknown } } | undefined)?.data?.id;
    return typeof id === 'string' ? id : undefined;
  }

  /** GET /api/profile-bulk-import-jobs/{id}: the job's status and counts. */
  async importJob(id: string): Promise<ImportJob> {
    const response = await this.api.request<unknown>({ method: 'GET', url: `/api/profile-bulk-import-jobs/${encodeURIComponent(id)}` });
    return parsePayload(ImportJob, response.data, 'Klaviyo import job');
  }

  /** GET …/import-errors, every page: what Klaviyo refused, per profile, with its place in the request. */
  async importErrors(id: string): Promise<ImportErrorPage['data']> {
    return this.allPages(`/api/profile-bulk-import-jobs/${encodeURIComponent(id)}/import-errors`, {}, ImportErrorPage, 'import errors');
  }

  /** GET …/profiles with only the e-mail: the id Klaviyo gave each imported profile. */
  async importedProfiles(id: string): Promise<ImportProfilePage['data']> {
    return this.allPages(
      `/api/profile-bulk-import-jobs/${encodeURIComponent(id)}/profiles`,
      { 'fields[profile]': 'email' },
      ImportProfilePage,
      'import job profiles',
    );
  }

  private async allPages<T extends { data: unknown[]; links?: { next?: string | null | undefined } | undefined }>(
    url: string,
    params: Record<string, string>,
    schema: Parameters<typeof parsePayload<T>>[0],
    what: string,
  ): Promise<T['data']> {
    const out: T['data'] = [];
    let cursor: string | null = null;
    do {
      const query: Record<string, string> = { ...params, 'page[size]': '100', ...(cursor ? { 'page[cursor]': cursor } : {}) };
      const response = await this.api.request<unknown>({ method: 'GET', url, params: query });
      const page = parsePayload(schema, response.data, `Klaviyo ${what}`);
      out.push(...page.data);
      // links.next is an absolute URL on Klaviyo's host: only its cursor is kept, asked of our own base URL.
      cursor = page.links?.next ? new URL(page.links.next).searchParams.get('page[cursor]') : null;
    } while (cursor);
    return out;
  }

  /** POST /api/profile-subscription-bulk-create-jobs: e-mail marketing consent SUBSCRIBED (202). */
  async subscribe(emails: string[]): Promise<void> {
    await this.post('/api/profile-subscription-bulk-create-jobs', {
      data: {
        type: 'profile-subscription-bulk-create-job',
        attributes: {
          custom_source: this.settings.customSource,
          profiles: {
            data: emails.map((email) => ({
              type: 'profile',
              attributes: { email, subscriptions: { email: { marketing: { consent: 'SUBSCRIBED' } } } },
            })),
          },
        },
        ...(this.settings.listId ? { relationships: { list: { data: list(this.settings.listId) } } } : {}),
      },
    });
  }

  /**
   * POST /api/profile-subscription-bulk-delete-jobs without a list: a withdrawal of e-mail marketing consent is
   * account-wide ("Profiles not in the specified list will be globally unsubscribed" — we want that for all).
   */
  async unsubscribe(emails: string[]): Promise<void> {
    await this.post('/api/profile-subscription-bulk-delete-jobs', {
      data: {
        type: 'profile-subscription-bulk-delete-job',
        attributes: {
          profiles: {
            data: emails.map((email) => ({
              type: 'profile',
              attributes: { email, subscriptions: { email: { marketing: { consent: 'UNSUBSCRIBED' } } } },
            })),
          },
        },
      },
    });
  }

  /** POST /api/data-privacy-deletion-jobs with exactly one identifier (202, asynchronous). */
  async requestDeletion(identifier: { email: string } | { phone_number: string } | { id: string }): Promise<void> {
    const profile =
      'id' in identifier ? { type: 'profile', id: identifier.id, attributes: {} } : { type: 'profile', attributes: identifier };
    await this.post('/api/data-privacy-deletion-jobs', {
      data: { type: 'data-privacy-deletion-job', attributes: { profile: { data: profile } } },
    });
  }

  /** GET /api/events, oldest first, with the metric name and the profile's e-mail and phone included. */
  async events(query: { since: string | null; cursor: string | null }): Promise<EventPage> {
    const params: Record<string, string> = {
      sort: 'datetime',
      include: 'metric,profile',
      'fields[metric]': 'name',
      'fields[profile]': 'email,phone_number',
    };
    // page[size] exists for events from revision 2026-01-15 (up to 1000); earlier revisions page by a fixed 200.
    if (this.settings.revision >= EVENTS_PAGE_SIZE_SINCE) params['page[size]'] = String(this.settings.pageSize);
    if (query.since) params['filter'] = `greater-or-equal(datetime,${query.since})`;
    if (query.cursor) params['page[cursor]'] = query.cursor;
    const response = await this.api.request<unknown>({ method: 'GET', url: '/api/events', params });
    return parsePayload(EventPage, response.data, 'Klaviyo events page');
  }
}
