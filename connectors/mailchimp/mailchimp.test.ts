import { describe, expect, it } from 'vitest';
import { onlyEvent, runContractTests } from '../sdk/contract-kit.js';
import { fixturesOf, profileChange, withVendor } from '../sdk/testing/index.js';
import { PayloadInvalid, SignatureInvalid, type ProfileChange } from '../sdk/index.js';
import { apiRoot, MailchimpSettings } from './config.js';
import { eraseSubjects, pushChanges } from './destination.js';
import { decodeForm, encodeForm } from './form.js';
import { mailchimp } from './index.js';
import { subscriberHash } from './mapping.js';
import { pollMailchimp, readCursor } from './poll.js';
import { onePageBudget } from '../sdk/contract-kit.js';
import { drainPoll } from '../sdk/testing/index.js';
import { startMailchimpSimulator, type MailchimpSimulator } from './simulator.js';
import { CALLBACK, CALLBACK_URL, contextFor, FORM, formBody, secrets, settings, webhookRequest } from './test-support.js';

/** An audience of 2,400 members, every other one unsubscribed: three pages of unsubscribes (500 a page). */
const audience = Array.from({ length: 2400 }, (_, i) => ({
  email: `member${i}@example.com`,
  status: i % 2 === 0 ? 'unsubscribed' : 'subscribed',
  lastChanged: new Date(Date.parse('2026-02-01T00:00:00Z') + i * 60_000).toISOString().replace('.000Z', '+00:00'),
}));

// Mailchimp signs nothing: the kit's signature section (tampered body, header signatures) cannot apply, so the
// URL token is tested below; the kit posts the golden fixtures to the URL with the token.
runContractTests({
  connector: mailchimp,
  instance: 'mailchimp-nl',
  settings,
  secrets,
  webhooks: {
    url: CALLBACK_URL,
    headers: { 'content-type': FORM, 'user-agent': 'MailChimp' },
    // The documented examples list the decoded POST variables; Mailchimp posts them form-encoded.
    body: (text) => encodeForm(JSON.parse(text) as Record<string, string>),
  },
  poll: {
    startVendor: (faults) => startMailchimpSimulator({ members: audience, ...(faults ? { faults } : {}) }),
    expectedEvents: audience.filter((m) => m.status === 'unsubscribed').length,
  },
  push: { startVendor: (faults) => startMailchimpSimulator(faults ? { faults } : {}) },
});

const parse = (file: string, overrides: Record<string, string> = {}) =>
  mailchimp.parseWebhook!(webhookRequest(formBody(file, overrides)), contextFor());
const verify = (url: string) => mailchimp.verifyWebhook!(webhookRequest(formBody('subscribe.json'), url), secrets, settings, new Date());

describe('Mailchimp webhook authentication (secret token in the callback URL)', () => {
  it('accepts the token Mailchimp was given in the callback URL', () => expect(() => verify(CALLBACK_URL)).not.toThrow());

  it('rejects a wrong token, a missing token and an empty one', () => {
    expect(() => verify(`${CALLBACK}?token=a-long-random-webhook-token-0f3c8`)).toThrow(SignatureInvalid);
    expect(() => verify(`${CALLBACK}?token=a-long`)).toThrow(SignatureInvalid);
    expect(() => verify(CALLBACK)).toThrow(SignatureInvalid);
    expect(() => verify(`${CALLBACK}?token=`)).toThrow(SignatureInvalid);
  });

  it('never puts the token in the error message', () => {
    try {
      verify(`${CALLBACK}?token=guess-${secrets.webhookToken}`);
      expect.unreachable('verification should fail');
    } catch (error) {
      expect((error as Error).message).not.toContain(secrets.webhookToken);
    }
  });
});

describe('Mailchimp webhooks → canonical events (documented examples)', () => {
  it('decodes nested form keys the way Mailchimp sends them', () => {
    expect(decodeForm(formBody('subscribe.json'))).toMatchObject({
      type: 'subscribe',
      fired_at: '2009-03-26 21:35:57',
      data: {
        id: '8a25ff1d98',
        list_id: 'a6b5da1054',
        email: 'api@mailchimp.com',
        merges: { FNAME: 'MailChimp', LNAME: 'API', INTERESTS: 'Group1,Group2' },
      },
    });
  });

  it('reads an unsubscribe for abuse as a complaint', () => {
    expect(onlyEvent(parse('unsubscribe.json', { 'data[reason]': 'abuse' }), 'email.engaged').data.kind).toBe('complaint');
  });

  it('clears a merge field that Mailchimp sends empty', () => {
    expect(onlyEvent(parse('profile.json', { 'data[merges][LNAME]': '' }), 'customer.upserted').data.lastName).toBeNull();
  });

  it('reads a clean for abuse as a complaint and a withdrawal (a hard bounce withdraws nothing: cleaned.expected.json)', () => {
    const abuse = parse('cleaned.json', { 'data[reason]': 'abuse' });
    expect(onlyEvent(abuse, 'email.engaged').data.kind).toBe('complaint');
    expect(onlyEvent(abuse, 'consent.changed').data.granted).toBe(false);
  });

  it('ignores a webhook of another audience pointed at this instance', () => {
    expect(parse('subscribe.json', { 'data[list_id]': 'ffffffffff' })).toEqual([]);
  });

  it('rejects a body that is not what Mailchimp documents, and a JSON body', () => {
    expect(() => parse('subscribe.json', { fired_at: 'yesterday' })).toThrow(PayloadInvalid);
    expect(() => parse('subscribe.json', { type: 'something_invalid' })).toThrow(PayloadInvalid);
    expect(() => mailchimp.parseWebhook!(webhookRequest('{"type":"subscribe"}', CALLBACK_URL, 'application/json'), contextFor())).toThrow(
      PayloadInvalid,
    );
  });

  it('accepts the interest groups Mailchimp nests in the merges (GROUPINGS) for every event type that carries merges', () => {
    const groupings = fixturesOf('mailchimp').json<Record<string, string>>('groupings.json');
    for (const file of ['subscribe.json', 'profile.json', 'unsubscribe.json']) {
      expect(decodeForm(formBody(file, groupings))).toMatchObject({ data: { merges: { GROUPINGS: { 1: { groups: 'Yes' } } } } });
      expect(parse(file, groupings)).toEqual(parse(file));
    }
  });

  it('keeps e-mail addresses out of event ids (they are logged)', () => {
    for (const file of ['subscribe.json', 'unsubscribe.json', 'upemail.json', 'cleaned.json']) {
      for (const event of parse(file)) expect(event.sourceEventId).not.toMatch(/@/);
    }
  });
});

const change = (email: string | undefined, fields: ProfileChange['fields'], consent = true, changed = Object.keys(fields)) =>
  profileChange(email, fields, { changed, consent: { email_marketing: consent } });

const withSimulator = (run: (sim: MailchimpSimulator) => Promise<void>, options = {}) => withVendor(startMailchimpSimulator(options), run);

describe('Mailchimp push', () => {
  it('derives the API host from the data center at the end of the key', () => {
    expect(apiRoot(MailchimpSettings.parse({ listId: 'a6b5da1054' }), secrets)).toBe('https://us21.api.mailchimp.com/3.0');
  });

  it('subscribes the profiles that gave consent in one batch-subscribe call with their changed merge fields, keyed by subscriber hash', () =>
    withSimulator(async (sim) => {
      const outcomes = await pushChanges(contextFor(sim.settings, sim.secrets), [
        change('Ann@Example.com', { lastName: 'Smith', orderCount: 3, consentEmailMarketing: true }),
        change('bob@example.com', { firstName: 'Bob', phone: null, consentEmailMarketing: true }),
      ]);
      expect(outcomes).toEqual([
        { profileId: 'p-Ann@Example.com', status: 'pushed', remoteId: subscriberHash('ann@example.com') },
        { profileId: 'p-bob@example.com', status: 'pushed', remoteId: subscriberHash('bob@example.com') },
      ]);
      expect(sim.log().filter((r) => r.method !== 'GET')).toEqual([
        {
          method: 'POST',
          path: '/lists/a6b5da1054',
          body: {
            members: [
              { email_address: 'ann@example.com', status: 'subscribed', merge_fields: { LNAME: 'Smith' } },
              { email_address: 'bob@example.com', status: 'subscribed', merge_fields: { FNAME: 'Bob', PHONE: '' } },
            ],
            update_existing: true,
          },
        },
      ]);
    }));

  it('sends a change without new consent as "Add or update list member" without a status (status_if_new for a new member)', () =>
    withSimulator(async (sim) => {
      sim.seedMember('ann@example.com', 'subscribed', { FNAME: 'Ann' });
      const outcomes = await pushChanges(contextFor(sim.settings, sim.secrets), [
        change('Ann@Example.com', { lastName: 'Smith', orderCount: 3 }),
        change('new@example.com', { firstName: 'New' }),
      ]);
      expect(outcomes.map((o) => o.status)).toEqual(['pushed', 'pushed']);
      expect(sim.log()[0], 'the merge field types first').toMatchObject({ method: 'GET', path: '/lists/a6b5da1054/merge-fields' });
      expect(sim.log().slice(1)).toEqual([
        {
          method: 'PUT',
          path: `/lists/a6b5da1054/members/${subscriberHash('ann@example.com')}`,
          body: { email_address: 'ann@example.com', status_if_new: 'subscribed', merge_fields: { LNAME: 'Smith' } },
        },
        {
          method: 'PUT',
          path: `/lists/a6b5da1054/members/${subscriberHash('new@example.com')}`,
          body: { email_address: 'new@example.com', status_if_new: 'subscribed', merge_fields: { FNAME: 'New' } },
        },
      ]);
      expect(sim.members().map((m) => [m.email_address, m.status, m.merge_fields])).toEqual([
        ['ann@example.com', 'subscribed', { FNAME: 'Ann', LNAME: 'Smith' }],
        ['new@example.com', 'subscribed', { FNAME: 'New' }],
      ]);
    }));

  it('never resubscribes someone who unsubscribed in Mailchimp (webhook missed) when only their name changes', () =>
    withSimulator(async (sim) => {
      sim.seedMember('ann@example.com', 'unsubscribed', { FNAME: 'Ann' });
      const [outcome] = await pushChanges(contextFor(sim.settings, sim.secrets), [change('ann@example.com', { firstName: 'Anna' })]);
      expect(outcome?.status, 'the data reaches the member').toBe('pushed');
      expect(sim.members()).toEqual([expect.objectContaining({ status: 'unsubscribed', merge_fields: { FNAME: 'Anna' } })]);
      expect(JSON.stringify(sim.log()), 'no request carries a subscribed status').not.toMatch(/"status":"subscribed"/);
    }));

  it("formats merge values by the audience's field types: a birthday as MM/DD, a date in its field's format", () =>
    withSimulator(
      async (sim) => {
        sim.seedMember('ann@example.com');
        const s = { ...sim.settings, mergeFields: { birthdate: 'BIRTHDAY', firstOrderAt: 'FIRSTORDER', orderCount: 'ORDERS' } };
        const [outcome] = await pushChanges(contextFor(s, sim.secrets), [
          change('ann@example.com', { birthdate: '1990-05-17', firstOrderAt: '2026-02-03', orderCount: '4' }),
        ]);
        expect(outcome?.status).toBe('pushed');
        expect(sim.members()[0]?.merge_fields).toEqual({ BIRTHDAY: '05/17', FIRSTORDER: '03/02/2026', ORDERS: 4 });
      },
      {
        mergeTags: ['EMAIL', 'BIRTHDAY', 'FIRSTORDER', 'ORDERS'],
        mergeFieldTypes: {
          BIRTHDAY: { type: 'birthday', dateFormat: 'MM/DD' },
          FIRSTORDER: { type: 'date', dateFormat: 'DD/MM/YYYY' },
          ORDERS: { type: 'number' },
        },
      },
    ));

  describe('an address change (Mailchimp documents PATCH email_address on the member)', () => {
    const moved = (fields: ProfileChange['fields'], consent = true) =>
      profileChange('ann.new@example.com', fields, {
        changed: Object.keys(fields),
        consent: { email_marketing: consent },
        previousEmail: 'ann@example.com',
      });

    it('moves the member to the new address: one member, still subscribed, never two', () =>
      withSimulator(async (sim) => {
        sim.seedMember('ann@example.com', 'subscribed', { FNAME: 'Ann' });
        const [outcome] = await pushChanges(contextFor(sim.settings, sim.secrets), [moved({ email: 'ann.new@example.com' })]);
        expect(outcome).toEqual({ profileId: 'p-ann.new@example.com', status: 'pushed', remoteId: subscriberHash('ann.new@example.com') });
        expect(sim.members().map((m) => [m.email_address, m.status, m.merge_fields])).toEqual([
          ['ann.new@example.com', 'subscribed', { FNAME: 'Ann' }],
        ]);
        expect(sim.log()[0]).toEqual({
          method: 'PATCH',
          path: `/lists/a6b5da1054/members/${subscriberHash('ann@example.com')}`,
          body: { email_address: 'ann.new@example.com' },
        });
      }));

    it('keeps an unsubscribed member unsubscribed at the new address', () =>
      withSimulator(async (sim) => {
        sim.seedMember('ann@example.com', 'unsubscribed');
        await pushChanges(contextFor(sim.settings, sim.secrets), [moved({ email: 'ann.new@example.com', firstName: 'Ann' })]);
        expect(sim.members().map((m) => [m.email_address, m.status])).toEqual([['ann.new@example.com', 'unsubscribed']]);
      }));

    it('unsubscribes the old member when the new address is a member already', () =>
      withSimulator(async (sim) => {
        sim.seedMember('ann@example.com', 'subscribed');
        sim.seedMember('ann.new@example.com', 'subscribed');
        const [outcome] = await pushChanges(contextFor(sim.settings, sim.secrets), [moved({ email: 'ann.new@example.com' })]);
        expect(outcome?.status).toBe('pushed');
        expect(sim.members().map((m) => [m.email_address, m.status])).toEqual([
          ['ann@example.com', 'unsubscribed'],
          ['ann.new@example.com', 'subscribed'],
        ]);
      }));

    it('subscribes the new address when the old one was never a member', () =>
      withSimulator(async (sim) => {
        await pushChanges(contextFor(sim.settings, sim.secrets), [moved({ email: 'ann.new@example.com' })]);
        expect(sim.members().map((m) => [m.email_address, m.status])).toEqual([['ann.new@example.com', 'subscribed']]);
      }));
  });

  it('sets a withdrawal as status unsubscribed without creating a member for an unknown address', () =>
    withSimulator(async (sim) => {
      sim.seedMember('ann@example.com');
      const outcomes = await pushChanges(contextFor(sim.settings, sim.secrets), [
        change('ann@example.com', { consentEmailMarketing: false }, false),
        change('stranger@example.com', { consentEmailMarketing: false }, false),
      ]);
      expect(outcomes.map((o) => o.status)).toEqual(['pushed', 'pushed']);
      expect(sim.members()).toEqual([expect.objectContaining({ email_address: 'ann@example.com', status: 'unsubscribed' })]);
      expect(sim.log().map((r) => `${r.method} ${r.path}`)).toEqual([
        `PATCH /lists/a6b5da1054/members/${subscriberHash('ann@example.com')}`,
        `PATCH /lists/a6b5da1054/members/${subscriberHash('stranger@example.com')}`,
      ]);
    }));

  it('pushes nothing but the withdrawal for a profile without consent', () =>
    withSimulator(async (sim) => {
      const [outcome] = await pushChanges(contextFor(sim.settings, sim.secrets), [change('a@example.com', { firstName: 'A' }, false)]);
      expect(outcome).toEqual({
        profileId: 'p-a@example.com',
        status: 'failed',
        reason: 'no consent for email_marketing',
        retryable: false,
      });
      expect(sim.requests()).toBe(0);
    }));

  it('activates and deactivates tags for changed segment fields', () =>
    withSimulator(async (sim) => {
      const s = { ...sim.settings, tagFields: { segmentRepeat: 'repeat buyer', segmentLapsed: 'we miss you' } };
      sim.seedMember('ann@example.com');
      await pushChanges(contextFor(s, sim.secrets), [change('ann@example.com', { segmentRepeat: true, segmentLapsed: false })]);
      expect(sim.log().at(-1)).toEqual({
        method: 'POST',
        path: `/lists/a6b5da1054/members/${subscriberHash('ann@example.com')}/tags`,
        body: {
          tags: [
            { name: 'repeat buyer', status: 'active' },
            { name: 'we miss you', status: 'inactive' },
          ],
        },
      });
      expect(sim.members()[0]?.tags).toEqual(['repeat buyer']);
    }));

  it('reports a member Mailchimp refuses as failed and not retryable, without its address, and pushes the rest in order', () =>
    withSimulator(async (sim) => {
      sim.seedMember('gone@example.com', 'unsubscribed');
      const outcomes = await pushChanges(contextFor(sim.settings, sim.secrets), [
        change('a@example.com', { firstName: 'A' }),
        change('gone@example.com', { firstName: 'G', consentEmailMarketing: true }),
        change(undefined, { firstName: 'Nobody' }),
        change('b@example.com', { firstName: 'B' }),
      ]);
      expect(outcomes.map((o) => o.status)).toEqual(['pushed', 'failed', 'failed', 'pushed']);
      expect(outcomes[1]).toMatchObject({ retryable: false, reason: expect.stringContaining('compliance state') });
      expect(outcomes[1]?.status === 'failed' && outcomes[1].reason).not.toMatch(/gone@/);
      expect(outcomes[2]).toEqual({ profileId: 'p-none', status: 'failed', reason: 'no e-mail address', retryable: false });
    }));

  it('retries a 429 without Retry-After with back-off, then succeeds', () =>
    withSimulator(
      async (sim) => {
        const [outcome] = await pushChanges(contextFor(sim.settings, sim.secrets), [change('a@example.com', { firstName: 'A' })], {
          minDelayMs: 5,
        });
        expect(outcome?.status).toBe('pushed');
        // The merge-field read waits out the two 429s; then one batch-subscribe call.
        expect(sim.requests()).toBe(4);
      },
      { faults: { rateLimitFirst: 2 } },
    ));

  it('gives the batch back as retryable when Mailchimp keeps failing after the retries', () =>
    withSimulator(
      async (sim) => {
        const outcomes = await pushChanges(
          contextFor(sim.settings, sim.secrets),
          [change('a@example.com', { a: 1 }), change('b@example.com', { a: 2 })],
          { retries: 1, minDelayMs: 1 },
        );
        expect(outcomes.map((o) => o.status === 'failed' && o.retryable)).toEqual([true, true]);
      },
      { faults: { failNext: 5 } },
    ));

  it("keeps within Mailchimp's 10 simultaneous connections", () =>
    withSimulator(
      async (sim) => {
        const s = { ...sim.settings, concurrency: 10 };
        const many = Array.from({ length: 40 }, (_, i) => change(`w${i}@example.com`, { consentEmailMarketing: false }, false));
        for (let i = 0; i < 40; i++) sim.seedMember(`w${i}@example.com`);
        const outcomes = await pushChanges(contextFor(s, sim.secrets), many);
        expect(outcomes.every((o) => o.status === 'pushed')).toBe(true);
        expect(sim.peakConcurrency()).toBeLessThanOrEqual(10);
        expect(sim.peakConcurrency()).toBeGreaterThan(1);
      },
      { latencyMs: 5 },
    ));
});

describe('Mailchimp erasure', () => {
  it('deletes every address of the person permanently and confirms, also when one was never a member', () =>
    withSimulator(async (sim) => {
      sim.seedMember('ann@example.com');
      sim.seedMember('ann.old@example.com');
      sim.seedMember('keep@example.com');
      const [outcome] = await eraseSubjects(contextFor(sim.settings, sim.secrets), [
        {
          profileId: 'p1',
          email: 'Ann@Example.com',
          identifiers: [
            { type: 'email', value: 'ann.old@example.com' },
            { type: 'email', value: 'never@example.com' },
            { type: 'phone', value: '+31612345678' },
          ],
        },
      ]);
      expect(outcome).toEqual({ profileId: 'p1', status: 'confirmed' });
      expect(sim.members().map((m) => m.email_address)).toEqual(['keep@example.com']);
      expect(sim.log().every((r) => r.path.endsWith('/actions/delete-permanent'))).toBe(true);
    }));

  it('deletes the member a push knew by its id, though the person no longer names its address (withheld), once', () =>
    withSimulator(async (sim) => {
      sim.seedMember('ann@example.com');
      sim.seedMember('ann.withheld@example.com');
      sim.seedMember('keep@example.com');
      const [outcome] = await eraseSubjects(contextFor(sim.settings, sim.secrets), [
        { profileId: 'p1', email: 'ann@example.com', identifiers: [], remoteId: subscriberHash('ann.withheld@example.com') },
        // The id of the address the subject names too: asked once, not twice.
        { profileId: 'p2', email: 'keep@example.com', identifiers: [], remoteId: subscriberHash('keep@example.com') },
      ]);
      expect(outcome).toEqual({ profileId: 'p1', status: 'confirmed' });
      expect(sim.members().map((m) => m.email_address)).toEqual([]);
      expect(
        sim.log().filter((r) => r.path.includes(subscriberHash('keep@example.com'))),
        'one call for keep@',
      ).toHaveLength(1);
    }));

  it('ignores a remote id that is no subscriber hash, and never puts it in a path', () =>
    withSimulator(async (sim) => {
      sim.seedMember('ann@example.com');
      const [outcome] = await eraseSubjects(contextFor(sim.settings, sim.secrets), [
        { profileId: 'p1', email: 'ann@example.com', identifiers: [], remoteId: '../../lists' },
      ]);
      expect(outcome).toEqual({ profileId: 'p1', status: 'confirmed' });
      expect(sim.log().map((r) => r.path)).toEqual([
        `/lists/a6b5da1054/members/${subscriberHash('ann@example.com')}/actions/delete-permanent`,
      ]);
    }));

  it('sends no content type with the bodiless delete-permanent', () =>
    withSimulator(async (sim) => {
      sim.seedMember('ann@example.com');
      await eraseSubjects(contextFor(sim.settings, sim.secrets), [{ profileId: 'p1', email: 'ann@example.com', identifiers: [] }]);
      expect(sim.contentTypes()).toEqual([
        {
          path: `/lists/a6b5da1054/members/${subscriberHash('ann@example.com')}/actions/delete-permanent`,
          contentType: undefined,
          hasBody: false,
        },
      ]);
    }));

  it('reports a failed erasure without the address', () =>
    withSimulator(
      async (sim) => {
        const [outcome] = await eraseSubjects(
          contextFor(sim.settings, sim.secrets),
          [{ profileId: 'p1', email: 'secret.person@example.com', identifiers: [] }],
          { retries: 0 },
        );
        expect(outcome).toMatchObject({ profileId: 'p1', status: 'failed' });
        expect(JSON.stringify(outcome)).not.toMatch(/secret\.person/);
      },
      { faults: { failNext: 1 } },
    ));
});

describe('Mailchimp poll of unsubscribed members (since_last_changed)', () => {
  const drain = (sim: MailchimpSimulator, from?: string) =>
    drainPoll((cursor) => pollMailchimp(contextFor(sim.settings, sim.secrets), cursor, onePageBudget()), from);

  it('catches up an unsubscribe whose webhook was missed, dated by last_changed, without the address in its id', () =>
    withSimulator(
      async (sim) => {
        const { events } = await drain(sim);
        expect(events).toEqual([
          {
            type: 'consent.changed',
            sourceEventId: expect.not.stringMatching(/@/),
            occurredAt: '2026-03-01T10:00:00.000Z',
            identifiers: [{ type: 'email', value: 'gone@example.com' }],
            data: { purpose: 'email_marketing', granted: false, method: 'mailchimp:poll:unsubscribed' },
          },
        ]);
        expect(sim.log().map((r) => `${r.method} ${r.path}`)).toEqual(['GET /lists/a6b5da1054/members']);
      },
      {
        members: [
          { email: 'stays@example.com', status: 'subscribed', lastChanged: '2026-03-01T09:00:00+00:00' },
          { email: 'gone@example.com', status: 'unsubscribed', lastChanged: '2026-03-01T10:00:00+00:00' },
        ],
      },
    ));

  it('asks the next pass for members changed since the high-water mark, with a second of overlap', () =>
    withSimulator(
      async (sim) => {
        const first = await drain(sim);
        expect(readCursor(first.cursor).since).toMatchObject({ unsubscribes: '2026-03-01T10:00:00.000Z' });
        sim.seedMember('later@example.com', 'unsubscribed', {}, '2026-03-02T08:00:00+00:00');
        const again = await drain(sim, first.cursor);
        expect(again.events.map((e) => e.identifiers[0]?.value)).toEqual(['gone@example.com', 'later@example.com']);
        expect(
          new Set([...first.events, ...again.events].map((e) => e.sourceEventId)).size,
          'the overlap repeats an id, never a new one',
        ).toBe(2);
      },
      { members: [{ email: 'gone@example.com', status: 'unsubscribed', lastChanged: '2026-03-01T10:00:00+00:00' }] },
    ));
});

describe('Mailchimp poll of campaign opens and clicks (reports API, engagementDays)', () => {
  const drain = (sim: MailchimpSimulator, settings: MailchimpSettings, from?: string) =>
    drainPoll(
      (cursor) => pollMailchimp(contextFor(settings, sim.secrets, new Date('2026-03-10T12:00:00Z')), cursor, onePageBudget()),
      from,
    );

  it('reads each recent campaign’s email activity as email.engaged opens and clicks of that campaign, only when asked to', () =>
    withSimulator(async (sim) => {
      sim.addCampaignActivity({
        id: 'old-campaign',
        sendTime: '2026-01-01T08:00:00+00:00',
        activity: [{ email: 'ann@example.com', action: 'open', timestamp: '2026-01-01T09:00:00+00:00' }],
      });
      sim.addCampaignActivity({
        id: '42694e9e57',
        sendTime: '2026-03-05T08:00:00+00:00',
        activity: [
          { email: 'Ann@Example.com', action: 'open', timestamp: '2026-03-05T09:00:00+00:00' },
          { email: 'ann@example.com', action: 'click', timestamp: '2026-03-05T09:01:00+00:00', url: 'https://shop.example/klus' },
          { email: 'bob@example.com', action: 'open', timestamp: '2026-03-06T10:00:00+00:00' },
        ],
      });
      const off = await drain(sim, sim.settings);
      expect(off.events, 'without engagementDays nothing of the reports is read').toEqual([]);
      expect(sim.log().some((r) => r.path.startsWith('/reports'))).toBe(false);

      const on = MailchimpSettings.parse({ ...sim.settings, engagementDays: 30 });
      const { events, cursor } = await drain(sim, on);
      expect(events).toEqual([
        {
          type: 'email.engaged',
          sourceEventId: expect.not.stringMatching(/@/),
          occurredAt: '2026-03-05T09:00:00.000Z',
          identifiers: [{ type: 'email', value: 'ann@example.com' }],
          data: { kind: 'open', campaign: '42694e9e57' },
        },
        expect.objectContaining({
          occurredAt: '2026-03-05T09:01:00.000Z',
          data: { kind: 'click', campaign: '42694e9e57', url: 'https://shop.example/klus' },
        }),
        expect.objectContaining({
          identifiers: [{ type: 'email', value: 'bob@example.com' }],
          data: { kind: 'open', campaign: '42694e9e57' },
        }),
      ]);
      expect(readCursor(cursor).since).toMatchObject({ engagement: '2026-03-06T10:00:00.000Z' });
      const again = await drain(sim, on, cursor);
      expect(
        again.events.every((e) => events.some((f) => f.sourceEventId === e.sourceEventId)),
        'the next pass reads from the high-water mark: at most the overlap again',
      ).toBe(true);
    }));
});

describe('Mailchimp poll cursor', () => {
  it('reads a cursor saved before the engagement stream existed, the new stream starting from the beginning', () => {
    const saved = JSON.stringify({
      v: 1,
      stream: 'unsubscribes',
      page: 1,
      since: { unsubscribes: '2026-03-01T10:00:00.000Z' },
      highWater: null,
    });
    expect(readCursor(saved).since).toEqual({ unsubscribes: '2026-03-01T10:00:00.000Z', engagement: null });
  });
});
