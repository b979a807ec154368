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
