import { describe, expect, it } from 'vitest';
import { completeEvent } from '../sdk/contract-kit.js';
import { ConfigInvalid, PayloadInvalid, SignatureInvalid } from '../sdk/index.js';
import { createCallbackSigner } from './callback-signer.js';
import { CopernicaSettings } from './config.js';
import { encodeForm, decodeForm } from './form.js';
import { copernica } from './index.js';
import { copernicaTimeToIso } from './time.js';
import { digestMatches, parseSignatureHeader, resolveCopernicaKey, signingString } from './webhook.js';
import { CALLBACK_URL, contextFor, fixture, fixtureText, formBody, secrets, settings, signedRequest, signer } from './test-support.js';

const verify = (request: Parameters<NonNullable<typeof copernica.verifyWebhook>>[0], now = new Date(), s = settings, k = secrets) =>
  copernica.verifyWebhook!(request, k, s, now);
const parse = (request: Parameters<NonNullable<typeof copernica.parseWebhook>>[0], s = settings) =>
  copernica.parseWebhook!(request, contextFor(s)).map((draft) => completeEvent(draft, 'copernica'));

const MINUTE = 60_000;
const body = formBody('profile-create.json');

describe('Copernica callback signatures', () => {
  it('accepts a callback signed four minutes ago', () => {
    const now = new Date();
    expect(() => verify(signedRequest(body, { now: new Date(now.getTime() - 4 * MINUTE) }), now)).not.toThrow();
  });

  it('rejects a callback whose Date is older than five minutes', () => {
    const now = new Date();
    expect(() => verify(signedRequest(body, { now: new Date(now.getTime() - 6 * MINUTE) }), now)).toThrow(/five minutes/);
  });

  it('rejects a callback dated more than five minutes ahead', () => {
    const now = new Date();
    expect(() => verify(signedRequest(body, { now: new Date(now.getTime() + 6 * MINUTE) }), now)).toThrow(SignatureInvalid);
  });

  it('rejects a key id outside copernica.com', () => {
    for (const keyId of [
      'one._domainkey.copernica.com.evil.example',
      'one._domainkey.evilcopernica.com',
      'copernica.com',
      'one._domainkey.example.com',
    ]) {
      const impostor = createCallbackSigner({ keyId, accountId: 1234 });
      const withKey = { ...secrets, callbackPublicKeys: { [keyId]: impostor.publicKeyPem } };
      expect(() => verify(signedRequest(body, { by: impostor }), new Date(), settings, withKey), keyId).toThrow(/copernica\.com/);
    }
  });

  it('rejects a callback addressed to another host, even when correctly signed', () => {
    const request = signedRequest(body, { sign: { overrides: { host: 'attacker.example' } } });
    expect(() => verify(request)).toThrow(/Host/);
  });

  it('rejects a callback whose signed path is not the path it arrived on', () => {
    const request = signedRequest(body, { url: 'https://hooks.syncline.example/webhooks/other-tenant/copernica-nl' });
    expect(() => verify({ ...request, url: CALLBACK_URL })).toThrow(/does not verify/);
  });

  it('rejects a signature that does not cover the Digest', () => {
    const request = signedRequest(body, { sign: { headers: ['(request-target)', 'host', 'date', 'x-copernica-id'] } });
    expect(() => verify(request)).toThrow(/does not cover digest/);
  });

  it('rejects a callback without a Date header', () => {
    const request = signedRequest(body);
    const { date: _date, ...headers } = request.headers;
    expect(() => verify({ ...request, headers })).toThrow(SignatureInvalid);
  });

  it('rejects a callback signed for another Copernica account', () => {
    const otherAccount = createCallbackSigner({ keyId: signer.keyId, accountId: 999 });
    const k = { ...secrets, callbackPublicKeys: { [signer.keyId]: otherAccount.publicKeyPem } };
    expect(() => verify(signedRequest(body, { by: otherAccount }), new Date(), settings, k)).toThrow(/X-Copernica-ID/);
  });

  it('rejects an algorithm other than rsa-sha256 (no HMAC keyed with the public key)', () => {
    const request = signedRequest(body);
    const signature = request.headers['signature']!.replace('algorithm="rsa-sha256"', 'algorithm="hmac-sha256"');
    expect(() => verify({ ...request, headers: { ...request.headers, signature } })).toThrow(/rsa-sha256/);
  });

  it('rejects a key id it holds no key for, naming the rotation', () => {
    const k = { ...secrets, callbackPublicKeys: {} };
    expect(() => verify(signedRequest(body), new Date(), settings, k)).toThrow(/rotate monthly/);
  });

  it('refuses callbacks until the instance names its Copernica account', () => {
    const { accountId: _accountId, ...withoutAccount } = settings;
    expect(() => verify(signedRequest(body), new Date(), withoutAccount)).toThrow(ConfigInvalid);
  });

  it('verifies with the key given as the DKIM record Copernica publishes in DNS', () => {
    const k = { ...secrets, callbackPublicKeys: { [signer.keyId]: signer.dkimRecord } };
    expect(() => verify(signedRequest(body), new Date(), settings, k)).not.toThrow();
  });

  it('verifies a signature that covers more headers than the documented minimum, in its own order', () => {
    const request = signedRequest(body, {
      sign: { headers: ['date', 'digest', 'content-type', '(request-target)', 'x-copernica-id', 'host'] },
    });
    expect(() => verify(request)).not.toThrow();
  });

  it('checks the Digest of Copernica’s webhook-security example against its body', () => {
    const digest = /^Digest: (.+)$/m.exec(fixtureText('webhook-security-request.txt'))?.[1];
    expect(digestMatches(digest, Buffer.from('{"hello": "world"}'))).toBe(true);
    expect(digestMatches(digest, Buffer.from('{"hello": "world!"}'))).toBe(false);
    expect(digestMatches('MD5=XrY7u+Ae7tCTyyK7j1rNww==', Buffer.from('hello world'))).toBe(false);
  });

  it('reads the folded Signature header of Copernica’s webhook-security example', () => {
    const text = fixtureText('webhook-security-request.txt');
    const header = text.slice(text.indexOf('Signature: ') + 'Signature: '.length);
    const parsed = parseSignatureHeader(header);
    expect(parsed.keyId).toBe('one._domainkey.copernica.com');
    expect(parsed.algorithm).toBe('rsa-sha256');
    expect(parsed.headers).toEqual([
      '(request-target)',
      'host',
      'date',
      'content-length',
      'content-type',
      'x-copernica-id',
      'digest',
      'x-nonce',
    ]);
    expect(Buffer.from(parsed.signature, 'base64')).toHaveLength(128);
  });

  it('builds the signing string of draft-cavage-10 from the listed headers', () => {
    const request = {
      method: 'POST',
      url: 'https://example.org/path/to/your/script?x=1',
      headers: { host: 'example.org', date: 'Sun, 05 Jan 2014 21:31:40 GMT' },
    };
    expect(signingString(request, ['(request-target)', 'host', 'date'])).toBe(
      '(request-target): post /path/to/your/script?x=1\nhost: example.org\ndate: Sun, 05 Jan 2014 21:31:40 GMT',
    );
  });

  it('resolves the public key from the DKIM TXT record named by keyId', async () => {
    const record = signer.dkimRecord;
    const resolveTxt = async (name: string) => (name === signer.keyId ? [['v=spf1 -all'], [record.slice(0, 100), record.slice(100)]] : []);
    await expect(resolveCopernicaKey(signer.keyId, resolveTxt)).resolves.toBe(record);
    await expect(resolveCopernicaKey('key.example.com', resolveTxt)).rejects.toThrow(SignatureInvalid);
  });
});

describe('Copernica callback mapping', () => {
  it('reads first and last name through fieldMap or case-insensitively', () => {
    const payload = { action: 'update', profile: 5, database: 1, fields: { mail: 'a@example.com', Voornaam: 'Ann', lastname: 'Smith' } };
    const s = { ...settings, fieldMap: { firstName: 'voornaam' } };
    const [event] = parse(signedRequest(encodeForm(payload)), s);
    expect(event).toMatchObject({ data: { firstName: 'Ann', lastName: 'Smith' } });
  });

  it('does not repeat the unsubscribe on a later update that changed another field', () => {
    const later = { ...fixture('profile-unsubscribe.json'), parameters: { name: 'John' } };
    expect(parse(signedRequest(encodeForm(later))).map((e) => e.type)).toEqual(['customer.upserted']);
  });

  it('ignores callbacks for another database', () => {
    const payload = { ...fixture('profile-create.json'), database: 2 };
    expect(parse(signedRequest(encodeForm(payload)))).toEqual([]);
  });

  it('gives a redelivery the same event id and another delivery a new one', () => {
    const first = parse(signedRequest(formBody('message-open.json')));
    const again = parse(signedRequest(formBody('message-open.json'), { now: new Date(Date.now() + MINUTE) }));
    const other = parse(signedRequest(encodeForm({ ...fixture('message-open.json'), time: 1709630200 })));
    expect(again[0]?.sourceEventId).toBe(first[0]?.sourceEventId);
    expect(other[0]?.sourceEventId).not.toBe(first[0]?.sourceEventId);
  });

  it('answers an undocumented callback type with PayloadInvalid that does not echo the body', () => {
    expect(() => parse(signedRequest(encodeForm({ type: 'surprise', recipient: 'x@example.com' })))).toThrow(PayloadInvalid);
    expect(() => parse(signedRequest(encodeForm({ type: 'x@example.com' })))).toThrow(/unreadable/);
  });

  it('reads Copernica timestamps as wall-clock time in the instance’s zone', () => {
    expect(copernicaTimeToIso('2024-07-01 12:00:00', 'Europe/Amsterdam')).toBe('2024-07-01T10:00:00.000Z');
    expect(copernicaTimeToIso('2024-01-15 12:00:00', 'Europe/Amsterdam')).toBe('2024-01-15T11:00:00.000Z');
    expect(copernicaTimeToIso('0000-00-00 00:00:00', 'Europe/Amsterdam')).toBeUndefined();
    expect(CopernicaSettings.safeParse({ databaseId: 1, timeZone: 'Mars/Olympus' }).success).toBe(false);
  });

  it('decodes PHP-style form keys without letting them reach a prototype', () => {
    const decoded = decodeForm('fields[name]=Jo&interests[]=a&interests[]=b&__proto__[polluted]=1&fields[constructor]=x');
    expect(decoded).toEqual({ fields: { name: 'Jo' }, interests: ['a', 'b'] });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
