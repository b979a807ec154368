// The HTTP plumbing every vendor simulator shares: a server on 127.0.0.1 at a free port, counted requests, injected
// faults answered in the vendor's own words, and the small helpers a handler needs. Test-side: not in index.ts.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Answers one request; `request` counts from 1 over the server's life, faults included. */
export type SimulatorHandler = (req: IncomingMessage, res: ServerResponse, request: number) => void | Promise<void>;

export interface VendorServerOptions {
  faults?: SimulatorFaults | undefined;
  /** The vendor's 429, answered to each injected rate limit (with a Retry-After the client can honour at once). */
  rateLimited: SimulatorHandler;
  /** The vendor's 500, answered to each injected failure. */
  failed: SimulatorHandler;
  /** The answer when the handler itself throws. */
  crashed(res: ServerResponse): void;
}

export interface VendorServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** Requests answered so far, including the injected faults. */
  requests(): number;
  stop(): Promise<void>;
}

export type InjectedFault = 'rate-limit' | 'fail' | 'timeout' | 'lost-reply';

/** How long a 'timeout' fault holds a request before dropping the connection, if the client has not given up first. */
const STALL_MS = 10_000;

/**
 * Counts the faults down: the first `rateLimitFirst` calls say 'rate-limit', the next `failNext` say 'fail'; after
 * them the `plan`, when there is one, decides.
 */
export function injectedFaults(faults: SimulatorFaults = {}): (request?: number) => InjectedFault | undefined {
  let rateLimitLeft = faults.rateLimitFirst ?? 0;
  let failLeft = faults.failNext ?? 0;
  return (request = 0) => {
    if (rateLimitLeft > 0) {
      rateLimitLeft--;
      return 'rate-limit';
    }
    if (failLeft > 0) {
      failLeft--;
      return 'fail';
    }
    return faults.plan?.(request);
  };
}

export async function startVendorServer(handle: SimulatorHandler, options: VendorServerOptions): Promise<VendorServer> {
  const nextFault = injectedFaults(options.faults);
  let requests = 0;
  const answer: SimulatorHandler = (req, res, request) => {
    const fault = nextFault(request);
    if (fault === 'rate-limit') return options.rateLimited(req, res, request);
    if (fault === 'fail') return options.failed(req, res, request);
    if (fault === 'timeout' || fault === 'lost-reply') {
      // Neither is answered: the client's timeout fires (or the connection drops after STALL_MS).
      const timer = setTimeout(() => res.destroy(), STALL_MS);
      res.on('close', () => clearTimeout(timer));
      if (fault === 'timeout') return;
      // The request takes effect, but whatever the handler answers is dropped.
      const silenced = Object.assign(Object.create(res) as ServerResponse, {
        writeHead: () => silenced,
        setHeader: () => silenced,
        write: () => true,
        end: () => silenced,
      });
      return handle(req, silenced, request);
    }
    return handle(req, res, request);
  };
  const server = createServer((req, res) => {
    const request = ++requests;
    try {
      Promise.resolve(answer(req, res, request)).catch(() => options.crashed(res));
    } catch {
      options.crashed(res);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests: () => requests,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** A JSON answer; no body (and no content type) when `body` is undefined. A `content-type` in `headers` wins. */
export function sendJson(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  if (body === undefined) {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

export interface SimulatedVendor<Settings, Secrets = unknown> {
  /** Settings that point the connector at this simulator. */
  settings: Settings;
  /** Secrets the simulator accepts, when they differ from the suite's. */
  secrets?: Secrets;
  /** Every profile key (e-mail or id) the simulator accepted through its push endpoint, in order. */
  received(): string[];
  /** Requests the simulator answered, including the faults it injected. */
  requests(): number;
  stop(): Promise<void>;
}

export interface SimulatorFaults {
  /** Answer the first N requests with 429 and Retry-After: 0. */
  rateLimitFirst?: number;
  /** Then answer the next N requests with 500. */
  failNext?: number;
  /**
   * After the counted faults, decides each further request: 'rate-limit' (429), 'fail' (500), 'timeout' (no answer
   * until the client gives up), 'lost-reply' (the request is carried out, but its answer never arrives) or
   * undefined (answer normally). Fault tests and the soak pass a seeded plan.
   */
  plan?: (request: number) => 'rate-limit' | 'fail' | 'timeout' | 'lost-reply' | undefined;
}
