// Requests no person made: crawlers and monitors by their user agent, and the browser's own prefetches.

/** Crawlers, link previews, monitors, headless browsers and HTTP libraries; an absent user agent counts as one too. */
const AUTOMATED =
  /bot\b|bot\/|crawl|spider|slurp|headless|lighthouse|pagespeed|pingdom|uptime|monitor|preview|facebookexternalhit|embedly|curl\/|wget\/|python-requests|aiohttp|go-http-client|java\/|okhttp|node-fetch|axios\//i;

/** Why the request is not collected, or undefined for a person's browser. Headers lower-cased. */
export function automatedTraffic(headers: Readonly<Record<string, string>>): string | undefined {
  // Chromium sends `Sec-Purpose: prefetch` (and `prefetch;prerender`), older ones `Purpose: prefetch`, Firefox `X-Moz: prefetch`.
  for (const name of ['sec-purpose', 'purpose', 'x-purpose', 'x-moz'])
    if (headers[name]?.toLowerCase().includes('prefetch')) return 'prefetch';
  const agent = headers['user-agent'];
  if (!agent) return 'no user agent';
  if (AUTOMATED.test(agent)) return 'automated user agent';
  return undefined;
}
