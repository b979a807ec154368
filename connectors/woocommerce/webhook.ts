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

/**
 * WordPress's wp_specialchars_decode($text, ENT_QUOTES) (wp-includes/formatting.php): WC_Webhook::generate_signature
 * keys the HMAC with the stored secret passed through it, so `&amp;` in the secret signs as `&`. Zero-padded numeric
 * entities are first reduced to the forms below, then one pass replaces them (PHP's strtr).
 */
function wpSpecialcharsDecode(text: string): string {
  if (!text.includes('&')) return text;
  const unpadded = text
    .replace(/&#0*39;/g, '&#039;')
    .replace(/&#x0*27;/gi, '&#x27;')
    .replace(/&#0*34;/g, '&#034;')
    .replace(/&#x0*22;/gi, '&#x22;')
    .replace(/&#0*60;/g, '&#060;')
    .replace(/&#0*62;/g, '&#062;')
    .replace(/&#0*38;/g, '&#038;')
    .replace(/&#x0*26;/gi, '&#x26;');
  return unpadded.replace(/&(?:#039|#x27|quot|#034|#x22|lt|#060|gt|#062|amp|#038|#x26);/g, (entity) => WP_ENTITIES[entity] ?? entity);
}
const WP_ENTITIES: Readonly<Record<string, string>> = {
  '&#039;': "'",
  '&#x27;': "'",
  '&quot;': '"',
  '&#034;': '"',
  '&#x22;': '"',
  '&lt;': '<',
  '&#060;': '<',
  '&gt;': '>',
  '&#062;': '>',
  '&amp;': '&',
  '&#038;': '&',
  '&#x26;': '&',
};

const signature = hmacWebhook<WooCommerceSecrets>({
  vendor: 'WooCommerce',
  header: 'X-WC-Webhook-Signature',
  encoding: 'base64',
  secret: (secrets) => wpSpecialcharsDecode(secrets.webhookSecret),
  // Each webhook has its own secret; one left at its default (a hash of the creating user) will not match.
  mismatch: 'WooCommerce webhook signature does not match the body (wrong or default webhook secret, or an altered body)',
});

export function verifyWooCommerceWebhook(request: WebhookRequest, secrets: WooCommerceSecrets): void {
  if (!isPing(request)) signature.verify(request, secrets, undefined);
}

/** The signature header WooCommerce sends: what our tests and simulator send too. */
export const signWooCommerceWebhook = (rawBody: Buffer | string, secret: string) => signature.sign(wpSpecialcharsDecode(secret), rawBody);
