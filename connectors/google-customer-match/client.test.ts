import type { AxiosResponse } from 'axios';
import { describe, expect, it } from 'vitest';
import { failureReason, VendorRejected } from '../sdk/index.js';
import { fixturesOf, withVendor } from '../sdk/testing/index.js';
import { CustomerMatchClient } from './client.js';
import { readGoogleError } from './failures.js';
import { sha256Hex } from './identifiers.js';
import {
  AddOfflineUserDataJobOperationsRequest,
  AddOfflineUserDataJobOperationsResponse,
  CreateOfflineUserDataJobRequest,
  CreateOfflineUserDataJobResponse,
  ErrorBody,
  RunOfflineUserDataJobResponse,
  SearchGoogleAdsResponse,
  TokenResponse,
} from './schemas.js';
import { startCustomerMatchSimulator, type CustomerMatchSimulator, type CustomerMatchSimulatorOptions } from './simulator.js';

const fixture = (name: string): unknown => fixturesOf('google-customer-match').json(name);
const fast = { retries: 3, minDelayMs: 1 };
let scopes = 0;

const withSimulator = (
  run: (sim: CustomerMatchSimulator, client: CustomerMatchClient) => Promise<void>,
  options: CustomerMatchSimulatorOptions = {},
) =>
  withVendor(startCustomerMatchSimulator(options), (sim) =>
    run(sim, new CustomerMatchClient(`acme/gcm-${++scopes}`, sim.settings, sim.secrets, fast)),
  );

const create = (email: string) => ({ create: { userIdentifiers: [{ hashedEmail: sha256Hex(email) }] } });
const remove = (email: string) => ({ remove: { userIdentifiers: [{ hashedEmail: sha256Hex(email) }] } });

describe("Google's documented Customer Match payloads", () => {
  it.each([
    ['create-job-request.json', CreateOfflineUserDataJobRequest],
    ['create-job-response.json', CreateOfflineUserDataJobResponse],
    ['add-operations-request.json', AddOfflineUserDataJobOperationsRequest],
    ['add-operations-partial-failure.json', AddOfflineUserDataJobOperationsResponse],
    ['run-job-response.json', RunOfflineUserDataJobResponse],
    ['search-job-status-response.json', SearchGoogleAdsResponse],
    ['error-concurrent-modification.json', ErrorBody],
    ['error-conflicting-operation.json', ErrorBody],
    ['error-resource-exhausted.json', ErrorBody],
    ['token-response.json', TokenResponse],
  ] as const)('reads %s with its schema', (name, schema) => {
    expect(schema.safeParse(fixture(name)).success).toBe(true);
  });

  it('refuses a user identifier that sets two identifiers at once (a oneof in Google Ads)', () => {
    const both = {
      operations: [{ create: { userIdentifiers: [{ hashedEmail: sha256Hex('a@b.nl'), hashedPhoneNumber: sha256Hex('+31612345678') }] } }],
    };
    expect(AddOfflineUserDataJobOperationsRequest.safeParse(both).success).toBe(false);
  });
});

describe("Google's errors, read before the client decides to retry", () => {
  const answer = (status: number, data: unknown): AxiosResponse => ({ status, data, headers: {}, statusText: '', config: {} as never });

  it('keeps the error code and message as the reason, not the wrapper', () => {
    const read = readGoogleError(answer(400, fixture('error-conflicting-operation.json')));
    expect(read.data).toBe(
      'offlineUserDataJobError.CONFLICTING_OPERATION: Mixing creation and removal of offline data in the same job is not allowed.',
    );
    expect(read.status).toBe(400);
  });

  it("retries a quota error after Google's retryDelay and a concurrent modification as a conflict", () => {
    const quota = readGoogleError(answer(429, fixture('error-resource-exhausted.json')));
    expect(quota.status).toBe(429);
    expect(quota.headers['retry-after']).toBe('2');
    const conflict = fixture('error-concurrent-modification.json') as { error: { code: number } };
    expect(readGoogleError(answer(400, { error: { ...conflict.error, code: 400 } })).status, 'whatever status it comes with').toBe(409);
  });
});

describe('the Customer Match client against the simulated Google Ads', () => {
  it('creates a job with consent, adds people, runs it, and the job succeeds with them in the list', () =>
    withSimulator(async (sim, client) => {
      const job = await client.createJob('1001', 'add');
      expect(await client.addOperations(job, [create('dana@example.com'), create('alex.2@example.com')])).toEqual([]);
      await client.run(job);
      expect(await client.jobState(job)).toEqual({ status: 'SUCCESS' });
      expect(sim.hasMember('1001', { email: 'dana@example.com' })).toBe(true);
      expect(sim.jobs()[0]).toMatchObject({ consent: { adUserData: 'GRANTED', adPersonalization: 'GRANTED' }, operations: 2 });
    }));

  it('reports a job as RUNNING until Google has processed it, and as FAILED when processing failed', () =>
    withSimulator(
      async (sim, client) => {
        const job = await client.createJob('1001', 'add');
        await client.addOperations(job, [create('dana@example.com')]);
        await client.run(job);
        expect((await client.jobState(job)).status).toBe('RUNNING');
        sim.finishJobs();
        expect(await client.jobState(job)).toEqual({ status: 'FAILED', failureReason: 'UNKNOWN' });
        expect(sim.hasMember('1001', { email: 'dana@example.com' })).toBe(false);
      },
      { processingMs: 60_000, failJobs: 1 },
    ));

  it('creates remove jobs without consent, which Google does not need to remove people', () =>
    withSimulator(async (sim, client) => {
      const job = await client.createJob('1001', 'remove');
      await client.addOperations(job, [remove('dana@example.com')]);
      expect(sim.jobs()[0]!.consent).toBeUndefined();
    }));

  it('is refused, for good, when one job mixes adding and removing (CONFLICTING_OPERATION)', () =>
    withSimulator(async (_sim, client) => {
      const job = await client.createJob('1001', 'add');
      await client.addOperations(job, [create('dana@example.com')]);
      const error = await client.addOperations(job, [remove('alex.2@example.com')]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(VendorRejected);
      expect(failureReason('Google Ads', error)).toEqual({
        reason: expect.stringContaining('CONFLICTING_OPERATION') as string,
        retryable: false,
      });
    }));

  it('names the operations Google refused in a partial failure and keeps the others', () =>
    withSimulator(async (sim, client) => {
      const job = await client.createJob('1001', 'add');
      const malformed = { create: { userIdentifiers: [{ hashedEmail: 'not-a-hash' }] } };
      const failures = await client.addOperations(job, [create('dana@example.com'), malformed as never, create('alex.2@example.com')]);
      expect(failures).toEqual([
        { index: 1, reason: 'offlineUserDataJobError.INVALID_SHA256_FORMAT: The SHA256 encoded value is malformed.' },
      ]);
      expect(sim.jobs()[0]!.operations).toBe(2);
    }));

  it('rides out CONCURRENT_MODIFICATION and RESOURCE_EXHAUSTED by retrying, as Google asks', () =>
    withSimulator(
      async (sim, client) => {
        const job = await client.createJob('1001', 'add');
        expect(await client.addOperations(job, [create('dana@example.com')])).toEqual([]);
        expect(sim.jobs()[0]!.operations).toBe(1);
        expect(sim.requests()).toBeGreaterThanOrEqual(4);
      },
      { concurrentModifications: 1, quotaExhausted: 1 },
    ));

  it('does not run a second job on a list while one is running there (CONCURRENT_MODIFICATION until it is done)', () =>
    withSimulator(
      async (_sim, client) => {
        const first = await client.createJob('1001', 'remove');
        await client.addOperations(first, [remove('dana@example.com')]);
        await client.run(first);
        const second = await client.createJob('1001', 'add');
        await client.addOperations(second, [create('alex.2@example.com')]);
        const error = await client.run(second).catch((e: unknown) => e);
        expect(failureReason('Google Ads', error).retryable, 'a retry later succeeds').toBe(true);
        const elsewhere = await client.createJob('1002', 'add');
        await client.addOperations(elsewhere, [create('alex.2@example.com')]);
        await expect(client.run(elsewhere), 'another list is not held up').resolves.toBeUndefined();
      },
      { processingMs: 60_000 },
    ));

  it('exchanges the refresh token once, reuses the access token, and renews it when Google says it expired', () =>
    withSimulator(async (sim, client) => {
      await client.createJob('1001', 'add');
      await client.createJob('1001', 'add');
      expect(sim.tokensIssued()).toBe(1);
      sim.expireAccessTokens();
      await client.createJob('1001', 'add');
      expect(sim.tokensIssued()).toBe(2);
    }));

  it('keeps access tokens per tenant and instance: another instance with its own grant asks for its own', () =>
    withSimulator(async (sim, client) => {
      await client.createJob('1001', 'add');
      const other = new CustomerMatchClient('other-tenant/gcm', sim.settings, sim.secrets, fast);
      await other.createJob('1001', 'add');
      expect(sim.tokensIssued()).toBe(2);
    }));

  it('names the manager account in login-customer-id when the user reaches the advertiser through one', () =>
    withSimulator(
      async (sim) => {
        const direct = new CustomerMatchClient('acme/no-manager', { ...sim.settings, loginCustomerId: undefined }, sim.secrets, fast);
        const error = await direct.createJob('1001', 'add').catch((e: unknown) => e);
        expect(failureReason('Google Ads', error)).toMatchObject({
          retryable: false,
          reason: expect.stringContaining('USER_PERMISSION_DENIED') as string,
        });
        const managed = new CustomerMatchClient('acme/manager', sim.settings, sim.secrets, fast);
        await expect(managed.createJob('1001', 'add')).resolves.toMatch(/^customers\/1234567890\/offlineUserDataJobs\/\d+$/);
      },
      { managerId: '9876543210' },
    ));

  it('fails for good on a wrong developer token, an unknown list or a revoked refresh token', async () => {
    await withSimulator(async (sim) => {
      const wrong = new CustomerMatchClient('acme/wrong-dev', sim.settings, { ...sim.secrets, developerToken: 'nope' }, fast);
      const error = await wrong.createJob('1001', 'add').catch((e: unknown) => e);
      expect(failureReason('Google Ads', error)).toMatchObject({
        retryable: false,
        reason: expect.stringContaining('DEVELOPER_TOKEN_INVALID') as string,
      });
    });
    await withSimulator(async (_sim, client) => {
      const error = await client.createJob('999', 'add').catch((e: unknown) => e);
      expect(failureReason('Google Ads', error)).toMatchObject({
        retryable: false,
        reason: expect.stringContaining('INVALID_USER_LIST_ID') as string,
      });
    });
    await withSimulator(async (sim) => {
      const revoked = new CustomerMatchClient('acme/revoked', sim.settings, { ...sim.secrets, refreshToken: 'revoked' }, fast);
      const error = await revoked.createJob('1001', 'add').catch((e: unknown) => e);
      expect(failureReason('Google OAuth', error)).toMatchObject({
        retryable: false,
        reason: expect.stringContaining('invalid_grant') as string,
      });
    });
  });

  it('is told to use the Data Manager API when its developer token never sent Customer Match before April 2026', () =>
    withSimulator(
      async (_sim, client) => {
        const error = await client.createJob('1001', 'add').catch((e: unknown) => e);
        expect(failureReason('Google Ads', error)).toMatchObject({
          retryable: false,
          reason: expect.stringContaining('CUSTOMER_NOT_ALLOWLISTED_FOR_THIS_FEATURE') as string,
        });
      },
      { notAllowlisted: true },
    ));
});
