// Per-site request budget of one function instance: a token bucket per tenant/site, refilled continuously.
export interface SiteRateLimit {
  /** Takes one request from the site's bucket; false when it is empty (answer 429). */
  take(key: string, perSecond: number, now: number): boolean;
}

/**
 * Burst of 2 s of the rate. In memory, so the limit holds per function instance (per local server): the deployed
 * total is at most the rate × the collect function's reserved concurrency (cdk/collect-route.ts), and API Gateway's
 * stage throttle caps every route together (docs/website-tracking.md, "Rate limit").
 */
export function siteRateLimit(maxSites = 10_000): SiteRateLimit {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(key, perSecond, now) {
      const burst = perSecond * 2;
      const bucket = buckets.get(key) ?? { tokens: burst, at: now };
      bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * perSecond);
      bucket.at = now;
      if (!buckets.has(key)) {
        // Bounded: configured sites only reach here, but a config with very many keeps the newest.
        if (buckets.size >= maxSites) buckets.delete(buckets.keys().next().value!);
        buckets.set(key, bucket);
      }
      if (bucket.tokens < 1) return false;
      bucket.tokens -= 1;
      return true;
    },
  };
}
