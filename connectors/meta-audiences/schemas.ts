// The Marketing API's shapes for /{custom_audience_id}/users, in Meta's own words (fixtures/SOURCES.md).
import * as z from 'zod';

const Hash = z.string().regex(/^([0-9a-f]{64})?$/, 'a lower-case SHA-256 hex digest, or empty for an unknown key');

/** `payload`: the schema names the keys of each row of `data`, in order. */
export const UsersPayload = z.object({
  schema: z.union([z.enum(['EMAIL_SHA256', 'PHONE_SHA256']), z.array(z.enum(['EMAIL', 'PHONE'])).min(1)]),
  data: z.array(z.union([Hash, z.array(Hash)])).min(1),
});
export type UsersPayload = z.infer<typeof UsersPayload>;

/** `session`: one upload split over several requests of at most 10,000 rows. */
export const UploadSession = z.object({
  /** Chosen by the advertiser, unique within the ad account. */
  session_id: z.number().int().positive(),
  /** 1 … N */
  batch_seq: z.number().int().min(1),
  last_batch_flag: z.boolean(),
  estimated_num_total: z.number().int().min(0).optional(),
});
export type UploadSession = z.infer<typeof UploadSession>;

export const UsersRequest = z.object({
  payload: UsersPayload,
  session: UploadSession.optional(),
  access_token: z.string().min(1),
  appsecret_proof: z.string().optional(),
});
export type UsersRequest = z.infer<typeof UsersRequest>;

/** The return type of POST and DELETE /{custom_audience_id}/users. Counts arrive as numbers (int32); ids as numeric strings. */
export const UsersResponse = z.object({
  audience_id: z.string(),
  session_id: z.union([z.string(), z.number()]).transform(String),
  num_received: z.number().int(),
  num_invalid_entries: z.number().int(),
  invalid_entry_samples: z.record(z.string(), z.string()).optional(),
});
export type UsersResponse = z.infer<typeof UsersResponse>;

/** Every Graph API error: `code` says what to do (190 token, 4/17/32/613/80003 rate limits, 1/2 transient). */
export const GraphError = z.object({
  error: z.object({
    message: z.string(),
    type: z.string().optional(),
    code: z.number().int(),
    error_subcode: z.number().int().optional(),
    error_user_title: z.string().optional(),
    error_user_msg: z.string().optional(),
    is_transient: z.boolean().optional(),
    fbtrace_id: z.string().optional(),
  }),
});
export type GraphError = z.infer<typeof GraphError>;
