import { describe, expect, it } from 'vitest';
import { createCipheriv, createHmac, hkdfSync } from 'node:crypto';
import { openSurveyAnswer, sealSurveyAnswer, type SurveyAnswerClaim } from './survey-token.js';

const secret = Buffer.from('0123456789abcdef0123456789abcdef-survey-key');
const now = new Date('2026-12-06T10:00:00Z');
const claim: SurveyAnswerClaim = {
  ref: { type: 'customerId:shopify', value: '207119551' },
  question: 'cart-abandon-reason',
  answer: 'price',
  cartId: '2a1ace52255252df566af0faaedfbfa7',
  expires: Math.floor(now.getTime() / 1000) + 3600,
};

describe('survey answer tokens', () => {
  it('opens a token sealed for the same tenant to the same claim', () => {
    const token = sealSurveyAnswer(secret, 'cameras', claim);
    expect(openSurveyAnswer(secret, 'cameras', token, now)).toEqual({ ok: true, claim });
  });

  it('gives the same token for the same claim, so a re-push or a replayed link is the same answer', () => {
    expect(sealSurveyAnswer(secret, 'cameras', claim)).toBe(sealSurveyAnswer(secret, 'cameras', claim));
    expect(sealSurveyAnswer(secret, 'cameras', { ...claim, answer: 'product' })).not.toBe(sealSurveyAnswer(secret, 'cameras', claim));
  });

  it('carries no readable identifier, question or answer in the URL', () => {
    const token = sealSurveyAnswer(secret, 'cameras', { ...claim, ref: { type: 'email', value: 'carla@camera.example' } });
    const bytes = Buffer.from(token, 'base64url').toString('latin1');
    for (const text of ['carla', 'camera.example', 'price', 'cart-abandon', 'email']) expect(bytes, text).not.toContain(text);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('refuses a token with any byte changed as forged', () => {
    const token = Buffer.from(sealSurveyAnswer(secret, 'cameras', claim), 'base64url');
    for (const at of [1, 13, 20, token.length - 1]) {
      const tampered = Buffer.from(token);
      tampered[at] = tampered[at]! ^ 0x01;
      expect(openSurveyAnswer(secret, 'cameras', tampered.toString('base64url'), now), `byte ${at}`).toEqual({
        ok: false,
        reason: 'forged',
      });
    }
  });

  it("refuses another tenant's token and a token sealed with another key", () => {
    const token = sealSurveyAnswer(secret, 'cameras', claim);
    expect(openSurveyAnswer(secret, 'fitness', token, now)).toEqual({ ok: false, reason: 'forged' });
    expect(openSurveyAnswer(Buffer.from('another key of the same tenant, 32+ bytes'), 'cameras', token, now)).toEqual({
      ok: false,
      reason: 'forged',
    });
  });

  it('refuses an expired token as expired', () => {
    const token = sealSurveyAnswer(secret, 'cameras', claim);
    expect(openSurveyAnswer(secret, 'cameras', token, new Date(claim.expires * 1000))).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses guesses and garbage as malformed without throwing', () => {
    for (const token of ['', 'abc', 'x'.repeat(60), '%00%00', 'A'.repeat(2000), `${'_'.repeat(50)}!`])
      expect(openSurveyAnswer(secret, 'cameras', token, now).ok, token.slice(0, 10)).toBe(false);
  });

  it('keeps a shop customer id token under 100 characters and an e-mail token under 140, so a link fits 255', () => {
    // As survey-links.ts seals them: an 8-character digest of the cart id.
    const short = { ...claim, cartId: 'Kq3xZ0aB' };
    expect(sealSurveyAnswer(secret, 'cameras', short).length).toBeLessThan(100);
    const email = { ...short, ref: { type: 'email', value: 'carla.de.vries-janssen@camera-shop.example' } };
    expect(sealSurveyAnswer(secret, 'cameras', email).length).toBeLessThan(140);
    const other = { ...claim, question: 'why-not-today', ref: { type: 'loyaltyId', value: 'NL-00042' } };
    expect(openSurveyAnswer(secret, 'cameras', sealSurveyAnswer(secret, 'cameras', other), now)).toEqual({ ok: true, claim: other });
  });

  it('refuses a token whose version byte was changed as forged or malformed, never as a valid answer', () => {
    const token = Buffer.from(sealSurveyAnswer(secret, 'cameras', claim), 'base64url');
    token[0] = 1;
    expect(openSurveyAnswer(secret, 'cameras', token.toString('base64url'), now).ok).toBe(false);
  });

  it('still opens a version 1 link (a JSON claim, the tenant as associated data) already sent in a mail', () => {
    // Sealed as version 1 did, so links in mailboxes from before the compact format keep working until they expire.
    const okm = Buffer.from(hkdfSync('sha256', secret, 'cameras', 'syncline survey link v1', 64));
    const plain = Buffer.from(JSON.stringify([claim.ref.type, claim.ref.value, claim.question, claim.answer, claim.cartId, claim.expires]));
    const nonce = createHmac('sha256', okm.subarray(32)).update(plain).digest().subarray(0, 12);
    const cipher = createCipheriv('aes-256-gcm', okm.subarray(0, 32), nonce);
    cipher.setAAD(Buffer.from('cameras'));
    const sealed = Buffer.concat([cipher.update(plain), cipher.final()]);
    const token = Buffer.concat([Buffer.from([1]), nonce, sealed, cipher.getAuthTag()]).toString('base64url');
    expect(openSurveyAnswer(secret, 'cameras', token, now)).toEqual({ ok: true, claim });
  });
});
