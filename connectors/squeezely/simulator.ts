// A local stand-in for Squeezely's POST /v1/track: header auth, body validation, injected 429/500 faults.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimulatedVendor, SimulatorFaults } from '../sdk/simulator-kit.js';
import { readBody, sendJson, startVendorServer } from '../sdk/simulator-kit.js';
import { SqueezelySettings, type SqueezelySecrets } from './config.js';
import { TrackRequest, type TrackEvent } from './schemas.js';

export interface SqueezelySimulator extends SimulatedVendor<SqueezelySettings, SqueezelySecrets> {
  secrets: SqueezelySecrets;
  /** Every event accepted, in order. */
  events(): TrackEvent[];
  /** Requests per POST that got past faults and auth (events in each). */
  batches(): number[];
}

export interface SqueezelySimulatorOptions {
  faults?: SimulatorFaults;
  secrets?: SqueezelySecrets;
  /** Answer the next N valid requests with 200 and an errors list, as the Magento plugin expects on a refusal. */
  refuseNext?: number;
}

export async function startSqueezelySimulator(options: SqueezelySimulatorOptions = {}): Promise<SqueezelySimulator> {
  const secrets = options.secrets ?? { accountId: 'sim-account', apiKey: 'sim-api-key' };
  let refuseLeft = options.refuseNext ?? 0;
  const accepted: TrackEvent[] = [];
  const batches: number[] = [];

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    if (req.method !== 'POST' || new URL(req.url ?? '/', 'http://x').pathname !== '/v1/track')
      return sendJson(res, 404, { success: false, errors: ['Not found'] });
    if (req.headers['x-auth-account'] !== secrets.accountId || req.headers['x-auth-apikey'] !== secrets.apiKey) {
      return sendJson(res, 401, { success: false, errors: ['Authentication failed'] });
    }
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return sendJson(res, 400, { success: false, errors: ['Invalid JSON'] });
    }
    const parsed = TrackRequest.safeParse(json);
    if (!parsed.success)
      return sendJson(res, 400, { success: false, errors: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) });
    if (refuseLeft > 0) {
      refuseLeft--;
      return sendJson(res, 200, { success: false, errors: ['TIMESTAMP_ERROR'] });
    }
    accepted.push(...parsed.data.events);
    batches.push(parsed.data.events.length);
    return sendJson(res, 200, { success: true });
  }

  const server = await startVendorServer(handle, {
    faults: options.faults,
    rateLimited: (_req, res) => sendJson(res, 429, { success: false, errors: ['Too many requests'] }, { 'retry-after': '0' }),
    failed: (_req, res) => sendJson(res, 500, { success: false, errors: ['Internal server error'] }),
    crashed: (res) => sendJson(res, 500, { success: false, errors: ['simulator failure'] }),
  });

  return {
    settings: SqueezelySettings.parse({ apiBaseUrl: server.origin }),
    secrets,
    received: () => accepted.map((e) => e.email),
    requests: server.requests,
    events: () => accepted.map((e) => ({ ...e })),
    batches: () => [...batches],
    stop: server.stop,
  };
}
