// Squeezely's back-end tracking payloads in Squeezely's own field names (POST /v1/track).
import * as z from 'zod';

const Yes = z.enum(['yes', 'no']);

/** One product line, as in the documented Purchase example. */
export const TrackProduct = z.object({
  id: z.string().min(1),
  name: z.string().optional(),
  price: z.number().finite().optional(),
  quantity: z.number().int().nonnegative().optional(),
  language: z.string().optional(),
});

/**
 * A tracked event. `event` and `email` are the documented minimum for back-end events; the standard profile
 * properties and `custom_<field>` values ride along on any event.
 */
export const TrackEvent = z
  .object({
    event: z.string().min(1),
    email: z.string().min(3),
    userid: z.union([z.string(), z.number()]).optional(),
    firstname: z.string().optional(),
    lastname: z.string().optional(),
    gender: z.enum(['M', 'F', 'U']).optional(),
    birthdate: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD')
      .optional(),
    phone: z.string().optional(),
    postcode: z.string().optional(),
    city: z.string().optional(),
    country: z.string().optional(),
    language: z.string().optional(),
    newsletter: Yes.optional(),
    orderid: z.string().optional(),
    currency: z.string().optional(),
    /** Seconds, or a datetime starting with YYYY-mm-dd (CET unless it carries an offset). */
    timestamp: z.union([z.number().int(), z.string().regex(/^\d{4}-\d{2}-\d{2}/)]).optional(),
    products: z.array(TrackProduct).optional(),
  })
  .catchall(z.union([z.string(), z.number(), z.boolean(), z.array(TrackProduct)]))
  .superRefine((event, ctx) => {
    for (const key of Object.keys(event)) {
      if (!KNOWN.has(key) && !/^custom_[a-z0-9_]+$/.test(key))
        ctx.addIssue({ code: 'custom', message: `"${key}" is neither a documented property nor a custom_ field` });
    }
  });
export type TrackEvent = z.infer<typeof TrackEvent>;

const KNOWN = new Set([
  'event',
  'email',
  'userid',
  'firstname',
  'lastname',
  'gender',
  'birthdate',
  'phone',
  'postcode',
  'city',
  'country',
  'language',
  'newsletter',
  'orderid',
  'currency',
  'timestamp',
  'products',
  'service',
  'totalvalue',
]);

export const TrackRequest = z.object({ events: z.array(TrackEvent).min(1) });
export type TrackRequest = z.infer<typeof TrackRequest>;

/** The answer: Squeezely's Magento plugin reads `errors[0]` on failure; anything else is not relied on. */
export const TrackResponse = z
  .object({
    success: z.boolean().optional(),
    errors: z.array(z.union([z.string(), z.record(z.string(), z.unknown())])).optional(),
  })
  .loose();
export type TrackResponse = z.infer<typeof TrackResponse>;
