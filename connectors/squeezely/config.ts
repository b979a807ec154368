// Settings and secrets of one Squeezely (Spotler Activate) connector instance.
import * as z from 'zod';

/** Squeezely's standard profile properties on tracked events, and custom data fields (`custom_<name>`). */
const SqueezelyProperty = z.union([
  z.enum(['firstname', 'lastname', 'gender', 'birthdate', 'phone', 'postcode', 'city', 'country', 'language']),
  z.string().regex(/^custom_[a-z0-9_]{1,60}$/, 'a custom data field made in Squeezely first, sent as custom_<name>'),
]);

export const SqueezelySettings = z.object({
  /** The track endpoint's host; tests and the simulator point it at 127.0.0.1. */
  apiBaseUrl: z.url().default('https://api.squeezely.tech'),
  /** The event that carries profile fields. CRMUpdate is what Squeezely's own Magento plugin sends for a changed customer. */
  profileEvent: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/)
    .default('CRMUpdate'),
  /**
   * syncline field → Squeezely property. Fields without an entry are not sent: Squeezely only keeps custom
   * data fields that were made in the account first. Segments/audiences travel the same way, e.g.
   * `{ "segments": "custom_syncline_segments" }`, and Squeezely audiences can then filter on that field.
   */
  fieldMap: z.record(z.string().min(1), SqueezelyProperty).default({
    firstName: 'firstname',
    lastName: 'lastname',
    phone: 'phone',
    birthdate: 'birthdate',
    city: 'city',
    postalCode: 'postcode',
    country: 'country',
    locale: 'language',
  }),
  /**
   * Instance whose customer id is sent as `userid` (e.g. "shopify": the shop's customer id, which the
   * Squeezely pixel on that shop also reports). Without it no userid is sent.
   */
  userIdFrom: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/)
    .optional(),
  /** Events per POST /v1/track. Squeezely documents no limit; we stay small. */
  batchSize: z.number().int().min(1).max(100).default(100),
});
export type SqueezelySettings = z.infer<typeof SqueezelySettings>;

export const SqueezelySecrets = z.object({
  /** Account id, sent as X-AUTH-ACCOUNT. */
  accountId: z.string().min(1),
  /** API key from Settings → API in Squeezely, sent as X-AUTH-APIKEY. */
  apiKey: z.string().min(1),
});
export type SqueezelySecrets = z.infer<typeof SqueezelySecrets>;
