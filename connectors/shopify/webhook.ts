// Shopify webhook authentication: base64 HMAC-SHA256 of the raw body, keyed with the app's client secret.
import { hmacSha256, signatureMatches, SignatureInvalid, type WebhookRequest } from '../sdk/index.js';
import type { ShopifySecrets } from './config.js';

/**
 * Shopify's headers. Webhook deliveries use the `X-Shopify-` names; deliveries of the newer Events API use the
 * un-prefixed ones (`shopify-hmac-sha256`, …). Like @shopify/shopify-api, the un-prefixed set wins when present.
 */
export function shopifyHeader(headers: Readonly<Record<string, string>>, name: string): string | undefined {
  const value = headers[`shopify-${name}`] ?? headers[`x-shopify-${name}`];
  return value === undefined || value === '' ? undefined : value;
}

export function verifyShopifyWebhook(request: WebhookRequest, secrets: ShopifySecrets): void {
  const received = shopifyHeader(request.headers, 'hmac-sha256');
  if (received === undefined) throw new SignatureInvalid('Shopify webhook without an X-Shopify-Hmac-Sha256 header');
  const expected = hmacSha256(secrets.webhookSecret, request.rawBody);
  if (!signatureMatches(received, expected, 'base64')) {
    // Webhooks made by hand in the shop admin are signed with another key than the app's client secret.
    throw new SignatureInvalid('Shopify webhook HMAC does not match the body (wrong client secret, altered body, or a webhook created in the shop admin)');
  }
}

/** The headers Shopify sends with a signed delivery: what our simulator and tests send too. */
export function signShopifyWebhook(rawBody: Buffer | string, secret: string): Record<string, string> {
  return { 'x-shopify-hmac-sha256': hmacSha256(secret, rawBody).toString('base64') };
}
