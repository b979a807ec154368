// Settings and secrets of one Lightspeed Retail (X-Series, formerly Vend) connector instance: one retailer.
import * as z from 'zod';
import { CustomAttributeSettings } from '../sdk/index.js';

export const LightspeedRetailSettings = z.object({
  /** The store's domain prefix: "acme" for https://acme.retail.lightspeed.app. */
  domainPrefix: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'the store\'s domain prefix, e.g. "acme" for acme.retail.lightspeed.app'),
  /** The API root when not Lightspeed's own (the simulator, a proxy); the default is https://{domainPrefix}.retail.lightspeed.app/api/2.0. */
  apiBaseUrl: z.url().optional(),
  /** The retailer's currency: X-Series sales carry amounts but no currency code (it is a retailer setting). */
  currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as "EUR"'),
  /** Records per page of the change feed (`page_size`). */
  pageSize: z.number().int().min(1).max(1000).default(200),
  /**
   * Customer ids that stand for nobody in particular (the "Walk-in customer" every retailer has, shared
   * store accounts): sales of these customers carry no customer identifier, so they never merge people.
   */
  anonymousCustomerIds: z.array(z.string().min(1)).default([]),
  /**
   * Customer fields kept as custom attributes, by attribute name (`{ customer: { shoeSize: 'custom_field_1' } }`);
   * without it every field in CUSTOMER_ATTRIBUTES, named after the field.
   */
  customAttributes: CustomAttributeSettings.optional(),
});
export type LightspeedRetailSettings = z.infer<typeof LightspeedRetailSettings>;

export const LightspeedRetailSecrets = z.object({
  /**
   * OAuth2 access token of the app's authorisation for this retailer. Lightspeed issues tokens that expire and a
   * rotating refresh token; syncline stores only the access token, so refreshing it is the operator's job (or a
   * token refresher outside this connector). A 401 surfaces as VendorRejected naming the status.
   */
  accessToken: z.string().min(1),
  /** The app's client secret: Lightspeed signs webhook deliveries with it. */
  clientSecret: z.string().min(1),
});
export type LightspeedRetailSecrets = z.infer<typeof LightspeedRetailSecrets>;

/** The API 2.0 root the settings point at. */
export function apiRoot(settings: LightspeedRetailSettings): string {
  return (settings.apiBaseUrl ?? `https://${settings.domainPrefix}.retail.lightspeed.app/api/2.0`).replace(/\/+$/, '');
}
