import { describe, expect, it } from 'vitest';
import { runContractTests } from '../sdk/contract-kit.js';
import { profileChange, withVendor } from '../sdk/testing/index.js';
import type { ProfileChange } from '../sdk/index.js';
import type { CopernicaSecrets } from './config.js';
import { eraseSubjects, pushChanges } from './destination.js';
import { encodeForm, type FormObject } from './form.js';
import { copernica } from './index.js';
import { startCopernicaSimulator } from './simulator.js';
import { CALLBACK_URL, contextFor, forger, FORM, formBody, fixtureText, secrets, settings, signer, wrongSecrets } from './test-support.js';

runContractTests({
  connector: copernica,
  instance: 'copernica-nl',
  settings,
  secrets,
  webhooks: {
    url: CALLBACK_URL,
    sign: (rawBody: Buffer, k: CopernicaSecrets, url: string, now: Date) =>
      (k.callbackPublicKeys[signer.keyId] === signer.publicKeyPem ? signer : forger).sign({ body: rawBody, url, now }),
    wrongSecrets,
    headers: { 'content-type': FORM },
    // The documented examples are the decoded POST variables: Copernica posts them form-encoded.
    body: (text, headers) => (headers['content-type'] === FORM ? encodeForm(JSON.parse(text) as FormObject) : text),
  },
  push: { startVendor: (faults) => startCopernicaSimulator(faults ? { faults } : {}) },
});

const change = (email: string | undefined, fields: ProfileChange['fields'], changed = Object.keys(fields)) =>
  profileChange(email, fields, { changed });

const withSimulator = (run: (sim: Awaited<ReturnType<typeof startCopernicaSimulator>>) => Promise<void>, options = {}) =>
  withVendor(startCopernicaSimulator(options), run);

describe('Copernica push', () => {
  it('updates an existing profile by e-mail instead of creating a duplicate', () =>
    withSimulator(async (sim) => {
      const existing = sim.seedProfile({ email: 'ann@example.com', firstName: 'Ann' });
      const ctx = contextFor(sim.settings, sim.secrets);
      const outcomes = await pushChanges(ctx, [change('Ann@Example.com ', { lastName: 'Smith' })]);
      // Copernica's update names no profile: the push searches once for the id it did not know.
      expect(outcomes).toEqual([{ profileId: 'p-Ann@Example.com ', status: 'pushed', remoteId: String(existing) }]);
      expect(sim.profiles()).toEqual([{ id: existing, fields: { email: 'ann@example.com', firstName: 'Ann', lastName: 'Smith' } }]);
    }));

  it('creates a profile when none has the e-mail address, and reports its Copernica id', () =>
    withSimulator(async (sim) => {
      const [outcome] = await pushChanges(contextFor(sim.settings, sim.secrets), [change('new@example.com', { firstName: 'New' })]);
      const [profile] = sim.profiles();
      expect(outcome).toEqual({ profileId: 'p-new@example.com', status: 'pushed', remoteId: String(profile?.id) });
      expect(profile?.fields).toEqual({ firstName: 'New', email: 'new@example.com' });
    }));

  it('sends only the fields that changed', () =>
    withSimulator(async (sim) => {
      await pushChanges(contextFor(sim.settings, sim.secrets), [
        change('ann@example.com', { firstName: 'Ann', lastName: 'Smith', orderCount: 3, email: 'ann@example.com' }, ['lastName', 'email']),
      ]);
      const put = sim.log().find((r) => r.method === 'PUT');
      expect(put?.body).toEqual({ fields: { lastName: 'Smith', email: 'ann@example.com' } });
      expect(put?.query).toBe('?fields[]=email%3D%3Dann%40example.com&create=1');
    }));

  it('renames fields through fieldMap and writes values as Copernica strings', () =>
    withSimulator(async (sim) => {
      const s = { ...sim.settings, fieldMap: { firstName: 'voornaam', vip: 'is_vip' } };
      await pushChanges(contextFor(s, sim.secrets), [
        change('ann@example.com', { firstName: 'Ann', vip: true, orderCount: 2, phone: null, lastOrderAt: '2024-07-01T10:00:00Z' }),
      ]);
      expect(sim.log().find((r) => r.method === 'PUT')?.body).toEqual({
        fields: { voornaam: 'Ann', is_vip: '1', orderCount: '2', phone: '', lastOrderAt: '2024-07-01 12:00:00', email: 'ann@example.com' },
      });
    }));

  it('fails a change without an e-mail address, not retryable, and still pushes the rest in order', () =>
    withSimulator(async (sim) => {
      const outcomes = await pushChanges(contextFor(sim.settings, sim.secrets), [
        change('a@example.com', { firstName: 'A' }),
        change(undefined, { firstName: 'Nobody' }),
        change('b@example.com', { firstName: 'B' }),
      ]);
      expect(outcomes.map((o) => o.status)).toEqual(['pushed', 'failed', 'pushed']);
      expect(outcomes[1]).toEqual({ profileId: 'p-none', status: 'failed', reason: 'no e-mail address', retryable: false });
      expect(sim.received()).toEqual(expect.arrayContaining(['a@example.com', 'b@example.com']));
    }));

  it('pushes nothing for a profile without email_marketing consent', () =>
    withSimulator(async (sim) => {
      const withdrawn = { ...change('a@example.com', { firstName: 'A' }), consent: { email_marketing: false } };
      const [outcome] = await pushChanges(contextFor(sim.settings, sim.secrets), [withdrawn]);
      expect(outcome).toMatchObject({ status: 'failed', retryable: false });
      expect(sim.received()).toEqual([]);
    }));

  it('still sends the withdrawal of consent itself, so Copernica stops mailing', () =>
    withSimulator(async (sim) => {
      const withdrawal = { ...change('a@example.com', { consentEmailMarketing: false }), consent: { email_marketing: false } };
      const [outcome] = await pushChanges(contextFor(sim.settings, sim.secrets), [withdrawal]);
      expect(outcome).toMatchObject({ status: 'pushed' });
      expect(sim.received()).toEqual(['a@example.com']);
    }));

  it('reports a rejected profile as failed and not retryable, without the e-mail address in the reason', () =>
    withSimulator(async (sim) => {
      const [outcome] = await pushChanges(contextFor({ ...sim.settings, databaseId: 999 }, sim.secrets), [
        change('secret.person@example.com', { a: 1 }),
      ]);
      expect(outcome).toMatchObject({ status: 'failed', retryable: false });
      expect(outcome?.status === 'failed' && outcome.reason).toMatch(/HTTP 404/);
      expect(outcome?.status === 'failed' && outcome.reason).not.toMatch(/secret\.person/);
    }));

  it('gives a change back as retryable when Copernica keeps failing after the retries', () =>
    withSimulator(
      async (sim) => {
        const [outcome] = await pushChanges(contextFor(sim.settings, sim.secrets), [change('a@example.com', { a: 1 })], {
          retries: 1,
          minDelayMs: 1,
        });
        expect(outcome).toMatchObject({ status: 'failed', retryable: true });
        expect(outcome?.status === 'failed' && outcome.reason).not.toMatch(/a@example\.com/);
      },
      { faults: { failNext: 100 } },
    ));

  it('exchanges the API token for a JWT once and never sends the API token to the API', () =>
    withSimulator(async (sim) => {
      const ctx = contextFor(sim.settings, sim.secrets);
      await pushChanges(ctx, [change('a@example.com', { a: 1 })]);
      await pushChanges(ctx, [change('b@example.com', { a: 2 })]);
      expect(sim.tokensIssued()).toBe(1);
      expect(sim.log().every((r) => !r.query.includes('access_token'))).toBe(true);
    }));

  it('renews the JWT once when Copernica answers 401', () =>
    withSimulator(async (sim) => {
      const ctx = contextFor(sim.settings, sim.secrets);
      await pushChanges(ctx, [change('a@example.com', { a: 1 })]);
      sim.revokeTokens();
      const [outcome] = await pushChanges(ctx, [change('b@example.com', { a: 2 })]);
      expect(outcome?.status).toBe('pushed');
      expect(sim.tokensIssued()).toBe(2);
    }));

  it('fails every change with a clear reason when Copernica refuses the API token', () =>
    withSimulator(async (sim) => {
      const [outcome] = await pushChanges(contextFor(sim.settings, { ...sim.secrets, accessToken: 'revoked-token' }), [
        change('a@example.com', { a: 1 }),
      ]);
      expect(outcome).toMatchObject({ status: 'failed', retryable: false });
      expect(JSON.stringify(outcome)).not.toMatch(/revoked-token/);
    }));
});

describe('Copernica erasure', () => {
  const subject = (email: string, extra: { type: string; value: string }[] = []) => ({
    profileId: 'p-1',
    email,
    identifiers: [{ type: 'email', value: email }, ...extra],
  });

  it('erases every profile with the e-mail address', () =>
    withSimulator(async (sim) => {
      sim.seedProfile({ email: 'ann@example.com', firstName: 'Ann' });
      sim.seedProfile({ email: 'ann@example.com', firstName: 'Ann (duplicate)' });
      const other = sim.seedProfile({ email: 'bob@example.com' });
      const outcomes = await eraseSubjects(contextFor(sim.settings, sim.secrets), [subject('Ann@example.com')]);
      expect(outcomes).toEqual([{ profileId: 'p-1', status: 'confirmed' }]);
      expect(sim.profiles().map((p) => p.id)).toEqual([other]);
      expect(
        sim
          .log()
          .filter((r) => r.method === 'DELETE')
          .map((r) => r.body),
      ).toEqual([{ completely: true }, { completely: true }]);
    }));

  it('confirms erasure when Copernica holds no profile with the address', () =>
    withSimulator(async (sim) => {
      const outcomes = await copernica.erase!(contextFor(sim.settings, sim.secrets), [subject('gone@example.com')]);
      expect(outcomes).toEqual([{ profileId: 'p-1', status: 'confirmed' }]);
    }));

  it('also erases the Copernica profile ids learnt from callbacks, even when the address changed', () =>
    withSimulator(async (sim) => {
      const renamed = sim.seedProfile({ email: 'new-address@example.com' });
      const ctx = contextFor(sim.settings, sim.secrets);
      const outcomes = await eraseSubjects(ctx, [
        subject('old-address@example.com', [{ type: `customerId:${ctx.instance}`, value: String(renamed) }]),
      ]);
      expect(outcomes[0]?.status).toBe('confirmed');
      expect(sim.profiles()).toEqual([]);
    }));

  it('erases the profile id our own push learnt (remoteId) when the subject carries no address to search by', () =>
    withSimulator(async (sim) => {
      const pushed = sim.seedProfile({ email: 'shared@example.com', firstName: 'Zelda' });
      const other = sim.seedProfile({ email: 'shared@example.com', firstName: 'Bob' });
      const outcomes = await eraseSubjects(contextFor(sim.settings, sim.secrets), [
        { profileId: 'p-1', identifiers: [], remoteId: String(pushed) },
      ]);
      expect(outcomes).toEqual([{ profileId: 'p-1', status: 'confirmed' }]);
      expect(sim.profiles().map((p) => p.id)).toEqual([other]);
    }));

  it('reports a failed erasure when Copernica rejects the search', () =>
    withSimulator(async (sim) => {
      const [outcome] = await eraseSubjects(contextFor({ ...sim.settings, databaseId: 999 }, sim.secrets), [subject('ann@example.com')]);
      expect(outcome).toMatchObject({ profileId: 'p-1', status: 'failed' });
      expect(JSON.stringify(outcome)).not.toMatch(/ann@example/);
    }));

  it('finds profiles beyond the first page of a thousand', () =>
    withSimulator(async (sim) => {
      for (let i = 0; i < 1003; i++) sim.seedProfile({ email: 'many@example.com' });
      await eraseSubjects(contextFor({ ...sim.settings, concurrency: 16 }, sim.secrets), [subject('many@example.com')]);
      expect(sim.profiles()).toEqual([]);
      expect(sim.log().filter((r) => r.method === 'GET')).toHaveLength(2);
    }));
});
