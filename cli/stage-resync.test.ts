// `syncline resync --stage`: on DynamoDB Local, the CLI queues the job item and follows it while the resync function
// (here runResync, what lambdas/resync.ts calls) runs it; a dry run writes nothing; an unfinished job of the other
// mode is not replaced silently.
import * as z from 'zod';
import { describe, expect, it } from 'vitest';
import { SynclineConfig } from '../core/config.js';
import { emptyProfile, type Profile } from '../core/profile.js';
import { defineConnector, type ProfileChange } from '../connectors/sdk/index.js';
import { DynamoCursorStore, DynamoPushSnapshotStore, DynamoStatusRecorder } from '../aws/dynamo-ops-store.js';
import { DynamoProfileRepository } from '../aws/dynamo-profile-repository.js';
import { createInstanceResolver } from '../pipeline/instances.js';
import { newResyncJob, readResyncJob, saveResyncJob } from '../pipeline/resync/resync-job.js';
import { runResync, type ResyncProgress } from '../pipeline/resync/run-resync.js';
import { useEmulators } from '../test/support/emulators.js';
import { memoryLogger } from '../test/support/memory-ports.js';
import { queueStageResync } from './stage-resync.js';

const env = useEmulators({ sqs: false });
const AT = '2026-11-01T10:00:00.000Z';

function setup(tenantId: string) {
  const received: ProfileChange[] = [];
  const recorder = defineConnector({
    name: 'recorder',
    kind: 'email',
    description: 'records pushes',
    settingsSchema: z.object({}),
    secretsSchema: z.object({}),
    push: {
      purpose: 'email_marketing',
      maxBatchSize: 2,
      async push(_ctx, changes) {
        received.push(...changes);
        return changes.map((c) => ({ profileId: c.profileId, status: 'pushed' as const }));
      },
    },
  });
  const config = SynclineConfig.parse({ tenants: [{ id: tenantId, instances: [{ id: 'crm', connector: 'recorder', push: true }] }] });
  const log = memoryLogger();
  const instances = createInstanceResolver({ config, connectors: { recorder }, secrets: { get: async () => ({}) }, log });
  const profiles = new DynamoProfileRepository(env.db, env.tables.profiles);
  const status = new DynamoStatusRecorder(env.db, env.tables.ops);
  const cursors = new DynamoCursorStore(env.db, env.tables.ops);
  const deps = { config, instances, db: env.db, tables: env.tables, profiles, status, log, followEveryMs: 50 };
  const lambda = () =>
    runResync(
      { push: { instances, profiles, snapshots: new DynamoPushSnapshotStore(env.db, env.tables.ops), status, log }, cursors, log },
      tenantId,
      'crm',
      { pace: { minIntervalMs: 0, basis: 'test', documented: false } },
    );
  return { deps, profiles, cursors, received, lambda };
}

async function seed(profiles: DynamoProfileRepository, tenantId: string) {
  const person = (id: string, consent: boolean): Profile => {
    const p: Profile = { ...emptyProfile(tenantId, id, AT), version: 1 };
    p.fields.email = { value: `${id}@example.com`, source: 'shop', at: AT, eventId: `e-${id}`, priority: 1 };
    p.consent.email_marketing = { granted: consent, source: 'shop', at: AT, eventId: `c-${id}`, priority: 1 };
    return p;
  };
  const people = [person('a', true), person('b', false), person('c', true)];
  await profiles.commit(tenantId, { puts: people.map((profile) => ({ profile, expectedVersion: 0 })), claims: [] });
}

describe('syncline resync --stage', () => {
  it('queues the job for the resync function and follows it to the end', async () => {
    const { deps, profiles, cursors, received, lambda } = setup('stage-a');
    await seed(profiles, 'stage-a');
    const seen: ResyncProgress[] = [];
    const following = queueStageResync(deps, 'stage-a', 'crm', { batchSize: 1, onProgress: (p) => seen.push(p) });
    await expect.poll(async () => (await readResyncJob(cursors, 'stage-a', 'crm'))?.state).toBe('queued');
    expect(received, 'the CLI itself pushes nothing').toEqual([]);
    expect((await lambda()).batchSize, 'the batch size asked for travels with the job').toBe(1);
    const result = await following;
    expect(result).toMatchObject({ finished: true, total: 3, counts: { pushed: 2, skippedConsent: 1, failed: 0 } });
    expect(seen[0]).toMatchObject({ finished: false, done: 0 });
    expect(received.map((c) => c.profileId).sort()).toEqual(['a', 'c']);
  });

  it('counts a dry run here without writing a job item, and keeps an unfinished job of the other mode', async () => {
    const { deps, profiles, cursors, received } = setup('stage-b');
    await seed(profiles, 'stage-b');
    const dry = await queueStageResync(deps, 'stage-b', 'crm', { dryRun: true });
    expect(dry.counts).toEqual({ pushed: 2, unchanged: 0, skippedConsent: 1, failed: 0 });
    expect(await readResyncJob(cursors, 'stage-b', 'crm')).toBeUndefined();
    expect(received).toEqual([]);

    // A normal job queued earlier (and not yet run): a --full run is refused, not swapped in.
    const tenant = deps.config.tenants[0]!;
    await saveResyncJob(cursors, newResyncJob(tenant, tenant.instances[0]!, 'normal', AT));
    await expect(queueStageResync(deps, 'stage-b', 'crm', { full: true })).rejects.toThrow(/normal resync .* unfinished.*--restart/);
    expect(await readResyncJob(cursors, 'stage-b', 'crm')).toMatchObject({ mode: 'normal', state: 'queued' });
  });
});
