// Events per minute per connector instance, for the status page's chart: the status counters are cumulative, so the
// local stack samples them and charts the differences. In memory, for this process only (AWS has CloudWatch).

export interface EventRate {
  /** Reads the counters now (the page calls it so that the current minute is up to date). */
  sample(): Promise<void>;
  /** Events per minute for the last `minutes` minutes, oldest first. */
  series(key: string): number[];
  readonly minutes: number;
  stop(): void;
}

export function startEventRate(
  read: () => Promise<Map<string, number>>,
  options: { intervalMs?: number; minutes?: number; now?: () => number } = {},
): EventRate {
  const minutes = options.minutes ?? 30;
  const now = options.now ?? Date.now;
  const samples: { at: number; counts: Map<string, number> }[] = [];
  let pending: Promise<void> | undefined;

  const sample = async () => {
    // One read at a time: a slow emulator must not pile up reads.
    pending ??= read()
      .then((counts) => {
        const at = now();
        samples.push({ at, counts });
        while (samples.length > 2 && samples[1]!.at < at - (minutes + 1) * 60_000) samples.shift();
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };
  const timer = setInterval(() => void sample().catch(() => {}), options.intervalMs ?? 10_000);
  timer.unref();
  void sample().catch(() => {});

  /** The counter at time t: the last sample at or before it, else the first sample (the baseline). */
  const valueAt = (key: string, t: number): number => {
    let value = samples[0]?.counts.get(key) ?? 0;
    for (const s of samples) {
      if (s.at > t) break;
      value = s.counts.get(key) ?? value;
    }
    return value;
  };

  return {
    minutes,
    sample,
    series(key) {
      const end = now();
      return Array.from({ length: minutes }, (_, i) => {
        const to = end - (minutes - 1 - i) * 60_000;
        return Math.max(0, valueAt(key, to) - valueAt(key, to - 60_000));
      });
    },
    stop: () => clearInterval(timer),
  };
}
