// Klaviyo payloads in Klaviyo's own field names: JSON:API event resources, system webhook deliveries, job bodies.
import * as z from 'zod';

const Relationship = z.object({ data: z.object({ id: z.string(), type: z.string() }).nullable().optional() }).loose();

/** An event resource as GET /api/events and the webhook `payload.data` carry it. */
export const EventResource = z.object({
  id: z.string().min(1),
  type: z.literal('event'),
  attributes: z
    .object({
      /** "2023-08-10 07:21:56+00:00" in the webhook example, ISO 8601 in the API. */
      datetime: z.string().optional(),
      timestamp: z.number().optional(),
      uuid: z.string().optional(),
      event_properties: z.record(z.string(), z.unknown()).optional(),
    })
    .loose(),
  relationships: z.object({ metric: Relationship.optional(), profile: Relationship.optional() }).loose().optional(),
});
export type EventResource = z.infer<typeof EventResource>;

export const SystemWebhook = z.object({
  data: z
    .array(
      z
        .object({
          topic: z.string().min(1),
          external_id: z.string().optional(),
          payload: z.object({ data: EventResource }).loose(),
        })
        .loose(),
    )
    .max(1000),
  meta: z
    .object({
      klaviyo_webhook_id: z.string(),
      klaviyo_account_id: z.string().optional(),
      timestamp: z.string().optional(),
      version: z.string().optional(),
    })
    .loose(),
});
export type SystemWebhook = z.infer<typeof SystemWebhook>;

const IncludedMetric = z.object({ type: z.literal('metric'), id: z.string(), attributes: z.object({ name: z.string() }).loose() }).loose();
const IncludedProfile = z
  .object({
    type: z.literal('profile'),
    id: z.string(),
    attributes: z.object({ email: z.string().nullable().optional(), phone_number: z.string().nullable().optional() }).loose(),
  })
  .loose();
const Included = z.union([IncludedMetric, IncludedProfile, z.object({ type: z.string(), id: z.string() }).loose()]);

/** GET /api/events with include=metric,profile. */
export const EventPage = z.object({
  data: z.array(EventResource),
  included: z.array(Included).default([]),
  links: z
    .object({ self: z.string().optional(), next: z.string().nullable().optional(), prev: z.string().nullable().optional() })
    .loose()
    .optional(),
});
export type EventPage = z.infer<typeof EventPage>;

/** Profile attributes of the bulk import job (ProfileUpsertQueryResourceObject in the OpenAPI document). */
export interface ProfileAttributes {
  email?: string;
  phone_number?: string | null;
  first_name?: string | null;
  last_name?: string | null;
  locale?: string | null;
  location?: Record<string, string | null>;
  properties?: Record<string, string | number | boolean | null>;
}

/** One profile of a bulk import job: by `id` when syncline knows Klaviyo's id for the person, else by e-mail. */
export interface ImportProfile {
  id?: string;
  attributes: ProfileAttributes;
  /** Custom properties to remove (ProfileUpsertQueryResourceObject `meta.patch_properties.unset`). */
  meta?: { patch_properties: { unset: string[] } };
}

const Links = z.object({ next: z.string().nullable().optional() }).loose().optional();

/** GET /api/profile-bulk-import-jobs/{id} (ProfileImportJobResponseObjectResource). */
export const ImportJob = z.object({
  data: z.object({
    id: z.string(),
    attributes: z
      .object({ status: z.enum(['cancelled', 'complete', 'processing', 'queued']), failed_count: z.number().nullable().optional() })
      .loose(),
  }),
});
export type ImportJob = z.infer<typeof ImportJob>;

/** GET /api/profile-bulk-import-jobs/{id}/import-errors. */
export const ImportErrorPage = z.object({
  data: z.array(
    z.object({
      id: z.string().optional(),
      attributes: z
        .object({
          code: z.string().optional(),
          title: z.string().optional(),
          detail: z.string().optional(),
          source: z.object({ pointer: z.string().optional() }).loose().optional(),
          original_payload: z.record(z.string(), z.unknown()).optional(),
        })
        .loose(),
    }),
  ),
  links: Links,
});
export type ImportErrorPage = z.infer<typeof ImportErrorPage>;

/** GET /api/profile-bulk-import-jobs/{id}/profiles?fields[profile]=email. */
export const ImportProfilePage = z.object({
  data: z.array(z.object({ id: z.string(), attributes: z.object({ email: z.string().nullable().optional() }).loose() })),
  links: Links,
});
export type ImportProfilePage = z.infer<typeof ImportProfilePage>;
