// WooCommerce webhook authentication: X-WC-Webhook-Signature is the base64 HMAC-SHA256 of the exact body, keyed
// with the webhook's secret. The one unsigned request WooCommerce sends, the ping on saving a webhook, is let through.
import { hmacWebhook, headerValue, type WebhookRequest } from '../sdk/index.js';
import type { WooCommerceSecrets } from './config.js';
import { PING_BODY } from './schemas.js';

export const wcHeader = (headers: Readonly<Record<string, string>>, name: string) => headerValue(headers, `x-wc-webhook-${name}`);

/**
 * The ping (WC_Webhook::deliver_ping) is a form body `webhook_id=<n>` with none of the X-WC-Webhook headers and no
 * signature. WooCommerce only activates the webhook when it gets a 200, so we accept it; it carries no data and
 * parseWebhook turns it into no events, so a forged ping achieves nothing.
 */
export function isPing(request: WebhookRequest): boolean {
  return (
    wcHeader(request.headers, 'signature') === undefined &&
    wcHeader(request.headers, 'topic') === undefined &&
    PING_BODY.test(request.rawBody.toString('latin1'))
  );
}

const signature = hmacWebhook<WooCommerceSecrets>({
  vendor: 'WooCommerce',
  header: 'X-WC-Webhook-Signature',
  encoding: 'base64',
  secret: (secrets) => secrets.webhookSecret,
  // Each webhook has its own secret; one left at its default (a hash of the creating user) will not match.
  mismatch: 'WooCommerce webhook signature does not match the body (wrong or default webhook secret, or an altered body)',
});

export function verifyWooCommerceWebhook(request: WebhookRequest, secrets: WooCommerceSecrets): void {
  if (!isPing(request)) signature.verify(request, secrets, undefined);
}

/** The signature header WooCommerce sends: what our tests and simulator send too. */
export const signWooCommerceWebhook = (rawBody: Buffer | string, secret: string) => signature.sign(secret, rawBody);
