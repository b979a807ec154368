// Settings and secrets of one Square connector instance (one seller).
import * as z from 'zod';

/** A Square API version ("2025-01-23"), sent as the Square-Version header. */
export const DEFAULT_SQUARE_VERSION = '2025-01-23';

export const SquareSettings = z.object({
  /** The seller locations whose orders we read; SearchOrders takes at most 10 per request. */
  locationIds: z.array(z.string().min(1).max(64)).min(1).max(10),
  /** The seller's merchant id: when set, events for another merchant are refused (one app can serve many sellers). */
  merchantId: z.string().min(1).max(64).optional(),
  /**
   * The notification URL as registered in the webhook subscription. Square signs it together with the body; the URL a
   * request arrives on is named by its Host header (the sender's choice, rewritten by proxies), so webhooks are
   * verified only over this setting: an instance with webhooks and without it answers deliveries as misconfigured
   * (ConfigInvalid). Optional for an instance that only polls. `syncline doctor` compares it with the subscription.
   */
  notificationUrl: z.url().optional(),
  environment: z.enum(['production', 'sandbox']).default('production'),
  squareVersion: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'a Square API version such as "2025-01-23"')
    .default(DEFAULT_SQUARE_VERSION),
  /** The API root, when not Square's own (the simulator). */
  apiBaseUrl: z.url().optional(),
  /** SearchCustomers returns at most 100 per page. */
  customersPageSize: z.number().int().min(1).max(100).default(100),
  /** SearchOrders page size (Square's default is 500). */
  ordersPageSize: z.number().int().min(1).max(500).default(200),
  /** Read the catalog (items and categories, SearchCatalogObjects) into the tenant's catalog; needs ITEMS_READ. */
  catalog: z.boolean().default(true),
  /**
   * Read Square Loyalty (SearchLoyaltyEvents and the accounts they name): the register's loyalty accounts join the
   * buyer's phone number to her customer profile, and a sale without a customer on which she collected points is
   * hers. Needs LOYALTY_READ and a loyalty program, hence off unless switched on.
   */
  loyalty: z.boolean().default(false),
});
export type SquareSettings = z.infer<typeof SquareSettings>;

export const SquareSecrets = z.object({
  /** OAuth or personal access token with CUSTOMERS_READ and ORDERS_READ (ITEMS_READ for the catalog, LOYALTY_READ for loyalty). */
  accessToken: z.string().min(1),
  /** The webhook subscription's signature key. */
  signatureKey: z.string().min(1),
});
export type SquareSecrets = z.infer<typeof SquareSecrets>;

export function apiBase(settings: SquareSettings): string {
  if (settings.apiBaseUrl) return settings.apiBaseUrl.replace(/\/+$/, '');
  return settings.environment === 'sandbox' ? 'https://connect.squareupsandbox.com' : 'https://connect.squareup.com';
}
