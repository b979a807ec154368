import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MAX_TOKEN_SECONDS, signCustomerToken, verifyCustomerToken } from './customer-token.js';

const NOW = new Date('2026-06-15T12:00:00Z');
const SECRET = 'site-secret-0123456789abcdef';
const site = { tenant: 'acme', site: 'web' };
const payload = { tenant: 'acme', site: 'web', instance: 'shop', customerId: '1001', exp: NOW.getTime() / 1000 + 600 };

describe('customer token', () => {
  it('verifies a token the shop signed with the site secret and names the shop customer', () => {
    const verified = verifyCustomerToken(signCustomerToken(payload, SECRET), SECRET, site, NOW);
    expect(verified).toEqual({ ok: true, payload });
  });

  it('refuses a token signed with another secret, or whose payload was changed after signing', () => {
    const token = signCustomerToken(payload, SECRET);
    expect(verifyCustomerToken(token, 'another-secret', site, NOW)).toEqual({ ok: false, reason: 'bad-signature' });
    const [v, , sig] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...payload, customerId: '1002' })).toString('base64url');
    expect(verifyCustomerToken(`${v}.${forged}.${sig}`, SECRET, site, NOW)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('verifies the form a Shopify theme can make in Liquid: the payload padded, the HMAC in hex', () => {
    // {{ payload | base64_url_safe_encode }} pads with "="; {{ 'v1.' | append: body | hmac_sha256: secret }} is hex.
    const body = Buffer.from(JSON.stringify(payload)).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
    expect(body.endsWith('='), 'this payload needs padding').toBe(true);
    const hex = createHmac('sha256', SECRET).update(`v1.${body}`).digest('hex');
    expect(verifyCustomerToken(`v1.${body}.${hex}`, SECRET, site, NOW)).toEqual({ ok: true, payload });
    expect(verifyCustomerToken(`v1.${body}.${hex.replace(/^./, hex[0] === 'a' ? 'b' : 'a')}`, SECRET, site, NOW)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
  });

  it('refuses an expired token and one that lives longer than a day', () => {
    const expired = signCustomerToken({ ...payload, exp: NOW.getTime() / 1000 - 1 }, SECRET);
    expect(verifyCustomerToken(expired, SECRET, site, NOW)).toEqual({ ok: false, reason: 'expired' });
    const forever = signCustomerToken({ ...payload, exp: NOW.getTime() / 1000 + MAX_TOKEN_SECONDS + 60 }, SECRET);
    expect(verifyCustomerToken(forever, SECRET, site, NOW)).toEqual({ ok: false, reason: 'too-long-lived' });
  });

  it('refuses a token made for another site of the same secret', () => {
    const other = signCustomerToken({ ...payload, site: 'outlet' }, SECRET);
    expect(verifyCustomerToken(other, SECRET, site, NOW)).toEqual({ ok: false, reason: 'wrong-site' });
  });

  it('refuses text that is no token, without throwing', () => {
    for (const junk of ['', 'v1', 'v1..', 'v2.a.b', 'v1.!!!.???', `v1.${Buffer.from('not json').toString('base64url')}.x`])
      expect(verifyCustomerToken(junk, SECRET, site, NOW).ok).toBe(false);
  });
});
