import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { onePageBudget, runContractTests } from '../sdk/contract-kit.js';
import { profileChange, withVendor } from '../sdk/testing/index.js';
import { hmacSha256, PayloadInvalid, SignatureInvalid, type EventDraft, type ProfileChange } from '../sdk/index.js';
import { DEFAULT_REVISION, KlaviyoSettings } from './config.js';
import { chunk, eraseSubjects, pushChanges } from './destination.js';
import { klaviyo } from './index.js';
import { pollKlaviyo, readCursor } from './poll.js';
import { expectedPollEvents, generateSampleEvents, startKlaviyoSimulator, type KlaviyoSimulator } from './simulator.js';
import { contextFor, fixtureText, INSTANCE, secrets, settings, signedRequest, WEBHOOK_URL, wrongSecrets } from './test-support.js';
import { signKlaviyoWebhook } from './webhook.js';

const sample = generateSampleEvents(30);

runContractTests({
  connector: klaviyo,
  instance: INSTANCE,
  settings,
  secrets,
  webhooks: {
    url: WEBHOOK_URL,
    sign: (rawBody, k, _url, now) => signKlaviyoWebhook(rawBody, k.webhookSecret, now),
    wrongSecrets,
    headers: { 'content-type': 'application/json' },
  },
  poll: {
    startVendor: (faults) => startKlaviyoSimulator({ events: sample, pageSize: 7, ...(faults ? { faults } : {}) }),
    expectedEvents: expectedPollEvents(sample),
  },
  push: { startVendor: (faults) => startKlaviyoSimulator(faults ? { faults } : {}) },
});

const NOW = new Date('2026-03-10T12:00:00Z');
const parse = (file: string) => klaviyo.parseWebhook!(signedRequest(fixtureText(file), NOW), contextFor());
const verify = (request: ReturnType<typeof signedRequest>, s = settings, now = NOW) => klaviyo.verifyWebhook!(request, secrets, s, now);

describe('Klaviyo webhook signature', () => {
  const body = fixtureText('unsubscribed-from-email-marketing.json');

  it("signs the raw body followed by the Klaviyo-Timestamp header, hex, as in Klaviyo's reference code", () => {
    const timestamp = 'Thu, 04 Jan 2024 18:05:25 GMT';
    const expected = hmacSha256(secrets.webhookSecret, Buffer.concat([Buffer.from(body), Buffer.from(timestamp)])).toString('hex');
    const request = signedRequest(body, NOW, { 'klaviyo-timestamp': timestamp, 'klaviyo-signature': expected });
    expect(() => verify(request, settings, new Date('2024-01-04T18:06:00Z'))).not.toThrow();
    const reversed = hmacSha256(secrets.webhookSecret, timestamp, body).toString('hex');
    expect(() =>
      verify({ ...request, headers: { ...request.headers, 'klaviyo-signature': reversed } }, settings, new Date('2024-01-04T18:06:00Z')),
    ).toThrow(SignatureInvalid);
  });

  it('accepts the timestamp as an HTTP date or as ISO 8601, signed as sent', () => {
    const iso = '2026-03-10T11:59:30+00:00';
    const signature = hmacSha256(secrets.webhookSecret, body, iso).toString('hex');
    expect(() => verify(signedRequest(body, NOW, { 'klaviyo-timestamp': iso, 'klaviyo-signature': signature }))).not.toThrow();
  });

  it('rejects a replay: a correctly signed delivery older than the window', () => {
    const old = signedRequest(body, new Date(NOW.getTime() - 301_000));
    expect(() => verify(old)).toThrow(/replay/);
    expect(() => verify(signedRequest(body, new Date(NOW.getTime() - 299_000)))).not.toThrow();
  });

  it('accepts a replayed delivery only inside the window, whatever its age, and never with a re-dated timestamp (fast-check)', () => {
    const windowMs = settings.webhookMaxAgeSeconds * 1000;
    fc.assert(
      fc.property(fc.integer({ min: -3 * windowMs, max: 3 * windowMs }), fc.integer({ min: 1, max: 10 * windowMs }), (ageMs, shiftMs) => {
        const sent = signedRequest(body, new Date(NOW.getTime() - ageMs));
        if (Math.abs(ageMs) <= windowMs - 1000) expect(() => verify(sent)).not.toThrow();
        if (Math.abs(ageMs) > windowMs + 1000) expect(() => verify(sent)).toThrow(SignatureInvalid);
        // Moving an old delivery's timestamp into the window breaks its signature.
        const redated = {
          ...sent,
          headers: { ...sent.headers, 'klaviyo-timestamp': new Date(NOW.getTime() - ageMs + shiftMs).toUTCString() },
        };
        if (new Date(NOW.getTime() - ageMs + shiftMs).toUTCString() !== sent.headers['klaviyo-timestamp'])
          expect(() => verify(redated)).toThrow(SignatureInvalid);
      }),
      { numRuns: 200, ...(process.env.CI ? { seed: 20261123 } : {}) },
    );
  });

  it('rejects a changed timestamp, a wrong secret and a missing signature', () => {
    const good = signedRequest(body, NOW);
    expect(() =>
      verify({ ...good, headers: { ...good.headers, 'klaviyo-timestamp': new Date(NOW.getTime() + 1000).toUTCString() } }),
    ).toThrow(SignatureInvalid);
    expect(() => verify(signedRequest(body, NOW, {}, wrongSecrets.webhookSecret))).toThrow(SignatureInvalid);
    const { 'klaviyo-signature': _dropped, ...unsigned } = good.headers;
    expect(() => verify({ ...good, headers: unsigned })).toThrow(SignatureInvalid);
  });

  it('rejects a delivery whose Klaviyo-Webhook-Id differs from meta.klaviyo_webhook_id, or is not subscribed', () => {
    expect(() => verify(signedRequest(body, NOW, { 'klaviyo-webhook-id': '01OTHERWEBHOOK' }))).toThrow(/klaviyo_webhook_id/);
    expect(() => verify(signedRequest(body, NOW), { ...settings, webhookIds: ['01OTHERWEBHOOK'] })).toThrow(SignatureInvalid);
    expect(() => verify(signedRequest(body, NOW), { ...settings, webhookIds: ['01KP4EGG9B0AEF4VJD749M6H9D'] })).not.toThrow();
  });
});

describe('Klaviyo webhooks → canonical events', () => {
  it('ignores topics it does not sync (SMS, orders) instead of failing the delivery', () => {
    const body = fixtureText('email-delivered.json').replace('event: email_delivered', 'event:klaviyo.sent_sms');
    expect(klaviyo.parseWebhook!(signedRequest(body, NOW), contextFor())).toEqual([]);
  });

  it('maps a Viewed Product event to product.viewed with its first category, for the next job and cross-sell', () => {
    const body = fixtureText('email-delivered.json')
      .replace('event: email_delivered', 'event:klaviyo.viewed_product')
      .replace(
        '"$ESP": 0,',
        '"ProductID": 1234, "Name": "Tile cutter", "Categories": ["", "Tiles", "Tools"], "URL": "https://shop.example/p/1234",',
      );
    const [viewed, ...rest] = klaviyo.parseWebhook!(signedRequest(body, NOW), contextFor());
    expect(rest).toEqual([]);
    expect(viewed).toMatchObject({ type: 'product.viewed', data: { productId: '1234', name: 'Tile cutter', category: 'Tiles' } });
    const noProduct = body.replace('"ProductID": 1234,', '');
    expect(klaviyo.parseWebhook!(signedRequest(noProduct, NOW), contextFor()), 'no product id: nothing').toEqual([]);
  });

  it('rejects a body that is not a system webhook', () => {
    expect(() => klaviyo.parseWebhook!(signedRequest('{"data":{}}', NOW), contextFor())).toThrow(PayloadInvalid);
    expect(() => klaviyo.parseWebhook!(signedRequest('not json', NOW), contextFor())).toThrow(PayloadInvalid);
  });
});

const withSimulator = (run: (sim: KlaviyoSimulator) => Promise<void>, options: Parameters<typeof startKlaviyoSimulator>[0] = {}) =>
  withVendor(startKlaviyoSimulator(options), run);

const only = <T extends EventDraft['type']>(events: EventDraft[], type: T) =>
  events.filter((e): e is Extract<EventDraft, { type: T }> => e.type === type);

describe('Klaviyo poll', () => {
  it('asks for events oldest first with metric and profile included, and maps opens and clicks with the address', () =>
    withSimulator(
      async (sim) => {
        const page = await pollKlaviyo(contextFor(sim.settings, sim.secrets), undefined, onePageBudget());
        const query = sim.eventQueries()[0]!;
        expect(Object.fromEntries(query)).toEqual({
          sort: 'datetime',
          include: 'metric,profile',
          'fields[metric]': 'name',
          'fields[profile]': 'email,phone_number',
          'page[size]': '200',
        });
        const clicks = only(page.events, 'email.engaged').filter((e) => e.data.kind === 'click');
        expect(clicks[0]).toEqual({
          type: 'email.engaged',
          sourceEventId: 'event:4Evt000002',
          occurredAt: '2026-02-01T09:01:00.000Z',
          identifiers: [
            { type: 'email', value: 'person2@example.com' },
            { type: `customerId:${INSTANCE}`, value: '01PROFILE2' },
          ],
          data: { kind: 'click', campaign: 'Newsletter 1', url: 'https://shop.example/spring?i=2' },
        });
        expect(page.hasMore).toBe(false);
      },
      { events: generateSampleEvents(6) },
    ));

  it('starts the next pass at the high-water mark with greater-or-equal, so no event of that second is lost', () =>
    withSimulator(
      async (sim) => {
        const first = await pollKlaviyo(contextFor(sim.settings, sim.secrets), undefined, onePageBudget());
        expect(readCursor(first.nextCursor, sim.settings)).toEqual({
          v: 1,
          page: null,
          since: '2026-02-01T09:02:00.000Z',
          highWater: null,
        });
        sim.addEvents(generateSampleEvents(8).slice(6));
        const second = await pollKlaviyo(contextFor(sim.settings, sim.secrets), first.nextCursor, onePageBudget());
        expect(sim.eventQueries()[1]?.get('filter')).toBe('greater-or-equal(datetime,2026-02-01T09:02:00.000Z)');
        // The boundary second comes again with the same ids (dedup absorbs them): the unsubscribe (two events) and
        // an order that maps to nothing; then the new ones.
        expect(second.events.map((e) => e.sourceEventId)).toEqual([
          'event:4Evt000004',
          'event:4Evt000004:consent',
          'event:4Evt000006',
          'event:4Evt000007',
        ]);
      },
      { events: generateSampleEvents(6) },
    ));

  it('sends page[size] only to revisions that have it for events (2026-01-15 on); older ones page by 200', () =>
    withSimulator(
      async (sim) => {
        const old = { ...sim.settings, revision: '2025-10-15' };
        const page = await pollKlaviyo(contextFor(old, sim.secrets), undefined, onePageBudget());
        expect(page.events.length).toBeGreaterThan(0);
        expect(sim.eventQueries()[0]?.has('page[size]')).toBe(false);
      },
      { events: generateSampleEvents(5) },
    ));

  it('gives an event seen by webhook and by poll the same id', () => {
    const fromWebhook = parse('unsubscribed-from-email-marketing.json');
    expect(fromWebhook.map((e) => e.sourceEventId)).toEqual(['event:73WCCK7JKtE', 'event:73WCCK7JKtE:consent']);
  });

  it('refuses a cursor it did not write', () => {
    expect(() => readCursor('{"v":2}', settings)).toThrow(PayloadInvalid);
    expect(() => readCursor('garbage', settings)).toThrow(PayloadInvalid);
  });

  it('honours Retry-After on 429 and goes on', () =>
    withSimulator(
      async (sim) => {
        const page = await pollKlaviyo(contextFor(sim.settings, sim.secrets), undefined, onePageBudget(), { minDelayMs: 5 });
        expect(page.events.length).toBeGreaterThan(0);
        expect(sim.requests()).toBe(3);
      },
      { events: generateSampleEvents(4), faults: { rateLimitFirst: 2 } },
    ));
});

const change = (email: string | undefined, fields: ProfileChange['fields'], consent = true, changed = Object.keys(fields)) =>
  profileChange(email || undefined, fields, { identifiers: [], changed, consent: { email_marketing: consent } });

describe('Klaviyo push', () => {
  it('imports changed attributes in one bulk job on the list, with the revision header, location and custom properties', () =>
    withSimulator(async (sim) => {
      const s = { ...sim.settings, propertyMap: { orderCount: 'Order Count' } };
      const outcomes = await pushChanges(contextFor(s, sim.secrets), [
        change('Ann@Example.com', {
          firstName: 'Ann',
          city: 'Utrecht',
          postalCode: '3511 AB',
          orderCount: 3,
          phone: '0612345678',
          vip: true,
        }),
      ]);
      const [ann] = sim.profiles();
      expect(outcomes, 'with the id Klaviyo gave the profile').toEqual([
        { profileId: 'p-Ann@Example.com', status: 'pushed', remoteId: ann?.id },
      ]);
      expect(sim.jobs()).toEqual([
        {
          path: '/api/profile-bulk-import-jobs',
          body: {
            data: {
              type: 'profile-bulk-import-job',
              attributes: {
                profiles: {
                  data: [
                    {
                      type: 'profile',
                      attributes: {
                        email: 'ann@example.com',
                        first_name: 'Ann',
                        location: { city: 'Utrecht', zip: '3511 AB' },
                        properties: { 'Order Count': 3, vip: true },
                      },
                    },
                  ],
                },
              },
              relationships: { lists: { data: [{ type: 'list', id: 'Y6nRLr' }] } },
            },
          },
        },
      ]);
    }));

  it('subscribes a profile whose e-mail consent was granted, through a subscription job on the list', () =>
    withSimulator(async (sim) => {
      await pushChanges(contextFor(sim.settings, sim.secrets), [
        change('ann@example.com', { consentEmailMarketing: true, firstName: 'Ann' }),
      ]);
      expect(sim.jobs().map((j) => j.path)).toEqual(['/api/profile-bulk-import-jobs', '/api/profile-subscription-bulk-create-jobs']);
      expect(sim.jobs()[1]?.body).toEqual({
        data: {
          type: 'profile-subscription-bulk-create-job',
          attributes: {
            custom_source: 'syncline',
            profiles: {
              data: [
                {
                  type: 'profile',
                  attributes: { email: 'ann@example.com', subscriptions: { email: { marketing: { consent: 'SUBSCRIBED' } } } },
                },
              ],
            },
          },
          relationships: { list: { data: { type: 'list', id: 'Y6nRLr' } } },
        },
      });
    }));

  it('sends a withdrawal as an account-wide unsubscribe job and nothing else', () =>
    withSimulator(async (sim) => {
      const outcomes = await pushChanges(contextFor(sim.settings, sim.secrets), [
        change('ann@example.com', { consentEmailMarketing: false }, false),
      ]);
      expect(outcomes[0]?.status).toBe('pushed');
      expect(sim.jobs()).toEqual([
        {
          path: '/api/profile-subscription-bulk-delete-jobs',
          body: {
            data: {
              type: 'profile-subscription-bulk-delete-job',
              attributes: {
                profiles: {
                  data: [
                    {
                      type: 'profile',
                      attributes: { email: 'ann@example.com', subscriptions: { email: { marketing: { consent: 'UNSUBSCRIBED' } } } },
                    },
                  ],
                },
              },
            },
          },
        },
      ]);
    }));

  it('pushes nothing for a profile without consent, and fails a change without an address, in order', () =>
    withSimulator(async (sim) => {
      const outcomes = await pushChanges(contextFor(sim.settings, sim.secrets), [
        change('a@example.com', { firstName: 'A' }, false),
        change(undefined, { firstName: 'N' }),
        change('b@example.com', { firstName: 'B' }),
      ]);
      expect(outcomes).toEqual([
        { profileId: 'p-a@example.com', status: 'failed', reason: 'no consent for email_marketing', retryable: false },
        { profileId: 'p-none', status: 'failed', reason: 'no e-mail address', retryable: false },
        { profileId: 'p-b@example.com', status: 'pushed', remoteId: expect.any(String) },
      ]);
      expect(sim.received()).toEqual(['b@example.com']);
    }));

  it('splits unsubscribes into jobs of 100 and large imports under 5 MB', () =>
    withSimulator(async (sim) => {
      const withdrawals = Array.from({ length: 250 }, (_, i) => change(`w${i}@example.com`, { consentEmailMarketing: false }, false));
      await pushChanges(contextFor(sim.settings, sim.secrets), withdrawals);
      expect(
        sim.jobs().map((j) => (j.body as { data: { attributes: { profiles: { data: unknown[] } } } }).data.attributes.profiles.data.length),
      ).toEqual([100, 100, 50]);
      const big = Array.from({ length: 40 }, (_, i) => ({
        index: i,
        value: { email: `b${i}@example.com`, properties: { notes: 'x'.repeat(200_000) } },
      }));
      const chunks = chunk(big, 10_000, 5 * 1024 * 1024 - 64 * 1024);
      expect(chunks.length).toBeGreaterThan(1);
      for (const c of chunks) expect(Buffer.byteLength(JSON.stringify(c.map((i) => i.value)))).toBeLessThan(5 * 1024 * 1024);
    }));

  it('uses a recent GA revision by default', () => expect(KlaviyoSettings.parse({}).revision).toBe(DEFAULT_REVISION));

  it('gives the changes back as retryable when Klaviyo keeps failing, without addresses in the reason', () =>
    withSimulator(
      async (sim) => {
        const [outcome] = await pushChanges(
          contextFor(sim.settings, sim.secrets),
          [change('secret.person@example.com', { firstName: 'S' })],
          { retries: 1, minDelayMs: 1 },
        );
        expect(outcome).toMatchObject({ status: 'failed', retryable: true });
        expect(outcome?.status === 'failed' && outcome.reason).not.toMatch(/secret\.person/);
      },
      { faults: { failNext: 5 } },
    ));

  it('removes a cleared custom property with meta.patch_properties.unset (the bulk import ignores null)', () =>
    withSimulator(async (sim) => {
      const context = contextFor({ ...sim.settings, propertyMap: { orderCount: 'Order Count' } }, sim.secrets);
      await pushChanges(context, [change('ann@example.com', { orderCount: 3, vip: true })]);
      await pushChanges(context, [change('ann@example.com', { orderCount: null })]);
      expect(sim.profiles()[0]?.attributes['properties']).toEqual({ vip: true });
      const sent = (sim.jobs().at(-1)?.body as { data: { attributes: { profiles: { data: unknown[] } } } }).data.attributes.profiles.data;
      expect(sent).toEqual([
        { type: 'profile', attributes: { email: 'ann@example.com' }, meta: { patch_properties: { unset: ['Order Count'] } } },
      ]);
    }));

  describe('an address change', () => {
    const moved = (id: string | undefined, remoteId?: string) =>
      profileChange(
        'ann.new@example.com',
        { email: 'ann.new@example.com' },
        {
          previousEmail: 'ann@example.com',
          identifiers: [
            { type: 'email', value: 'ann.new@example.com' },
            { type: 'email', value: 'ann@example.com' },
            ...(id ? [{ type: `customerId:${INSTANCE}`, value: id }] : []),
          ],
          ...(remoteId ? { remoteId } : {}),
        },
      );

    it('updates the known Klaviyo profile by its id and moves the subscription to the new address', () =>
      withSimulator(async (sim) => {
        const ann = sim.seedProfile('ann@example.com', 'SUBSCRIBED');
        const [outcome] = await pushChanges(contextFor(sim.settings, sim.secrets), [moved(ann.id)]);
        expect(outcome).toEqual({ profileId: 'p-ann.new@example.com', status: 'pushed', remoteId: ann.id });
        expect(
          sim.profiles().map((p) => [p.id, p.email, p.consent]),
          'one profile, at the new address, subscribed',
        ).toEqual([[ann.id, 'ann.new@example.com', 'SUBSCRIBED']]);
        expect(sim.jobs().map((j) => j.path)).toEqual([
          '/api/profile-subscription-bulk-delete-jobs',
          '/api/profile-bulk-import-jobs',
          '/api/profile-subscription-bulk-create-jobs',
        ]);
      }));

    it('uses the id an earlier push learnt when Klaviyo is no source of this profile', () =>
      withSimulator(async (sim) => {
        const ann = sim.seedProfile('ann@example.com', 'SUBSCRIBED');
        await pushChanges(contextFor(sim.settings, sim.secrets), [moved(undefined, ann.id)]);
        expect(sim.profiles().map((p) => [p.id, p.email])).toEqual([[ann.id, 'ann.new@example.com']]);
      }));
  });

  describe('import job results (GET …/import-errors)', () => {
    it('reports a profile Klaviyo refused inside an accepted job as failed with its reason, the others as pushed', () =>
      withSimulator(
        async (sim) => {
          const outcomes = await pushChanges(
            contextFor(sim.settings, sim.secrets),
            [change('good@example.com', { firstName: 'G' }), change('bad@example.com', { firstName: 'B' })],
            { jobPollMs: 1 },
          );
          expect(outcomes[0]).toMatchObject({ status: 'pushed', remoteId: expect.any(String) });
          expect(outcomes[1]).toEqual({
            profileId: 'p-bad@example.com',
            status: 'failed',
            reason: 'Klaviyo refused the profile (invalid): Invalid input. Invalid phone number format.',
            retryable: false,
          });
          expect(sim.profiles().map((p) => p.email)).toEqual(['good@example.com']);
        },
        { refuse: { 'bad@example.com': 'Invalid phone number format.' }, jobReadsUntilComplete: 2 },
      ));

    it('fails an update by id whose new address another Klaviyo profile holds, without naming the address', () =>
      withSimulator(async (sim) => {
        const ann = sim.seedProfile('ann@example.com');
        sim.seedProfile('taken@example.com');
        const [outcome] = await pushChanges(contextFor(sim.settings, sim.secrets), [
          profileChange('taken@example.com', { firstName: 'Ann' }, { remoteId: ann.id }),
        ]);
        expect(outcome).toMatchObject({ status: 'failed', retryable: false, reason: expect.stringContaining('duplicate_profile') });
        expect(outcome?.status === 'failed' && outcome.reason).not.toMatch(/taken@/);
      }));

    it('counts a job still running when the wait ends as accepted', () =>
      withSimulator(
        async (sim) => {
          const [outcome] = await pushChanges(contextFor(sim.settings, sim.secrets), [change('a@example.com', { firstName: 'A' })], {
            jobPollMs: 1,
            jobWaitMs: 5,
          });
          expect(outcome).toEqual({ profileId: 'p-a@example.com', status: 'pushed' });
        },
        { jobReadsUntilComplete: 1000 },
      ));
  });

  it('reports a job Klaviyo refuses as not retryable', () =>
    withSimulator(async (sim) => {
      const [outcome] = await pushChanges(contextFor({ ...sim.settings }, { ...sim.secrets, apiKey: 'pk_wrong' }), [
        change('a@example.com', { firstName: 'A' }),
      ]);
      expect(outcome).toMatchObject({ status: 'failed', retryable: false, reason: expect.stringContaining('HTTP 401') });
    }));
});

describe('Klaviyo erasure', () => {
  it('requests one deletion job per identifier Klaviyo knows and reports the erasure as requested', () =>
    withSimulator(async (sim) => {
      const outcomes = await eraseSubjects(contextFor(sim.settings, sim.secrets), [
        {
          profileId: 'p1',
          email: 'Ann@Example.com',
          identifiers: [
            { type: 'email', value: 'ann@example.com' },
            { type: 'phone', value: '+31612345678' },
            { type: `customerId:${INSTANCE}`, value: '01PROFILE1' },
            { type: 'customerId:shop', value: '42' },
          ],
        },
        { profileId: 'p2', identifiers: [{ type: 'anonymousId', value: 'cart-1' }] },
      ]);
      expect(outcomes).toEqual([
        { profileId: 'p1', status: 'requested' },
        { profileId: 'p2', status: 'confirmed' },
      ]);
      expect(
        sim.jobs().map((j) => (j.body as { data: { attributes: { profile: { data: unknown } } } }).data.attributes.profile.data),
      ).toEqual([
        { type: 'profile', id: '01PROFILE1', attributes: {} },
        { type: 'profile', attributes: { email: 'ann@example.com' } },
        { type: 'profile', attributes: { phone_number: '+31612345678' } },
      ]);
    }));

  it('deletes by the id an earlier push learnt (the one key nobody else shares), before any address', () =>
    withSimulator(async (sim) => {
      await eraseSubjects(contextFor(sim.settings, sim.secrets), [
        {
          profileId: 'p1',
          email: 'ann@example.com',
          remoteId: '01KNOWNBYPUSH',
          identifiers: [{ type: 'email', value: 'ann@example.com' }],
        },
      ]);
      expect(
        sim.jobs().map((j) => (j.body as { data: { attributes: { profile: { data: unknown } } } }).data.attributes.profile.data),
      ).toEqual([
        { type: 'profile', id: '01KNOWNBYPUSH', attributes: {} },
        { type: 'profile', attributes: { email: 'ann@example.com' } },
      ]);
    }));
});
