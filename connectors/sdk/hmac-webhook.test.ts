import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { WebhookRequest } from './define-connector.js';
import { SignatureInvalid } from './errors.js';
import { hmacWebhook } from './hmac-webhook.js';

const body = Buffer.from('{"id":1}');
const request = (headers: Record<string, string>): WebhookRequest => ({
  method: 'POST',
  url: 'https://hooks.example/w',
  headers,
  rawBody: body,
});
const scheme = hmacWebhook<{ key: string }>({
  vendor: 'Acme',
  header: 'X-Acme-Signature',
  encoding: 'base64',
  secret: (s) => s.key,
  mismatch: 'Acme signature does not match',
});

describe('hmacWebhook', () => {
  it('accepts the base64 HMAC-SHA256 of the raw body, as sign writes it', () => {
    const headers = scheme.sign('k', body);
    expect(headers).toEqual({ 'x-acme-signature': createHmac('sha256', 'k').update(body).digest('base64') });
    expect(() => scheme.verify(request(headers), { key: 'k' }, undefined)).not.toThrow();
  });

  it('refuses a missing header, a wrong key and an altered body with SignatureInvalid and its messages', () => {
    expect(() => scheme.verify(request({}), { key: 'k' }, undefined)).toThrow(
      new SignatureInvalid('Acme webhook without an X-Acme-Signature header'),
    );
    expect(() => scheme.verify(request(scheme.sign('other', body)), { key: 'k' }, undefined)).toThrow('Acme signature does not match');
    expect(() => scheme.verify(request(scheme.sign('k', '{"id":2}')), { key: 'k' }, undefined)).toThrow(SignatureInvalid);
  });

  it('refuses a duplicated signature header, which HTTP joins into one comma-separated value, whichever copy is valid', () => {
    const valid = scheme.sign('k', body)['x-acme-signature']!;
    const bogus = scheme.sign('other', body)['x-acme-signature']!;
    for (const joined of [`${valid}, ${bogus}`, `${bogus}, ${valid}`, `${valid},${valid}`, `${valid}, ${valid}`])
      expect(() => scheme.verify(request({ 'x-acme-signature': joined }), { key: 'k' }, undefined), joined).toThrow(SignatureInvalid);
  });

  it('signs what the vendor declares, in order (URL then body)', () => {
    const square = hmacWebhook<{ key: string }>({
      vendor: 'S',
      header: 'x-s',
      encoding: 'base64',
      signs: (r) => [r.url, r.rawBody],
      secret: (s) => s.key,
      mismatch: 'no',
    });
    expect(() => square.verify(request(square.sign('k', 'https://hooks.example/w', body)), { key: 'k' }, undefined)).not.toThrow();
    expect(() => square.verify(request(square.sign('k', body)), { key: 'k' }, undefined)).toThrow(SignatureInvalid);
  });

  it('computes md5(body+secret) in hex for the vendors that send it', () => {
    const ecom = hmacWebhook<{ key: string }>({
      vendor: 'E',
      header: 'X-Signature',
      encoding: 'hex',
      digest: 'md5(body+secret)',
      secret: (s) => s.key,
      mismatch: 'no',
    });
    expect(ecom.sign('k', body)).toEqual({ 'x-signature': createHash('md5').update(body).update('k').digest('hex') });
  });
});
