// Shopify webhook authentication: base64 HMAC-SHA256 of the raw body, keyed with the app's client secret.
import { hmacWebhook, headerValue, type WebhookRequest } from '../sdk/index.js';
import type { ShopifySecrets } from './config.js';

/**
 * Shopify's headers. Webhook deliveries use the `X-Shopify-` names; deliveries of the newer Events API use the
 * un-prefixed ones (`shopify-hmac-sha256`, …). Like @shopify/shopify-api, the un-prefixed set wins when present.
 */
export const shopifyHeader = (headers: Readonly<Record<string, string>>, name: string) =>
  headerValue(headers, `shopify-${name}`, `x-shopify-${name}`);

const signature = hmacWebhook<ShopifySecrets>({
  vendor: 'Shopify',
  header: 'X-Shopify-Hmac-Sha256',
  preferredHeaders: ['shopify-hmac-sha256'],
  encoding: 'base64',
  secret: (secrets) => secrets.webhookSecret,
  // Webhooks made by hand in the shop admin are signed with another key than the app's client secret.
  mismatch: 'Shopify webhook HMAC does not match the body (wrong client secret, altered body, or a webhook created in the shop admin)',
});

export const verifyShopifyWebhook = (request: WebhookRequest, secrets: ShopifySecrets) => signature.verify(request, secrets, undefined);

/** The headers Shopify sends with a signed delivery: what our simulator and tests send too. */
export const signShopifyWebhook = (rawBody: Buffer | string, secret: string) => signature.sign(secret, rawBody);
