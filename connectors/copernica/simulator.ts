// A local stand-in for the parts of Copernica REST v4 syncline uses: JWT exchange, profile upsert, search, delete.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimulatedVendor, SimulatorFaults } from '../sdk/simulator-kit.js';
import { defineSimulator } from '../sdk/define-simulator.js';
import { readBody, startVendorServer } from '../sdk/simulator-kit.js';
import { CopernicaSettings, type CopernicaSecrets } from './config.js';
import { createCallbackSigner } from './callback-signer.js';
import { encodeForm } from './form.js';
import { isoToCopernicaTime } from './time.js';

export interface SimulatedProfile {
  id: number;
  fields: Record<string, string>;
}

export interface SimulatedRequest {
  method: string;
  path: string;
  query: string;
  body: unknown;
}

export interface CopernicaSimulator extends SimulatedVendor<CopernicaSettings> {
  /** Secrets that authenticate against this simulator. */
  secrets: CopernicaSecrets;
  profiles(): SimulatedProfile[];
  /** Adds a profile as if someone had created it in Copernica (duplicates allowed, as in Copernica). */
  seedProfile(fields: Record<string, string>): number;
  /** API requests that got past faults and authentication, in order. */
  log(): SimulatedRequest[];
  /** Makes every JWT issued so far invalid, as if it had expired. */
  revokeTokens(): void;
  /** JWTs issued by the authentication endpoint. */
  tokensIssued(): number;
  /** Changes a profile as someone in the Marketing Suite would at `at` (default now): the profile callback fires. */
  editProfile(id: number, fields: Record<string, string>, at?: Date): void;
  /** The profile callbacks sent so far (to `callbackUrl`), with the status each got; 0 when it could not be sent. */
  callbacks(): SimulatedCallback[];
  /** Resolves once every callback started so far has been answered. */
  callbacksSettled(): Promise<void>;
}

export interface SimulatedCallback {
  event: 'create' | 'update';
  profile: number;
  status: number;
}

export interface SimulatorOptions {
  faults?: SimulatorFaults;
  databaseId?: number;
  keyField?: string;
  accessToken?: string;
  /**
   * Where the database's profile webhook posts (the Marketing Suite's webhook setting), read at each change; none when
   * undefined. As Copernica does, every change by the API fires it with the full profile and the time of the change,
   * signed with the simulator's own key (its public key is in `secrets`, its account id in `settings`).
   */
  callbackUrl?: () => string | undefined;
  /** The account id callbacks carry in X-Copernica-ID (default 1234). */
  accountId?: number;
}

/** Copernica stores phone numbers as typed in its own (Dutch) national format: `+31612345678` becomes `0612345678`. */
const PHONE_FIELDS = new Set(['phone', 'telefoon', 'mobile']);
const nationalPhone = (name: string, value: string) =>
  PHONE_FIELDS.has(name.toLowerCase()) && /^\+31\d{9}$/.test(value) ? `0${value.slice(3)}` : value;

const API_PREFIX = '/v4';
const AUTH_PATH = '/authenticate';

function send(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  const type = typeof body === 'string' ? 'text/plain' : 'application/json';
  res.writeHead(status, { ...(text ? { 'content-type': type } : {}), ...headers });
  res.end(text);
}

/** The `==` conditions of a `fields[]` selection; undefined when a condition uses an operator we do not simulate. */
function conditions(query: URLSearchParams): Array<[string, string]> | undefined {
  const list: Array<[string, string]> = [];
  for (const condition of query.getAll('fields[]')) {
    const match = /^([^=!<>~]+)==(.*)$/.exec(condition);
    if (!match) return undefined;
    list.push([match[1] as string, match[2] as string]);
  }
  return list;
}

interface StoredProfile {
  id: number;
  fields: Record<string, string>;
  created: string;
  modified: string;
  /** The instant it was created, for the callbacks' `created` in Copernica's zone. */
  createdAt: string;
}

const now = () => new Date().toISOString().slice(0, 19).replace('T', ' ');

export async function startCopernicaSimulator(options: SimulatorOptions = {}): Promise<CopernicaSimulator> {
  const databaseId = options.databaseId ?? 4321;
  const keyField = options.keyField ?? 'email';
  const accessToken = options.accessToken ?? 'simulated-api-token';
  const store = new Map<number, StoredProfile>();
  let nextId = 1001;
  const tokens = new Set<string>();
  let issued = 0;
  const received: string[] = [];
  const log: SimulatedRequest[] = [];
  const accountId = options.accountId ?? 1234;
  const signer = options.callbackUrl ? createCallbackSigner({ accountId }) : undefined;
  const sent: SimulatedCallback[] = [];
  const pending = new Set<Promise<void>>();
  const callbackZone = 'Europe/Amsterdam';

  /** Posts the profile webhook for one API change, form-encoded and signed as Copernica does (webhook-security). */
  function fireCallback(event: 'create' | 'update', profile: StoredProfile, parameters: Record<string, string>, at = new Date()): void {
    const url = options.callbackUrl?.();
    if (url === undefined || signer === undefined) return;
    const stamp = isoToCopernicaTime(at.toISOString(), callbackZone) ?? '';
    const body = encodeForm({
      action: event,
      profile: profile.id,
      id: profile.id,
      database: databaseId,
      parameters,
      fields: profile.fields,
      interests: [],
      // Both, as Copernica's webhook documentation lists them: `timestamp` in Amsterdam wall-clock (no zone), `time` in
      // Unix seconds (what the mapping prefers: no zone to guess).
      timestamp: stamp,
      time: Math.floor(at.getTime() / 1000),
      created: isoToCopernicaTime(profile.createdAt, callbackZone) ?? stamp,
      modified: stamp,
    });
    const headers = signer.sign({ body, url, now: new Date(), overrides: { 'content-type': 'application/x-www-form-urlencoded' } });
    const record: SimulatedCallback = { event, profile: profile.id, status: 0 };
    sent.push(record);
    const delivery = fetch(url, { method: 'POST', headers, body })
      .then(async (response) => {
        await response.arrayBuffer();
        record.status = response.status;
      })
      .catch(() => {})
      .finally(() => pending.delete(delivery));
    pending.add(delivery);
  }

  const matching = (conds: Array<[string, string]>) =>
    [...store.values()].filter((p) =>
      conds.every(([field, value]) => (field === 'id' ? String(p.id) === value : p.fields[field] === value)),
    );

  function issueToken(): string {
    const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const jwt = `${part({ alg: 'none', typ: 'JWT' })}.${part({ exp: Math.floor(Date.now() / 1000) + 86_400, jti: randomUUID() })}.sim`;
    tokens.add(jwt);
    issued++;
    return jwt;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const raw = await readBody(req);

    if (url.pathname === AUTH_PATH || url.pathname === `${AUTH_PATH}/`) {
      if (req.method !== 'POST') return send(res, 405, { error: 'use POST' });
      const token = new URLSearchParams(raw).get('access_token');
      return token === accessToken ? send(res, 200, issueToken()) : send(res, 401, { error: 'invalid access token' });
    }
    if (!url.pathname.startsWith(API_PREFIX)) return send(res, 404, { error: 'not found' });
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (bearer === undefined || !tokens.has(bearer)) return send(res, 401, { error: 'invalid or expired token' });

    let body: unknown;
    try {
      body = raw === '' ? undefined : JSON.parse(raw);
    } catch {
      return send(res, 400, { error: 'invalid JSON' });
    }
    const path = url.pathname.slice(API_PREFIX.length);
    log.push({ method: req.method ?? 'GET', path, query: url.search, body });

    const profilesRoute = /^\/database\/(\d+)\/profiles$/.exec(path);
    if (profilesRoute) {
      if (Number(profilesRoute[1]) !== databaseId) return send(res, 404, { error: 'database not found' });
      const conds = conditions(url.searchParams);
      if (conds === undefined) return send(res, 400, { error: 'unsupported fields condition' });
      if (req.method === 'PUT') return upsert(res, url.searchParams, conds, body);
      if (req.method === 'GET') return list(res, url.searchParams, conds);
      return send(res, 405, { error: 'method not allowed' });
    }
    const profileRoute = /^\/profile\/(\d+)$/.exec(path);
    if (profileRoute && req.method === 'DELETE') {
      const id = Number(profileRoute[1]);
      if (!store.delete(id)) return send(res, 404, { error: 'profile not found' });
      return send(res, 204, undefined, { 'x-deleted': `profile ${id}` });
    }
    return send(res, 404, { error: 'not found' });
  }

  function upsert(res: ServerResponse, query: URLSearchParams, conds: Array<[string, string]>, body: unknown): void {
    // rest-put-database-profiles: the selection is required, so that one call cannot overwrite the whole database.
    if (conds.length === 0) return send(res, 400, { error: 'fields parameter is required' });
    const fields = (body as { fields?: unknown } | undefined)?.fields;
    if (fields === null || typeof fields !== 'object' || Array.isArray(fields))
      return send(res, 400, { error: 'fields must be an object' });
    const values = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, nationalPhone(k, String(v))]));
    const key = conds.find(([field]) => field === keyField)?.[1];
    const targets = matching(conds);
    if (targets.length === 0) {
      if (!['1', 'true'].includes(query.get('create') ?? '')) return send(res, 204);
      const id = nextId++;
      const created: StoredProfile = { id, fields: values, created: now(), modified: now(), createdAt: new Date().toISOString() };
      store.set(id, created);
      if (key !== undefined) received.push(key);
      fireCallback('create', created, values);
      return send(res, 201, undefined, { 'x-created': String(id), 'x-location': `https://api.copernica.com/v4/profile/${id}` });
    }
    for (const profile of targets) {
      Object.assign(profile, { fields: { ...profile.fields, ...values }, modified: now() });
      fireCallback('update', profile, values);
    }
    if (key !== undefined) received.push(key);
    return send(res, 204);
  }

  function list(res: ServerResponse, query: URLSearchParams, conds: Array<[string, string]>): void {
    const start = Number(query.get('start') ?? 0);
    const limit = Math.min(Number(query.get('limit') ?? 100), 1000);
    const all = matching(conds).sort((a, b) => a.id - b.id);
    const data = all.slice(start, start + limit).map((p) => ({
      ID: String(p.id),
      fields: p.fields,
      interests: [],
      database: String(databaseId),
      created: p.created,
      modified: p.modified,
      removed: false,
    }));
    const total = query.get('total') === 'false' ? {} : { total: all.length };
    return send(res, 200, { start, limit, count: data.length, ...total, data });
  }

  const server = await startVendorServer(handle, {
    faults: options.faults,
    rateLimited: (_req, res) => send(res, 429, { error: 'too many requests' }, { 'retry-after': '0' }),
    failed: (_req, res) => send(res, 500, { error: 'internal error' }),
    crashed: (res) => send(res, 500, { error: 'simulator failure' }),
  });
  const base = server.origin;

  return {
    settings: CopernicaSettings.parse({
      databaseId,
      keyField,
      apiBaseUrl: `${base}${API_PREFIX}`,
      authUrl: `${base}${AUTH_PATH}`,
      ...(signer ? { accountId } : {}),
    }),
    secrets: { accessToken, callbackPublicKeys: signer ? { [signer.keyId]: signer.publicKeyPem } : {} },
    received: () => [...received],
    requests: server.requests,
    profiles: () => [...store.values()].map((p) => ({ id: p.id, fields: { ...p.fields } })),
    seedProfile(fields) {
      const id = nextId++;
      store.set(id, { id, fields: { ...fields }, created: now(), modified: now(), createdAt: new Date().toISOString() });
      return id;
    },
    editProfile(id, fields, at) {
      const profile = store.get(id);
      if (!profile) throw new Error(`no simulated Copernica profile ${id}`);
      profile.fields = { ...profile.fields, ...fields };
      profile.modified = now();
      fireCallback('update', profile, fields, at);
    },
    log: () => [...log],
    revokeTokens: () => tokens.clear(),
    tokensIssued: () => issued,
    callbacks: () => sent.map((c) => ({ ...c })),
    callbacksSettled: async () => {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
    stop: async () => {
      await Promise.allSettled([...pending]);
      await server.stop();
    },
  };
}

/** The simulated Copernica database `npm start` runs. */
export const simulator = defineSimulator<CopernicaSimulator>({
  connector: 'copernica',
  async start({ faults, webhookUrl }) {
    const sim = await startCopernicaSimulator({ ...(faults ? { faults } : {}), ...(webhookUrl ? { callbackUrl: webhookUrl } : {}) });
    return { settings: { ...sim.settings }, secrets: { ...sim.secrets }, handle: sim, stop: () => sim.stop() };
  },
});
