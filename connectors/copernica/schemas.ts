// Copernica's payloads in Copernica's words: webhook/callback bodies (decoded) and REST v4 responses.
import * as z from 'zod';

/** Ids arrive as numbers in JSON and as strings in form posts. */
const Id = z.union([z.number().int().nonnegative(), z.string().regex(/^[A-Za-z0-9._-]{1,64}$/)]).transform(String);
const FieldValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const Fields = z.record(z.string(), FieldValue);
/** "YYYY-MM-DD HH:MM:SS", no zone. */
export const CopernicaTimestamp = z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/, 'YYYY-MM-DD HH:MM:SS');
const UnixTime = z.union([z.number().int().nonnegative(), z.string().regex(/^\d{1,12}$/)]).transform(Number);
const Text = z.string().max(4096);

/** Interests come as a list (`interests[]=blue`) or as a map (`{"blue": 1, "red": 0}`) in the documented examples. */
const Interests = z.union([z.array(z.string()), z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]))]);

/**
 * Profile webhooks (Marketing Suite: webhook-creates/-updates/-deletes) and Publisher callbacks
 * (callbacks-variables: `{id, action, fields, interests}`) share one shape once `action`/`type` is read as `event`.
 */
export const ProfileCallback = z
  .object({
    event: z.enum(['create', 'update', 'delete']),
    profile: Id.optional(),
    id: Id.optional(),
    subprofile: Id.optional(),
    database: Id.optional(),
    collection: Id.optional(),
    fields: Fields.optional(),
    interests: Interests.optional(),
    /** The values the action was performed with: for an update, what changed. */
    parameters: Fields.optional(),
    timestamp: CopernicaTimestamp.optional(),
    time: UnixTime.optional(),
    created: CopernicaTimestamp.optional(),
    modified: CopernicaTimestamp.optional(),
  })
  .refine((p) => p.profile !== undefined || p.id !== undefined, { message: 'neither profile nor id is set' });
export type ProfileCallback = z.infer<typeof ProfileCallback>;

/** Message webhooks: webhook-opens, -clicks, -deliveries, -failures, -bounces. `id` is the message id. */
export const MessageCallback = z.object({
  event: z.enum(['open', 'click', 'delivery', 'failure', 'failed', 'bounce']),
  id: Id,
  recipient: Text.optional(),
  timestamp: CopernicaTimestamp.optional(),
  time: UnixTime.optional(),
  /** Clicks: the URL behind the tracked link. */
  original: Text.optional(),
  tags: z.union([Text, z.array(Text), z.record(z.string(), Text)]).optional(),
  /** Failures: SMTP state ("bounce" for asynchronous bounces), code and description. */
  state: Text.optional(),
  code: z.union([Text, z.number()]).optional(),
  extended: Text.optional(),
  description: Text.optional(),
});
export type MessageCallback = z.infer<typeof MessageCallback>;

export const CopernicaCallback = z.union([ProfileCallback, MessageCallback]);
export type CopernicaCallback = z.infer<typeof CopernicaCallback>;

/** The documented examples name the action `type` in some pages and `action` in others; read either. */
export function withEvent(decoded: Record<string, unknown>): Record<string, unknown> {
  const { action, type, ...rest } = decoded;
  const event = action ?? type;
  // Form posts send absent optional variables as empty strings; treat them as absent.
  const present = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== '' && v !== undefined));
  return { ...present, event };
}

/** GET database/$id/profiles: a page wrapped as documented in rest-paging. */
export const ProfilePage = z.object({
  start: z.coerce.number().int().nonnegative(),
  limit: z.coerce.number().int().nonnegative(),
  count: z.coerce.number().int().nonnegative(),
  total: z.coerce.number().int().nonnegative().optional(),
  data: z.array(
    z
      .object({ ID: Id.optional(), id: Id.optional(), fields: Fields.optional() })
      .refine((p) => p.ID !== undefined || p.id !== undefined, { message: 'profile without ID' }),
  ),
});
export type ProfilePage = z.infer<typeof ProfilePage>;
