// How fast a resync may push to a destination: the vendor's documented rate limit turned into a minimum time between
// push calls (one call in flight, never more than the connector's maxBatchSize profiles per call). Each figure cites
// the connector's fixtures/SOURCES.md; a vendor that documents none gets a cautious default, marked as not documented.
// The scheduled push (lambdas/push.ts, at most 2 concurrent batches) shares the vendor's budget: the pace leaves it room.

export interface DestinationPace {
  /** At least this long between the starts of two push calls of a resync. */
  minIntervalMs: number;
  /** Why this interval, with the vendor's words where it has any. */
  basis: string;
  /** False when the vendor documents no rate limit and the interval is our own caution. */
  documented: boolean;
}

const UNDOCUMENTED: Omit<DestinationPace, 'basis'> = { minIntervalMs: 1_000, documented: false };

const PACES: Readonly<Record<string, DestinationPace>> = {
  // One push is one bulk import POST, a few GETs of the job (status, import-errors, profiles) and, for consent
  // changes, subscription jobs: ~6 requests of the "steady 150/m" tier, so 20 pushes a minute stay under it.
  klaviyo: {
    minIntervalMs: 3_000,
    basis: 'Klaviyo bulk import jobs and their reads: burst 10/s, steady 150/m (klaviyo/fixtures/SOURCES.md); ~6 requests per push',
    documented: true,
  },
  // Mailchimp limits simultaneous connections (10 per user), not requests per minute: one push at a time is within
  // it; a pause between pushes leaves connections to the scheduled push and the poll.
  mailchimp: {
    minIntervalMs: 500,
    basis: 'Mailchimp: 10 simultaneous connections per user, no per-minute limit (mailchimp/fixtures/SOURCES.md); one push at a time',
    documented: true,
  },
  copernica: { ...UNDOCUMENTED, basis: 'Copernica REST v4 documents no rate limit (copernica/fixtures/SOURCES.md): 1 push a second' },
  selligent: { ...UNDOCUMENTED, basis: 'Selligent documents no batch or rate limit (selligent/fixtures/SOURCES.md): 1 push a second' },
  squeezely: { ...UNDOCUMENTED, basis: 'Squeezely documents no rate limit (squeezely/fixtures/SOURCES.md): 1 push a second' },
  // Meta meters the ad account by Business Use Case with no fixed figure; the connector waits out 613/80003/80004 with
  // the usage header's time to regain access, so the resync only has to avoid provoking it.
  'meta-audiences': {
    ...UNDOCUMENTED,
    basis: 'Meta Business Use Case limits publish no fixed rate (meta-audiences/fixtures/SOURCES.md): 1 push a second',
  },
  // Each push runs its own jobs (removals, then additions) on a list, and Google does not say whether it refuses a
  // second job on a list while one processes: a slow pace keeps the resync's jobs from piling onto the same lists.
  'google-customer-match': {
    minIntervalMs: 10_000,
    basis:
      'Google Customer Match: jobs run asynchronously, "concurrently operate on the same list" may fail with CONCURRENT_MODIFICATION (google-customer-match/fixtures/SOURCES.md): 1 push every 10 s, each up to the connector\'s batch size',
    documented: false,
  },
};

/** The pace for a connector by name; a connector not listed here (a third-party one) gets the cautious default. */
export function destinationPace(connector: string): DestinationPace {
  return PACES[connector] ?? { ...UNDOCUMENTED, basis: `${connector}: no documented rate limit known to syncline: 1 push a second` };
}
