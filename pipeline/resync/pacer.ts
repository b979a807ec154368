// Keeps a resync's push calls at least `minIntervalMs` apart, and estimates when the resync ends.

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** Resolves after `ms`, or at once when the signal aborts (the caller checks the signal). */
export const sleep: Sleep = (ms, signal) =>
  new Promise((resolve) => {
    if (ms <= 0 || signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

export interface Pacer {
  /** Waits until the next push call may start; the caller then calls `pushed()` if that call reached the vendor. */
  ready(signal?: AbortSignal): Promise<void>;
  /** The last call did reach the vendor: the next one waits the interval from its start. */
  pushed(startedAt: number): void;
  /** Total time spent waiting for the pace. */
  readonly waitedMs: number;
}

export function createPacer(minIntervalMs: number, now: () => number = Date.now, wait: Sleep = sleep): Pacer {
  let lastPushStart: number | undefined;
  let waitedMs = 0;
  return {
    async ready(signal) {
      if (lastPushStart === undefined) return;
      const left = lastPushStart + minIntervalMs - now();
      if (left <= 0) return;
      waitedMs += left;
      await wait(left, signal);
    },
    pushed(startedAt) {
      lastPushStart = startedAt;
    },
    get waitedMs() {
      return waitedMs;
    },
  };
}

export interface EtaInput {
  /** Profiles handled so far by the job (every run of it). */
  done: number;
  /** Profiles of the tenant when the job started; undefined when not known. */
  total: number | undefined;
  /** Profiles handled, and the time taken, by this run (a resumed run's earlier speed is not known). */
  doneThisRun: number;
  elapsedThisRunMs: number;
  batchSize: number;
  minIntervalMs: number;
}

/**
 * The time left: the larger of what this run's speed predicts and what the pace allows (one push per interval for
 * each batch still to go). Undefined without a total or before the first batch; 0 once nothing is left.
 */
export function estimateEtaMs(input: EtaInput): number | undefined {
  if (input.total === undefined) return undefined;
  const remaining = Math.max(0, input.total - input.done);
  if (remaining === 0) return 0;
  if (input.doneThisRun === 0 || input.elapsedThisRunMs <= 0) return undefined;
  const bySpeed = (remaining * input.elapsedThisRunMs) / input.doneThisRun;
  const byPace = Math.ceil(remaining / input.batchSize) * input.minIntervalMs;
  return Math.round(Math.max(bySpeed, byPace));
}
