// Mailchimp payloads in Mailchimp's own field names: audience webhooks (decoded form) and the Marketing API 3.0 bodies we use.
import * as z from 'zod';

/**
 * Merge values: a string, or one level of nesting (ADDRESS[city]); interest groups arrive two levels deep as
 * GROUPINGS[n][id|unique_id|name|groups] (see fixtures/SOURCES.md). Deeper nesting elsewhere is no Mailchimp shape.
 */
const Merges = z
  .object({ GROUPINGS: z.record(z.string(), z.record(z.string(), z.string())).optional() })
  .catchall(z.union([z.string(), z.record(z.string(), z.string())]));

/** "2009-03-26 21:35:57": the documented fired_at format, no zone. */
const FiredAt = z.string().regex(/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}$/, 'fired_at as "YYYY-MM-DD HH:MM:SS"');

const MemberData = z.object({
  id: z.string().optional(),
  list_id: z.string(),
  email: z.string(),
  email_type: z.string().optional(),
  merges: Merges.optional(),
  ip_opt: z.string().optional(),
  ip_signup: z.string().optional(),
  web_id: z.string().optional(),
});

export const SubscribeHook = z.object({ type: z.literal('subscribe'), fired_at: FiredAt, data: MemberData });
export const ProfileHook = z.object({ type: z.literal('profile'), fired_at: FiredAt, data: MemberData });
export const UnsubscribeHook = z.object({
  type: z.literal('unsubscribe'),
  fired_at: FiredAt,
  data: MemberData.extend({
    /** "unsub" or "delete". */
    action: z.string().optional(),
    /** "manual", or "abuse" for a spam complaint. */
    reason: z.string().optional(),
    campaign_id: z.string().optional(),
  }),
});
export const UpemailHook = z.object({
  type: z.literal('upemail'),
  fired_at: FiredAt,
  data: z.object({ list_id: z.string(), new_id: z.string().optional(), new_email: z.string(), old_email: z.string() }),
});
export const CleanedHook = z.object({
  type: z.literal('cleaned'),
  fired_at: FiredAt,
  data: z.object({
    list_id: z.string(),
    campaign_id: z.string().optional(),
    /** "hard" (hard bounce) or "abuse" (spam complaint). */
    reason: z.string().optional(),
    email: z.string(),
  }),
});
export const CampaignHook = z.object({
  type: z.literal('campaign'),
  fired_at: FiredAt,
  data: z.object({ id: z.string(), list_id: z.string().optional(), status: z.string().optional() }).loose(),
});

export const MailchimpWebhook = z.discriminatedUnion('type', [
  SubscribeHook,
  ProfileHook,
  UnsubscribeHook,
  UpemailHook,
  CleanedHook,
  CampaignHook,
]);
export type MailchimpWebhook = z.infer<typeof MailchimpWebhook>;

/** A member as the batch-subscribe endpoint (POST /lists/{list_id}) takes it. */
export interface BatchMember {
  email_address: string;
  status: 'subscribed' | 'unsubscribed' | 'cleaned' | 'pending' | 'transactional';
  merge_fields?: Record<string, string | number>;
}

/** A member as "Add or update list member" (PUT …/members/{subscriber_hash}) takes it. */
export interface MemberUpsert {
  email_address: string;
  /** Only for an address that is not yet a member. */
  status_if_new: 'subscribed';
  /** Changes an existing member's status: sent only when consent changed. */
  status?: 'subscribed';
  merge_fields?: Record<string, string | number>;
}

/** GET /lists/{list_id}/members with fields=members.email_address,members.status,members.last_changed,total_items. */
export const MemberPage = z.object({
  members: z.array(
    z
      .object({
        email_address: z.string(),
        status: z.string(),
        /** "2015-10-21T15:41:36+00:00". */
        last_changed: z.iso.datetime({ offset: true }),
      })
      .loose(),
  ),
  total_items: z.number().int().nonnegative(),
});
export type MemberPage = z.infer<typeof MemberPage>;

/** GET /lists/{list_id}/merge-fields: each merge field's tag and type (text, number, address, phone, date, birthday…). */
export const MergeFieldsPage = z.object({
  merge_fields: z.array(
    z
      .object({
        tag: z.string(),
        type: z.string(),
        options: z.object({ date_format: z.string().optional() }).loose().optional(),
      })
      .loose(),
  ),
});

/** The type of each merge tag of the audience, with a date field's format. */
export type MergeFieldTypes = ReadonlyMap<string, { type: string; dateFormat?: string }>;

const MemberResult = z.object({ id: z.string().optional(), email_address: z.string() }).loose();

/** POST /lists/{list_id} response: created and updated members, and an error per refused address. */
export const BatchSubscribeResponse = z.object({
  new_members: z.array(MemberResult).default([]),
  updated_members: z.array(MemberResult).default([]),
  errors: z
    .array(
      z
        .object({
          email_address: z.string(),
          error: z.string().optional(),
          error_code: z.string().optional(),
          field: z.string().optional(),
        })
        .loose(),
    )
    .default([]),
  total_created: z.number().optional(),
  total_updated: z.number().optional(),
  error_count: z.number().optional(),
});
export type BatchSubscribeResponse = z.infer<typeof BatchSubscribeResponse>;

/** GET /reports: the campaigns sent, with their audience and send time. */
export const ReportsPage = z.object({
  reports: z.array(z.object({ id: z.string().min(1), list_id: z.string().optional(), send_time: z.string().optional() }).loose()),
  total_items: z.number().int().nonnegative(),
});
export type ReportsPage = z.infer<typeof ReportsPage>;

/** GET /reports/{campaign_id}/email-activity: per recipient, each open, click and bounce with its time. */
export const EmailActivityPage = z.object({
  emails: z.array(
    z
      .object({
        email_address: z.string(),
        activity: z.array(z.object({ action: z.string(), timestamp: z.string(), url: z.string().optional() }).loose()).default([]),
      })
      .loose(),
  ),
  total_items: z.number().int().nonnegative(),
});
export type EmailActivityPage = z.infer<typeof EmailActivityPage>;
