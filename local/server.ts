// The local stand-in for API Gateway: turns HTTP requests into the same events the Lambda handlers get in AWS.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { MAX_WEBHOOK_BYTES } from '../pipeline/ingest-webhook.js';
import { sameMachine, sameOrigin } from './request-guard.js';

export interface LocalServerOptions {
  port: number;
  host?: string;
  webhook(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2>;
  /** GET /personalize/{tenant}/{site}: public like the webhooks (a shop's pages call it from any host). */
  personalize?(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2>;
  /** GET|HEAD|POST /r/{tenant}/{token}: one-click survey answers from e-mails (lambdas/survey-answer.ts). */
  survey?(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2>;
  findProfile(tenantId: string, query: { email?: string; id?: string }): Promise<unknown | undefined>;
  status(): Promise<unknown>;
  /** `syncline accounting` as JSON (every tenant, or one); apart from /api/status, which is polled often, as it reads the whole ledger. */
  accounting?(tenantId?: string): Promise<unknown>;
  /** Quarantined webhook deliveries: list, and replay through the webhook pipeline. */
  quarantine?: {
    list(tenantId: string): Promise<unknown>;
    replay(tenantId: string, id?: string): Promise<unknown>;
  };
  /** The status page and other operator routes (local/status-page/routes.ts): true when it answered the request. */
  operator?: { handle(req: IncomingMessage, url: URL, res: ServerResponse): Promise<boolean> };
}

export interface LocalServer {
  url: string;
  close(): Promise<void>;
}

const WEBHOOK_ROUTE = /^\/webhooks\/([^/]+)\/([^/]+)\/?$/;
const PERSONALIZE_ROUTE = /^\/personalize\/([^/]+)\/([^/]+)\/?$/;
const SURVEY_ROUTE = /^\/r\/([^/]+)\/([^/]+)\/?$/;
const PROFILE_ROUTE = /^\/api\/profiles\/([^/]+)\/?$/;
const QUARANTINE_ROUTE = /^\/api\/quarantine\/([^/]+)\/?$/;
const ACCOUNTING_ROUTE = /^\/api\/accounting(?:\/([^/]+))?\/?$/;
const QUARANTINE_REPLAY_ROUTE = /^\/api\/quarantine\/([^/]+)\/replay(?:\/([^/]+))?\/?$/;

export async function startLocalServer(options: LocalServerOptions): Promise<LocalServer> {
  const server: Server = createServer((req, res) => {
    route(options, req, res).catch((error: Error) => send(res, 500, { error: `internal error: ${error.message}` }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port, address } = server.address() as AddressInfo;
  return {
    url: `http://${address}:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A Host header that is a host (and port) a URL can carry: anything else would break every URL built from it. */
function wellFormedHost(host: string | undefined): boolean {
  if (host === undefined || host === '') return false;
  try {
    return new URL(`http://${host}/`).host === host.toLowerCase();
  } catch {
    return false;
  }
}

/** Every path parameter decoded, or undefined when one is not valid percent-encoded UTF-8 (`%ZZ`, `%E0%A4%A`). */
function decodeAll(parts: readonly string[]): string[] | undefined {
  try {
    return parts.map((part) => decodeURIComponent(part));
  } catch {
    return undefined;
  }
}

const MALFORMED_PATH = { error: 'the path is not valid percent-encoded UTF-8' };

async function route(options: LocalServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (!wellFormedHost(req.headers.host)) return send(res, 400, { error: 'malformed or missing Host header' });
  const url = new URL(req.url ?? '/', 'http://localhost');
  const webhook = WEBHOOK_ROUTE.exec(url.pathname);
  if (webhook) {
    const params = decodeAll([webhook[1]!, webhook[2]!]);
    if (!params) return send(res, 400, MALFORMED_PATH);
    // GET is a vendor's check of the callback URL (Mailchimp); the handler decides what it may answer.
    const body = req.method === 'GET' ? Buffer.alloc(0) : await readBody(req, MAX_WEBHOOK_BYTES);
    if (body === undefined) return send(res, 413, { error: `body exceeds ${MAX_WEBHOOK_BYTES} bytes` });
    const result = await options.webhook(toApiGatewayEvent(req, url, body, { tenant: params[0]!, instance: params[1]! }));
    res.writeHead(result.statusCode ?? 200, { 'content-type': 'application/json', ...(result.headers as Record<string, string>) });
    res.end(result.body ?? '');
    return;
  }
  const personalize = PERSONALIZE_ROUTE.exec(url.pathname);
  if (personalize && options.personalize) {
    const params = decodeAll([personalize[1]!, personalize[2]!]);
    if (!params) return send(res, 400, MALFORMED_PATH);
    const event = toApiGatewayEvent(req, url, Buffer.alloc(0), { tenant: params[0]!, site: params[1]! });
    const result = await options.personalize({ ...event, routeKey: `${req.method ?? 'GET'} /personalize/{tenant}/{site}` });
    res.writeHead(result.statusCode ?? 200, result.headers as Record<string, string>);
    res.end(result.body ?? '');
    return;
  }
  const survey = SURVEY_ROUTE.exec(url.pathname);
  if (survey && options.survey) {
    const params = decodeAll([survey[1]!, survey[2]!]);
    if (!params) return send(res, 400, MALFORMED_PATH);
    // The confirm form posts no body that matters: read at most a little and drop it.
    if (req.method === 'POST' && (await readBody(req, 4096)) === undefined) return send(res, 413, { error: 'body too large' });
    const result = await options.survey(toApiGatewayEvent(req, url, Buffer.alloc(0), { tenant: params[0]!, token: params[1]! }));
    res.writeHead(result.statusCode ?? 200, result.headers as Record<string, string>);
    res.end(req.method === 'HEAD' ? undefined : (result.body ?? ''));
    return;
  }
  // Everything below is for the person at this machine (issue 16 item 3): the profiles, the quarantine's raw bodies
  // and the replay must not answer a rebound DNS name (Host) nor a post from another site (CSRF).
  if (!sameMachine(req)) return send(res, 421, { error: 'this route answers only to 127.0.0.1 or localhost' });
  if (req.method !== 'GET' && req.method !== 'HEAD' && !sameOrigin(req))
    return send(res, 403, { error: 'cross-site requests are refused' });
  if (options.operator && (await options.operator.handle(req, url, res))) return;
  const replay = QUARANTINE_REPLAY_ROUTE.exec(url.pathname);
  if (replay && options.quarantine) {
    if (req.method !== 'POST') return send(res, 405, { error: 'POST to replay' });
    const params = decodeAll(replay.slice(1).filter((part) => part !== undefined));
    if (!params) return send(res, 400, MALFORMED_PATH);
    return send(res, 200, await options.quarantine.replay(params[0]!, params[1]));
  }
  if (req.method !== 'GET') return send(res, 405, { error: 'method not allowed' });
  const quarantine = QUARANTINE_ROUTE.exec(url.pathname);
  if (quarantine && options.quarantine) {
    const params = decodeAll([quarantine[1]!]);
    return params ? send(res, 200, await options.quarantine.list(params[0]!)) : send(res, 400, MALFORMED_PATH);
  }
  const profile = PROFILE_ROUTE.exec(url.pathname);
  if (profile) {
    const email = url.searchParams.get('email') ?? undefined;
    const id = url.searchParams.get('id') ?? undefined;
    if (!email && !id) return send(res, 400, { error: 'give ?email=… or ?id=…' });
    const params = decodeAll([profile[1]!]);
    if (!params) return send(res, 400, MALFORMED_PATH);
    const found = await options.findProfile(params[0]!, { email, id });
    return found === undefined ? send(res, 404, { error: 'no such profile' }) : send(res, 200, found);
  }
  if (url.pathname === '/api/status') return send(res, 200, await options.status());
  const accounting = ACCOUNTING_ROUTE.exec(url.pathname);
  if (accounting && options.accounting) {
    const params = decodeAll(accounting[1] === undefined ? [] : [accounting[1]]);
    return params ? send(res, 200, await options.accounting(params[0])) : send(res, 400, MALFORMED_PATH);
  }
  if (url.pathname === '/') {
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(
      'syncline local runtime\n\nPOST /webhooks/{tenant}/{instance}\nGET  /api/profiles/{tenant}?email=…\nGET  /api/status\nGET  /api/accounting[/{tenant}]\n',
    );
    return;
  }
  send(res, 404, { error: 'not found' });
}

/** Reads at most `limit` bytes; undefined when the body is larger (the rest is drained, not buffered). */
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) tooLarge = true;
    else chunks.push(chunk);
  }
  return tooLarge ? undefined : Buffer.concat(chunks);
}

function toApiGatewayEvent(req: IncomingMessage, url: URL, body: Buffer, pathParameters: Record<string, string>): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers))
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  const now = new Date();
  return {
    version: '2.0',
    routeKey: `${req.method ?? 'POST'} /webhooks/{tenant}/{instance}`,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    headers,
    pathParameters,
    isBase64Encoded: true,
    body: body.toString('base64'),
    // The URL the sender used, for vendors that sign it (Square): this server speaks http, unless a tunnel in front
    // of it says it took https (on a developer's machine its X-Forwarded-Proto is the tunnel's).
    stageVariables: { scheme: headers['x-forwarded-proto'] === 'https' ? 'https' : 'http' },
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: `${now.getTime()}`,
      routeKey: `${req.method ?? 'POST'} /webhooks/{tenant}/{instance}`,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body, null, 2));
}
