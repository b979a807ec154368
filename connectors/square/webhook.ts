// Square webhook authentication: x-square-hmacsha256-signature is the base64 HMAC-SHA256 of the notification URL
// followed by the raw body, keyed with the subscription's signature key. Unlike Square's SDK, compared in constant time.
import { ConfigInvalid, hmacWebhook, SignatureInvalid, type WebhookRequest } from '../sdk/index.js';
import type { SquareSecrets, SquareSettings } from './config.js';

/**
 * The URL Square signed: the one registered with the subscription. Required: the URL a request arrived on is named by
 * its Host header, which the sender chooses (and a proxy rewrites), so it is never what a signature is checked over.
 */
function signedUrl(settings: Pick<SquareSettings, 'notificationUrl'>): string {
  if (settings.notificationUrl === undefined)
    throw new ConfigInvalid(
      'Square webhooks need settings.notificationUrl, the notification URL registered with the subscription (syncline connect prints it)',
    );
  return settings.notificationUrl;
}

const signature = hmacWebhook<SquareSecrets, Pick<SquareSettings, 'notificationUrl'>>({
  vendor: 'Square',
  header: 'x-square-hmacsha256-signature',
  encoding: 'base64',
  signs: (request, settings) => [signedUrl(settings), request.rawBody],
  secret: (secrets) => secrets.signatureKey,
  mismatch:
    'Square webhook signature does not match (wrong signature key, altered body, or a subscription whose notification URL is not settings.notificationUrl: syncline doctor compares them)',
});

/**
 * The spellings of one notification URL Square may have signed: with and without a trailing slash on the path, and
 * with and without the scheme's default port (`:443`). Square's docs do not say it normalises the URL (unconfirmed,
 * fixtures/SOURCES.md), so each spelling of the same address is tried; another path, scheme or port never verifies.
 */
function notificationUrlSpellings(url: string): string[] {
  const match = /^(https?):\/\/([^/?#]+?)(?::(\d+))?(\/[^?#]*)?([?#].*)?$/i.exec(url);
  if (!match) return [url];
  const [, scheme = '', host = '', port, path = '', rest = ''] = match;
  const standard = scheme.toLowerCase() === 'https' ? '443' : '80';
  if (port !== undefined && port !== standard) return [url];
  const bare = path.replace(/\/+$/, '');
  const paths = bare === '' ? ['', '/'] : [bare, `${bare}/`];
  const hosts = [host, `${host}:${standard}`];
  const spellings = hosts.flatMap((h) => paths.map((p) => `${scheme}://${h}${p}${rest}`));
  return [url, ...spellings.filter((s) => s !== url)];
}

export function verifySquareWebhook(
  request: WebhookRequest,
  secrets: SquareSecrets,
  settings: Pick<SquareSettings, 'notificationUrl'>,
): void {
  const spellings = notificationUrlSpellings(signedUrl(settings));
  for (const [i, notificationUrl] of spellings.entries()) {
    try {
      return signature.verify(request, secrets, { notificationUrl });
    } catch (error) {
      if (!(error instanceof SignatureInvalid) || i === spellings.length - 1) throw error;
    }
  }
}

/** The header Square sends for a body delivered to `url`: what our tests and simulator send too. */
export const signSquareWebhook = (url: string, rawBody: Buffer | string, signatureKey: string) =>
  signature.sign(signatureKey, url, rawBody);
