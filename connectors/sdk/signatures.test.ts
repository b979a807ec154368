import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signatureMatches } from './signatures.js';

const expected = (body: string) => createHmac('sha256', 'k').update(body).digest();

/** A body whose base64 HMAC holds a `+` or `/`, so that its base64url form differs in more than the padding. */
function bodyWithUrlUnsafeSignature(): string {
  for (let i = 0; ; i++) if (/[+/]/.test(expected(`{"id":${i}}`).toString('base64'))) return `{"id":${i}}`;
}

describe('signatureMatches', () => {
  it('accepts the exact base64 and hex forms of the expected bytes, hex in either case', () => {
    const digest = expected('{"id":1}');
    expect(signatureMatches(digest.toString('base64'), digest, 'base64')).toBe(true);
    expect(signatureMatches(digest.toString('hex'), digest, 'hex')).toBe(true);
    expect(signatureMatches(digest.toString('hex').toUpperCase(), digest, 'hex')).toBe(true);
  });

  it('refuses base64 with junk characters, whitespace, missing padding or in the base64url form, though the bytes decode the same', () => {
    const body = bodyWithUrlUnsafeSignature();
    const digest = expected(body);
    const b64 = digest.toString('base64');
    for (const [why, value] of [
      ['junk inside', `${b64.slice(0, 10)}%%${b64.slice(10)}`],
      ['junk after', `${b64}!!`],
      ['a space inside', `${b64.slice(0, 10)} ${b64.slice(10)}`],
      ['surrounding whitespace', ` ${b64} `],
      ['no padding', b64.replace(/=+$/, '')],
      ['base64url', digest.toString('base64url')],
      ['base64url with padding', b64.replace(/\+/g, '-').replace(/\//g, '_')],
      ['a second value joined by a comma', `${b64}, AAAA`],
      ['unused bits set in the last character', `${b64.slice(0, -2)}${String.fromCharCode(b64.charCodeAt(b64.length - 2) + 1)}=`],
    ])
      expect(signatureMatches(value, digest, 'base64'), why).toBe(false);
  });

  it('refuses hex with a trailing zz, an odd digit, a 0x prefix or a second value', () => {
    const digest = expected('{"id":1}');
    const hex = digest.toString('hex');
    for (const [why, value] of [
      ['trailing zz', `${hex}zz`],
      ['trailing digit', `${hex}0`],
      ['0x prefix', `0x${hex}`],
      ['a second value joined by a comma', `${hex}, ${'0'.repeat(64)}`],
      ['a space inside', `${hex.slice(0, 8)} ${hex.slice(8)}`],
    ])
      expect(signatureMatches(value, digest, 'hex'), why).toBe(false);
  });
});
