import { describe, expect, it } from 'vitest';
import { runContractTests, sampleChanges } from '../sdk/contract-kit.js';
import { audienceRemoteId, capabilitiesOf, readAudienceState, type ProfileChange, type PushOutcome } from '../sdk/index.js';
import { contextFor, withVendor } from '../sdk/testing/index.js';
import { GoogleCustomerMatchSettings, type GoogleCustomerMatchSecrets } from './config.js';
import { CustomerMatchClient } from './client.js';
import { pushChanges } from './destination.js';
import { eraseSubjects } from './erase.js';
import { googleEmail, sha256Hex } from './identifiers.js';
import { googleCustomerMatch } from './index.js';
import { runJob } from './jobs.js';
import { startCustomerMatchSimulator, type CustomerMatchSimulator, type CustomerMatchSimulatorOptions } from './simulator.js';

const secrets: GoogleCustomerMatchSecrets = { developerToken: 'dev', clientId: 'client', clientSecret: 'secret', refreshToken: 'refresh' };
const LAPSED = '1001';
const LOYAL = '1002';
const audiences = [
  { segment: 'lapsed', audienceId: LAPSED },
  { segment: 'loyal', audienceId: LOYAL },
];

/** The kit's sample people as an audience destination receives them: advertising consent, in `lapsed`. */
const audienceChanges = (count: number): ProfileChange[] =>
  sampleChanges(count).map((c) => ({
    ...c,
    fields: { ...c.fields, segments: 'lapsed' },
    changed: [...c.changed, 'segments'],
    consent: { ...c.consent, advertising: true },
  }));

runContractTests({
  connector: googleCustomerMatch,
  settings: GoogleCustomerMatchSettings.parse({ customerId: '123-456-7890', audiences }),
  secrets,
  push: {
    startVendor: (faults) => startCustomerMatchSimulator(faults ? { faults } : {}),
    changes: audienceChanges,
    keyOf: (c) => {
      const email = c.email === undefined ? undefined : googleEmail(c.email);
      return email === undefined ? undefined : sha256Hex(email);
    },
  },
});

const fast = { retries: 4, minDelayMs: 1 };
let instances = 0;

function withSimulator(
  run: (sim: CustomerMatchSimulator, settings: GoogleCustomerMatchSettings) => Promise<void>,
  options: CustomerMatchSimulatorOptions = {},
  extra: Partial<GoogleCustomerMatchSettings> = {},
) {
  return withVendor(startCustomerMatchSimulator({ userLists: [LAPSED, LOYAL], ...options }), (sim) =>
    run(sim, { ...sim.settings, audiences, ...extra }),
  );
}

const context = (sim: CustomerMatchSimulator, settings: GoogleCustomerMatchSettings) =>
  contextFor(`gcm-${++instances}`, settings, sim.secrets);

function person(email: string, fields: ProfileChange['fields'], overrides: Partial<ProfileChange> = {}): ProfileChange {
  return {
    profileId: `p-${email}`,
    identifiers: [
      { type: 'email', value: email },
      { type: 'phone', value: '+31612345678' },
    ],
    email,
    fields,
    changed: Object.keys(fields),
    consent: { advertising: true },
    ...overrides,
  };
}

const pushed = (outcome: PushOutcome | undefined) => (outcome?.status === 'pushed' ? readAudienceState(outcome.remoteId) : undefined);

describe('google-customer-match as a destination', () => {
  it('declares an advertising push with erasure and no way in', () => {
    expect(capabilitiesOf(googleCustomerMatch)).toEqual({ webhook: false, poll: false, push: true, erase: true });
    expect(googleCustomerMatch.push?.purpose).toBe('advertising');
  });

  it('refuses settings whose audience is not a user list id', () => {
    const parsed = GoogleCustomerMatchSettings.safeParse({
      customerId: '1234567890',
      audiences: [{ segment: 'lapsed', audienceId: 'abc' }],
    });
    expect(parsed.success).toBe(false);
  });

  it('adds a consenting person who joined a segment to its list, hashed as Google asks, and remembers the list holds them', () =>
    withSimulator(async (sim, settings) => {
      const [outcome] = await pushChanges(
        context(sim, settings),
        [person(' Anna.B@Gmail.com ', { segments: 'new,lapsed', consentAdvertising: true })],
        fast,
      );
      expect(pushed(outcome)).toEqual({ segments: ['new', 'lapsed'], held: [LAPSED] });
      expect(sim.hasMember(LAPSED, { email: 'annab@gmail.com' }), 'Gmail dots dropped before hashing').toBe(true);
      expect(sim.hasMember(LAPSED, { phone: '+31612345678' })).toBe(true);
      expect(sim.hasMember(LOYAL, { email: 'annab@gmail.com' })).toBe(false);
      expect(sim.jobs()).toEqual([
        expect.objectContaining({ kind: 'create', status: 'SUCCESS', consent: { adUserData: 'GRANTED', adPersonalization: 'GRANTED' } }),
      ]);
    }));

  it('never adds a person without the advertising purpose, whatever their segments', () =>
    withSimulator(async (sim, settings) => {
      const ctx = context(sim, settings);
      const known = audienceRemoteId({ segments: [], held: [] });
      const refused = person('bo@example.com', { segments: 'lapsed,loyal' }, { consent: { email_marketing: true }, remoteId: known });
      expect((await pushChanges(ctx, [refused], fast))[0]?.status).toBe('pushed');
      expect(sim.requests(), 'held nowhere, so not one request to Google').toBe(0);
      // A withdrawal with nothing remembered may find the person in any list: removals only, never an add.
      const forgotten = person('bo@example.com', { consentAdvertising: false }, { consent: { advertising: false } });
      expect((await pushChanges(ctx, [forgotten], fast))[0]?.status).toBe('pushed');
      expect(sim.operations().map((o) => o.kind)).toEqual(['remove', 'remove']);
    }));

  it('removes a person who left the segment from that list only, in a job of removals', () =>
    withSimulator(async (sim, settings) => {
      const ctx = context(sim, settings);
      const [joined] = await pushChanges(ctx, [person('cas@example.com', { segments: 'lapsed,loyal', consentAdvertising: true })], fast);
      const remoteId = joined?.status === 'pushed' ? joined.remoteId : undefined;
      const [left] = await pushChanges(ctx, [person('cas@example.com', { segments: 'loyal' }, { remoteId })], fast);
      expect(pushed(left)).toEqual({ segments: ['loyal'], held: [LOYAL] });
      expect(sim.hasMember(LAPSED, { email: 'cas@example.com' })).toBe(false);
      expect(sim.hasMember(LOYAL, { email: 'cas@example.com' })).toBe(true);
      const removal = sim.jobs().find((j) => j.kind === 'remove')!;
      expect(removal.consent, 'Google needs no consent to remove').toBeUndefined();
    }));

  it('removes a person from every list holding them when the advertising consent is withdrawn (the withdrawal alone arrives)', () =>
    withSimulator(async (sim, settings) => {
      const ctx = context(sim, settings);
      const remoteId = audienceRemoteId({ segments: ['lapsed', 'loyal'], held: [LAPSED, LOYAL] });
      await pushChanges(ctx, [person('dee@example.com', { segments: 'lapsed,loyal', consentAdvertising: true })], fast);
      const [withdrawn] = await pushChanges(
        ctx,
        [person('dee@example.com', { consentAdvertising: false }, { consent: { advertising: false }, remoteId })],
        fast,
      );
      expect(pushed(withdrawn)).toEqual({ segments: ['lapsed', 'loyal'], held: [] });
      expect(sim.members(LAPSED)).toEqual([]);
      expect(sim.members(LOYAL)).toEqual([]);
      expect(sim.jobs().filter((j) => j.kind === 'remove')).toHaveLength(2);
    }));

  it('moves a list member to a new address: the old hash removed, the new one added', () =>
    withSimulator(async (sim, settings) => {
      const ctx = context(sim, settings);
      const [first] = await pushChanges(ctx, [person('old@example.com', { segments: 'lapsed', consentAdvertising: true })], fast);
      const remoteId = first?.status === 'pushed' ? first.remoteId : undefined;
      const moved = person('new@example.com', { email: 'new@example.com' }, { previousEmail: 'old@example.com', remoteId });
      moved.identifiers.push({ type: 'email', value: 'old@example.com' });
      expect((await pushChanges(ctx, [moved], fast))[0]?.status).toBe('pushed');
      expect(sim.hasMember(LAPSED, { email: 'old@example.com' })).toBe(false);
      expect(sim.hasMember(LAPSED, { email: 'new@example.com' })).toBe(true);
    }));

  it('fails only the person Google refused in a partial failure, for good, and runs the job for the others', () =>
    withSimulator(async (sim, settings) => {
      const client = new CustomerMatchClient('acme/partial', settings, sim.secrets, fast);
      const good = { userIdentifiers: [{ hashedEmail: sha256Hex('eve@example.com') }] };
      const malformed = { userIdentifiers: [{ hashedEmail: 'E'.repeat(64) }] };
      const result = await runJob(
        client,
        LAPSED,
        'add',
        [
          { owner: 0, data: good },
          { owner: 7, data: malformed },
        ],
        10_000,
      );
      expect(result.ran).toBe(true);
      expect([...result.failures]).toEqual([[7, { retryable: false, reason: expect.stringContaining('INVALID_SHA256_FORMAT') as string }]]);
      expect(sim.hasMember(LAPSED, { email: 'eve@example.com' })).toBe(true);
    }));

  it("fails for good, in Google's words, when the configured list does not exist", () =>
    withSimulator(async (sim, settings) => {
      const people = [person('eve@example.com', { segments: 'lapsed' }), person('fay@example.com', { segments: 'lapsed' })];
      const outcomes = await pushChanges(
        context(sim, { ...settings, audiences: [{ segment: 'lapsed', audienceId: '9999' }] }),
        people,
        fast,
      );
      expect(outcomes.map((o) => o.status)).toEqual(['failed', 'failed']);
      expect(outcomes[0]).toMatchObject({ retryable: false, reason: expect.stringContaining('INVALID_USER_LIST_ID') as string });
    }));

  it("pushes a batch within Google's identifier limit per request and rides out quota, server errors and a concurrent job", () =>
    withSimulator(
      async (sim, settings) => {
        const people = Array.from({ length: 30 }, (_, i) =>
          person(`p${i}@example.com`, { segments: 'lapsed' }, { identifiers: [{ type: 'email', value: `p${i}@example.com` }] }),
        );
        const outcomes = await pushChanges(context(sim, settings), people, fast);
        expect(outcomes.map((o) => o.status)).toEqual(people.map(() => 'pushed'));
        expect(new Set(sim.received())).toEqual(new Set(people.map((p) => p.email)));
        expect(sim.jobs()).toEqual([expect.objectContaining({ operations: 30, identifiers: 30, status: 'SUCCESS' })]);
      },
      {
        faults: { rateLimitFirst: 1, failNext: 1 },
        concurrentModifications: 1,
        accounts: Array.from({ length: 30 }, (_, i) => `p${i}@example.com`),
      },
      { identifiersPerRequest: 7 },
    ));

  it('reports a job Google processes later as pushed, and one that FAILED within the wait as retryable', async () => {
    await withSimulator(
      async (sim, settings) => {
        const [outcome] = await pushChanges(context(sim, settings), [person('gus@example.com', { segments: 'lapsed' })], fast);
        expect(outcome?.status, 'accepted by Google, processed in its own time').toBe('pushed');
        expect(sim.jobs()[0]?.status).toBe('RUNNING');
      },
      { processingMs: 60_000 },
    );
    await withSimulator(
      async (sim, settings) => {
        const [outcome] = await pushChanges(context(sim, settings), [person('hal@example.com', { segments: 'lapsed' })], fast);
        expect(outcome).toMatchObject({ status: 'failed', retryable: true, reason: expect.stringContaining('FAILED') as string });
      },
      { failJobs: 1 },
      { pushWaitMs: 2_000, pollIntervalMs: 10 },
    );
  });
});

describe('google-customer-match erasure', () => {
  const subject = {
    profileId: 'p-ivy',
    email: 'ivy@example.com',
    identifiers: [
      { type: 'email' as const, value: 'ivy@example.com' },
      { type: 'email' as const, value: 'ivy.old@example.com' },
      { type: 'phone' as const, value: '+31687654321' },
    ],
  };

  it('removes every address and number from every configured list and confirms once the jobs succeeded', () =>
    withSimulator(async (sim, settings) => {
      const ctx = context(sim, settings);
      await pushChanges(ctx, [person('ivy.old@example.com', { segments: 'lapsed,loyal' }, { identifiers: subject.identifiers })], fast);
      expect(sim.hasMember(LOYAL, { email: 'ivy.old@example.com' })).toBe(true);
      const outcomes = await eraseSubjects(ctx, [subject, { profileId: 'p-absorbed', identifiers: [], remoteId: 'audiences:{}' }], fast);
      expect(outcomes).toEqual([
        { profileId: 'p-ivy', status: 'confirmed' },
        { profileId: 'p-absorbed', status: 'confirmed' },
      ]);
      for (const list of [LAPSED, LOYAL]) {
        expect(sim.hasMember(list, { email: 'ivy.old@example.com' }), list).toBe(false);
        expect(sim.hasMember(list, { phone: '+31687654321' }), list).toBe(false);
      }
      const removed = sim.operations().filter((o) => o.kind === 'remove');
      expect(removed.map((o) => o.userList).sort()).toEqual([
        `customers/1234567890/userLists/${LAPSED}`,
        `customers/1234567890/userLists/${LOYAL}`,
      ]);
      expect(removed[0]!.hashes).toContain(sha256Hex('ivy@example.com'));
    }));

  it('says requested while Google is still processing, and failed when a job failed', async () => {
    await withSimulator(
      async (sim, settings) => {
        expect(await eraseSubjects(context(sim, settings), [subject], fast)).toEqual([{ profileId: 'p-ivy', status: 'requested' }]);
      },
      { processingMs: 60_000 },
      { eraseWaitMs: 50, pollIntervalMs: 10 },
    );
    await withSimulator(
      async (sim, settings) => {
        const [outcome] = await eraseSubjects(context(sim, settings), [subject], fast);
        expect(outcome).toMatchObject({ status: 'failed', reason: expect.stringContaining('FAILED') as string });
      },
      { failJobs: 1 },
      { pollIntervalMs: 10 },
    );
  });
});
