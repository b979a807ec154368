// A local stand-in for Squeezely's POST /v1/track: header auth, body validation, injected 429/500 faults.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SimulatedVendor, SimulatorFaults } from '../sdk/contract-kit.js';
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

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startSqueezelySimulator(options: SqueezelySimulatorOptions = {}): Promise<SqueezelySimulator> {
  const secrets = options.secrets ?? { accountId: 'sim-account', apiKey: 'sim-api-key' };
  let rateLimitLeft = options.faults?.rateLimitFirst ?? 0;
  let failLeft = options.faults?.failNext ?? 0;
  let refuseLeft = options.refuseNext ?? 0;
  let requests = 0;
  const accepted: TrackEvent[] = [];
  const batches: number[] = [];

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    requests++;
    const raw = await readBody(req);
    if (rateLimitLeft > 0) {
      rateLimitLeft--;
      return send(res, 429, { success: false, errors: ['Too many requests'] }, { 'retry-after': '0' });
    }
    if (failLeft > 0) {
      failLeft--;
      return send(res, 500, { success: false, errors: ['Internal server error'] });
    }
    if (req.method !== 'POST' || new URL(req.url ?? '/', 'http://x').pathname !== '/v1/track') return send(res, 404, { success: false, errors: ['Not found'] });
    if (req.headers['x-auth-account'] !== secrets.accountId || req.headers['x-auth-apikey'] !== secrets.apiKey) {
      return send(res, 401, { success: false, errors: ['Authentication failed'] });
    }
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return send(res, 400, { success: false, errors: ['Invalid JSON'] });
    }
    const parsed = TrackRequest.safeParse(json);
    if (!parsed.success) return send(res, 400, { success: false, errors: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) });
    if (refuseLeft > 0) {
      refuseLeft--;
      return send(res, 200, { success: false, errors: ['TIMESTAMP_ERROR'] });
    }
    accepted.push(...parsed.data.events);
    batches.push(parsed.data.events.length);
    return send(res, 200, { success: true });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => send(res, 500, { success: false, errors: ['simulator failure'] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    settings: SqueezelySettings.parse({ apiBaseUrl: `http://127.0.0.1:${port}` }),
    secrets,
    received: () => accepted.map((e) => e.email),
    requests: () => requests,
    events: () => accepted.map((e) => ({ ...e })),
    batches: () => [...batches],
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
