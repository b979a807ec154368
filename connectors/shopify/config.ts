// Settings and secrets of one Shopify connector instance (one shop).
import * as z from 'zod';
import { DEFAULT_GIFT_WORDS } from './gifts.js';

export const DEFAULT_API_VERSION = '2025-10';

export const ShopifySettings = z.object({
  /** The shop's permanent domain, e.g. "acme.myshopify.com" (not its custom storefront domain). */
  shopDomain: z.string().regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/, 'the shop\'s myshopify.com domain, e.g. "acme.myshopify.com"'),
  /** A quarterly GraphQL Admin API version ("2025-10"); each is supported for at least 12 months. */
  apiVersion: z
    .string()
    .regex(/^(\d{4}-(01|04|07|10)|unstable)$/, 'a Shopify API version such as "2025-10"')
    .default(DEFAULT_API_VERSION),
  /** The GraphQL endpoint, when not Shopify's own (the simulator, a proxy). */
  apiBaseUrl: z.url().optional(),
  /** Records per GraphQL page; Shopify allows at most 250. */
  pageSize: z.number().int().min(1).max(250).default(100),
  /**
   * Orders Shopify marks `test: true` (test mode, the Bogus Gateway): "exclude" (the default) keeps them out of the
   * profile, and so out of RFM and uplift; "include" stores them as real orders.
   */
  testOrders: z.enum(['exclude', 'include']).default('exclude'),
  /**
   * An order whose note attribute names one of these words (case-insensitive, e.g. "Gift message", "Cadeauverpakking")
   * with a value that is not a "no" is a gift: its purchases stay out of the buyer's own interests.
   */
  giftAttributeWords: z.array(z.string().min(2)).default(DEFAULT_GIFT_WORDS),
});
export type ShopifySettings = z.infer<typeof ShopifySettings>;

export const ShopifySecrets = z.object({
  /** The app's client secret (API secret key): Shopify signs webhooks with it. */
  webhookSecret: z.string().min(1),
  /** Admin API access token of the app's installation in this shop (shpat_…, shpca_…). */
  accessToken: z.string().min(1),
});
export type ShopifySecrets = z.infer<typeof ShopifySecrets>;

/** The GraphQL endpoint the settings point at. */
export function graphqlEndpoint(settings: ShopifySettings): string {
  return settings.apiBaseUrl ?? `https://${settings.shopDomain}/admin/api/${settings.apiVersion}/graphql.json`;
}
