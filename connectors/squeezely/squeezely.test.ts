import { describe, expect, it } from 'vitest';
import { runContractTests } from '../sdk/contract-kit.js';
import { contextFor as contextIn, fixturesOf, withVendor } from '../sdk/testing/index.js';
import { capabilitiesOf, type ConnectorContext, type ProfileChange } from '../sdk/index.js';
import { SqueezelySettings, type SqueezelySecrets } from './config.js';
import { pushChanges } from './destination.js';
import { squeezely } from './index.js';
import { toTrackEvent } from './mapping.js';
import { TrackEvent, TrackRequest } from './schemas.js';
import { startSqueezelySimulator, type SqueezelySimulator } from './simulator.js';

const secrets: SqueezelySecrets = { accountId: 'sim-account', apiKey: 'sim-api-key' };
const settings = SqueezelySettings.parse({});
const fixture = (name: string): unknown => fixturesOf('squeezely').json(name);

runContractTests({
  connector: squeezely,
  settings,
  secrets,
  push: { startVendor: (faults) => startSqueezelySimulator(faults ? { faults } : {}) },
});

const contextFor = (s: SqueezelySettings, k: SqueezelySecrets = secrets): ConnectorContext<SqueezelySettings, SqueezelySecrets> =>
  contextIn('squeezely', s, k);

function change(fields: ProfileChange['fields'], overrides: Partial<ProfileChange> = {}): ProfileChange {
  return {
    profileId: 'p-1',
    email: ' Jan@Schmit.com ',
    identifiers: [
      { type: 'email', value: 'jan@schmit.com' },
      { type: 'customerId:shopify', value: '42' },
    ],
    fields,
    changed: Object.keys(fields),
    consent: { personalisation: true },
    ...overrides,
  };
}

const withSimulator = (run: (sim: SqueezelySimulator) => Promise<void>, options: Parameters<typeof startSqueezelySimulator>[0] = {}) =>
  withVendor(startSqueezelySimulator(options), run);

const fast = { retries: 3, minDelayMs: 1 };

describe('Squeezely documented payloads', () => {
  it.each(['track-purchase-docs.json', 'crm-update-magento.json', 'email-opt-in-magento.json', 'complete-registration-magento.json'])(
    'accepts %s as a track event, field by field',
    (name) => {
      const event = TrackEvent.parse(fixture(name));
      expect(event).toEqual(fixture(name));
      expect(TrackRequest.safeParse({ events: [event] }).success).toBe(true);
    },
  );

  it('reads the documented Purchase example in Squeezely words', () => {
    const purchase = TrackEvent.parse(fixture('track-purchase-docs.json'));
    expect(purchase).toMatchObject({
      event: 'Purchase',
      email: 'jan@schmit.com',
      gender: 'M',
      birthdate: '1985-12-31',
      orderid: '12345',
      currency: 'EUR',
    });
    expect(purchase.products).toEqual([{ id: 'ABC123', name: 'Product 1', price: 29.99, quantity: 2 }]);
  });

  it('refuses a property Squeezely does not document unless it is a custom_ field', () => {
    expect(TrackEvent.safeParse({ event: 'CRMUpdate', email: 'a@b.nl', shoeSize: 44 }).success).toBe(false);
    expect(TrackEvent.safeParse({ event: 'CRMUpdate', email: 'a@b.nl', custom_shoe_size: 44 }).success).toBe(true);
  });
});

describe('Squeezely profile mapping', () => {
  it("builds the same CRMUpdate event as Squeezely's own Magento plugin", () => {
    const mapped = toTrackEvent(
      change({ firstName: 'Jan', lastName: 'Schmidt', birthdate: '1985-12-31T00:00:00.000Z' }),
      SqueezelySettings.parse({ userIdFrom: 'shopify' }),
      'squeezely',
    );
    expect(mapped).toEqual({
      ok: true,
      event: { event: 'CRMUpdate', email: 'jan@schmit.com', userid: '42', firstname: 'Jan', lastname: 'Schmidt', birthdate: '1985-12-31' },
    });
    const { gender: _gender, ...plugin } = fixture('crm-update-magento.json') as Record<string, unknown>;
    expect(mapped.ok && mapped.event).toEqual(plugin);
  });

  it('maps every default field to its Squeezely property and leaves unmapped fields out', () => {
    const mapped = toTrackEvent(
      change({
        firstName: 'Jan',
        lastName: 'S',
        phone: '+31612345678',
        birthdate: '1985-12-31',
        city: 'Utrecht',
        postalCode: '3511AB',
        country: 'NL',
        locale: 'nl-NL',
        orderCount: 3,
      }),
      settings,
      'squeezely',
    );
    expect(mapped).toEqual({
      ok: true,
      event: {
        event: 'CRMUpdate',
        email: 'jan@schmit.com',
        firstname: 'Jan',
        lastname: 'S',
        phone: '+31612345678',
        birthdate: '1985-12-31',
        city: 'Utrecht',
        postcode: '3511AB',
        country: 'NL',
        language: 'nl-NL',
      },
    });
  });

  it('sends e-mail consent as newsletter yes/no and segments as a configured custom field', () => {
    const custom = SqueezelySettings.parse({ fieldMap: { segments: 'custom_syncline_segments', orderCount: 'custom_order_count' } });
    const mapped = toTrackEvent(change({ consentEmailMarketing: false, segments: 'repeat,loyal', orderCount: 3 }), custom, 'squeezely');
    expect(mapped).toEqual({
      ok: true,
      event: {
        event: 'CRMUpdate',
        email: 'jan@schmit.com',
        newsletter: 'no',
        custom_syncline_segments: 'repeat,loyal',
        custom_order_count: 3,
      },
    });
  });

  it('says plainly that a personalisation withdrawal has no documented property unless one is mapped', () => {
    const withdrawal = change({ consentPersonalisation: false }, { consent: { personalisation: false } });
    const unmapped = toTrackEvent(withdrawal, settings, 'squeezely');
    expect(unmapped.ok).toBe(false);
    expect(!unmapped.ok && unmapped.reason).toMatch(/no property for consentPersonalisation.*custom_/);
    const mapped = toTrackEvent(
      withdrawal,
      SqueezelySettings.parse({ fieldMap: { consentPersonalisation: 'custom_personalisation' } }),
      'squeezely',
    );
    expect(mapped).toEqual({ ok: true, event: { event: 'CRMUpdate', email: 'jan@schmit.com', custom_personalisation: 'no' } });
  });
});

describe('Squeezely push', () => {
  it('sends a consent withdrawal without consent, and nothing else', () =>
    withSimulator(async (sim) => {
      const s = SqueezelySettings.parse({
        apiBaseUrl: sim.settings.apiBaseUrl,
        fieldMap: { consentPersonalisation: 'custom_personalisation' },
      });
      const outcomes = await pushChanges(contextFor(s), [
        change({ consentPersonalisation: false }, { profileId: 'withdrawn', consent: { personalisation: false } }),
        change({ firstName: 'Jan' }, { profileId: 'no-consent', consent: { personalisation: false } }),
      ]);
      expect(outcomes).toEqual([
        { profileId: 'withdrawn', status: 'pushed' },
        { profileId: 'no-consent', status: 'failed', reason: 'no consent for personalisation', retryable: false },
      ]);
      expect(sim.events()).toEqual([{ event: 'CRMUpdate', email: 'jan@schmit.com', custom_personalisation: 'no' }]);
    }));

  it('puts at most batchSize events in one request and keeps outcomes in order', () =>
    withSimulator(async (sim) => {
      const s = SqueezelySettings.parse({ apiBaseUrl: sim.settings.apiBaseUrl, batchSize: 40 });
      const changes = Array.from({ length: 100 }, (_, i) =>
        change({ firstName: `F${i}` }, { profileId: `p-${i}`, email: `p${i}@example.com` }),
      );
      const outcomes = await pushChanges(contextFor(s), changes);
      expect(outcomes.map((o) => o.profileId)).toEqual(changes.map((c) => c.profileId));
      expect(outcomes.every((o) => o.status === 'pushed')).toBe(true);
      expect(sim.batches()).toEqual([40, 40, 20]);
    }));

  it('waits out 429 with Retry-After and a 500, then delivers', () =>
    withSimulator(
      async (sim) => {
        const outcomes = await pushChanges(contextFor(sim.settings), [change({ firstName: 'Jan' })], fast);
        expect(outcomes).toEqual([{ profileId: 'p-1', status: 'pushed' }]);
        expect(sim.requests()).toBe(4);
      },
      { faults: { rateLimitFirst: 2, failNext: 1 } },
    ));

  it('fails the batch without retrying when Squeezely answers 200 with errors, and keeps e-mail addresses out of the reason', () =>
    withSimulator(
      async (sim) => {
        const outcomes = await pushChanges(contextFor(sim.settings), [change({ firstName: 'Jan' })], fast);
        expect(outcomes).toEqual([
          { profileId: 'p-1', status: 'failed', reason: expect.stringContaining('TIMESTAMP_ERROR'), retryable: false },
        ]);
        expect(JSON.stringify(outcomes)).not.toContain('schmit.com');
        expect(sim.requests()).toBe(1);
      },
      { refuseNext: 1 },
    ));

  it('reports wrong credentials as a failure that retrying will not fix', () =>
    withSimulator(async (sim) => {
      const outcomes = await pushChanges(
        contextFor(sim.settings, { accountId: 'sim-account', apiKey: 'wrong' }),
        [change({ firstName: 'Jan' })],
        fast,
      );
      expect(outcomes).toEqual([{ profileId: 'p-1', status: 'failed', reason: expect.stringMatching(/401/), retryable: false }]);
      expect(JSON.stringify(outcomes)).not.toContain('wrong');
    }));

  it('refuses a profile without an e-mail address', () =>
    withSimulator(async (sim) => {
      const outcomes = await pushChanges(contextFor(sim.settings), [change({ firstName: 'Jan' }, { email: undefined, identifiers: [] })]);
      expect(outcomes[0]).toMatchObject({ status: 'failed', retryable: false });
      expect(sim.requests()).toBe(0);
    }));
});

describe('Squeezely capabilities', () => {
  it('only pushes: Squeezely documents no webhook, export, read API or deletion', () => {
    expect(capabilitiesOf(squeezely)).toEqual({ webhook: false, poll: false, push: true, erase: false });
    expect(squeezely.push?.purpose).toBe('personalisation');
  });
});
