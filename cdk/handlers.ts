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

/**
 * How each queue feeds its function (the SQS event source mapping): the stack deploys these, bench/cost.ts prices them
 * (invocations per event), and the local stack's pollers receive the same batches.
 */
export const QUEUE_BATCHING = {
  // Up to 50 events per invocation within a 2 s window: events of one profile often arrive together (order +
  // customer webhooks) and the handler groups them, so one conditional write covers several events; and what the
  // merge does once per batch (the identifier and profile BatchGets, the history and ledger BatchWrites, the push
  // messages' SendMessageBatch, the status record) is shared by five times as many events as at 10 (stop 31,
  // `npx tsx bench/emulators.ts 400 300`: 3.07 -> 2.44 DynamoDB requests per event). Above 10, SQS's event source
  // needs a window of at least 1 s. maxConcurrency bounds concurrent writers: optimistic-version conflicts on the same
  // profile and hot partitions grow with it, and 10 × ~100 writes/s stays far below DynamoDB's on-demand limits.
  merge: { batchSize: 50, windowSeconds: 2, maxConcurrency: 10 },
  // Destinations take batches (Copernica, Mailchimp): wait up to 10 s to fill one. Vendor APIs rate-limit per account:
  // 2 (the SQS minimum) keeps us polite; a backlog drains through batching. A push message carries a merge batch's
  // syncs (up to 50 profiles; pipeline/packed-syncs.ts allows 100), so 10 messages (one receive) are up to 500-1,000
  // profiles, which a 2-minute push at vendor pace (Copernica: one PUT per profile) still finishes; 25 could not.
  push: { batchSize: 10, windowSeconds: 10, maxConcurrency: 2 },
} as const;

/**
 * Seconds SQS holds the merge's push messages (lambdas/merge.ts PUSH_DELAY_SECONDS): a shopper's webhooks (checkout,
 * order, customer update within seconds) that land in different merge batches reach the destination in one push, not
 * one per batch; changes reach the destination up to this much later. Abandoned-cart windows are an hour or more.
 * Measured in docs/benchmarks.md (stop 33, helper interleaved).
 */
export const PUSH_DELAY_SECONDS = 30;
