// Scheduled campaign sweep: tenant stats and the time-dependent campaign fields; the schedule may name one tenant.
import * as z from 'zod';
import { sweepAll, type SweepDeps, type SweepRun } from '../pipeline/campaigns/sweep-campaigns.js';
import { DynamoDueItems } from '../aws/dynamo-due-items.js';
import { DynamoErasureReceipts } from '../aws/dynamo-erasure-receipts.js';
import { DynamoPushSnapshotStore } from '../aws/dynamo-ops-store.js';
import { once, shared, tenantsOnly } from './container.js';

const SweepInput = z.object({ tenantId: z.string().min(1).optional() });
export type SweepInput = z.input<typeof SweepInput>;

function createSweepHandler(deps: () => SweepDeps) {
  return async (input: SweepInput = {}): Promise<SweepRun[]> => sweepAll(deps(), SweepInput.parse(input ?? {}).tenantId);
}

export function sweepRuntime(): SweepDeps {
  return once('sweep', () => {
    const { log, profiles, push, stats, now, db, names, digestKey } = shared();
    return {
      // The sweep reads tenants' config; the pushes it queues are bound by the push function.
      instances: tenantsOnly('sweep'),
      profiles,
      due: new DynamoDueItems(db, names.profiles),
      stats,
      push,
      log,
      now,
      receipts: new DynamoErasureReceipts(db, names.ops, digestKey ? { digestKey } : {}),
      snapshots: new DynamoPushSnapshotStore(db, names.ops),
    };
  });
}

export const handler = createSweepHandler(sweepRuntime);
