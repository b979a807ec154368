// Settings and secrets of one Lightspeed eCom (C-Series, formerly SEOshop) connector instance: one shop.
import * as z from 'zod';

/** The API clusters: EU1 for shops hosted in Europe, US1 for North America. */
export const CLUSTERS = { eu1: 'https://api.webshopapp.com', us1: 'https://api.shoplightspeed.com' } as const;

export const LightspeedEcomSettings = z.object({
  cluster: z.enum(['eu1', 'us1']).default('eu1'),
  /** The shop language the API answers in (the path prefix of every call): "nl", "en", "de", … */
  language: z
    .string()
    .regex(/^[a-z]{2}$/, 'a two-letter shop language such as "nl"')
    .default('nl'),
  /** The API root including the language, when not Lightspeed's own (the simulator, a proxy). */
  apiBaseUrl: z.url().optional(),
  /** The shop's currency, used when an order does not name its own. */
  currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as "EUR"'),
  /** Records per page (`limit`); the API allows at most 250. */
  pageSize: z.number().int().min(1).max(250).default(250),
  /** Order-product requests in flight at once while polling orders. */
  concurrency: z.number().int().min(1).max(8).default(4),
});
export type LightspeedEcomSettings = z.infer<typeof LightspeedEcomSettings>;

export const LightspeedEcomSecrets = z.object({
  /** API key: the HTTP Basic user name. */
  apiKey: z.string().min(1),
  /** API secret: the HTTP Basic password (for an App Store app, md5(token + app secret)). */
  apiSecret: z.string().min(1),
  /** The secret webhooks are signed with (the app secret); the API secret when not given. */
  webhookSecret: z.string().min(1).optional(),
});
export type LightspeedEcomSecrets = z.infer<typeof LightspeedEcomSecrets>;

/** The API root the settings point at, e.g. https://api.webshopapp.com/nl. */
export function apiRoot(settings: LightspeedEcomSettings): string {
  return (settings.apiBaseUrl ?? `${CLUSTERS[settings.cluster]}/${settings.language}`).replace(/\/+$/, '');
}
