// A website's settings in the tenant config (one instance per site): the public write key, who may post, what is kept.
import * as z from 'zod';

const Origin = z
  .string()
  .refine((value) => URL.canParse(value) && new URL(value).origin === value, 'an origin: scheme://host[:port], no path or trailing slash');

export const WebsiteSettings = z
  .object({
    /** Public (it is in the page's source): it names the site; the origin list keeps other sites out. */
    writeKey: z.string().regex(/^[A-Za-z0-9_-]{16,128}$/, '16–128 letters, digits, _ or -'),
    origins: z.array(Origin).min(1),
    /**
     * The purposes the site's consent banner asks for and syncline records: `analytics` (the behaviour on the profile,
     * recorded as the canonical purpose `profiling`), `personalisation` and `advertising` (the banner's marketing or
     * targeting category: matching the person in ad platforms' audiences).
     */
    purposes: z.array(z.enum(['analytics', 'personalisation', 'advertising'])).default(['analytics']),
    /** The shop instance whose customer ids the site's `identify` calls carry (e.g. the Shopify instance); none: ignored. */
    customerIdInstance: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/)
      .optional(),
    /** Requests per second per function instance (docs/website-tracking.md, "Rate limit"). */
    requestsPerSecond: z.number().int().min(1).max(1000).default(20),
    /** Whether a quarantined request keeps the visitor's IP address / user agent. Canonical events never carry either. */
    keepIp: z.boolean().default(false),
    keepUserAgent: z.boolean().default(false),
  })
  .strict();
export type WebsiteSettings = z.infer<typeof WebsiteSettings>;
