// Mailchimp Marketing API 3.0: HTTP Basic with the API key, the four audience calls syncline makes.
import { createVendorClient, parsePayload, VendorRejected, type VendorClient } from '../sdk/index.js';
import { apiRoot, type MailchimpSecrets, type MailchimpSettings } from './config.js';
import type { TagUpdate } from './mapping.js';
import {
  BatchSubscribeResponse,
  EmailActivityPage,
  MemberPage,
  MergeFieldsPage,
  ReportsPage,
  type BatchMember,
  type MemberUpsert,
  type MergeFieldTypes,
} from './schemas.js';

export interface MailchimpClientOptions {
  /** Attempts after the first for 429/5xx/network errors (createVendorClient's default when unset). */
  retries?: number;
  minDelayMs?: number;
}

/** Documented limit of POST /lists/{list_id}: "Up to 500 members may be added or updated with each API call." */
export const BATCH_SUBSCRIBE_LIMIT = 500;

export class MailchimpClient {
  private readonly api: VendorClient;
  private readonly list: string;

  constructor(settings: MailchimpSettings, secrets: MailchimpSecrets, options: MailchimpClientOptions = {}) {
    // Any user name works; the key is the password (Marketing API quick start).
    const basic = Buffer.from(`syncline:${secrets.apiKey}`).toString('base64');
    this.api = createVendorClient({
      vendor: 'Mailchimp',
      baseURL: apiRoot(settings, secrets),
      headers: { authorization: `Basic ${basic}`, accept: 'application/json' },
      ...options,
    });
    this.list = `/lists/${encodeURIComponent(settings.listId)}`;
  }

  /**
   * Batch subscribe (POST /lists/{list_id}) with update_existing: creates new members and updates existing ones in
   * one synchronous call, reporting each refused address in `errors`.
   */
  async batchSubscribe(members: BatchMember[]): Promise<BatchSubscribeResponse> {
    if (members.length > BATCH_SUBSCRIBE_LIMIT) throw new Error(`batch subscribe takes at most ${BATCH_SUBSCRIBE_LIMIT} members`);
    const response = await this.api.request<unknown>({
      method: 'POST',
      url: this.list,
      headers: { 'content-type': 'application/json' },
      data: { members, update_existing: true },
    });
    return parsePayload(BatchSubscribeResponse, response.data, 'Mailchimp batch subscribe response');
  }

  /**
   * PUT /lists/{list_id}/members/{subscriber_hash} ("Add or update list member"): creates the member with
   * `status_if_new`, and changes an existing member's status only when the body carries `status`.
   */
  async upsertMember(hash: string, member: MemberUpsert): Promise<void> {
    await this.api.request({
      method: 'PUT',
      url: `${this.list}/members/${hash}`,
      headers: { 'content-type': 'application/json' },
      data: member,
    });
  }

  /**
   * PATCH the member's `email_address` ("Update list member"): the member, its status and history move to the new
   * address. 'absent' when the old address is not a member, 'taken' when the new one already is (Member Exists).
   */
  async changeAddress(hash: string, email: string): Promise<'moved' | 'absent' | 'taken'> {
    try {
      return await this.absentOn404(async () => {
        await this.api.request({
          method: 'PATCH',
          url: `${this.list}/members/${hash}`,
          headers: { 'content-type': 'application/json' },
          data: { email_address: email },
        });
        return 'moved' as const;
      });
    } catch (error) {
      if (error instanceof VendorRejected && error.status === 400 && /Member Exists/i.test(error.message)) return 'taken';
      throw error;
    }
  }

  /** GET /lists/{list_id}/merge-fields: the audience's merge tags and their types, which decide a value's format. */
  async mergeFieldTypes(): Promise<MergeFieldTypes> {
    const response = await this.api.request<unknown>({
      method: 'GET',
      url: `${this.list}/merge-fields`,
      params: { count: '1000', fields: 'merge_fields.tag,merge_fields.type,merge_fields.options' },
    });
    const page = parsePayload(MergeFieldsPage, response.data, 'Mailchimp merge fields');
    return new Map(
      page.merge_fields.map((f) => [f.tag, { type: f.type, ...(f.options?.date_format ? { dateFormat: f.options.date_format } : {}) }]),
    );
  }

  /** GET /reports: campaigns sent after `sinceSendTime` (at most 1,000, the documented maximum of `count`). */
  async reports(sinceSendTime: string): Promise<ReportsPage> {
    const params = { since_send_time: sinceSendTime, count: '1000', fields: 'reports.id,reports.list_id,reports.send_time,total_items' };
    const response = await this.api.request<unknown>({ method: 'GET', url: '/reports', params });
    return parsePayload(ReportsPage, response.data, 'Mailchimp reports');
  }

  /** GET /reports/{campaign_id}/email-activity: recipients' opens, clicks and bounces after `since`, a page at `offset`. */
  async emailActivity(campaignId: string, query: { since: string | null; offset: number; count: number }): Promise<EmailActivityPage> {
    const params: Record<string, string> = {
      count: String(query.count),
      offset: String(query.offset),
      fields: 'emails.email_address,emails.activity,total_items',
    };
    if (query.since) params['since'] = query.since;
    const response = await this.api.request<unknown>({
      method: 'GET',
      url: `/reports/${encodeURIComponent(campaignId)}/email-activity`,
      params,
    });
    return parsePayload(EmailActivityPage, response.data, 'Mailchimp email activity');
  }

  /** GET /lists/{list_id}/members: members of one status whose information changed after `since`, a page at `offset`. */
  async members(query: { status: 'unsubscribed'; since: string | null; offset: number; count: number }): Promise<MemberPage> {
    const params: Record<string, string> = {
      status: query.status,
      count: String(query.count),
      offset: String(query.offset),
      fields: 'members.email_address,members.status,members.last_changed,total_items',
    };
    if (query.since) params['since_last_changed'] = query.since;
    const response = await this.api.request<unknown>({ method: 'GET', url: `${this.list}/members`, params });
    return parsePayload(MemberPage, response.data, 'Mailchimp members page');
  }

  /** PATCH the member's status to unsubscribed; an address that is not a member needs nothing. */
  async unsubscribe(hash: string): Promise<'unsubscribed' | 'absent'> {
    return this.absentOn404(async () => {
      await this.api.request({
        method: 'PATCH',
        url: `${this.list}/members/${hash}`,
        headers: { 'content-type': 'application/json' },
        data: { status: 'unsubscribed' },
      });
      return 'unsubscribed' as const;
    });
  }

  /** POST /lists/{list_id}/members/{hash}/tags: activates and deactivates tags, leaving other tags alone. */
  async updateTags(hash: string, tags: TagUpdate[]): Promise<void> {
    await this.api.request({
      method: 'POST',
      url: `${this.list}/members/${hash}/tags`,
      headers: { 'content-type': 'application/json' },
      data: { tags },
    });
  }

  /** POST …/actions/delete-permanent: erases the member and its history; the address cannot be re-imported. */
  async deletePermanent(hash: string): Promise<'deleted' | 'absent'> {
    return this.absentOn404(async () => {
      // No body: no content type either (axios would otherwise label the empty body as a form).
      await this.api.request({
        method: 'POST',
        url: `${this.list}/members/${hash}/actions/delete-permanent`,
        headers: { 'content-type': false },
      });
      return 'deleted' as const;
    });
  }

  private async absentOn404<T>(call: () => Promise<T>): Promise<T | 'absent'> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof VendorRejected && error.status === 404) return 'absent';
      throw error;
    }
  }
}
