import { describe, expect, it } from 'vitest';
import { runContractTests, sampleChanges } from '../sdk/contract-kit.js';
import { audienceRemoteId, capabilitiesOf, type ProfileChange } from '../sdk/index.js';
import { contextFor as contextIn, fixturesOf, withVendor } from '../sdk/testing/index.js';
import { MAX_ROWS_PER_REQUEST, MetaAudiencesClient, retryAfterOf } from './client.js';
import { MetaAudiencesSettings, type MetaAudiencesSecrets } from './config.js';
import { eraseSubjects, pushChanges } from './destination.js';
import { erasureRows, hashedEmail, metaEmail, metaPhone, rowOf, sha256 } from './hashing.js';
import { metaAudiences } from './index.js';
import { GraphError, UsersRequest, UsersResponse } from './schemas.js';
import { startMetaAudiencesSimulator, type MetaAudiencesSimulator, type MetaAudiencesSimulatorOptions } from './simulator.js';

const LAPSED = '23850000000000001';
const LOYAL = '23850000000000002';
const secrets: MetaAudiencesSecrets = { accessToken: 'sim-system-user-token', appSecret: 'sim-app-secret' };
const fixture = (name: string): unknown => fixturesOf('meta-audiences').json(name);
const fast = { retries: 2, minDelayMs: 1 };

/** The contract kit's sample people, as an audience destination receives them: advertising consent, in `lapsed`. */
const audienceChanges = (count: number): ProfileChange[] =>
  sampleChanges(count).map((c) => ({
    ...c,
    fields: { ...c.fields, segments: 'lapsed' },
    changed: [...c.changed, 'segments'],
    consent: { ...c.consent, advertising: true },
  }));

runContractTests({
  connector: metaAudiences,
  settings: MetaAudiencesSettings.parse({ audiences: [{ segment: 'lapsed', audienceId: LAPSED }] }),
  secrets,
  push: {
    startVendor: (faults) => startMetaAudiencesSimulator(faults ? { faults } : {}),
    changes: audienceChanges,
    keyOf: (c) => (c.email ? hashedEmail(c.email) : undefined),
  },
});

function change(fields: ProfileChange['fields'], overrides: Partial<ProfileChange> = {}): ProfileChange {
  return {
    profileId: 'p-anna',
    email: ' Anna.Jansen@Example.com ',
    identifiers: [
      { type: 'email', value: 'anna.jansen@example.com' },
      { type: 'phone', value: '+31612345678' },
    ],
    fields,
    changed: Object.keys(fields),
    consent: { advertising: true },
    ...overrides,
  };
}

const ANNA = { email: sha256('anna.jansen@example.com'), phone: sha256('31612345678') };

function withSimulator(run: (sim: MetaAudiencesSimulator) => Promise<void>, options: MetaAudiencesSimulatorOptions = {}) {
  return withVendor(startMetaAudiencesSimulator(options), run);
}

const push = (sim: MetaAudiencesSimulator, changes: ProfileChange[], k: MetaAudiencesSecrets = sim.secrets) =>
  pushChanges(contextIn('meta', sim.settings, k), changes, fast);

describe('Meta normalisation and hashing', () => {
  it('normalises e-mail as Meta documents: trimmed and lower-cased before SHA-256', () => {
    expect(metaEmail('  Anna.Jansen@Example.COM \t')).toBe('anna.jansen@example.com');
    expect(hashedEmail(' Anna.Jansen@Example.com ')).toBe(ANNA.email);
    expect(ANNA.email).toMatch(/^[0-9a-f]{64}$/);
  });

  it('sends phone numbers as digits with the country code and no leading zeros or "+", and nothing without a country code', () => {
    expect(metaPhone('+31612345678')).toBe('31612345678');
    expect(metaPhone('+448444124653')).toBe('448444124653');
    expect(metaPhone('0612345678'), 'a national number: the country is unknown').toBeUndefined();
  });

  it('makes one [EMAIL, PHONE] row of the primary address and the first phone, blank where a key is unknown or not matched on', () => {
    const settings = MetaAudiencesSettings.parse({ audiences: [{ segment: 'lapsed', audienceId: LAPSED }] });
    expect(rowOf(change({}), settings)).toEqual([ANNA.email, ANNA.phone]);
    expect(rowOf(change({}), { keys: ['email'] })).toEqual([ANNA.email, '']);
    expect(rowOf(change({}, { email: undefined, identifiers: [] }), settings)).toBeUndefined();
  });

  it('erases every address and phone number the person had, one key per row', () => {
    const rows = erasureRows({
      profileId: 'p',
      email: 'new@example.com',
      identifiers: [
        { type: 'email', value: 'new@example.com' },
        { type: 'email', value: 'old@example.com' },
        { type: 'phone', value: '+31612345678' },
        { type: 'anonymousId', value: 'visitor-1' },
      ],
    });
    expect(rows).toEqual([
      [sha256('new@example.com'), ''],
      [sha256('old@example.com'), ''],
      ['', sha256('31612345678')],
    ]);
  });
});

describe('Meta documented payloads', () => {
  it('reads the documented answer of /{custom_audience_id}/users', () => {
    expect(UsersResponse.parse(fixture('users-response.json'))).toEqual({
      audience_id: LAPSED,
      session_id: '9778993',
      num_received: 2,
      num_invalid_entries: 0,
      invalid_entry_samples: {},
    });
  });

  it('accepts the documented multi-key request with its session, and refuses an unhashed key', () => {
    const request = fixture('users-request-session.json') as { payload: { data: string[][] } };
    expect(UsersRequest.safeParse(request).success).toBe(true);
    const plain = { ...request, payload: { ...request.payload, data: [['anna@example.com', '']] } };
    expect(UsersRequest.safeParse(plain).success).toBe(false);
  });

  it.each(['error-invalid-token.json', 'error-audience-flagged.json', 'error-ad-account-rate-limit.json'])(
    'reads the Graph error %s',
    (name) => {
      expect(GraphError.safeParse(fixture(name)).success).toBe(true);
    },
  );
});

describe('Meta audience membership through the Marketing API', () => {
  it('adds a consenting person who joined the segment with both hashed keys, and remembers the audience', () =>
    withSimulator(async (sim) => {
      const [outcome] = await push(sim, [change({ email: 'anna.jansen@example.com', segments: 'new,lapsed', consentAdvertising: true })]);
      expect(outcome).toEqual({
        profileId: 'p-anna',
        status: 'pushed',
        remoteId: audienceRemoteId({ segments: ['new', 'lapsed'], held: [LAPSED], keys: ANNA }),
      });
      expect(sim.members(LAPSED)).toEqual([ANNA]);
      expect(sim.members(LOYAL)).toEqual([]);
    }));

  it('removes the person from the audience of the segment they left', () =>
    withSimulator(async (sim) => {
      const [joined] = await push(sim, [change({ segments: 'lapsed' })]);
      const remoteId = joined!.status === 'pushed' ? joined!.remoteId : undefined;
      await push(sim, [change({ segments: 'loyal' }, { remoteId })]);
      expect(sim.members(LAPSED)).toEqual([]);
      expect(sim.members(LOYAL)).toEqual([ANNA]);
    }));

  it('removes the person from every audience when advertising consent is withdrawn, and sends nothing for one who never had it', () =>
    withSimulator(async (sim) => {
      const [joined] = await push(sim, [change({ segments: 'lapsed,loyal' })]);
      const remoteId = joined!.status === 'pushed' ? joined!.remoteId : undefined;
      await push(sim, [change({ consentAdvertising: false }, { consent: { advertising: false }, remoteId })]);
      expect([...sim.members(LAPSED), ...sim.members(LOYAL)]).toEqual([]);

      const before = sim.requestsLog().length;
      const stranger = change(
        { segments: 'lapsed' },
        {
          profileId: 'p-b',
          email: 'b@example.com',
          consent: { email_marketing: true },
          remoteId: audienceRemoteId({ segments: [], held: [] }),
        },
      );
      const [outcome] = await push(sim, [stranger]);
      expect(outcome?.status).toBe('pushed');
      expect(sim.requestsLog().length, 'no request carries a person without advertising consent').toBe(before);
    }));

  it('moves a person whose address changed: the old hashed address leaves the audience, the new one joins', () =>
    withSimulator(async (sim) => {
      const [joined] = await push(sim, [
        change({ segments: 'lapsed' }, { identifiers: [{ type: 'email', value: 'anna.jansen@example.com' }] }),
      ]);
      const remoteId = joined!.status === 'pushed' ? joined!.remoteId : undefined;
      await push(sim, [
        change(
          { email: 'anna@jansen.nl' },
          {
            email: 'anna@jansen.nl',
            previousEmail: 'anna.jansen@example.com',
            identifiers: [{ type: 'email', value: 'anna@jansen.nl' }],
            remoteId,
          },
        ),
      ]);
      expect(sim.members(LAPSED)).toEqual([{ email: sha256('anna@jansen.nl') }]);
    }));

  it('moves a person whose phone number changed: the old number leaves the audience, the person stays in it', () =>
    withSimulator(async (sim) => {
      const [joined] = await push(sim, [change({ segments: 'lapsed' })]);
      const remoteId = joined!.status === 'pushed' ? joined!.remoteId : undefined;
      const newPhone = [
        { type: 'email', value: 'anna.jansen@example.com' },
        { type: 'phone', value: '+31687654321' },
      ] as const;
      await push(sim, [change({ firstName: 'Anna' }, { identifiers: [...newPhone], remoteId })]);
      expect(sim.members(LAPSED)).toEqual([{ email: ANNA.email, phone: sha256('31687654321') }]);
      expect(
        sim.sessions().map((s) => s.method),
        'the old number removed before the new one is added',
      ).toEqual(['POST', 'DELETE', 'POST']);
    }));

  it('splits an upload of more than 10,000 rows into one session: numbered batches, the last flagged, the total estimated', () =>
    withSimulator(async (sim) => {
      const client = new MetaAudiencesClient(sim.settings, sim.secrets, fast);
      const rows = Array.from({ length: MAX_ROWS_PER_REQUEST + 1 }, (_, i) => [sha256(`p${i}@example.com`), ''] as [string, string]);
      const answers = await client.upload('POST', LAPSED, rows);
      expect(answers.map((a) => a.num_received)).toEqual([10_000, 1]);
      const [session] = sim.sessions();
      expect(sim.sessions()).toHaveLength(1);
      expect(session).toMatchObject({
        audienceId: LAPSED,
        method: 'POST',
        batches: [1, 2],
        rows: 10_001,
        estimatedTotal: 10_001,
        lastBatchSeen: true,
      });
      expect(answers.every((a) => a.session_id === String(session!.sessionId))).toBe(true);
    }));

  it("fails only the person whose entry Meta found invalid, with Meta's reason, and pushes the others", () =>
    withSimulator(
      async (sim) => {
        const bob = change(
          { segments: 'lapsed' },
          { profileId: 'p-bob', email: 'bob@example.com', identifiers: [{ type: 'email', value: 'bob@example.com' }] },
        );
        const outcomes = await push(sim, [change({ segments: 'lapsed' }), bob]);
        expect(outcomes[0]?.status).toBe('pushed');
        expect(outcomes[1]).toMatchObject({
          profileId: 'p-bob',
          status: 'failed',
          retryable: false,
          reason: expect.stringMatching(/invalid.*could not be matched/),
        });
        expect(sim.members(LAPSED)).toEqual([ANNA]);
      },
      { invalidKeys: [sha256('bob@example.com')] },
    ));

  it('reports the entries Meta found invalid', () =>
    withSimulator(async (sim) => {
      const client = new MetaAudiencesClient(sim.settings, sim.secrets, fast);
      const [answer] = await client.upload('POST', LAPSED, [
        [ANNA.email, ''],
        ['', ''],
      ]);
      expect(answer).toMatchObject({
        num_received: 2,
        num_invalid_entries: 1,
        invalid_entry_samples: { '(empty)': 'Every key of the row is empty' },
      });
    }));
});

describe('Meta errors', () => {
  it('fails without retrying on an invalid or revoked token (code 190), saying so', () =>
    withSimulator(async (sim) => {
      sim.revokeToken();
      const [outcome] = await push(sim, [change({ segments: 'lapsed' })]);
      expect(outcome).toMatchObject({ status: 'failed', retryable: false });
      expect(outcome?.status === 'failed' && outcome.reason).toMatch(/Meta rejected the request \(HTTP 401\).*Invalid OAuth access token/);
      expect(sim.requests(), 'one call: retrying cannot mend a token').toBe(1);
    }));

  it('refuses a wrong appsecret_proof and an audience the ad account does not have', () =>
    withSimulator(async (sim) => {
      const [proof] = await push(sim, [change({ segments: 'lapsed' })], { ...sim.secrets, appSecret: 'another-secret' });
      expect(proof).toMatchObject({ status: 'failed', retryable: false });
      expect(proof?.status === 'failed' && proof.reason).toMatch(/appsecret_proof/);
      const elsewhere = { ...sim.settings, audiences: [{ segment: 'lapsed', audienceId: '999' }] };
      const [missing] = await pushChanges(contextIn('meta', elsewhere, sim.secrets), [change({ segments: 'lapsed' })], fast);
      expect(missing).toMatchObject({ status: 'failed', retryable: false });
    }));

  it('retries the custom-audience rate limit (code 80003) and transient errors, and gives a long block back to the queue', async () => {
    await withSimulator(
      async (sim) => {
        const [outcome] = await push(sim, [change({ segments: 'lapsed' })]);
        expect(outcome?.status).toBe('pushed');
        expect(sim.members(LAPSED)).toEqual([ANNA]);
      },
      { faults: { rateLimitFirst: 1, failNext: 1 } },
    );
    await withSimulator(
      async (sim) => {
        const started = Date.now();
        const [outcome] = await push(sim, [change({ segments: 'lapsed' })]);
        expect(outcome).toMatchObject({ status: 'failed', retryable: true });
        expect(Date.now() - started, 'not waiting 5 minutes in the function').toBeLessThan(5_000);
      },
      { faults: { rateLimitFirst: 1 }, regainAccessMinutes: 5 },
    );
  });

  it('reads the wait from X-Business-Use-Case-Usage', () => {
    expect(retryAfterOf(JSON.stringify({ '123': [{ type: 'custom_audience', estimated_time_to_regain_access: 3 }] }))).toBe('180');
    expect(retryAfterOf('not json')).toBeUndefined();
  });
});

describe('Meta erasure', () => {
  it('removes every key of the person from every configured audience: requested, Meta applies it within a day', () =>
    withSimulator(async (sim) => {
      const [joined] = await push(sim, [change({ segments: 'lapsed,loyal' })]);
      const remoteId = joined!.status === 'pushed' ? joined!.remoteId : undefined;
      const outcomes = await eraseSubjects(
        contextIn('meta', sim.settings, sim.secrets),
        [{ profileId: 'p-anna', identifiers: change({}).identifiers, email: 'anna.jansen@example.com', ...(remoteId ? { remoteId } : {}) }],
        fast,
      );
      expect(outcomes).toEqual([{ profileId: 'p-anna', status: 'requested' }]);
      expect([...sim.members(LAPSED), ...sim.members(LOYAL)]).toEqual([]);
    }));

  it('sends nothing for a person this instance never pushed, and confirms', () =>
    withSimulator(async (sim) => {
      const outcomes = await eraseSubjects(
        contextIn('meta', sim.settings, sim.secrets),
        [{ profileId: 'p-x', identifiers: [{ type: 'email', value: 'x@example.com' }] }],
        fast,
      );
      expect(outcomes).toEqual([{ profileId: 'p-x', status: 'confirmed' }]);
      expect(sim.requests()).toBe(0);
    }));

  it('pushes and erases, and only for the advertising purpose', () => {
    expect(capabilitiesOf(metaAudiences)).toMatchObject({ push: true, erase: true });
    expect(metaAudiences.push?.purpose).toBe('advertising');
  });
});
