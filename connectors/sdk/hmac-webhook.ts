// A vendor's webhook signature scheme, declared: the header, the encoding, what is signed and with which secret.
// The SDK owns the rest: reading the header, the digest, the constant-time comparison on the decoded bytes, the errors.
import { createHash } from 'node:crypto';
import { SignatureInvalid } from './errors.js';
import type { WebhookRequest } from './define-connector.js';
import { hmacSha256, signatureMatches } from './signatures.js';

type Part = string | Buffer;

export interface HmacWebhookScheme<Secrets, Settings> {
  /** The vendor as a person knows it, for the error messages ("Shopify webhook without an X-… header"). */
  vendor: string;
  /** The signature header as the vendor documents it (looked up lower-cased). */
  header: string;
  /** Other names of the same header that win when present (Shopify's Events API drops the X- prefix). */
  preferredHeaders?: readonly string[];
  encoding: 'base64' | 'hex';
  /** `hmac-sha256` (default), or `md5(body+secret)`: the MD5 of what is signed followed by the secret (Lightspeed eCom). */
  digest?: 'hmac-sha256' | 'md5(body+secret)';
  /** What is signed, in order (default: the raw body). */
  signs?: (request: WebhookRequest, settings: Settings) => Part[];
  secret: (secrets: Secrets) => string;
  /** The signature inside the header value, for headers that carry more than the signature; undefined: none sent. May throw SignatureInvalid. */
  read?: (value: string) => string | undefined;
  /** The header value for a signature (the inverse of `read`). */
  write?: (signature: string) => string;
  /** Why a signature may not match, as a person fixing it needs to read it. */
  mismatch: string;
}

export interface HmacWebhook<Secrets, Settings> {
  /** Throws SignatureInvalid: no signature, or one that does not match. */
  verify(request: WebhookRequest, secrets: Secrets, settings: Settings): void;
  /** The header the vendor sends for these signed parts: what simulators and tests send too. */
  sign(secret: string, ...signed: Part[]): Record<string, string>;
}

function digestOf(kind: HmacWebhookScheme<unknown, unknown>['digest'], secret: string, parts: Part[]): Buffer {
  if (kind === 'md5(body+secret)') {
    const md5 = createHash('md5');
    for (const part of parts) md5.update(part);
    return md5.update(secret).digest();
  }
  return hmacSha256(secret, ...parts);
}

/** The value of the first of `names` that is present, or undefined when none is or that one is empty. */
export function headerValue(headers: Readonly<Record<string, string>>, ...names: string[]): string | undefined {
  const name = names.find((n) => headers[n.toLowerCase()] !== undefined);
  const value = name === undefined ? undefined : headers[name.toLowerCase()];
  return value === '' ? undefined : value;
}

export function hmacWebhook<Secrets, Settings = unknown>(scheme: HmacWebhookScheme<Secrets, Settings>): HmacWebhook<Secrets, Settings> {
  const names = [...(scheme.preferredHeaders ?? []), scheme.header];
  const signs = scheme.signs ?? ((request: WebhookRequest) => [request.rawBody]);
  return {
    verify(request, secrets, settings) {
      const value = headerValue(request.headers, ...names);
      const received = value === undefined ? undefined : scheme.read ? scheme.read(value) : value;
      if (received === undefined) throw new SignatureInvalid(`${scheme.vendor} webhook without an ${scheme.header} header`);
      const expected = digestOf(scheme.digest, scheme.secret(secrets), signs(request, settings));
      if (!signatureMatches(received, expected, scheme.encoding)) throw new SignatureInvalid(scheme.mismatch);
    },
    sign(secret, ...signed) {
      const signature = digestOf(scheme.digest, secret, signed).toString(scheme.encoding);
      return { [scheme.header.toLowerCase()]: scheme.write ? scheme.write(signature) : signature };
    },
  };
}
