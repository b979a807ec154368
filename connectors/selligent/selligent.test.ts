import { describe, expect, it } from 'vitest';
import { runContractTests } from '../sdk/contract-kit.js';
import { contextFor as contextIn, fixturesOf, profileChange, withVendor } from '../sdk/testing/index.js';
import type { ConnectorContext, ProfileChange } from '../sdk/index.js';
import { SelligentSettings, type SelligentSecrets } from './config.js';
import { eraseSubjects, pushChanges } from './destination.js';
import { selligent } from './index.js';
import { engagementToEvents, groupRows, toListRow } from './mapping.js';
import { pollEngagement } from './poll.js';
import { DeleteDataResponse, EngagementRecord, LoadDataResponse, SearchDataResponse } from './schemas.js';
import { expectedEngagementEvents, generateSampleList, startSelligentSimulator, type SelligentSimulator } from './simulator.js';

const secrets: SelligentSecrets = { apiKey: 'sim-key', apiSecret: 'sim-secret' };
const settings = SelligentSettings.parse({
  apiBaseUrl: 'https://acme.slgnt.eu/Portal/Api',
  organization: 'syncline-sim',
  list: 'MEMBERS',
  fieldMap: { firstName: 'FIRSTNAME', lastName: 'NAME' },
});
const sampleList = generateSampleList(23);
const fixture = (name: string): unknown => fixturesOf('selligent').json(name);

runContractTests({
  connector: selligent,
  settings,
  secrets,
  golden: {
    mappings: {
      // An engagement record of list member 1; the poll joins the member's address from the list.
      engagement: (answer, { instance, settings: s }) =>
        engagementToEvents('1', 'ann@example.com', EngagementRecord.parse(answer), { instance, list: s.list, timeZone: s.timeZone }),
    },
  },
  poll: {
    startVendor: (faults) => startSelligentSimulator({ list: sampleList, settings: { pageSize: 7 }, ...(faults ? { faults } : {}) }),
    expectedEvents: expectedEngagementEvents(sampleList),
  },
  push: {
    startVendor: (faults) =>
      startSelligentSimulator({ settings: { fieldMap: { firstName: 'FIRSTNAME', lastName: 'NAME' } }, ...(faults ? { faults } : {}) }),
  },
});

const contextFor = (s: SelligentSettings): ConnectorContext<SelligentSettings, SelligentSecrets> => contextIn('selligent', s, secrets);
const fast = { retries: 3, minDelayMs: 1 };

const change = profileChange;

const withSimulator = (options: Parameters<typeof startSelligentSimulator>[0], run: (sim: SelligentSimulator) => Promise<void>) =>
  withVendor(startSelligentSimulator(options), run);

describe('Selligent documented examples', () => {
  it('reads the data/load answer example, invalid records field by field', () => {
    const answer = LoadDataResponse.parse(fixture('load-data-response.json'));
    expect(answer).toMatchObject({
      result_code: 'PartiallySucceeded',
      number_of_inserted_records: 50,
      number_of_updated_records: 48,
      number_of_failed_records: 2,
    });
    expect(answer.invalid_records).toEqual([
      {
        record_index: 10,
        field_name: 'SOMESTRING',
        message: 'Length of string (53) exceeds maximum field length (50)',
        validation_code: 'MaxStringLengthExceeded',
      },
      { record_index: 17, field_name: null, message: 'Record contains incorrect number of fields', validation_code: 'InvalidFieldCount' },
    ]);
  });

  it('reads the delete and search answer examples', () => {
    expect(DeleteDataResponse.parse(fixture('delete-data-response.json'))).toMatchObject({
      result_code: 'PartiallySucceeded',
      number_of_deleted_records: 48,
    });
    const search = SearchDataResponse.parse(fixture('search-data-response.json'));
    expect(search.fields).toEqual(['FIELD1', 'FIELD2']);
    expect(search.data).toEqual([
      ['RECORD1_FIELD1_VALUE', 1],
      ['RECORD2_FIELD1_VALUE', 2],
      ['RECORD3_FIELD1_VALUE', 3],
    ]);
  });

  it('sends load rows shaped like the documented request body: arrays of values under one column list', () => {
    const body = fixture('load-data-request.json') as unknown[][];
    const row = toListRow(change('ann@example.com', { firstName: 'Ann' }), settings);
    if (!row.ok) throw new Error(row.reason);
    const [group] = groupRows([{ index: 0, values: row.values }], 'MAIL');
    // The documented body: a header row only when `fields` is not in the query, then one array per record.
    expect(body.every((r) => Array.isArray(r) && r.length === body[0]!.length)).toBe(true);
    expect(group).toEqual({ fields: ['MAIL', 'FIRSTNAME'], rows: [{ index: 0, values: ['ann@example.com', 'Ann'] }] });
  });

  it('yields no event for a record without engagement ({} as documented)', () => {
    expect(
      engagementToEvents('2', undefined, EngagementRecord.parse({}), { instance: 'selligent', list: 'MEMBERS', timeZone: 'UTC' }),
    ).toEqual([]);
  });
});

describe('Selligent push', () => {
  it('loads changed fields by e-mail, one request per column set, and updates instead of duplicating', () =>
    withSimulator(
      {
        list: { records: [{ ID: '1', MAIL: 'ann@example.com', NAME: 'Old' }], engagement: new Map() },
        settings: { fieldMap: { firstName: 'FIRSTNAME', lastName: 'NAME' } },
      },
      async (sim) => {
        const outcomes = await pushChanges(contextFor(sim.settings), [
          change(' Ann@Example.com ', { lastName: 'Smith' }),
          change('bob@example.com', { firstName: 'Bob', orderCount: 2 }),
          change('cy@example.com', { lastName: 'Young' }),
        ]);
        expect(outcomes.map((o) => o.status)).toEqual(['pushed', 'pushed', 'pushed']);
        expect(sim.loads()).toEqual([
          { fields: 'MAIL,NAME', rows: 2 },
          { fields: 'MAIL,FIRSTNAME', rows: 1 },
        ]);
        expect(sim.rows()).toEqual([
          { ID: '1', MAIL: 'ann@example.com', NAME: 'Smith' },
          { ID: '2', MAIL: 'cy@example.com', NAME: 'Young' },
          { ID: '3', MAIL: 'bob@example.com', FIRSTNAME: 'Bob' },
        ]);
      },
    ));

  it('fails exactly the rows Selligent lists as invalid, without the e-mail address in the reason', () =>
    withSimulator({ maxFieldLength: 10, settings: { fieldMap: { lastName: 'NAME' } } }, async (sim) => {
      const outcomes = await pushChanges(contextFor(sim.settings), [
        change('a@ex.nl', { lastName: 'Short' }),
        change('b@ex.nl', { lastName: 'Much too long a name' }),
      ]);
      expect(outcomes[0]).toEqual({ profileId: 'p-a@ex.nl', status: 'pushed' });
      expect(outcomes[1]).toEqual({
        profileId: 'p-b@ex.nl',
        status: 'failed',
        reason: expect.stringContaining('MaxStringLengthExceeded NAME'),
        retryable: false,
      });
      expect(outcomes[1]?.status === 'failed' && outcomes[1].reason).not.toContain('@');
    }));

  it('writes a consent withdrawal to the opt-out field even without consent, and refuses other changes without it', () =>
    withSimulator({ settings: { optoutField: 'OPTOUT' } }, async (sim) => {
      const outcomes = await pushChanges(contextFor(sim.settings), [
        change('gone@example.com', { consentEmailMarketing: false }, { consent: { email_marketing: false } }),
        change('quiet@example.com', { firstName: 'Q' }, { consent: { email_marketing: false } }),
      ]);
      expect(outcomes.map((o) => o.status)).toEqual(['pushed', 'failed']);
      expect(sim.rows()).toEqual([{ ID: '1', MAIL: 'gone@example.com', OPTOUT: '1' }]);
    }));

  it('says what is missing when a withdrawal has no list field to go to', () => {
    expect(toListRow(change('x@example.com', { consentEmailMarketing: false }), settings)).toEqual({
      ok: false,
      reason: expect.stringMatching(/optoutField/),
    });
  });

  it('retries 429 with Retry-After and 500, then loads', () =>
    withSimulator({ faults: { rateLimitFirst: 2, failNext: 1 } }, async (sim) => {
      const outcomes = await pushChanges(contextFor(sim.settings), [change('a@example.com', { firstName: 'A' })], fast);
      expect(outcomes).toEqual([{ profileId: 'p-a@example.com', status: 'pushed' }]);
      expect(sim.requests()).toBe(4);
    }));
});

describe('Selligent engagement poll', () => {
  it('pages by record id with a GreaterThan filter and resumes after the saved id', () =>
    withSimulator({ list: sampleList, settings: { pageSize: 10 } }, async (sim) => {
      const ctx = contextFor(sim.settings);
      const budget = { maxPages: 1, deadline: Date.now() + 10_000 };
      const first = await pollEngagement(ctx, undefined, budget);
      expect(first.hasMore).toBe(true);
      expect(JSON.parse(first.nextCursor)).toEqual({ v: 1, afterId: 10 });
      const second = await pollEngagement(ctx, first.nextCursor, budget);
      expect(sim.searches()[1]).toMatchObject({
        filters: [{ field_name: 'ID', operator: 'GreaterThan', field_value: '10' }],
        take: 10,
        order_by: 'ID',
      });
      const third = await pollEngagement(ctx, second.nextCursor, budget);
      expect(third.hasMore).toBe(false);
      expect(JSON.parse(third.nextCursor)).toEqual({ v: 1, afterId: 0 });
      const ids = [first, second, third].flatMap((p) => p.events.map((e) => e.sourceEventId));
      expect(new Set(ids).size).toBe(expectedEngagementEvents(sampleList));
    }));

  it('gives the same event ids when a later pass reads unchanged records again', () =>
    withSimulator({ list: sampleList, settings: { pageSize: 30 } }, async (sim) => {
      const ctx = contextFor(sim.settings);
      const budget = { maxPages: 1, deadline: Date.now() + 10_000 };
      const once = await pollEngagement(ctx, undefined, budget);
      const again = await pollEngagement(ctx, once.nextCursor, budget);
      expect(again.events.map((e) => e.sourceEventId)).toEqual(once.events.map((e) => e.sourceEventId));
    }));

  it('rejects a cursor it did not write', async () => {
    await expect(pollEngagement(contextFor(settings), 'not json', { maxPages: 1, deadline: Date.now() + 1000 })).rejects.toThrow(/cursor/);
  });
});

describe('Selligent erasure', () => {
  it("deletes every list record keyed on one of the person's addresses", () =>
    withSimulator(
      {
        list: {
          records: [
            { ID: '1', MAIL: 'ann@example.com' },
            { ID: '2', MAIL: 'ann@work.example' },
            { ID: '3', MAIL: 'bob@example.com' },
          ],
          engagement: new Map(),
        },
      },
      async (sim) => {
        const outcomes = await eraseSubjects(contextFor(sim.settings), [
          { profileId: 'p-ann', email: 'Ann@Example.com', identifiers: [{ type: 'email', value: 'ann@work.example' }] },
          { profileId: 'p-anon', identifiers: [{ type: 'anonymousId', value: 'x' }] },
        ]);
        expect(outcomes).toEqual([
          { profileId: 'p-ann', status: 'confirmed' },
          { profileId: 'p-anon', status: 'confirmed' },
        ]);
        expect(sim.rows()).toEqual([{ ID: '3', MAIL: 'bob@example.com' }]);
      },
    ));
});
