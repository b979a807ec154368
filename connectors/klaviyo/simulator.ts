// A local stand-in for the Klaviyo API calls syncline makes: import/subscription/deletion jobs and GET /api/events.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimulatedVendor, SimulatorFaults } from '../sdk/simulator-kit.js';
import { readBody, startVendorServer } from '../sdk/simulator-kit.js';
import { KlaviyoSettings, type KlaviyoSecrets } from './config.js';
import { SimulatedAccount, type AccountOptions, type SimulatedProfile } from './simulated-account.js';
import { simulatedKlaviyoWebhooks, type SimulatedKlaviyoWebhooks } from './simulated-webhooks.js';
import { defineSimulator } from '../sdk/define-simulator.js';

export interface SampleEvent {
  id: string;
  metric: string;
  datetime: string;
  profileId: string;
  email: string;
  properties: Record<string, unknown>;
}

export interface SimulatedJob {
  path: string;
  body: unknown;
}

export interface KlaviyoSimulator extends SimulatedVendor<KlaviyoSettings, KlaviyoSecrets> {
  secrets: KlaviyoSecrets;
  /** Accepted job requests, in order. */
  jobs(): SimulatedJob[];
  /** Query strings of GET /api/events requests, in order. */
  eventQueries(): URLSearchParams[];
  addEvents(events: SampleEvent[]): void;
  /** The account's profiles, with their e-mail consent. */
  profiles(): SimulatedProfile[];
  /** A profile as if it had signed up in Klaviyo. */
  seedProfile(email: string, consent?: SimulatedProfile['consent']): SimulatedProfile;
  /** The account's system webhooks (Webhooks API), and deliveries to them. */
  webhooks: SimulatedKlaviyoWebhooks;
}

export interface SimulatorOptions extends AccountOptions {
  faults?: SimulatorFaults;
  events?: SampleEvent[];
  pageSize?: number;
}

const METRICS: Record<string, string> = {
  'Received Email': 'RcvEml',
  'Opened Email': 'OpnEml',
  'Clicked Email': 'ClkEml',
  'Bounced Email': 'BncEml',
  'Unsubscribed from Email Marketing': 'UnsEml',
  'Placed Order': 'PlcOrd',
};
/** Metrics the sample account does not generate but a test may add (addEvents). */
const OTHER_METRICS: Record<string, string> = { 'Viewed Product': 'VwdPrd' };
const metricId = (name: string) => METRICS[name] ?? OTHER_METRICS[name] ?? 'Custom';

/** Events a small account produces: sends, opens, clicks, a bounce, an unsubscribe, and an order we do not map. */
export function generateSampleEvents(count: number, start = Date.parse('2026-02-01T09:00:00Z')): SampleEvent[] {
  const names = Object.keys(METRICS);
  return Array.from({ length: count }, (_, i) => {
    const metric = names[i % names.length] as string;
    const person = i % 7;
    // Two events per minute, so several share a datetime second boundary.
    const datetime = new Date(start + Math.floor(i / 2) * 60_000).toISOString().replace('.000Z', '+00:00');
    const properties: Record<string, unknown> = {
      'Campaign Name': `Newsletter ${Math.floor(i / 10) + 1}`,
      Subject: 'Spring sale',
      $message: `01MSG${Math.floor(i / 10)}`,
    };
    if (metric === 'Clicked Email') properties['URL'] = `https://shop.example/spring?i=${i}`;
    if (metric === 'Unsubscribed from Email Marketing') properties['method'] = 'UNSUBSCRIBE_LINK';
    return {
      id: `4Evt${String(i).padStart(6, '0')}`,
      metric,
      datetime,
      profileId: `01PROFILE${person}`,
      email: `person${person}@example.com`,
      properties,
    };
  });
}

/** Canonical events the connector makes of them: one per e-mail event, two for an unsubscribe, none for an order. */
export function expectedPollEvents(events: SampleEvent[]): number {
  return events.reduce((n, e) => n + (e.metric === 'Placed Order' ? 0 : e.metric.startsWith('Unsubscribed') ? 2 : 1), 0);
}

function send(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  const rate = { 'ratelimit-limit': '350', 'ratelimit-remaining': '349', 'ratelimit-reset': '1' };
  if (body === undefined) {
    res.writeHead(status, { ...rate, ...headers });
    res.end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/vnd.api+json', ...rate, ...headers });
  res.end(JSON.stringify(body));
}

const error = (status: number, code: string, detail: string) => ({
  errors: [{ id: randomUUID(), status, code, title: code.replace(/_/g, ' '), detail, source: { pointer: '/data/' } }],
});

const JOB_LIMITS: Record<string, number> = {
  '/api/profile-bulk-import-jobs': 10_000,
  '/api/profile-subscription-bulk-create-jobs': 1000,
  '/api/profile-subscription-bulk-delete-jobs': 100,
};
const JOB_TYPES: Record<string, string> = {
  '/api/profile-bulk-import-jobs': 'profile-bulk-import-job',
  '/api/profile-subscription-bulk-create-jobs': 'profile-subscription-bulk-create-job',
  '/api/profile-subscription-bulk-delete-jobs': 'profile-subscription-bulk-delete-job',
  '/api/data-privacy-deletion-jobs': 'data-privacy-deletion-job',
};

export async function startKlaviyoSimulator(options: SimulatorOptions = {}): Promise<KlaviyoSimulator> {
  const secrets: KlaviyoSecrets = { apiKey: 'pk_simulated_0123456789', webhookSecret: 'simulated-webhook-secret' };
  const pageSize = options.pageSize ?? 200;
  const events = [...(options.events ?? [])];
  const received: string[] = [];
  const jobs: SimulatedJob[] = [];
  const queries: URLSearchParams[] = [];
  let base = '';
  const account = new SimulatedAccount(options);
  const webhooks = simulatedKlaviyoWebhooks(() => base);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.headers.authorization !== `Klaviyo-API-Key ${secrets.apiKey}`)
      return send(res, 401, error(401, 'not_authenticated', 'Authentication credentials were not provided.'));
    if (!/^\d{4}-\d{2}-\d{2}/.test(String(req.headers.revision ?? '')))
      return send(res, 400, error(400, 'invalid', 'A revision header is required.'));
    const url = new URL(req.url ?? '/', 'http://simulator');
    if (await webhooks.handle(req, url, (status, body) => send(res, status, body))) return;
    const raw = await readBody(req);

    if (req.method === 'GET' && url.pathname === '/api/events') {
      // page[size] is a parameter of GET /api/events only from revision 2026-01-15 on.
      if (url.searchParams.has('page[size]') && String(req.headers.revision) < '2026-01-15')
        return send(res, 400, error(400, 'invalid', "'page[size]' is not a valid query parameter for this revision."));
      return listEvents(res, url.searchParams, String(req.headers.revision) < '2026-01-15' ? 200 : pageSize);
    }
    const jobRead = /^\/api\/profile-bulk-import-jobs\/([0-9a-f]+)(\/import-errors|\/profiles)?\/?$/.exec(url.pathname);
    if (req.method === 'GET' && jobRead) return readJob(res, jobRead[1] as string, jobRead[2], url.searchParams);
    const type = JOB_TYPES[url.pathname];
    if (req.method !== 'POST' || type === undefined) return send(res, 404, error(404, 'not_found', 'Not found.'));
    if (!String(req.headers['content-type'] ?? '').startsWith('application/vnd.api+json'))
      return send(res, 415, error(415, 'unsupported_media_type', 'Use application/vnd.api+json.'));
    if (Buffer.byteLength(raw) > 5 * 1024 * 1024)
      return send(res, 413, error(413, 'payload_too_large', 'The maximum allowed payload size is 5MB.'));
    let body: { data?: { type?: string; attributes?: Record<string, unknown> } };
    try {
      body = JSON.parse(raw) as typeof body;
    } catch {
      return send(res, 400, error(400, 'parse_error', 'Malformed JSON.'));
    }
    if (body.data?.type !== type) return send(res, 409, error(409, 'conflict', `The type must be ${type}.`));

    if (type === 'data-privacy-deletion-job') {
      const profile = (body.data.attributes?.['profile'] as { data?: { id?: string; attributes?: Record<string, unknown> } } | undefined)
        ?.data;
      const given = [profile?.id, profile?.attributes?.['email'], profile?.attributes?.['phone_number']].filter(
        (v) => typeof v === 'string' && v !== '',
      );
      if (given.length !== 1) return send(res, 400, error(400, 'invalid', 'Exactly one of email, phone_number or id is required.'));
      jobs.push({ path: url.pathname, body });
      return send(res, 202);
    }
    const profiles = ((body.data.attributes?.['profiles'] as { data?: Array<{ attributes?: Record<string, unknown> }> } | undefined)
      ?.data ?? []) as Array<{
      attributes?: Record<string, unknown>;
    }>;
    const limit = JOB_LIMITS[url.pathname] as number;
    if (profiles.length === 0 || profiles.length > limit)
      return send(res, 400, error(400, 'invalid', `Between 1 and ${limit} profiles per request.`));
    // An import validates each profile inside the job (import-errors); a subscription job refuses the request.
    for (const p of type === 'profile-bulk-import-job' ? [] : profiles) {
      const email = p.attributes?.['email'];
      if (typeof email !== 'string' || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
        return send(res, 400, error(400, 'invalid', 'Invalid email address.'));
    }
    jobs.push({ path: url.pathname, body });
    for (const p of profiles) received.push(String(p.attributes?.['email']));
    const emails = profiles.map((p) => String(p.attributes?.['email']));
    if (type === 'profile-subscription-bulk-create-job') account.setConsent(emails, 'SUBSCRIBED');
    if (type === 'profile-subscription-bulk-delete-job') account.setConsent(emails, 'UNSUBSCRIBED');
    if (type !== 'profile-bulk-import-job') return send(res, 202);
    const { id } = account.runImport(profiles);
    return send(res, 202, {
      data: {
        type,
        id,
        attributes: {
          status: 'queued',
          created_at: new Date().toISOString(),
          total_count: profiles.length,
          completed_count: 0,
          failed_count: 0,
        },
        links: { self: `${base}/api/profile-bulk-import-jobs/${id}/` },
      },
      links: { self: `${base}/api/profile-bulk-import-jobs/` },
    });
  }

  /** The job, its import errors or its profiles, 20 a page by default as Klaviyo pages them (page[cursor]). */
  function readJob(res: ServerResponse, id: string, part: string | undefined, query: URLSearchParams): void {
    const job = account.importJobs.get(id);
    if (!job) return send(res, 404, error(404, 'not_found', 'Not found.'));
    if (part === undefined) return send(res, 200, account.jobResource(job, base));
    const items =
      part === '/import-errors'
        ? job.errors.map((e, i) => ({
            type: 'import-error',
            id: `${job.id}-${i}`,
            attributes: {
              code: e.code,
              title: e.title,
              detail: e.detail,
              source: { pointer: e.pointer },
              original_payload: e.original_payload,
            },
          }))
        : job.profileIds.map((pid) => ({ type: 'profile', id: pid, attributes: { email: account.profiles.get(pid)?.email ?? null } }));
    const size = Math.min(Number(query.get('page[size]') ?? 20), 100);
    const cursor = query.get('page[cursor]');
    const offset = cursor ? Number(Buffer.from(cursor, 'base64url').toString('utf8').replace(/^o:/, '')) : 0;
    const next = new URLSearchParams(query);
    next.set('page[cursor]', Buffer.from(`o:${offset + size}`).toString('base64url'));
    send(res, 200, {
      data: items.slice(offset, offset + size),
      links: { next: offset + size < items.length ? `${base}/api/profile-bulk-import-jobs/${id}${part}?${next.toString()}` : null },
    });
  }

  function listEvents(res: ServerResponse, query: URLSearchParams, defaultSize: number): void {
    queries.push(new URLSearchParams(query));
    const filter = query.get('filter');
    let since = -Infinity;
    if (filter) {
      const m = /^greater-or-equal\(datetime,([^)]+)\)$/.exec(filter);
      if (!m || Number.isNaN(Date.parse(m[1] as string))) return send(res, 400, error(400, 'invalid', 'Invalid filter.'));
      since = Date.parse(m[1] as string);
    }
    const size = Math.min(Number(query.get('page[size]') ?? defaultSize), 1000, defaultSize);
    const all = events
      .filter((e) => Date.parse(e.datetime) >= since)
      .sort((a, b) => (a.datetime < b.datetime ? -1 : a.datetime > b.datetime ? 1 : a.id < b.id ? -1 : 1));
    const cursor = query.get('page[cursor]');
    const offset = cursor ? Number(Buffer.from(cursor, 'base64url').toString('utf8').replace(/^o:/, '')) : 0;
    if (!Number.isInteger(offset) || offset < 0) return send(res, 400, error(400, 'invalid', 'Invalid page cursor.'));
    const slice = all.slice(offset, offset + size);
    const included = new Map<string, unknown>();
    for (const e of slice) {
      included.set(`m:${e.metric}`, { type: 'metric', id: metricId(e.metric), attributes: { name: e.metric } });
      included.set(`p:${e.profileId}`, { type: 'profile', id: e.profileId, attributes: { email: e.email, phone_number: null } });
    }
    const link = (o: number) => {
      const q = new URLSearchParams(query);
      q.set('page[cursor]', Buffer.from(`o:${o}`).toString('base64url'));
      return `${base}/api/events?${q.toString()}`;
    };
    send(res, 200, {
      data: slice.map((e) => ({
        type: 'event',
        id: e.id,
        attributes: {
          timestamp: Math.floor(Date.parse(e.datetime) / 1000),
          event_properties: e.properties,
          datetime: e.datetime,
          uuid: randomUUID(),
        },
        relationships: {
          profile: { data: { type: 'profile', id: e.profileId } },
          metric: { data: { type: 'metric', id: metricId(e.metric) } },
        },
        links: { self: `${base}/api/events/${e.id}/` },
      })),
      included: [...included.values()],
      links: {
        self: `${base}/api/events?${query.toString()}`,
        next: offset + size < all.length ? link(offset + size) : null,
        prev: offset > 0 ? link(Math.max(0, offset - size)) : null,
      },
    });
  }

  const server = await startVendorServer(handle, {
    faults: options.faults,
    rateLimited: (_req, res) =>
      send(res, 429, error(429, 'throttled', 'Request was throttled. Expected available in 0 seconds.'), { 'retry-after': '0' }),
    failed: (_req, res) => send(res, 500, error(500, 'error', 'A server error occurred.')),
    crashed: (res) => send(res, 500, error(500, 'error', 'simulator failure')),
  });
  base = server.origin;

  return {
    settings: KlaviyoSettings.parse({ apiBaseUrl: base, listId: 'Y6nRLr', pageSize }),
    secrets,
    received: () => [...received],
    requests: server.requests,
    jobs: () => [...jobs],
    eventQueries: () => [...queries],
    addEvents: (more) => events.push(...more),
    profiles: () => [...account.profiles.values()].map((p) => ({ ...p, attributes: { ...p.attributes } })),
    seedProfile: (email, consent) => account.seed(email.toLowerCase(), consent),
    webhooks,
    stop: server.stop,
  };
}

/** The local stack's simulated Klaviyo account (`"apiBaseUrl": "simulator"`), with the sample events to poll. */
export const simulator = defineSimulator<KlaviyoSimulator>({
  connector: 'klaviyo',
  async start({ faults, sampleCustomers }) {
    const sim = await startKlaviyoSimulator({ events: generateSampleEvents(sampleCustomers ?? 10), ...(faults ? { faults } : {}) });
    return { settings: { ...sim.settings }, secrets: { ...sim.secrets }, handle: sim, stop: () => sim.stop() };
  },
});
