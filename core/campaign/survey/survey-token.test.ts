import { describe, expect, it } from 'vitest';
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
});
