// Scheduled campaign sweep: tenant stats and the time-dependent campaign fields; the schedule may name one tenant.
import * as z from 'zod';
import { sweepAll, type SweepDeps, type SweepRun } from '../pipeline/campaigns/sweep-campaigns.js';
import { runtime } from './runtime.js';

const SweepInput = z.object({ tenantId: z.string().min(1).optional() });
export type SweepInput = z.input<typeof SweepInput>;

function createSweepHandler(deps: () => SweepDeps) {
  return async (input: SweepInput = {}): Promise<SweepRun[]> => sweepAll(deps(), SweepInput.parse(input ?? {}).tenantId);
}

export const handler = createSweepHandler(() => runtime().sweep);
