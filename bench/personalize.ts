// The personalize section (issue 13 item 4): GET /personalize latency on the local stack (local server → the Lambda
// handler → DynamoDB Local), for known customers (a signed customer token: identifier item, profile, tenant stats,
// projection) and for visitors nobody knows (one identifier read). Profiles come from the simulated Shopify's poll.
// BENCH_PERSONALIZE_REQUESTS (per kind, default 300), BENCH_PERSONALIZE_CUSTOMERS (sample customers, default 200).
import { randomUUID } from 'node:crypto';
import { SynclineConfig } from '../core/config.js';
import { signCustomerToken } from '../core/personalize/customer-token.js';
import { secretEnvName } from '../aws/secrets.js';
import { startLocalStack } from '../local/local-stack.js';
import { median } from './stats.js';

const TENANT = 'bench-web';
const SITE = 'site';
const SECRET = randomUUID() + randomUUID();

export interface PersonalizeLatency {
  kind: 'known customer (token)' | 'unknown visitor (anonymous id)';
  requests: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  /** Answers with at least one suggestion (known customers) or empty ones (unknown visitors), to show the work was done. */
  withSuggestions: number;
}

const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const round = (n: number) => Math.round(n * 10) / 10;

export async function measurePersonalize(print: (line: string) => void): Promise<PersonalizeLatency[]> {
  const requests = Number(process.env.BENCH_PERSONALIZE_REQUESTS ?? 300);
  process.env[secretEnvName(TENANT, SITE)] = JSON.stringify({ personalizeSecret: SECRET });
  const config = SynclineConfig.parse({
    tenants: [
      {
        id: TENANT,
        instances: [
          {
            id: 'shopify',
            connector: 'shopify',
            pollEveryMinutes: 1440,
            settings: { shopDomain: 'bench-web.myshopify.com', apiBaseUrl: 'simulator' },
          },
          { id: SITE, connector: 'website', settings: { writeKey: 'bench-write-key-0001', origins: ['https://shop.example'] } },
        ],
        // Without consent records in the sample shop: measure the whole projection, not the early empty answer.
        campaigns: { purposeConsent: false, crossSell: { minCoPurchases: 1 } },
      },
    ],
  });
  const stack = await startLocalStack({ config, port: 0, sampleCustomers: Number(process.env.BENCH_PERSONALIZE_CUSTOMERS ?? 200) });
  try {
    // The poll at start runs on its own: wait until its events are merged (the count stops growing).
    let customers: string[] = [];
    for (let previous = -1, i = 0; i < 60 && (customers.length === 0 || customers.length !== previous); i++) {
      previous = customers.length;
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await stack.waitUntilIdle(120_000);
      customers = [];
      for await (const p of stack.profiles.listProfiles(TENANT))
        for (const id of p.identifiers) if (id.type === 'customerId:shopify' && Object.keys(p.orders).length > 0) customers.push(id.value);
    }
    if (customers.length === 0) throw new Error('the simulated shop gave no customer with an order');
    await stack.sweep(TENANT);
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const ask = async (query: string) => {
      const started = performance.now();
      const response = await fetch(`${stack.url}/personalize/${TENANT}/${SITE}?${query}`, { headers: { origin: 'https://shop.example' } });
      const body = (await response.json()) as { suggestions: unknown[] };
      if (response.status !== 200) throw new Error(`personalize answered ${response.status}`);
      return { ms: performance.now() - started, suggestions: body.suggestions.length };
    };
    const run = async (kind: PersonalizeLatency['kind'], query: (i: number) => string): Promise<PersonalizeLatency> => {
      for (let i = 0; i < 10; i++) await ask(query(i)); // warm the handler, the clients and the stats cache
      const times: number[] = [];
      let withSuggestions = 0;
      for (let i = 0; i < requests; i++) {
        const r = await ask(query(i));
        times.push(r.ms);
        if (r.suggestions > 0) withSuggestions++;
      }
      const sorted = times.sort((a, b) => a - b);
      const result = {
        kind,
        requests,
        p50Ms: round(median(sorted)),
        p95Ms: round(percentile(sorted, 95)),
        maxMs: round(sorted.at(-1)!),
        withSuggestions,
      };
      print(
        `  ${kind}: p50 ${result.p50Ms} ms, p95 ${result.p95Ms} ms, max ${result.maxMs} ms (${requests} sequential requests, ${withSuggestions} with suggestions)`,
      );
      return result;
    };
    const token = (i: number) =>
      `token=${signCustomerToken({ tenant: TENANT, site: SITE, instance: 'shopify', customerId: customers[i % customers.length]!, exp }, SECRET)}`;
    return [await run('known customer (token)', token), await run('unknown visitor (anonymous id)', () => `anonymousId=${randomUUID()}`)];
  } finally {
    await stack.stop();
    delete process.env[secretEnvName(TENANT, SITE)];
  }
}
