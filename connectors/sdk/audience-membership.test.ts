import { describe, expect, it } from 'vitest';
import type { ProfileChange } from '../../core/destination.js';
import { audienceRemoteId, currentSegments, planMembership, readAudienceState, type AudienceMapping } from './audience-membership.js';

const audiences: AudienceMapping[] = [
  { segment: 'lapsed', audienceId: '111' },
  { segment: 'loyal', audienceId: '222' },
];

function change(fields: ProfileChange['fields'], overrides: Partial<ProfileChange> = {}): ProfileChange {
  return {
    profileId: 'p-1',
    identifiers: [{ type: 'email', value: 'anna@example.com' }],
    email: 'anna@example.com',
    fields,
    changed: Object.keys(fields),
    consent: { advertising: true },
    ...overrides,
  };
}

const state = (segments: string[], held: string[]) => audienceRemoteId({ segments, held });

describe('planMembership', () => {
  it('adds a consenting person to the audience of the segment they joined, and remembers it', () => {
    const plan = planMembership(change({ email: 'anna@example.com', segments: 'new,lapsed', consentAdvertising: true }), audiences, true);
    expect(plan).toEqual({
      add: ['111'],
      remove: [],
      removePrevious: [],
      state: { segments: ['new', 'lapsed'], held: ['111'] },
    });
  });

  it('never adds a person in the segment without advertising consent', () => {
    const plan = planMembership(
      change({ segments: 'lapsed' }, { consent: { email_marketing: true }, remoteId: state([], []) }),
      audiences,
      true,
    );
    expect(plan.add).toEqual([]);
    expect(plan.remove, 'nothing held, nothing to remove: the person is not sent at all').toEqual([]);
    expect(plan.state).toEqual({ segments: ['lapsed'], held: [] });
  });

  it('removes a person who left the segment from its audience only', () => {
    const plan = planMembership(change({ segments: 'loyal' }, { remoteId: state(['lapsed', 'loyal'], ['111', '222']) }), audiences, true);
    expect(plan).toMatchObject({ add: [], remove: ['111'], state: { segments: ['loyal'], held: ['222'] } });
  });

  it('removes a person who withdrew advertising consent from every audience holding them, keeping their segments known', () => {
    const withdrawn = change(
      { consentAdvertising: false },
      { consent: { advertising: false }, remoteId: state(['lapsed', 'loyal'], ['111', '222']) },
    );
    const plan = planMembership(withdrawn, audiences, true);
    expect(plan).toEqual({
      add: [],
      remove: ['111', '222'],
      removePrevious: [],
      state: { segments: ['lapsed', 'loyal'], held: [] },
    });
  });

  it('removes a person who withdrew consent from every configured audience when nothing is remembered of them', () => {
    const withdrawn = change({ consentAdvertising: false }, { consent: { advertising: false } });
    expect(planMembership(withdrawn, audiences, true)).toMatchObject({ add: [], remove: ['111', '222'], state: { held: [] } });
  });

  it('adds a person who grants consent again to the audiences of the segments they are still in (the change names no segment)', () => {
    const regranted = change({ consentAdvertising: true }, { remoteId: state(['lapsed'], []) });
    expect(planMembership(regranted, audiences, true)).toMatchObject({ add: ['111'], remove: [], state: { held: ['111'] } });
  });

  it('sends the new address to every audience holding the person and removes the old one there', () => {
    const moved = change(
      { email: 'anna.b@example.com' },
      { email: 'anna.b@example.com', previousEmail: 'anna@example.com', remoteId: state(['lapsed'], ['111']) },
    );
    expect(planMembership(moved, audiences, true)).toEqual({
      add: ['111'],
      remove: [],
      removePrevious: ['111'],
      state: { segments: ['lapsed'], held: ['111'] },
    });
  });

  it('remembers the keys sent, and removes a changed phone number under its old key where the person is held', () => {
    const keys = { email: 'e1', phone: 'p1' };
    const joined = planMembership(change({ segments: 'lapsed' }), audiences, true, keys);
    expect(joined.state).toEqual({ segments: ['lapsed'], held: ['111'], keys });
    const remoteId = audienceRemoteId(joined.state);
    expect(readAudienceState(remoteId)?.keys).toEqual(keys);
    // The new number arrives as an identifier; the change names no e-mail and no previous address.
    const moved = planMembership(change({ firstName: 'Anna' }, { remoteId }), audiences, true, { email: 'e1', phone: 'p2' });
    expect(moved).toMatchObject({
      add: ['111'],
      removePrevious: ['111'],
      previousKeys: { phone: 'p1' },
      state: { keys: { email: 'e1', phone: 'p2' } },
    });
    const same = planMembership(change({ firstName: 'Anne' }, { remoteId }), audiences, true, keys);
    expect(same).toEqual({ add: [], remove: [], removePrevious: [], state: joined.state });
  });

  it('does nothing for a change that moves no membership', () => {
    const plan = planMembership(change({ firstName: 'Anna' }, { remoteId: state(['lapsed'], ['111']) }), audiences, true);
    expect(plan).toMatchObject({ add: [], remove: [], removePrevious: [] });
  });

  it('adds nobody the vendor could not match (no e-mail address, no phone number)', () => {
    const plan = planMembership(change({ segments: 'lapsed' }, { email: undefined, identifiers: [] }), audiences, false);
    expect(plan).toMatchObject({ add: [], state: { held: [] } });
  });

  it('keeps a person in an audience two segments share while they are in either', () => {
    const shared: AudienceMapping[] = [
      { segment: 'lapsed', audienceId: '111' },
      { segment: 'unengaged', audienceId: '111' },
    ];
    const plan = planMembership(change({ segments: 'unengaged' }, { remoteId: state(['lapsed', 'unengaged'], ['111']) }), shared, true);
    expect(plan).toMatchObject({ add: [], remove: [] });
  });
});

describe('currentSegments', () => {
  it('reads the changed segments list, else applies changed segment booleans to what was known', () => {
    expect(currentSegments({ segments: null }, ['lapsed'])).toEqual([]);
    expect(currentSegments({ segmentLapsed: false, segmentLoyal: true }, ['lapsed', 'new'])).toEqual(['new', 'loyal']);
  });
});

describe('readAudienceState', () => {
  it('reads back what audienceRemoteId wrote, and nothing from another connector’s id', () => {
    expect(readAudienceState(state(['lapsed'], ['111']))).toEqual({ segments: ['lapsed'], held: ['111'] });
    expect(readAudienceState('01HZX-klaviyo-id')).toBeUndefined();
    expect(readAudienceState('audiences:{broken')).toBeUndefined();
  });
});
