// The resync function on the emulators against the simulated Copernica: a job queued as `syncline resync --stage`
// queues it is run by the scheduled invocation to its end; the next invocation finds no open job and sends nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SynclineConfig } from '../core/config.js';
import { emptyProfile, type Profile } from '../core/profile.js';
import { startCopernicaSimulator, type CopernicaSimulator } from '../connectors/copernica/simulator.js';
import { DynamoCursorStore } from '../aws/dynamo-ops-store.js';
import { DynamoOpenResyncJobs } from '../aws/dynamo-open-resync-jobs.js';
import { DynamoProfileRepository } from '../aws/dynamo-profile-repository.js';
import { newResyncJob, readResyncJob, saveResyncJob } from '../pipeline/resync/resync-job.js';
import { useEmulators } from '../test/support/emulators.js';
import { silentLogger } from '../test/support/lambda-events.js';
import { handler as resync } from './resync.js';
import { configureRuntime } from './runtime.js';

const env = useEmulators();
const AT = '2026-11-01T10:00:00.000Z';
let copernica: CopernicaSimulator;
let config: SynclineConfig;

beforeAll(async () => {
  copernica = await startCopernicaSimulator({ accessToken: 'resync-token' });
  config = SynclineConfig.parse({
    tenants: [
      {
        id: 'resync-fn',
        instances: [
          { id: 'shop', connector: 'shopify', webhooks: true },
          { id: 'copernica', connector: 'copernica', push: true, settings: { ...copernica.settings } },
        ],
      },
    ],
  });
  configureRuntime({
    config,
    secrets: { get: async (_tenant, instance) => (instance === 'copernica' ? copernica.secrets : undefined) },
    log: silentLogger,
  });
});
afterAll(async () => {
  await copernica?.stop();
});

function person(id: string, consent: boolean): Profile {
  const p: Profile = { ...emptyProfile('resync-fn', id, AT), version: 1 };
  const email = `${id}@example.com`;
  p.identifiers = [{ type: 'email', value: email, source: 'shop', at: AT }];
  p.fields.email = { value: email, source: 'shop', at: AT, eventId: `e-${id}`, priority: 1 };
  p.consent.email_marketing = { granted: consent, source: 'shop', at: AT, eventId: `c-${id}`, priority: 1 };
  return p;
}

describe('the resync function', () => {
  it('runs a queued job to its end within its time budget, and does nothing when no job is open', async () => {
    const profiles = new DynamoProfileRepository(env.db, env.tables.profiles);
    const people = ['r1', 'r2', 'r3', 'r4'].map((id) => person(id, id !== 'r3'));
    await profiles.commit('resync-fn', { puts: people.map((profile) => ({ profile, expectedVersion: 0 })), claims: [] });
    const cursors = new DynamoCursorStore(env.db, env.tables.ops);
    const tenant = config.tenants[0]!;
    await saveResyncJob(cursors, newResyncJob(tenant, tenant.instances[1]!, 'normal', AT));
    const openJobs = new DynamoOpenResyncJobs(env.db, env.tables.ops);
    await openJobs.add({ tenantId: 'resync-fn', instanceId: 'copernica' });

    const runs = await resync({}, { getRemainingTimeInMillis: () => 14 * 60_000 });
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ finished: true, total: 4, counts: { pushed: 3, skippedConsent: 1, failed: 0 } });
    expect(
      copernica
        .profiles()
        .map((p) => p.fields.email)
        .sort(),
    ).toEqual(['r1@example.com', 'r2@example.com', 'r4@example.com']);
    expect(await readResyncJob(cursors, 'resync-fn', 'copernica')).toMatchObject({ state: 'complete', runs: 1 });
    expect(await openJobs.list(), 'a complete job leaves the stage list').toEqual([]);

    const requests = copernica.log().length;
    expect(await resync({}, { getRemainingTimeInMillis: () => 14 * 60_000 })).toEqual([]);
    expect(copernica.log().length, 'no open job: no vendor call').toBe(requests);
  });

  it('finds its work in the stage list only: an unlisted job waits, a listed one of a gone destination is dropped', async () => {
    const cursors = new DynamoCursorStore(env.db, env.tables.ops);
    const openJobs = new DynamoOpenResyncJobs(env.db, env.tables.ops);
    const tenant = config.tenants[0]!;
    await saveResyncJob(cursors, newResyncJob(tenant, tenant.instances[1]!, 'full', AT));
    await openJobs.add({ tenantId: 'other-tenant', instanceId: 'klaviyo' });
    const requests = copernica.log().length;
    expect(await resync({}, { getRemainingTimeInMillis: () => 14 * 60_000 })).toEqual([]);
    expect(copernica.log().length, 'the unlisted job was not run').toBe(requests);
    expect(await readResyncJob(cursors, 'resync-fn', 'copernica')).toMatchObject({ state: 'queued' });
    expect(await openJobs.list(), 'a job of no configured destination is dropped').toEqual([]);
  });

  it('keeps every job that is added and removed at the same time (one string set, atomic ADD and DELETE)', async () => {
    const openJobs = new DynamoOpenResyncJobs(env.db, env.tables.ops);
    const refs = Array.from({ length: 12 }, (_, i) => ({ tenantId: `t${i}`, instanceId: 'klaviyo' }));
    await Promise.all(refs.map((ref) => openJobs.add(ref)));
    await Promise.all([...refs.slice(0, 6).map((ref) => openJobs.remove(ref)), openJobs.add(refs[0]!)]);
    const left = (await openJobs.list()).map((r) => r.tenantId).sort();
    expect(left.filter((t) => t !== 't0')).toEqual(['t10', 't11', 't6', 't7', 't8', 't9']);
    for (const ref of refs) await openJobs.remove(ref);
    expect(await openJobs.list()).toEqual([]);
  });
});
