// A local stand-in for the Marketing API's /{custom_audience_id}/users: access token and appsecret_proof checks, the
// 10,000-row limit, payload schema checks, upload sessions, invalid entries, and Graph's error bodies (code 190 for a
// bad token, 80003 with X-Business-Use-Case-Usage for the custom-audience rate limit, code 2 for a transient failure).
import { createHmac } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { defineSimulator } from '../sdk/define-simulator.js';
import type { SimulatedVendor, SimulatorFaults } from '../sdk/simulator-kit.js';
import { readBody, sendJson, startVendorServer } from '../sdk/simulator-kit.js';
import { MetaAudiencesSettings, type MetaAudiencesSecrets } from './config.js';
import { UsersRequest, type UploadSession } from './schemas.js';

/** One person in a simulated audience: the keys Meta matched them by. */
export interface SimulatedMember {
  email?: string;
  phone?: string;
}

export interface SimulatedSession {
  audienceId: string;
  method: string;
  sessionId: number;
  /** batch_seq of each request, in arrival order. */
  batches: number[];
  rows: number;
  estimatedTotal?: number;
  lastBatchSeen: boolean;
}

export interface MetaAudiencesSimulator extends SimulatedVendor<MetaAudiencesSettings, MetaAudiencesSecrets> {
  secrets: MetaAudiencesSecrets;
  /** The audience's members now (hashed keys). */
  members(audienceId: string): SimulatedMember[];
  /** Upload sessions as Meta would track them. */
  sessions(): SimulatedSession[];
  /** Rows per accepted request, per method: what the connector batched. */
  requestsLog(): { method: string; audienceId: string; rows: number }[];
  /** Every key any accepted request carried, added or removed: who Meta was ever told about. */
  keysSeen(): string[];
  /** The token stops working (code 190), as when a system user's token is revoked. */
  revokeToken(): void;
}

export interface MetaAudiencesSimulatorOptions {
  faults?: SimulatorFaults;
  secrets?: MetaAudiencesSecrets;
  /** The ad account's audiences; default: those the settings name. */
  audiences?: readonly string[];
  settings?: Partial<MetaAudiencesSettings>;
  /** What an injected rate limit says in X-Business-Use-Case-Usage: minutes until the ad account may call again (default 0). */
  regainAccessMinutes?: number;
  /** Hashed keys the account reports as invalid entries (as Meta does for a value it cannot read), skipping their rows. */
  invalidKeys?: readonly string[];
}

const VERSION = /^\/(v\d{1,2}\.\d)\/([^/]+)\/users$/;
let trace = 0;

function graphError(res: ServerResponse, status: number, code: number, message: string, extra: Record<string, unknown> = {}, headers = {}) {
  sendJson(
    res,
    status,
    { error: { message, type: code === 190 ? 'OAuthException' : 'GraphMethodException', code, ...extra, fbtrace_id: `sim${++trace}` } },
    headers,
  );
}

const rateLimitUsage = (minutes: number) =>
  JSON.stringify({
    '1234567890': [
      { type: 'custom_audience', call_count: 100, total_cputime: 10, total_time: 10, estimated_time_to_regain_access: minutes },
    ],
  });

export async function startMetaAudiencesSimulator(options: MetaAudiencesSimulatorOptions = {}): Promise<MetaAudiencesSimulator> {
  const secrets: MetaAudiencesSecrets = options.secrets ?? { accessToken: 'sim-system-user-token', appSecret: 'sim-app-secret' };
  const configured = options.settings?.audiences ?? [
    { segment: 'lapsed', audienceId: '23850000000000001' },
    { segment: 'loyal', audienceId: '23850000000000002' },
  ];
  const audiences = new Map<string, SimulatedMember[]>(
    (options.audiences ?? configured.map((a) => a.audienceId)).map((id) => [id, []] as const),
  );
  const sessions: SimulatedSession[] = [];
  const log: { method: string; audienceId: string; rows: number }[] = [];
  const addedEmails: string[] = [];
  const seen: string[] = [];
  let revoked = false;
  const proof = secrets.appSecret ? createHmac('sha256', secrets.appSecret).update(secrets.accessToken).digest('hex') : undefined;

  function track(audienceId: string, method: string, session: UploadSession | undefined, rows: number): string | undefined {
    if (!session) return undefined;
    let known = sessions.find((s) => s.audienceId === audienceId && s.sessionId === session.session_id && s.method === method);
    if (!known) {
      known = { audienceId, method, sessionId: session.session_id, batches: [], rows: 0, lastBatchSeen: false };
      sessions.push(known);
    }
    if (known.lastBatchSeen) return 'The session has already received its last batch';
    known.batches.push(session.batch_seq);
    known.rows += rows;
    if (session.estimated_num_total !== undefined) known.estimatedTotal = session.estimated_num_total;
    known.lastBatchSeen = session.last_batch_flag;
    return undefined;
  }

  function apply(audienceId: string, method: string, rows: readonly SimulatedMember[]): void {
    for (const row of rows) seen.push(...[row.email, row.phone].filter((k): k is string => k !== undefined));
    const members = audiences.get(audienceId)!;
    const matches = (m: SimulatedMember, r: SimulatedMember) =>
      (r.email !== undefined && m.email === r.email) || (r.phone !== undefined && m.phone === r.phone);
    for (const row of rows) {
      const at = members.findIndex((m) => matches(m, row));
      if (method === 'POST') {
        if (row.email !== undefined) addedEmails.push(row.email);
        if (at >= 0) members[at] = { ...members[at], ...row };
        else members.push({ ...row });
      } else {
        for (let i = members.length - 1; i >= 0; i--) if (matches(members[i]!, row)) members.splice(i, 1);
      }
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const route = VERSION.exec(path);
    if (!route || (req.method !== 'POST' && req.method !== 'DELETE'))
      return graphError(res, 400, 100, 'Unsupported request - method type: ' + (req.method ?? '').toLowerCase(), { error_subcode: 33 });
    if (new URL(req.url ?? '/', 'http://x').searchParams.has('access_token')) {
      // Meta accepts it there too; the connector must not: query strings reach access logs.
      return graphError(res, 400, 100, 'simulator: the access token belongs in the body, not the URL');
    }
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return graphError(res, 400, 100, 'Invalid parameter');
    }
    const token = (json as { access_token?: unknown }).access_token;
    if (typeof token !== 'string' || token === '')
      return graphError(res, 400, 104, 'An access token is required to request this resource.');
    if (token !== secrets.accessToken || revoked)
      return graphError(res, 400, 190, 'Invalid OAuth access token - Cannot parse access token', { error_subcode: 463 });
    if (proof !== undefined && (json as { appsecret_proof?: unknown }).appsecret_proof !== proof)
      return graphError(res, 400, 100, 'Invalid appsecret_proof provided in the API argument');
    const audienceId = decodeURIComponent(route[2]!);
    if (!audiences.has(audienceId))
      return graphError(
        res,
        400,
        100,
        `Unsupported post request. Object with ID '${audienceId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
        { error_subcode: 33 },
      );
    const parsed = UsersRequest.safeParse(json);
    if (!parsed.success)
      return graphError(res, 400, 100, 'Invalid parameter', {
        error_user_msg: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      });
    const { payload, session } = parsed.data;
    if (payload.data.length > 10_000)
      return graphError(res, 400, 100, 'Invalid parameter', { error_user_msg: 'A request can add or remove at most 10000 users' });
    const schema = Array.isArray(payload.schema) ? payload.schema : [payload.schema === 'EMAIL_SHA256' ? 'EMAIL' : 'PHONE'];
    const rows: SimulatedMember[] = [];
    const invalid: Record<string, string> = {};
    let invalidCount = 0;
    for (const entry of payload.data) {
      const values = Array.isArray(entry) ? entry : [entry];
      if (values.length !== schema.length) {
        invalidCount++;
        invalid[values.join(',')] = 'The number of keys does not match the schema';
        continue;
      }
      const member: SimulatedMember = {};
      schema.forEach((key, i) => {
        if (values[i] === '') return;
        if (key === 'EMAIL') member.email = values[i];
        else member.phone = values[i];
      });
      if (member.email === undefined && member.phone === undefined) {
        invalidCount++;
        invalid['(empty)'] = 'Every key of the row is empty';
        continue;
      }
      const unreadable = values.find((v) => options.invalidKeys?.includes(v));
      if (unreadable !== undefined) {
        invalidCount++;
        invalid[unreadable] = 'Invalid hash: the value could not be matched';
        continue;
      }
      rows.push(member);
    }
    const refused = track(audienceId, req.method, session, payload.data.length);
    if (refused) return graphError(res, 400, 100, 'Invalid parameter', { error_user_msg: refused });
    apply(audienceId, req.method, rows);
    log.push({ method: req.method, audienceId, rows: payload.data.length });
    return sendJson(res, 200, {
      audience_id: audienceId,
      session_id: String(session?.session_id ?? Date.now()),
      num_received: payload.data.length,
      num_invalid_entries: invalidCount,
      invalid_entry_samples: Object.fromEntries(Object.entries(invalid).slice(0, 5)),
    });
  }

  const server = await startVendorServer(handle, {
    faults: options.faults,
    // The custom-audience rate limit (Business Use Case): HTTP 400, code 80003, and how long until the account may call again.
    rateLimited: (_req, res) =>
      graphError(
        res,
        400,
        80003,
        'There have been too many calls to this ad-account. Wait a bit and try again.',
        { error_subcode: 2446079 },
        {
          'x-business-use-case-usage': rateLimitUsage(options.regainAccessMinutes ?? 0),
        },
      ),
    failed: (_req, res) =>
      graphError(res, 500, 2, 'An unexpected error has occurred. Please retry your request later.', { is_transient: true }),
    crashed: (res) => graphError(res, 500, 1, 'An unknown error occurred'),
  });

  return {
    settings: MetaAudiencesSettings.parse({ ...options.settings, apiBaseUrl: server.origin, audiences: configured }),
    secrets,
    received: () => [...addedEmails],
    requests: server.requests,
    members: (audienceId) => (audiences.get(audienceId) ?? []).map((m) => ({ ...m })),
    sessions: () => sessions.map((s) => ({ ...s, batches: [...s.batches] })),
    requestsLog: () => [...log],
    keysSeen: () => [...seen],
    revokeToken: () => {
      revoked = true;
    },
    stop: server.stop,
  };
}

/** The local stack's simulated ad account (`"apiBaseUrl": "simulator"`), holding the audiences the instance names. */
export const simulator = defineSimulator<MetaAudiencesSimulator>({
  connector: 'meta-audiences',
  async start({ settings, faults }) {
    const parsed = MetaAudiencesSettings.safeParse({ ...settings, apiBaseUrl: 'http://127.0.0.1' });
    const sim = await startMetaAudiencesSimulator({
      ...(faults ? { faults } : {}),
      ...(parsed.success ? { settings: { audiences: parsed.data.audiences } } : {}),
    });
    return { settings: { apiBaseUrl: sim.settings.apiBaseUrl }, secrets: { ...sim.secrets }, handle: sim, stop: () => sim.stop() };
  },
});
