// Every handler's dependencies in one object, for the local runtime and tests, which run all handlers in one process.
// A deployed function never imports this module: each handler module wires only its own (issue 15: lean functions).
import type { MergeBatchDeps } from '../pipeline/merge-batch.js';
import type { PushDeps } from '../pipeline/push-profiles.js';
import type { SweepDeps } from '../pipeline/campaigns/sweep-campaigns.js';
import { mergeRuntime } from './merge.js';
import { pushRuntime } from './push.js';
import { sweepRuntime } from './sweep.js';
import { ingestRuntime, tenantRuntime, type IngestDeps } from './tenant-runtime.js';

export { configureRuntime } from './container.js';
export type { RuntimeOverrides } from './container.js';
export { tenantRuntime };

export interface Runtime extends IngestDeps {
  merge: MergeBatchDeps;
  push: PushDeps;
  sweep: SweepDeps;
}

export function runtime(): Runtime {
  return { ...ingestRuntime(), merge: mergeRuntime(), push: pushRuntime(), sweep: sweepRuntime() };
}
