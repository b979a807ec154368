// Verifies Copernica's callback signatures: draft-cavage-http-signatures-10 (rsa-sha256) over a RFC 3230 Digest of the body.
import { createHash, createPublicKey, verify as verifySignature, type KeyObject } from 'node:crypto';
import { ConfigInvalid, SignatureInvalid, signatureMatches, type WebhookRequest } from '../sdk/index.js';
import type { CopernicaSecrets, CopernicaSettings } from './config.js';

/** Copernica's documented minimum: a signature that covers less did not come from Copernica. */
export const REQUIRED_SIGNED_HEADERS = ['(request-target)', 'host', 'date', 'x-copernica-id', 'digest'] as const;
/** How far the signed Date may be from our clock, either way. */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;
/** keyId names a DKIM record; it must live under copernica.com (and be a sane DNS name). */
const COPERNICA_KEY_ID = /^(?=.{1,253}$)(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?\.)+copernica\.com$/i;

export interface ParsedSignature {
  keyId: string;
  algorithm?: string;
  headers: string[];
  signature: string;
}

/** Parses `keyId="…",algorithm="…",headers="…",signature="…"`; tolerant of the folded whitespace in Copernica's example. */
export function parseSignatureHeader(value: string): ParsedSignature {
  const params = new Map<string, string>();
  const rest = value.replace(/\s*([A-Za-z]+)\s*=\s*"([^"]*)"\s*,?/g, (_, name: string, content: string) => {
    if (params.has(name)) throw new SignatureInvalid(`Copernica callback: Signature repeats "${name}"`);
    params.set(name, content);
    return '';
  });
  if (rest.trim() !== '') throw new SignatureInvalid('Copernica callback: Signature header is malformed');
  const keyId = params.get('keyId');
  const signature = params.get('signature');
  if (!keyId || !signature) throw new SignatureInvalid('Copernica callback: Signature lacks keyId or signature');
  const algorithm = params.get('algorithm');
  // draft-cavage: without a headers parameter only Date is signed, which Copernica's minimum rules out anyway.
  const headers = (params.get('headers') ?? 'date').trim().toLowerCase().split(/\s+/);
  return { keyId, signature: signature.replace(/\s+/g, ''), headers, ...(algorithm !== undefined ? { algorithm } : {}) };
}

/** draft-cavage-http-signatures-10 §2.3: one `name: value` line per listed header, in the listed order. */
export function signingString(request: Pick<WebhookRequest, 'method' | 'url' | 'headers'>, headers: readonly string[]): string {
  const target = new URL(request.url);
  return headers
    .map((name) => {
      if (name === '(request-target)') return `(request-target): ${request.method.toLowerCase()} ${target.pathname}${target.search}`;
      const value = request.headers[name];
      if (value === undefined) throw new SignatureInvalid(`Copernica callback: signed header "${name.slice(0, 40)}" is missing`);
      return `${name}: ${value.trim()}`;
    })
    .join('\n');
}

/** RFC 3230 `Digest: SHA-256=<base64>[, SHA-512=…]`: every strong digest present must match; MD5/SHA-1 are ignored. */
export function digestMatches(header: string | undefined, body: Buffer): boolean {
  if (header === undefined) return false;
  let checked = 0;
  for (const part of header.split(',')) {
    const at = part.indexOf('=');
    if (at < 0) continue;
    const algorithm = part.slice(0, at).trim().toLowerCase();
    const hash = algorithm === 'sha-256' ? 'sha256' : algorithm === 'sha-512' ? 'sha512' : undefined;
    if (hash === undefined) continue;
    if (!signatureMatches(part.slice(at + 1).trim(), createHash(hash).update(body).digest(), 'base64')) return false;
    checked++;
  }
  return checked > 0;
}

/** Accepts `account-1234` (webhook-security) and `account_1234` (callbacks-security): the pages disagree. */
function accountMatches(header: string | undefined, accountId: string): boolean {
  return header !== undefined && /^account[-_]\d+$/.test(header.trim()) && header.trim().slice('account-'.length) === accountId;
}

/** A PEM key, or a DKIM TXT record (`v=DKIM1; k=rsa; p=<base64 SPKI>`) as Copernica publishes it. */
export function publicKeyFrom(text: string): KeyObject {
  const trimmed = text.trim();
  if (trimmed.startsWith('-----BEGIN')) return createPublicKey(trimmed);
  const tags = new Map(
    trimmed
      .split(';')
      .map((tag) => tag.trim())
      .filter(Boolean)
      .map((tag) => [tag.slice(0, tag.indexOf('=')).trim(), tag.slice(tag.indexOf('=') + 1).replace(/\s+/g, '')] as const),
  );
  const p = tags.get('p');
  if (!p || (tags.get('k') ?? 'rsa') !== 'rsa') throw new Error('not an RSA DKIM record');
  return createPublicKey({ key: Buffer.from(p, 'base64'), format: 'der', type: 'spki' });
}

const keyCache = new Map<string, KeyObject>();
function cachedKey(text: string): KeyObject {
  let key = keyCache.get(text);
  if (key === undefined) {
    key = publicKeyFrom(text);
    if (keyCache.size > 100) keyCache.clear();
    keyCache.set(text, key);
  }
  return key;
}

/** The callback URL's host, lower-cased; a URL that cannot be parsed (built from a malformed Host) is a refusal. */
function urlHost(url: string): string {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    fail('the request URL is malformed (Host?)');
  }
}

function fail(why: string): never {
  throw new SignatureInvalid(`Copernica callback: ${why}`);
}

export function verifyCopernicaCallback(request: WebhookRequest, secrets: CopernicaSecrets, settings: CopernicaSettings, now: Date): void {
  if (settings.accountId === undefined) {
    throw new ConfigInvalid('Copernica callbacks need settings.accountId: without it any Copernica account could post to this URL');
  }
  const { headers } = request;
  if (request.method.toUpperCase() !== 'POST') fail('not a POST');
  const signatureHeader = headers['signature'];
  if (signatureHeader === undefined) fail('no Signature header');
  const signature = parseSignatureHeader(signatureHeader);

  for (const name of REQUIRED_SIGNED_HEADERS) {
    if (!signature.headers.includes(name)) fail(`the signature does not cover ${name}`);
    if (name !== '(request-target)' && headers[name] === undefined) fail(`no ${name} header`);
  }
  if (signature.algorithm !== undefined && signature.algorithm.toLowerCase() !== 'rsa-sha256')
    fail(`algorithm ${signature.algorithm} is not rsa-sha256`);
  if (!COPERNICA_KEY_ID.test(signature.keyId)) fail('keyId is not a DNS name under copernica.com');

  const date = Date.parse(headers['date'] ?? '');
  if (Number.isNaN(date)) fail('Date header is not an HTTP date');
  if (Math.abs(now.getTime() - date) > MAX_CLOCK_SKEW_MS) fail('Date is more than five minutes from now (replay?)');
  if ((headers['host'] ?? '').trim().toLowerCase() !== urlHost(request.url)) fail('Host is not the host this callback URL is served on');
  if (!accountMatches(headers['x-copernica-id'], String(settings.accountId))) fail('X-Copernica-ID is not this instance’s account');
  if (!digestMatches(headers['digest'], request.rawBody)) fail('Digest does not match the body');

  const keyText = Object.hasOwn(secrets.callbackPublicKeys, signature.keyId) ? secrets.callbackPublicKeys[signature.keyId] : undefined;
  if (keyText === undefined) fail(`no public key known for keyId ${signature.keyId} (keys rotate monthly: refresh from DNS)`);
  let key: KeyObject;
  try {
    key = cachedKey(keyText);
  } catch {
    throw new ConfigInvalid(`the public key stored for keyId ${signature.keyId} cannot be read`);
  }
  if (key.asymmetricKeyType !== 'rsa') fail('the stored key is not an RSA key');
  const signed = Buffer.from(signingString(request, signature.headers), 'utf8');
  const bytes = Buffer.from(signature.signature, 'base64');
  if (bytes.length === 0 || !verifySignature('sha256', signed, key, bytes)) fail('the RSA-SHA256 signature does not verify');
}

/**
 * What a resolver of Copernica's monthly keys does: look up the DKIM TXT record named by keyId. The SDK's
 * verifyWebhook is synchronous, so this runs ahead of verification (see fixtures/SOURCES.md, "key rotation").
 */
export async function resolveCopernicaKey(keyId: string, resolveTxt: (name: string) => Promise<string[][]>): Promise<string> {
  if (!COPERNICA_KEY_ID.test(keyId)) throw new SignatureInvalid('Copernica callback: keyId is not a DNS name under copernica.com');
  const records = (await resolveTxt(keyId)).map((chunks) => chunks.join(''));
  const dkim = records.find((record) => {
    const version = /(?:^|;)\s*v=([^;]*)/.exec(record)?.[1]?.trim();
    return /(?:^|;)\s*p=/.test(record) && (version === undefined || version === 'DKIM1');
  });
  if (dkim === undefined) throw new Error(`no DKIM key published at ${keyId}`);
  publicKeyFrom(dkim);
  return dkim;
}
