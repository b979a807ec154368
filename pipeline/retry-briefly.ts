// A request tried again a few times within one invocation, before its messages are failed for redelivery: ≈ 50, 100,
// 200 ms apart (doubling, each wait stretched by up to 2× at random, as p-retry's `randomize`). A loop of our own
// rather than p-retry on the merge's path: the merge function would read p-retry's 3 kB at every cold start (issue
// 15: ≤ 250 kB at init). The outbound HTTP client keeps p-retry (AbortError, Retry-After, its options).
export interface RetryBriefly {
  /** Tries after the first (3: four attempts in all). */
  retries?: number;
  /** The first wait before its random stretch. */
  firstWaitMs?: number;
  /** Injectable so tests need not sleep. */
  sleep?: (ms: number) => Promise<void>;
}

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function retryBriefly<T>(attempt: () => Promise<T>, options: RetryBriefly = {}): Promise<T> {
  const { retries = 3, firstWaitMs = 50, sleep = sleepFor } = options;
  for (let tried = 0; ; tried++) {
    try {
      return await attempt();
    } catch (error) {
      if (tried >= retries) throw error;
      await sleep(firstWaitMs * 2 ** tried * (1 + Math.random()));
    }
  }
}
