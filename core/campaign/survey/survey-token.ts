// The token of a one-click survey link: who answered what, sealed with the tenant's survey key (AES-256-GCM).
// Sealed rather than only signed so the URL carries no readable personal data; deterministic (the nonce is a MAC of the
// content, as in SIV) so a profile's links stay the same between pushes and a replayed link is the same answer.
// Version 2 packs the claim tightly (about 95 characters for a shop customer id) so a whole link fits a 255-character
// merge field (Mailchimp's text fields); version 1 links, already in mailboxes, still open until they expire.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync } from 'node:crypto';
import * as z from 'zod';
import { Identifier } from '../../identifiers.js';

const VERSION = 2;
const VERSION_1 = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export const SurveyAnswerClaim = z.object({
  /** The identifier the answer is merged by (a shop customer id where there is one). */
  ref: Identifier,
  question: z.string().min(1).max(64),
  answer: z.string().min(1).max(24),
  /** Tells one cart's links from the next (survey-links.ts puts a short digest of the cart id here). */
  cartId: z.string().min(1).max(256),
  /** Unix seconds after which the link is refused. */
  expires: z.number().int().positive(),
});
export type SurveyAnswerClaim = z.infer<typeof SurveyAnswerClaim>;

export type OpenedToken = { ok: true; claim: SurveyAnswerClaim } | { ok: false; reason: 'malformed' | 'forged' | 'expired' };

/** Per tenant: the same secret never seals another tenant's links (the tenant is also bound as associated data). */
/** The tenant is bound as associated data, and from version 2 the version too (a changed version byte is forged). */
const associated = (tenantId: string, version: number) =>
  Buffer.from(version === VERSION_1 ? tenantId : `${tenantId}${SEP}v${version}`, 'utf8');

function keysOf(secret: Buffer, tenantId: string): { seal: Buffer; nonce: Buffer } {
  const okm = Buffer.from(hkdfSync('sha256', secret, tenantId, 'syncline survey link v1', 64));
  return { seal: okm.subarray(0, 32), nonce: okm.subarray(32) };
}

/** The abandoned-cart question (campaigns.abandonedCart.surveyQuestion's default): sealed as nothing. */
const USUAL_QUESTION = 'cart-abandon-reason';
const SEP = '\x1f';
// Identifier types by a letter; a shop customer id as `c:<instance>`; anything else spelled out after `=`.
const TYPE_CODES: Record<string, string> = { email: 'e', phone: 'p', loyaltyId: 'l' };
const typeCode = (type: string) =>
  TYPE_CODES[type] ?? (type.startsWith('customerId:') ? `c:${type.slice('customerId:'.length)}` : `=${type}`);
function typeOf(code: string): string | undefined {
  if (code.startsWith('c:')) return `customerId:${code.slice(2)}`;
  if (code.startsWith('=')) return code.slice(1);
  return Object.entries(TYPE_CODES).find(([, c]) => c === code)?.[0];
}

/** type, value, question ('' for the usual one), answer, cart digest and expiry (base 36), joined by a unit separator. */
function pack(claim: SurveyAnswerClaim): Buffer {
  const fields = [
    typeCode(claim.ref.type),
    claim.ref.value,
    claim.question === USUAL_QUESTION ? '' : claim.question,
    claim.answer,
    claim.cartId,
    claim.expires.toString(36),
  ];
  if (fields.some((f) => f.includes(SEP))) throw new Error('a survey claim cannot hold the unit separator');
  return Buffer.from(fields.join(SEP), 'utf8');
}

function unpack(plain: string): unknown {
  const f = plain.split(SEP);
  if (f.length !== 6) return undefined;
  return {
    ref: { type: typeOf(f[0]!), value: f[1] },
    question: f[2] === '' ? USUAL_QUESTION : f[2],
    answer: f[3],
    cartId: f[4],
    expires: /^[0-9a-z]{1,11}$/.test(f[5]!) ? Number.parseInt(f[5]!, 36) : undefined,
  };
}

/** Version 1's plain text: a JSON array of the same six fields. */
function unpackV1(plain: string): unknown {
  const wire = safeJson(plain);
  return Array.isArray(wire)
    ? { ref: { type: wire[0], value: wire[1] }, question: wire[2], answer: wire[3], cartId: wire[4], expires: wire[5] }
    : undefined;
}

export function sealSurveyAnswer(secret: Buffer, tenantId: string, claim: SurveyAnswerClaim): string {
  const keys = keysOf(secret, tenantId);
  const plain = pack(claim);
  const nonce = createHmac('sha256', keys.nonce).update(plain).digest().subarray(0, NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keys.seal, nonce);
  cipher.setAAD(associated(tenantId, VERSION));
  const sealed = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), nonce, sealed, cipher.getAuthTag()]).toString('base64url');
}

/** The claim of a token sealed for this tenant, unless it is malformed, forged (or another tenant's) or expired. */
export function openSurveyAnswer(secret: Buffer, tenantId: string, token: string, now: Date): OpenedToken {
  if (!/^[A-Za-z0-9_-]{40,1024}$/.test(token)) return { ok: false, reason: 'malformed' };
  const bytes = Buffer.from(token, 'base64url');
  const version = bytes[0];
  if ((version !== VERSION && version !== VERSION_1) || bytes.length < 1 + NONCE_BYTES + TAG_BYTES + 2)
    return { ok: false, reason: 'malformed' };
  const nonce = bytes.subarray(1, 1 + NONCE_BYTES);
  const tag = bytes.subarray(bytes.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', keysOf(secret, tenantId).seal, nonce);
  decipher.setAAD(associated(tenantId, version));
  decipher.setAuthTag(tag);
  let plain: Buffer;
  try {
    // GCM checks the tag in constant time in final(): a changed byte anywhere fails here.
    plain = Buffer.concat([decipher.update(bytes.subarray(1 + NONCE_BYTES, bytes.length - TAG_BYTES)), decipher.final()]);
  } catch {
    return { ok: false, reason: 'forged' };
  }
  const text = plain.toString('utf8');
  const parsed = SurveyAnswerClaim.safeParse(version === VERSION ? unpack(text) : unpackV1(text));
  if (!parsed.success) return { ok: false, reason: 'malformed' };
  if (parsed.data.expires * 1000 <= now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, claim: parsed.data };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
