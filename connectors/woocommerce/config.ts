// Settings and secrets of one WooCommerce connector instance (one store).
import * as z from 'zod';

/** HTTP Basic sends the consumer secret with every request: only over HTTPS, or to a local simulator. */
const StoreUrl = z.url().refine((url) => {
  const { protocol, hostname } = new URL(url);
  return protocol === 'https:' || (protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(hostname));
}, 'an https:// URL (WooCommerce consumer keys travel as HTTP Basic credentials)');

export const WooCommerceSettings = z.object({
  /** The store's home URL as WooCommerce reports it in X-WC-Webhook-Source, e.g. "https://shop.example.nl/". */
  storeUrl: StoreUrl,
  /** The REST API root, when not `${storeUrl}/wp-json/wc/v3` (the simulator, a store without pretty permalinks). */
  apiBaseUrl: StoreUrl.optional(),
  /** Records per page; WooCommerce allows at most 100. */
  pageSize: z.number().int().min(1).max(100).default(100),
  /**
   * The customers endpoint has no modified filter, so each customers pass reads every customer and keeps the
   * changed ones. Turn it off for very large stores and rely on the customer webhooks and the orders' billing data.
   */
  pollCustomers: z.boolean().default(true),
});
export type WooCommerceSettings = z.infer<typeof WooCommerceSettings>;

export const WooCommerceSecrets = z.object({
  /** REST API consumer key (ck_…) with read access. */
  consumerKey: z.string().min(1),
  /** REST API consumer secret (cs_…). */
  consumerSecret: z.string().min(1),
  /** The secret set on the store's webhooks (give all eight the same one): WooCommerce signs deliveries with it. */
  webhookSecret: z.string().min(1),
});
export type WooCommerceSecrets = z.infer<typeof WooCommerceSecrets>;

export function restBaseUrl(settings: WooCommerceSettings): string {
  return (settings.apiBaseUrl ?? `${settings.storeUrl.replace(/\/+$/, '')}/wp-json/wc/v3`).replace(/\/+$/, '');
}
