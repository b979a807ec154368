// The Lambda handlers the stack deploys: one function per file in lambdas/ that exports `handler`.
import { join } from 'node:path';

/** The repository root (cdk/ sits directly under it). */
export const REPO_ROOT = join(import.meta.dirname, '..');

export const HANDLERS = {
  webhook: 'lambdas/webhook.ts',
  poll: 'lambdas/poll.ts',
  merge: 'lambdas/merge.ts',
  push: 'lambdas/push.ts',
  sweep: 'lambdas/sweep.ts',
  resync: 'lambdas/resync.ts',
  personalize: 'lambdas/personalize.ts',
  survey: 'lambdas/survey-answer.ts',
  collect: 'lambdas/collect.ts',
} as const;

export type HandlerName = keyof typeof HANDLERS;
export const HANDLER_NAMES = Object.keys(HANDLERS) as HandlerName[];

/**
 * Memory per function, MB (Lambda bills GB-seconds): the stack deploys these and bench/cost.ts prices them.
 * merge and sweep get a whole-ish vCPU share for the merge engine and the tenant recounts; the rest wait on I/O.
 */
export const MEMORY_MB: Record<HandlerName, number> = {
  webhook: 512,
  poll: 512,
  merge: 1024,
  push: 512,
  sweep: 1024,
  personalize: 512,
  survey: 256,
  collect: 256,
  resync: 512,
};
