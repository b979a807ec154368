import { describe, expect, it } from 'vitest';
import { PayloadInvalid } from '../sdk/index.js';
import { contextFor, fixturesOf } from '../sdk/testing/index.js';
import { website } from './index.js';
import { WebsiteSettings } from './settings.js';

const fixtures = fixturesOf('website');
const settings = WebsiteSettings.parse({
  writeKey: 'pk_demo_web_0123456789',
  origins: ['https://demo-shop.example'],
  purposes: ['analytics', 'personalisation'],
  customerIdInstance: 'shopify',
});
const parse = (body: unknown, s: WebsiteSettings = settings) => website.collect!.parse(body, contextFor('web', s, {}));
const batch = (events: unknown[]) => ({ writeKey: settings.writeKey, anonymousId: 'visitor-0001', events });

describe('the website connector', () => {
  it('maps a visit that ends in a login to the events in visit-then-login.expected.json', () => {
    expect(parse(fixtures.json('visit-then-login.json'))).toEqual(fixtures.json('visit-then-login.expected.json'));
  });

  it('queues no event for page views', () => {
    expect(parse(batch([{ type: 'page', id: 'p1', at: '2026-12-05T10:00:00Z', data: {} }]))).toEqual([]);
  });

  it('joins the anonymous id to the e-mail and the shop customer id on identify', () => {
    const [event] = parse(batch([{ type: 'identify', id: 'i1', at: '2026-12-05T10:00:00Z', data: { email: 'A@x.nl', customerId: '9' } }]));
    expect(event?.identifiers).toEqual([
      { type: 'anonymousId', value: 'visitor-0001' },
      { type: 'email', value: 'a@x.nl' },
      { type: 'customerId:shopify', value: '9' },
    ]);
  });

  it('ignores a customer id when the site names no shop instance, and an identify that identifies nobody', () => {
    const without = WebsiteSettings.parse({ ...settings, customerIdInstance: undefined });
    expect(parse(batch([{ type: 'identify', id: 'i1', at: '2026-12-05T10:00:00Z', data: { customerId: '9' } }]), without)).toEqual([]);
    expect(parse(batch([{ type: 'identify', id: 'i2', at: '2026-12-05T10:00:00Z', data: { email: 'not an address' } }]))).toEqual([]);
  });

  it('records consent only for the purposes the site asks for', () => {
    const analyticsOnly = WebsiteSettings.parse({ ...settings, purposes: ['analytics'] });
    const events = parse(
      batch([{ type: 'consent', id: 'c1', at: '2026-12-05T10:00:00Z', data: { analytics: false, personalisation: true } }]),
      analyticsOnly,
    );
    expect(events.map((e) => e.type === 'consent.changed' && e.data)).toEqual([
      { purpose: 'profiling', granted: false, method: 'website' },
    ]);
  });

  it('records the advertising purpose when the site asks for it, and no answer from a script that predates it', () => {
    const withAds = WebsiteSettings.parse({ ...settings, purposes: ['analytics', 'advertising'] });
    const granted = parse(
      batch([
        { type: 'consent', id: 'c1', at: '2026-12-05T10:00:00Z', data: { analytics: true, personalisation: false, advertising: true } },
      ]),
      withAds,
    );
    expect(granted.map((e) => e.type === 'consent.changed' && e.data)).toEqual([
      { purpose: 'profiling', granted: true, method: 'website' },
      { purpose: 'advertising', granted: true, method: 'website' },
    ]);
    const older = parse(
      batch([{ type: 'consent', id: 'c2', at: '2026-12-05T10:00:00Z', data: { analytics: true, personalisation: false } }]),
      withAds,
    );
    expect(older.map((e) => e.type === 'consent.changed' && e.data.purpose)).toEqual(['profiling']);
  });

  it('refuses a batch that is not what syncline.js sends, naming the field', () => {
    expect(() => parse({ writeKey: 'k', anonymousId: 'x', events: [] })).toThrow(PayloadInvalid);
    expect(() => parse(batch([{ type: 'product', id: 'p', at: '2026-12-05T10:00:00Z', data: {} }]))).toThrow(/sku or a productId/);
    expect(() =>
      parse(batch(Array.from({ length: 51 }, (_, i) => ({ type: 'page', id: `p${i}`, at: '2026-12-05T10:00:00Z', data: {} })))),
    ).toThrow(/events/);
  });

  it('accepts only origins without a path in its settings', () => {
    expect(WebsiteSettings.safeParse({ ...settings, origins: ['https://shop.example/'] }).success).toBe(false);
    expect(WebsiteSettings.safeParse({ ...settings, origins: ['https://shop.example:8443'] }).success).toBe(true);
  });
});
