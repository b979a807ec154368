// The preset deflate dictionaries (aws/deflate-dictionary*.ts) and the stored forms built on them (aws/profile-codec.ts):
// a stream says which dictionary wrote it, every older form still reads, a shipped dictionary never changes, and any
// profile, history tail and event list comes back exactly as it went in.
import { createHash } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '../core/events.js';
import { emptyProfile, type Profile } from '../core/profile.js';
import { customer, order } from '../test/support/events.js';
import { CURRENT_DICTIONARY_VERSION, deflateWithDictionary, dictionaryVersion, inflateWithDictionary } from './deflate-dictionary-codec.js';
import { DEFLATE_DICTIONARY } from './deflate-dictionary.js';
import { DEFLATE_DICTIONARY_V2 } from './deflate-dictionary-v2.js';
import { presetDictionary } from './deflate-dictionary-packed.js';
import { decodeEvents, decodeStored, encodeEvents, encodeProfile, encodeProfileWithTail, type TailEvent } from './profile-codec.js';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** A profile as the merge builds it from a customer, two orders and a view: what most stored items look like. */
function typicalProfile(n: number): { profile: Profile; tail: TailEvent[] } {
  const email = `someone${n}@mail.example`;
  const events: CanonicalEvent[] = [
    customer(`c${n}`, email, '2026-11-01T10:00:00.000Z', { firstName: `First${n}`, lastName: `Last${n}` }),
    order(`o${n}a`, [{ type: 'email', value: email }], '2026-11-02T10:00:00.000Z', 42),
    order(`o${n}b`, [{ type: 'email', value: email }], '2026-11-03T10:00:00.000Z', 64),
  ];
  const profile: Profile = {
    ...emptyProfile('acme', `profile-${n}`, '2026-11-01T10:00:00.000Z'),
    version: 3,
    identifiers: [
      { type: 'customerId:shop', value: `c${n}`, source: 'shop', at: '2026-11-01T10:00:00.000Z' },
      { type: 'email', value: email, source: 'shop', at: '2026-11-01T10:00:00.000Z' },
    ],
    fields: Object.fromEntries(
      (['firstName', 'lastName', 'email'] as const).map((name) => [
        name,
        { source: 'shop', at: '2026-11-01T10:00:00.000Z', eventId: events[0]!.sourceEventId, priority: 2, value: `${name} ${n}` },
      ]),
    ),
    recentEvents: events.map((e) => `shop/${e.sourceEventId}`),
  };
  return { profile, tail: events.map((event) => ({ event, expires: 1_830_000_000 })) };
}

describe('preset deflate dictionaries', () => {
  it('writes the current dictionary version in the first byte and reads the text back', () => {
    const stream = deflateWithDictionary('{"tenantId":"acme","profileId":"p-1"}');
    expect(dictionaryVersion(stream)).toBe(CURRENT_DICTIONARY_VERSION);
    expect(CURRENT_DICTIONARY_VERSION).toBe(2);
    expect(inflateWithDictionary(stream)).toBe('{"tenantId":"acme","profileId":"p-1"}');
  });

  it('reads a stream written with dictionary 1 before versions existed, as dictionary 1', () => {
    const old = deflateRawSync('{"tenantId":"acme","identifiers":[{"type":"email","value":"ada@example.org"}]}', {
      dictionary: DEFLATE_DICTIONARY,
    });
    expect(dictionaryVersion(old)).toBe(1);
    expect(inflateWithDictionary(old)).toBe('{"tenantId":"acme","identifiers":[{"type":"email","value":"ada@example.org"}]}');
  });

  it('refuses a stream of a dictionary it does not know, naming the version, instead of reading something else', () => {
    const future = Buffer.concat([Buffer.from([(3 << 3) | 0b111]), deflateRawSync('{}')]);
    expect(dictionaryVersion(future)).toBe(3);
    expect(() => inflateWithDictionary(future)).toThrow(/dictionary 3/);
  });

  it('takes no raw deflate stream, whatever it holds and however it was deflated, for a versioned one', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 3000 }),
        fc.constantFrom(undefined, DEFLATE_DICTIONARY, DEFLATE_DICTIONARY_V2),
        fc.integer({ min: 0, max: 9 }),
        fc.constantFrom(0, 1, 2, 3, 4),
        (text, dictionary, level, strategy) => {
          const stream = deflateRawSync(text, { level, strategy, ...(dictionary ? { dictionary } : {}) });
          expect(dictionaryVersion(stream)).toBe(1);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never changes a shipped dictionary: items written with it need exactly its bytes', () => {
    expect(sha256(DEFLATE_DICTIONARY)).toBe('836a8650b94a46b370e67950b0d70757f4169a70ca1033b3823460cdff43a9b2');
    expect(sha256(DEFLATE_DICTIONARY_V2)).toBe('c8a86aef2f0a1cb1f84df50cf6a4af7c58f92aaf47e7d24569e29f62d8fdde63');
  });

  it('packs exactly the readable dictionaries for the functions to load', () => {
    expect(presetDictionary(1)!.equals(DEFLATE_DICTIONARY)).toBe(true);
    expect(presetDictionary(2)!.equals(DEFLATE_DICTIONARY_V2)).toBe(true);
    expect(presetDictionary(3)).toBeUndefined();
    expect(presetDictionary(0)).toBeUndefined();
  });

  it('holds no person and no bench value, only structure every tenant shares', () => {
    const text = DEFLATE_DICTIONARY_V2.toString('utf8');
    for (const value of ['example.com', 'bench', 'person1', 'coffee', 'Chestnut', 'IPod', '@example']) expect(text).not.toContain(value);
  });

  it('stores a typical profile and its history tail in fewer bytes with dictionary 2 than with dictionary 1', () => {
    for (let n = 0; n < 5; n++) {
      const { profile, tail } = typicalProfile(n);
      const json = JSON.stringify({ profile, tail });
      const v1 = deflateRawSync(json, { dictionary: DEFLATE_DICTIONARY }).length;
      const { doch } = encodeProfileWithTail(profile, tail);
      expect(doch.length, `profile ${n}: ${json.length} bytes of JSON`).toBeLessThan(v1 * 0.9);
    }
  });
});

const text = fc.string({ unit: 'binary', maxLength: 40 });
const time = fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
const money = fc.integer({ min: 0, max: 1_000_000 }).map((cents) => cents / 100);
const provenance = { source: text, at: time, eventId: text, priority: fc.integer({ min: 0, max: 9 }) };
const line = fc.record(
  { productId: text, sku: text, name: text, category: text, quantity: fc.integer({ min: 0, max: 99 }), price: money },
  { requiredKeys: ['name', 'quantity', 'price'] },
);
const profileArbitrary: fc.Arbitrary<Profile> = fc
  .record({
    profileId: fc.uuid(),
    version: fc.integer({ min: 1, max: 1_000_000 }),
    identifiers: fc.array(fc.record({ type: fc.constantFrom('email', 'phone', 'customerId:shop'), value: text, source: text, at: time }), {
      maxLength: 4,
    }),
    fields: fc.dictionary(text, fc.record({ ...provenance, value: fc.oneof(text, money, fc.boolean(), fc.constant(null)) }), {
      maxKeys: 12,
    }),
    consent: fc.dictionary(
      fc.constantFrom('email_marketing', 'sms_marketing', 'personalisation', 'profiling', 'advertising'),
      fc.record(
        { ...provenance, granted: fc.boolean(), method: text },
        { requiredKeys: ['source', 'at', 'eventId', 'priority', 'granted'] },
      ),
    ),
    orders: fc.dictionary(
      text,
      fc.record({
        ...provenance,
        orderId: text,
        channel: fc.constantFrom('web' as const, 'pos' as const),
        currency: fc.constantFrom('EUR', 'USD'),
        total: money,
        placedAt: time,
        status: fc.constantFrom('placed' as const, 'paid' as const, 'refunded' as const),
        lines: fc.array(line, { maxLength: 5 }),
      }),
      { maxKeys: 5 },
    ),
    activity: fc.array(
      fc.record({
        key: text,
        at: time,
        kind: fc.constantFrom('product.viewed' as const, 'email.engaged' as const),
        detail: fc.dictionary(text, text),
      }),
      { maxLength: 10 },
    ),
    recentEvents: fc.array(text, { maxLength: 20 }),
    mergedInto: fc.option(fc.uuid(), { nil: undefined }),
  })
  .map(({ mergedInto, ...parts }) => ({
    ...emptyProfile('acme', parts.profileId, '2026-01-01T00:00:00.000Z'),
    ...parts,
    ...(mergedInto === undefined ? {} : { mergedInto }),
  }));
const eventsArbitrary = fc.array(
  fc
    .tuple(fc.boolean(), fc.string({ minLength: 1, maxLength: 20 }), text, time, money)
    .map(([isOrder, id, name, at, total]) =>
      isOrder
        ? order(`o${id}`, [{ type: 'email', value: `${id}@x.example` }], at, total, { lines: [{ name, quantity: 1, price: total }] })
        : customer(`c${id}`, `${id}@x.example`, at, { firstName: name }),
    ),
  { maxLength: 8 },
);

describe('stored profile forms', () => {
  it('gives back any profile exactly, stored plain or deflated, beside keys of any size', () => {
    fc.assert(
      fc.property(profileArbitrary, fc.integer({ min: 0, max: 1200 }), (profile, otherBytes) => {
        const stored = encodeProfile(profile, otherBytes);
        expect(decodeStored({ ...stored, version: profile.version })).toEqual({ profile, tail: [] });
      }),
      { numRuns: 200 },
    );
  });

  it('gives back any profile and its history tail exactly, deflated together', () => {
    fc.assert(
      fc.property(profileArbitrary, eventsArbitrary, fc.integer({ min: 0, max: 2 ** 31 }), (profile, events, expires) => {
        const tail = events.map((event) => ({ event, expires }));
        const { doch } = encodeProfileWithTail(profile, tail);
        expect(dictionaryVersion(doch)).toBe(CURRENT_DICTIONARY_VERSION);
        expect(decodeStored({ doch, version: profile.version })).toEqual({ profile, tail });
      }),
      { numRuns: 200 },
    );
  });

  it('gives back any list of history events exactly, stored plain or deflated', () => {
    fc.assert(
      fc.property(eventsArbitrary, fc.integer({ min: 0, max: 1200 }), (events, otherBytes) => {
        expect(decodeEvents(encodeEvents(events, otherBytes))).toEqual(events);
      }),
      { numRuns: 200 },
    );
  });

  it('reads every profile form written before dictionary 2: a map, deflated without a dictionary, with dictionary 1', () => {
    const { profile, tail } = typicalProfile(7);
    const { version, ...doc } = profile;
    const v1 = (value: unknown) => deflateRawSync(JSON.stringify(value), { dictionary: DEFLATE_DICTIONARY });
    expect(decodeStored({ version, doc })).toEqual({ profile, tail: [] });
    expect(decodeStored({ version, docz: deflateRawSync(JSON.stringify(doc)) })).toEqual({ profile, tail: [] });
    expect(decodeStored({ version, docd: v1(doc) })).toEqual({ profile, tail: [] });
    expect(decodeStored({ version, doch: v1({ profile: doc, tail }) })).toEqual({ profile, tail });
    const events = tail.map((t) => t.event);
    expect(decodeEvents({ eventsd: v1(events) })).toEqual(events);
    expect(decodeEvents({ eventz: deflateRawSync(JSON.stringify(events)) })).toEqual(events);
  });
});
