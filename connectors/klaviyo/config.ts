// Settings and secrets of one Klaviyo connector instance (one Klaviyo account).
import * as z from 'zod';

/** The newest GA revision in klaviyo/openapi (openapi/stable) when this connector was written. */
export const DEFAULT_REVISION = '2026-07-15';

export const KlaviyoSettings = z.object({
  /** List that pushed profiles join and that e-mail consent is recorded against; without it, consent is account-wide. */
  listId: z.string().min(1).max(64).optional(),
  /** API revision header (YYYY-MM-DD[.suffix]); each GA revision is supported for two years. */
  revision: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}(\.[a-z0-9]+)?$/, 'a Klaviyo API revision such as "2026-07-15"')
    .default(DEFAULT_REVISION),
  apiBaseUrl: z.url().default('https://a.klaviyo.com'),
  /** syncline field → Klaviyo custom property name, for fields that are not standard profile attributes. */
  propertyMap: z.record(z.string().min(1), z.string().min(1)).default({}),
  /** Events per GET /api/events page (documented maximum 1000, from revision 2026-01-15; before it a fixed 200). */
  pageSize: z.number().int().min(1).max(1000).default(200),
  /** Where the first poll starts (ISO time); without it the first poll reads the account's whole event history. */
  pollFrom: z.iso.datetime({ offset: true }).optional(),
  /** Oldest Klaviyo-Timestamp accepted on a webhook, against replays. */
  webhookMaxAgeSeconds: z.number().int().min(30).max(3600).default(300),
  /** When set, only webhooks with one of these Klaviyo-Webhook-Id values are accepted. */
  webhookIds: z.array(z.string().min(1)).optional(),
  /** Stored on Klaviyo's consent records as the custom source of subscriptions we create. */
  customSource: z.string().min(1).max(100).default('syncline'),
});
export type KlaviyoSettings = z.infer<typeof KlaviyoSettings>;

export const KlaviyoSecrets = z.object({
  /** Private API key (pk_…) with profiles, lists, subscriptions, events:read and data-privacy:write scopes. */
  apiKey: z.string().min(1),
  /** The secret key entered when the system webhook was created (Klaviyo signs with it). */
  webhookSecret: z.string().min(1),
});
export type KlaviyoSecrets = z.infer<typeof KlaviyoSecrets>;
