// Square webhook authentication: x-square-hmacsha256-signature is the base64 HMAC-SHA256 of the notification URL
// followed by the raw body, keyed with the subscription's signature key. Unlike Square's SDK, compared in constant time.
import { hmacSha256, signatureMatches, SignatureInvalid, type WebhookRequest } from '../sdk/index.js';
import type { SquareSecrets, SquareSettings } from './config.js';

export const SIGNATURE_HEADER = 'x-square-hmacsha256-signature';

/** The URL Square signed: the one registered with the subscription when configured, else the one we were called on. */
export function signedUrl(request: WebhookRequest, settings: Pick<SquareSettings, 'notificationUrl'>): string {
  return settings.notificationUrl ?? request.url;
}

export function verifySquareWebhook(request: WebhookRequest, secrets: SquareSecrets, settings: Pick<SquareSettings, 'notificationUrl'>): void {
  const received = request.headers[SIGNATURE_HEADER];
  if (received === undefined || received === '') throw new SignatureInvalid('Square webhook without an x-square-hmacsha256-signature header');
  const expected = hmacSha256(secrets.signatureKey, signedUrl(request, settings), request.rawBody);
  if (!signatureMatches(received, expected, 'base64')) {
    throw new SignatureInvalid('Square webhook signature does not match (wrong signature key, altered body, or a notification URL other than the one registered: set settings.notificationUrl)');
  }
}

/** The header Square sends for a body delivered to `url`: what our tests and simulator send too. */
export function signSquareWebhook(url: string, rawBody: Buffer | string, signatureKey: string): Record<string, string> {
  return { [SIGNATURE_HEADER]: hmacSha256(signatureKey, url, rawBody).toString('base64') };
}
