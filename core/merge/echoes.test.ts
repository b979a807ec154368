// Issue 22: a destination's callback answering syncline's own write is acknowledged, not merged as a fresh fact.
import { describe, expect, it } from 'vitest';
import { InMemoryProfileRepository } from '../identity/in-memory-profile-repository.js';
import { mergeEvent } from './merge-service.js';
import type { CanonicalEvent } from '../events.js';
import { projectProfile } from '../projection.js';
import { customer, event, tenant } from '../../test/support/events.js';
import { MemorySnapshots } from '../../test/support/memory-ports.js';
import { canonicalValue } from '../canonical-values.js';
import { encodePending, pendingFields, PENDING_KEY } from '../pending-push.js';
import { ourWrites, pendingSnapshotInstance } from './echoes.js';

const twoWay = tenant({
  sourcePriority: ['shop'],
  instances: [
    { id: 'shop', connector: 'shopify', webhooks: true, push: false, settings: {} },
    { id: 'copernica', connector: 'copernica', webhooks: true, push: true, settings: {} },
    { id: 'mailchimp', connector: 'mailchimp', webhooks: true, push: true, settings: {} },
  ],
});

function engine() {
  const repo = new InMemoryProfileRepository();
  const snapshots = new MemorySnapshots();
  let next = 0;
  const deps = { profiles: repo, snapshots, newProfileId: () => `p${++next}` };
  return {
    repo,
    snapshots,
    apply: async (...events: CanonicalEvent[]) => {
      for (const e of events) await mergeEvent(deps, twoWay, e);
    },
    profile: () => repo.liveProfiles('acme')[0]!,
    /** What a successful push of the current profile to `instance` leaves behind (pipeline/push-profiles.ts). */
    pushTo: (instance: string) => {
      const p = repo.liveProfiles('acme')[0]!;
      void snapshots.put('acme', p.profileId, instance, projectProfile(p));
    },
  };
}

const from = (instance: string, connector: string) => ({ source: { connector, instance } });
const callback = (instance: string, id: string, at: string, data: Record<string, unknown>) =>
  event({
    ...from(instance, instance),
    type: 'customer.upserted',
    sourceEventId: `${instance}-${id}`,
    occurredAt: at,
    identifiers: [
      { type: 'email', value: 'anna@example.com' },
      { type: `customerId:${instance}`, value: '1001' },
    ],
    data: { email: 'anna@example.com', ...data },
  } as never);
const consent = (instance: string, id: string, at: string, granted: boolean) =>
  event({
    ...(instance === 'shop' ? {} : from(instance, instance)),
    type: 'consent.changed',
    sourceEventId: `${instance}-${id}`,
    occurredAt: at,
    identifiers: [{ type: 'email', value: 'anna@example.com' }],
    data: { purpose: 'email_marketing', granted },
  } as never);

describe('echoes of our own writes (issue 22)', () => {
  it('case 1: an echoed subscribe does not beat the shop unsubscribe that arrives after it', async () => {
    const e = engine();
    await e.apply(customer('1', 'anna@example.com', '2026-11-01T10:00:00.000Z', { firstName: 'Anna' }));
    await e.apply(consent('shop', 'sub', '2026-11-01T10:00:00.000Z', true));
    e.pushTo('mailchimp');
    // Mailchimp answers the new-member write with a subscribe webhook stamped "now"...
    await e.apply(consent('mailchimp', 'echo-sub', '2026-11-01T10:00:02.000Z', true));
    // ...and the shop's unsubscribe of a second after the subscribe arrives late.
    await e.apply(consent('shop', 'unsub', '2026-11-01T10:00:01.000Z', false));
    expect(e.profile().consent.email_marketing).toMatchObject({ granted: false, source: 'shop' });
  });

  it('case 1: a subscribe at the platform that is not our echo is still a grant', async () => {
    const e = engine();
    await e.apply(customer('1', 'anna@example.com', '2026-11-01T10:00:00.000Z'));
    await e.apply(consent('shop', 'unsub', '2026-11-01T10:00:00.000Z', false));
    e.pushTo('mailchimp');
    await e.apply(consent('mailchimp', 'resub', '2026-11-02T09:00:00.000Z', true));
    expect(e.profile().consent.email_marketing).toMatchObject({ granted: true, source: 'mailchimp' });
  });

  it('case 2: an echo of a platform edit does not re-stamp it over a newer shop edit delivered late', async () => {
    const e = engine();
    await e.apply(callback('copernica', 'edit', '2026-11-01T10:00:00.000Z', { firstName: 'Anne' }));
    e.pushTo('mailchimp');
    // The shop renames her at T2; Mailchimp's callback to our write carries a time after T2.
    await e.apply(callback('mailchimp', 'echo', '2026-11-01T10:00:09.000Z', { firstName: 'Anne', lastName: null }));
    await e.apply(customer('1', 'anna@example.com', '2026-11-01T10:00:05.000Z', { firstName: 'Annabel' }));
    expect(e.profile().fields.firstName).toMatchObject({ value: 'Annabel', source: 'shop' });
  });

  it('case 2: a whole-profile callback re-asserts nothing syncline wrote, and keeps what is new', async () => {
    const e = engine();
    await e.apply(customer('1', 'anna@example.com', '2026-11-01T10:00:00.000Z', { firstName: 'Anna', lastName: 'Jansen' }));
    e.pushTo('copernica');
    await e.apply(callback('copernica', 'edit', '2026-11-01T10:00:09.000Z', { firstName: 'Anna', lastName: 'de Vries' }));
    await e.apply(customer('1', 'anna@example.com', '2026-11-01T10:00:05.000Z', { firstName: 'Ann' }));
    expect(e.profile().fields.firstName).toMatchObject({ value: 'Ann', source: 'shop' });
    expect(e.profile().fields.lastName).toMatchObject({ value: 'de Vries', source: 'copernica' });
  });

  it('an echo that changes nothing costs no profile write and does not move lastSeenAt', async () => {
    const e = engine();
    await e.apply(customer('1', 'anna@example.com', '2026-11-01T10:00:00.000Z', { firstName: 'Anna' }));
    e.pushTo('copernica');
    await e.apply(callback('copernica', 'ack', '2026-11-01T10:00:09.000Z', { firstName: 'Anna' }));
    expect(e.profile().lastSeenAt).toBe('2026-11-01T10:00:00.000Z');
    expect(e.profile().fields.firstName).toMatchObject({ source: 'shop' });
  });

  it('an echo that changes nothing is not history: an unmerge replaying it could not tell it from news', async () => {
    const e = engine();
    await e.apply(customer('1', 'anna@example.com', '2026-11-01T10:00:00.000Z', { firstName: 'Anna' }));
    await e.apply(consent('shop', 'sub', '2026-11-01T10:00:00.000Z', true));
    e.pushTo('mailchimp');
    await e.apply(consent('mailchimp', 'echo-sub', '2026-11-01T10:00:02.000Z', true));
    await e.apply(consent('mailchimp', 'resub', '2026-11-02T09:00:00.000Z', false));
    const recorded = (await e.repo.history('acme', [e.profile().profileId])).map((h) => h.event.sourceEventId);
    expect(recorded).not.toContain('mailchimp-echo-sub');
    expect(recorded, 'news from the same destination is history').toContain('mailchimp-resub');
  });

  it("case 5: Copernica's national phone format is the same value as the shop's E.164 number", async () => {
    const e = engine();
    await e.apply(customer('1', 'anna@example.com', '2026-11-01T10:00:00.000Z', { phone: '+31612345678' }));
    e.pushTo('copernica');
    await e.apply(callback('copernica', 'echo', '2026-11-01T10:00:09.000Z', { phone: '0612345678', firstName: 'Anna' }));
    expect(e.profile().fields.phone).toMatchObject({ value: '+31612345678', source: 'shop' });
    // A platform that never received the number still reports it in canonical form.
    await e.apply(callback('mailchimp', 'own', '2026-11-01T10:00:10.000Z', { phone: '06 1234 5678' }));
    expect(e.profile().fields.phone?.value).toBe('+31612345678');
  });
});

describe('a push under way (issue 22, pending state in the snapshot item)', () => {
  it('takes a callback matching the pending fields of the snapshot item as our echo, and the confirmed fields too', async () => {
    const e = engine();
    await e.apply(customer('1', 'anna@example.com', '2026-11-01T10:00:00.000Z', { firstName: 'Anna' }));
    await e.apply(consent('shop', 'unsub', '2026-11-01T10:00:00.000Z', false));
    const { profileId } = e.profile();
    const confirmed = projectProfile(e.profile());
    // A push is writing the grant: the item still confirms the old fields, with the grant pending.
    await e.apply(consent('shop', 'sub', '2026-11-02T10:00:00.000Z', true));
    const writing = projectProfile(e.profile());
    await e.snapshots.put('acme', profileId, 'mailchimp', { ...confirmed, [PENDING_KEY]: encodePending(confirmed, writing) });
    await e.apply(consent('mailchimp', 'echo-sub', '2026-11-02T10:00:05.000Z', true));
    await e.apply(consent('shop', 'late-unsub', '2026-11-02T10:00:02.000Z', false));
    expect(e.profile().consent.email_marketing).toMatchObject({ granted: false, source: 'shop' });
  });

  it('honours a pending item of the older layout until the snapshot item is rewritten, then reads the item alone', async () => {
    const e = engine();
    await e.apply(customer('1', 'anna@example.com', '2026-11-01T10:00:00.000Z', { firstName: 'Anna' }));
    await e.apply(consent('shop', 'unsub', '2026-11-01T10:00:00.000Z', false));
    const { profileId } = e.profile();
    const confirmed = projectProfile(e.profile());
    // The previous release's push: a snapshot item without the pending key, and a separate pending item for the grant.
    await e.snapshots.put('acme', profileId, 'mailchimp', confirmed);
    await e.snapshots.put('acme', profileId, pendingSnapshotInstance('mailchimp'), { ...confirmed, consentEmailMarketing: true });
    const reads: string[] = [];
    const counted = { get: (t: string, p: string, i: string) => (reads.push(i), e.snapshots.get(t, p, i)) };
    expect(await ourWrites(counted, 'acme', profileId, 'mailchimp')).toHaveLength(2);
    expect(reads).toEqual(['mailchimp', 'mailchimp@pending']);
    // Rewritten by this release with nothing under way: a pending item left behind is stale and no longer read.
    await e.snapshots.put('acme', profileId, 'mailchimp', { ...confirmed, [PENDING_KEY]: false });
    reads.length = 0;
    expect(await ourWrites(counted, 'acme', profileId, 'mailchimp')).toEqual([{ ...confirmed, [PENDING_KEY]: false }]);
    expect(reads).toEqual(['mailchimp']);
    // So a genuine resubscribe at the platform is news, though the stale item says we were writing a grant.
    await e.apply(consent('mailchimp', 'resub', '2026-11-03T09:00:00.000Z', true));
    expect(e.profile().consent.email_marketing).toMatchObject({ granted: true, source: 'mailchimp' });
  });

  it('rebuilds the fields being written from the confirmed ones: set, changed, set to null, left out', () => {
    const confirmed = { firstName: 'Anna', lastName: 'Jansen', phone: '+31612345678', city: 'Utrecht' };
    const writing = { firstName: 'Anne', lastName: 'Jansen', phone: null, locale: 'nl' };
    const pending = encodePending(confirmed, writing);
    expect(JSON.parse(pending)).toEqual({ s: { firstName: 'Anne', phone: null, locale: 'nl' }, u: ['city'] });
    expect(pendingFields(confirmed, pending)).toEqual(writing);
    expect(pendingFields({}, encodePending(undefined, writing)), 'a first push').toEqual(writing);
    expect(pendingFields(confirmed, false), 'nothing under way').toBeUndefined();
    expect(pendingFields(confirmed, '{"s":'), 'unreadable').toBeUndefined();
  });
});

describe('canonical values', () => {
  it('normalises phone, e-mail, whitespace and dates', () => {
    expect(canonicalValue('phone', '06-12 34 56 78', '31')).toBe('+31612345678');
    expect(canonicalValue('email', ' Anna@Example.COM ')).toBe('anna@example.com');
    expect(canonicalValue('firstName', '  Anna   Maria ')).toBe('Anna Maria');
    expect(canonicalValue('birthdate', '1990-04-01T00:00:00Z')).toBe('1990-04-01');
    expect(canonicalValue('lastName', '   ')).toBeNull();
  });
});
