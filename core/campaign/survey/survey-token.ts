// The token of a one-click survey link: who answered what, sealed with the tenant's survey key (AES-256-GCM).
// Sealed rather than only signed so the URL carries no readable personal data; deterministic (the nonce is a MAC of the
// content, as in SIV) so a profile's links stay the same between pushes and a replayed link is the same answer.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync } from 'node:crypto';
import * as z from 'zod';
import { Identifier } from '../../identifiers.js';

const VERSION = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export const SurveyAnswerClaim = z.object({
  /** The identifier the answer is merged by (a shop customer id where there is one). */
  ref: Identifier,
  question: z.string().min(1).max(64),
  answer: z.string().min(1).max(24),
  cartId: z.string().min(1).max(256),
  /** Unix seconds after which the link is refused. */
  expires: z.number().int().positive(),
});
export type SurveyAnswerClaim = z.infer<typeof SurveyAnswerClaim>;

export type OpenedToken = { ok: true; claim: SurveyAnswerClaim } | { ok: false; reason: 'malformed' | 'forged' | 'expired' };

/** Per tenant: the same secret never seals another tenant's links (the tenant is also bound as associated data). */
function keysOf(secret: Buffer, tenantId: string): { seal: Buffer; nonce: Buffer } {
  const okm = Buffer.from(hkdfSync('sha256', secret, tenantId, 'syncline survey link v1', 64));
  return { seal: okm.subarray(0, 32), nonce: okm.subarray(32) };
}

// Short keys keep the URL short.
type Wire = [type: string, value: string, question: string, answer: string, cartId: string, expires: number];

export function sealSurveyAnswer(secret: Buffer, tenantId: string, claim: SurveyAnswerClaim): string {
  const keys = keysOf(secret, tenantId);
  const wire: Wire = [claim.ref.type, claim.ref.value, claim.question, claim.answer, claim.cartId, claim.expires];
  const plain = Buffer.from(JSON.stringify(wire), 'utf8');
  const nonce = createHmac('sha256', keys.nonce).update(plain).digest().subarray(0, NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keys.seal, nonce);
  cipher.setAAD(Buffer.from(tenantId, 'utf8'));
  const sealed = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), nonce, sealed, cipher.getAuthTag()]).toString('base64url');
}

/** The claim of a token sealed for this tenant, unless it is malformed, forged (or another tenant's) or expired. */
export function openSurveyAnswer(secret: Buffer, tenantId: string, token: string, now: Date): OpenedToken {
  if (!/^[A-Za-z0-9_-]{40,1024}$/.test(token)) return { ok: false, reason: 'malformed' };
  const bytes = Buffer.from(token, 'base64url');
  if (bytes[0] !== VERSION || bytes.length < 1 + NONCE_BYTES + TAG_BYTES + 2) return { ok: false, reason: 'malformed' };
  const nonce = bytes.subarray(1, 1 + NONCE_BYTES);
  const tag = bytes.subarray(bytes.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', keysOf(secret, tenantId).seal, nonce);
  decipher.setAAD(Buffer.from(tenantId, 'utf8'));
  decipher.setAuthTag(tag);
  let plain: Buffer;
  try {
    // GCM checks the tag in constant time in final(): a changed byte anywhere fails here.
    plain = Buffer.concat([decipher.update(bytes.subarray(1 + NONCE_BYTES, bytes.length - TAG_BYTES)), decipher.final()]);
  } catch {
    return { ok: false, reason: 'forged' };
  }
  const wire = safeJson(plain.toString('utf8'));
  const parsed = Array.isArray(wire)
    ? SurveyAnswerClaim.safeParse({
        ref: { type: wire[0], value: wire[1] },
        question: wire[2],
        answer: wire[3],
        cartId: wire[4],
        expires: wire[5],
      })
    : undefined;
  if (!parsed?.success) return { ok: false, reason: 'malformed' };
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
