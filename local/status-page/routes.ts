// The local server's operator routes: the status page at `/`, its replay button, and the backfill stream the CLI
// reads. The page is for the person at this machine: requests for another Host (DNS rebinding) or posted from
// another site (CSRF) are refused.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BackfillOptions, BackfillProgress } from '../../pipeline/backfill/backfill.js';
import type { ReplayOutcome, ReplayStatus } from '../../pipeline/quarantine/replay-quarantine.js';
import { InstanceNotConnectable, type ConnectOutcome } from '../../pipeline/subscriptions/connect.js';
import { NotADestination } from '../../pipeline/resync/run-resync.js';
import { UnknownInstance } from '../../core/errors.js';
import { ResyncBusy, type ResyncRunner } from '../resync-runner.js';
import { sameMachine, sameOrigin } from '../request-guard.js';
import { renderStatusPage } from './render.js';
import { readStatusView, type StatusSources } from './status-view.js';

export interface OperatorRouteDeps extends StatusSources {
  replay(tenantId: string, id: string): Promise<ReplayOutcome[]>;
  backfill(tenantId: string, instanceId: string, options: BackfillOptions): Promise<BackfillProgress>;
  /** `syncline connect` / `doctor`: plan (or apply) an instance's webhook subscriptions with the secrets of this process. */
  connect(tenantId: string, instanceId: string, url: string, apply: boolean): Promise<ConnectOutcome>;
  /** `syncline resync` (streamed) and the page's resync buttons (local/resync-runner.ts). */
  resyncRunner?: ResyncRunner;
}

export interface OperatorRoutes {
  /** True when the request was one of these routes and has been answered. */
  handle(req: IncomingMessage, url: URL, res: ServerResponse): Promise<boolean>;
}

const REPLAY_ROUTE = /^\/status\/quarantine\/([^/]+)\/([^/]+)\/replay\/?$/;
const BACKFILL_ROUTE = /^\/api\/backfill\/([^/]+)\/([^/]+)\/?$/;
const CONNECT_ROUTE = /^\/api\/connect\/([^/]+)\/([^/]+)\/?$/;
const RESYNC_API_ROUTE = /^\/api\/resync\/([^/]+)\/([^/]+)\/?$/;
const RESYNC_PAGE_ROUTE = /^\/status\/resync\/([^/]+)\/([^/]+)\/?$/;
const NOTICES: Record<ReplayStatus, string> = {
  replayed: 'replayed: accepted and queued, removed from the quarantine',
  'still-invalid': 'still invalid: the parser rejects it again; it stays quarantined',
  'signature-rejected': 'signature rejected: the secret changed or the signature is too old; ask the vendor to resend',
  'instance-unavailable': 'instance unavailable: the tenant or instance no longer takes webhooks',
  'body-not-kept': 'body not kept: it was too large to quarantine, nothing to replay',
  failed: 'failed: a queue or store did not answer; try again',
  'not-found': 'not found: it was replayed or expired already',
};

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  // No script at all; forms post only here; nobody may frame the page.
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  // same-origin, not no-referrer: with no-referrer Chromium posts the replay form with `Origin: null`, which the CSRF check refuses.
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
};

export function createOperatorRoutes(deps: OperatorRouteDeps): OperatorRoutes {
  return {
    async handle(req, url, res) {
      const replay = REPLAY_ROUTE.exec(url.pathname);
      const backfill = BACKFILL_ROUTE.exec(url.pathname);
      const connect = CONNECT_ROUTE.exec(url.pathname);
      const resync = RESYNC_API_ROUTE.exec(url.pathname) ?? RESYNC_PAGE_ROUTE.exec(url.pathname);
      if (url.pathname !== '/' && !replay && !backfill && !connect && !resync) return false;
      if (!sameMachine(req)) return refuse(res, 421, 'this page answers only to 127.0.0.1 or localhost');

      if (url.pathname === '/') {
        if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'GET the status page');
        const tenant = url.searchParams.get('tenant');
        const query = url.searchParams.get('q');
        const view = await readStatusView(deps, tenant !== null && query !== null ? { tenantId: tenant, query } : undefined);
        const status = url.searchParams.get('replayed') as ReplayStatus | null;
        const id = url.searchParams.get('id');
        const resynced = url.searchParams.get('resync');
        const notice =
          status && status in NOTICES
            ? `Replay of ${id ?? 'the delivery'}: ${NOTICES[status]}`
            : resynced === 'started' || resynced === 'running'
              ? `Resync of ${url.searchParams.get('instance') ?? 'the destination'}: ${resynced === 'started' ? 'started; reload the page to follow it' : 'one is running already'}`
              : undefined;
        res.writeHead(200, PAGE_HEADERS);
        res.end(req.method === 'HEAD' ? undefined : renderStatusPage(view, notice ? { notice } : {}));
        return true;
      }

      if (req.method !== 'POST') return refuse(res, 405, 'POST to this route');
      if (!sameOrigin(req)) return refuse(res, 403, 'cross-site requests are refused');

      const params = decodeAll((replay ?? backfill ?? connect ?? resync!).slice(1, 3) as string[]);
      if (!params) return refuse(res, 400, 'the path is not valid percent-encoded UTF-8');

      if (replay) {
        const [tenantId, id] = params as [string, string];
        if (!deps.config.tenants.some((t) => t.id === tenantId)) return refuse(res, 404, 'unknown tenant');
        const [outcome] = await deps.replay(tenantId, id);
        // Post/redirect/get: reloading the page does not replay again.
        const back = new URLSearchParams({ replayed: outcome?.status ?? 'not-found', id });
        res.writeHead(303, { location: `/?${back}#quarantine-${encodeURIComponent(tenantId)}` });
        res.end();
        return true;
      }

      const [tenantId, instanceId] = params as [string, string];
      if (resync) return handleResync(deps, url, res, tenantId, instanceId);
      if (connect) {
        const webhookUrl = url.searchParams.get('url');
        if (!webhookUrl || !URL.canParse(webhookUrl)) return refuse(res, 400, 'give url: the webhook URL the vendor should call');
        try {
          const outcome = await deps.connect(tenantId, instanceId, webhookUrl, url.searchParams.get('apply') === '1');
          res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
          res.end(JSON.stringify(outcome));
        } catch (error) {
          if (!(error instanceof InstanceNotConnectable)) throw error;
          return refuse(res, 400, error.message);
        }
        return true;
      }
      const sinceText = url.searchParams.get('since');
      const since = sinceText === null ? undefined : new Date(sinceText);
      if (since && Number.isNaN(since.getTime())) return refuse(res, 400, `since must be an ISO time, not "${sinceText}"`);
      res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' });
      // The CLI going away (Ctrl-C) stops the backfill after the page in flight; its cursor is saved per page.
      const stop = new AbortController();
      res.on('close', () => stop.abort());
      try {
        const result = await deps.backfill(tenantId, instanceId, {
          ...(since ? { since } : {}),
          restart: url.searchParams.get('restart') === '1',
          signal: stop.signal,
          onProgress: (progress) => res.write(`${JSON.stringify({ progress })}\n`),
        });
        res.end(`${JSON.stringify({ result })}\n`);
      } catch (error) {
        res.end(`${JSON.stringify({ error: (error as Error).message })}\n`);
      }
      return true;
    },
  };
}

/** The page's button (start in the background, back to the page) or the CLI's stream of progress lines. */
async function handleResync(deps: OperatorRouteDeps, url: URL, res: ServerResponse, tenantId: string, instanceId: string): Promise<true> {
  const runner = deps.resyncRunner;
  if (!runner) return refuse(res, 404, 'this stack runs no resyncs');
  if (!deps.config.tenants.some((t) => t.id === tenantId)) return refuse(res, 404, 'unknown tenant');
  const full = url.searchParams.get('full') === '1';
  if (url.pathname.startsWith('/status/')) {
    try {
      const started = await runner.start(tenantId, instanceId, { full });
      const back = new URLSearchParams({ resync: started ? 'started' : 'running', instance: instanceId });
      res.writeHead(303, { location: `/?${back}#resync-${encodeURIComponent(tenantId)}` });
      res.end();
    } catch (error) {
      return refuse(res, 400, (error as Error).message);
    }
    return true;
  }
  const size = url.searchParams.get('batchSize');
  if (size !== null && !/^[1-9]\d*$/.test(size)) return refuse(res, 400, `batchSize must be a whole number, not "${size}"`);
  const stop = new AbortController();
  res.on('close', () => stop.abort());
  let streaming = false;
  try {
    const result = await runner.run(tenantId, instanceId, {
      full,
      dryRun: url.searchParams.get('dryRun') === '1',
      restart: url.searchParams.get('restart') === '1',
      ...(size !== null ? { batchSize: Number(size) } : {}),
      signal: stop.signal,
      onProgress: (progress) => {
        if (!streaming) res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' });
        streaming = true;
        res.write(`${JSON.stringify({ progress })}\n`);
      },
    });
    if (!streaming) res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' });
    res.end(`${JSON.stringify({ result })}\n`);
  } catch (error) {
    if (!streaming && (error instanceof ResyncBusy || error instanceof NotADestination || error instanceof UnknownInstance))
      return refuse(res, 400, error.message);
    if (!streaming) res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' });
    res.end(`${JSON.stringify({ error: (error as Error).message })}\n`);
  }
  return true;
}

function decodeAll(parts: readonly string[]): string[] | undefined {
  try {
    return parts.map((part) => decodeURIComponent(part));
  } catch {
    return undefined;
  }
}

function refuse(res: ServerResponse, status: number, error: string): true {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error }));
  return true;
}
