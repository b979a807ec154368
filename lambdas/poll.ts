// Scheduled poll of one connector instance: the schedule's input names tenant and instance.
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { runPoll, type PollDeps, type PollRun } from '../pipeline/run-poll.js';
import { tenantRuntime } from './tenant-runtime.js';

export const PollInput = z.object({
  tenantId: z.string().min(1),
  instanceId: z.string().min(1),
  maxPages: z.number().int().min(1).max(1000).default(50),
});
export type PollInput = z.input<typeof PollInput>;

/** Leave time to save the cursor and report before Lambda stops the function. */
const SAFETY_MS = 10_000;

/** `deps` gets the tenant of the schedule: in AWS its stores act under credentials confined to that tenant's keys. */
export function createPollHandler(deps: (tenantId: string) => PollDeps) {
  return async (input: PollInput, context?: Pick<Context, 'getRemainingTimeInMillis'>): Promise<PollRun> => {
    const { tenantId, instanceId, maxPages } = PollInput.parse(input);
    const remaining = context?.getRemainingTimeInMillis() ?? 60_000;
    return runPoll(deps(tenantId), tenantId, instanceId, { maxPages, deadline: Date.now() + Math.max(1_000, remaining - SAFETY_MS) });
  };
}

export const handler = createPollHandler((tenantId) => tenantRuntime(tenantId).poll);
