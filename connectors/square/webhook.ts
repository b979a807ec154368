// Square webhook authentication: x-square-hmacsha256-signature is the base64 HMAC-SHA256 of the notification URL
// followed by the raw body, keyed with the subscription's signature key. Unlike Square's SDK, compared in constant time.
import { hmacWebhook, type WebhookRequest } from '../sdk/index.js';
import type { SquareSecrets, SquareSettings } from './config.js';

/** The URL Square signed: the one registered with the subscription when configured, else the one we were called on. */
export function signedUrl(request: WebhookRequest, settings: Pick<SquareSettings, 'notificationUrl'>): string {
  return settings.notificationUrl ?? request.url;
}

const signature = hmacWebhook<SquareSecrets, Pick<SquareSettings, 'notificationUrl'>>({
  vendor: 'Square',
  header: 'x-square-hmacsha256-signature',
  encoding: 'base64',
  signs: (request, settings) => [signedUrl(request, settings), request.rawBody],
  secret: (secrets) => secrets.signatureKey,
  mismatch:
    'Square webhook signature does not match (wrong signature key, altered body, or a notification URL other than the one registered: set settings.notificationUrl)',
});

export const verifySquareWebhook = signature.verify;

/** The header Square sends for a body delivered to `url`: what our tests and simulator send too. */
export const signSquareWebhook = (url: string, rawBody: Buffer | string, signatureKey: string) =>
  signature.sign(signatureKey, url, rawBody);
