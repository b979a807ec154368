// The signed customer token a shop hands its page so GET /personalize knows a logged-in customer without an
// anonymous id: `v1.<payload>.<signature>`, the payload base64url JSON {tenant, site, instance, customerId, exp},
// the signature base64url HMAC-SHA256 of `v1.<payload>` with the site's personalize secret (or that HMAC in lower-case
// hex, and the payload with `=` padding: what Shopify's Liquid filters hmac_sha256 and base64_url_safe_encode give). Short-lived by rule: a
// token whose expiry lies further ahead than MAX_TOKEN_SECONDS is refused, so a leaked one is of little use.
import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';

const VERSION = 'v1';
/** An HMAC-SHA256 in hex is 64 characters; in base64url it is 43, so the two cannot be taken for each other. */
const HEX_HMAC = /^[0-9a-f]{64}$/;
/** Longest lifetime a shop may give a token (a session's length). */
export const MAX_TOKEN_SECONDS = 24 * 60 * 60;

const Slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/);
const TokenPayload = z.object({
  tenant: Slug,
  site: Slug,
  /** The shop instance whose customer id this is: the token vouches for the identifier `customerId:<instance>`. */
  instance: Slug,
  customerId: z.string().min(1).max(128),
  /** Seconds since the epoch. */
  exp: z.number().int().positive(),
});
export type CustomerTokenPayload = z.infer<typeof TokenPayload>;

/** Why a token was refused: said to the caller as a 401, never with the token's content. */
export type TokenRefusal = 'malformed' | 'bad-signature' | 'expired' | 'too-long-lived' | 'wrong-site';

function sign(secret: string, signed: string): Buffer {
  return createHmac('sha256', secret).update(signed).digest();
}

/** What a shop's server runs (this function, or the same steps in its own language: docs/personalize.md). */
export function signCustomerToken(payload: CustomerTokenPayload, secret: string): string {
  const body = Buffer.from(JSON.stringify(TokenPayload.parse(payload))).toString('base64url');
  return `${VERSION}.${body}.${sign(secret, `${VERSION}.${body}`).toString('base64url')}`;
}

/** The customer the token names, or why it is refused; the signature is compared in constant time before anything else is read. */
export function verifyCustomerToken(
  token: string,
  secret: string,
  expected: { tenant: string; site: string },
  now: Date,
): { ok: true; payload: CustomerTokenPayload } | { ok: false; reason: TokenRefusal } {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== VERSION || !parts[1] || !parts[2]) return { ok: false, reason: 'malformed' };
  const given = Buffer.from(parts[2], HEX_HMAC.test(parts[2]) ? 'hex' : 'base64url');
  const wanted = sign(secret, `${VERSION}.${parts[1]}`);
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) return { ok: false, reason: 'bad-signature' };
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const parsed = TokenPayload.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: 'malformed' };
  const payload = parsed.data;
  // A token of another tenant's or site's secret cannot verify here; a shop reusing one secret for two sites can.
  if (payload.tenant !== expected.tenant || payload.site !== expected.site) return { ok: false, reason: 'wrong-site' };
  const nowSeconds = Math.floor(now.getTime() / 1000);
  if (payload.exp <= nowSeconds) return { ok: false, reason: 'expired' };
  if (payload.exp > nowSeconds + MAX_TOKEN_SECONDS) return { ok: false, reason: 'too-long-lived' };
  return { ok: true, payload };
}
