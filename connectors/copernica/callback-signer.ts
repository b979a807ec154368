// Test helper: signs a callback the way Copernica does (draft-cavage rsa-sha256 + RFC 3230 Digest) with a generated key.
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { REQUIRED_SIGNED_HEADERS } from './webhook.js';

export interface SignInput {
  body: Buffer | string;
  url: string;
  now: Date;
  method?: string;
  /** Headers the signature covers, in order (default: Copernica's documented minimum). */
  headers?: string[];
  /** Header values to send (and sign) instead of the right ones. */
  overrides?: Record<string, string>;
}

export interface CallbackSigner {
  keyId: string;
  /** SPKI PEM, for secrets.callbackPublicKeys[keyId]. */
  publicKeyPem: string;
  /** The same key as the DKIM TXT record Copernica would publish. */
  dkimRecord: string;
  /** Headers (lower-cased) Copernica would send with `body` to `url` at `now`. */
  sign(input: SignInput): Record<string, string>;
}

export function createCallbackSigner(
  options: { keyId?: string; accountId?: string | number; modulusLength?: number } = {},
): CallbackSigner {
  const keyId = options.keyId ?? 'one._domainkey.copernica.com';
  const account = `account-${options.accountId ?? 1234}`;
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: options.modulusLength ?? 2048 });
  return {
    keyId,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    dkimRecord: `v=DKIM1; k=rsa; p=${publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`,
    sign: (input) => signWith(privateKey, keyId, account, input),
  };
}

function signWith(privateKey: KeyObject, keyId: string, account: string, input: SignInput): Record<string, string> {
  const body = Buffer.isBuffer(input.body) ? input.body : Buffer.from(input.body);
  const url = new URL(input.url);
  const headers: Record<string, string> = {
    host: url.host,
    date: input.now.toUTCString(),
    'x-copernica-id': account,
    digest: `SHA-256=${createHash('sha256').update(body).digest('base64')}`,
    ...input.overrides,
  };
  const covered = input.headers ?? [...REQUIRED_SIGNED_HEADERS];
  const signingString = covered
    .map((name) =>
      name === '(request-target)'
        ? `(request-target): ${(input.method ?? 'POST').toLowerCase()} ${url.pathname}${url.search}`
        : `${name}: ${headers[name] ?? ''}`,
    )
    .join('\n');
  const signature = sign('sha256', Buffer.from(signingString), privateKey).toString('base64');
  headers['signature'] = `keyId="${keyId}",algorithm="rsa-sha256",headers="${covered.join(' ')}",signature="${signature}"`;
  return headers;
}
