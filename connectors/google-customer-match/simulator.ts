// A local stand-in for Google Ads Customer Match: Google's OAuth token endpoint, OfflineUserDataJobService (create,
// addOperations, run) and GoogleAdsService search for a job's status, with the parts Google documents that make an
// integration hard: separate add and remove jobs (CONFLICTING_OPERATION), jobs processed later (PENDING → RUNNING →
// SUCCESS/FAILED), one running job per list (CONCURRENT_MODIFICATION), identifier limits, partial failures, consent,
// quota (RESOURCE_EXHAUSTED), expired access tokens and the developer token.
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { defineSimulator } from '../sdk/define-simulator.js';
import type { SimulatedVendor, SimulatorFaults } from '../sdk/simulator-kit.js';
import { readBody, sendJson, startVendorServer } from '../sdk/simulator-kit.js';
import { GoogleCustomerMatchSettings, type GoogleCustomerMatchSecrets } from './config.js';
import {
  AddOfflineUserDataJobOperationsRequest,
  CreateOfflineUserDataJobRequest,
  SearchGoogleAdsRequest,
  UserData,
  type OfflineUserDataJobOperation,
  type OfflineUserDataJobStatus,
} from './schemas.js';

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');

export interface SimulatedJob {
  resourceName: string;
  userList: string;
  consent?: { adUserData?: string; adPersonalization?: string };
  status: OfflineUserDataJobStatus;
  kind?: 'create' | 'remove';
  operations: number;
  identifiers: number;
}

export interface CustomerMatchSimulator extends SimulatedVendor<GoogleCustomerMatchSettings, GoogleCustomerMatchSecrets> {
  secrets: GoogleCustomerMatchSecrets;
  /** Whether the list holds this person now (processed jobs only), by an address or number as Google's account has it. */
  hasMember(audienceId: string, who: { email?: string; phone?: string }): boolean;
  /** Hashed identifiers in the list now. */
  members(audienceId: string): string[];
  jobs(): SimulatedJob[];
  /** Every create or remove operation the jobs carried, with its list (hashes only). */
  operations(): { userList: string; kind: 'create' | 'remove'; hashes: string[] }[];
  /** Jobs now RUNNING finish at once (as if Google's processing time had passed). */
  finishJobs(): void;
  /** Makes every access token handed out so far invalid (Google answers 401 OAUTH_TOKEN_EXPIRED to it). */
  expireAccessTokens(): void;
  /** Access tokens handed out by the token endpoint. */
  tokensIssued(): number;
}

export interface CustomerMatchSimulatorOptions {
  faults?: SimulatorFaults | undefined;
  secrets?: GoogleCustomerMatchSecrets;
  customerId?: string;
  /** The manager account the OAuth user reaches the customer through: requests must name it in login-customer-id. */
  managerId?: string;
  /** The customer's Customer Match lists (user list ids). */
  userLists?: string[];
  /** Google accounts (canonical addresses): `received()` names those a processed create job matched. */
  accounts?: string[];
  /** How long a run job stays RUNNING before it is processed (0: processed at the next request that looks). */
  processingMs?: number;
  /** The next N runs end FAILED. */
  failJobs?: number;
  /** The next N addOperations are answered with CONCURRENT_MODIFICATION. */
  concurrentModifications?: number;
  /** The next N requests are answered with quotaError RESOURCE_EXHAUSTED (429). */
  quotaExhausted?: number;
  /** A developer token that never sent Customer Match before April 2026: CUSTOMER_NOT_ALLOWLISTED_FOR_THIS_FEATURE. */
  notAllowlisted?: boolean;
}

const MAX_IDENTIFIERS_PER_REQUEST = 100_000;
const MAX_IDENTIFIERS_PER_USER = 20;

interface Job extends SimulatedJob {
  ops: OfflineUserDataJobOperation[];
  ranAt?: number;
  fails: boolean;
}

function failure(
  res: ServerResponse,
  http: number,
  status: string,
  kind: string,
  code: string,
  message: string,
  headers: Record<string, string> = {},
) {
  sendJson(
    res,
    http,
    {
      error: {
        code: http,
        message: http === 400 ? 'Request contains an invalid argument.' : message,
        status,
        details: [
          {
            '@type': 'type.googleapis.com/google.ads.googleads.v26.errors.GoogleAdsFailure',
            errors: [{ errorCode: { [kind]: code }, message }],
            requestId: randomBytes(8).toString('hex'),
          },
        ],
      },
    },
    headers,
  );
}

export async function startCustomerMatchSimulator(options: CustomerMatchSimulatorOptions = {}): Promise<CustomerMatchSimulator> {
  const secrets = options.secrets ?? {
    developerToken: 'sim-developer-token',
    clientId: 'sim-client.apps.googleusercontent.com',
    clientSecret: 'sim-client-secret',
    refreshToken: 'sim-refresh-token',
  };
  const customerId = options.customerId ?? '1234567890';
  const userLists = new Map(
    (options.userLists ?? ['1001', '1002', '1003']).map((id) => [`customers/${customerId}/userLists/${id}`, new Set<string>()]),
  );
  const accountByHash = new Map((options.accounts ?? []).map((a) => [sha256(a), a]));
  const processingMs = options.processingMs ?? 0;
  let failJobs = options.failJobs ?? 0;
  let concurrent = options.concurrentModifications ?? 0;
  let quota = options.quotaExhausted ?? 0;
  const tokens = new Map<string, { valid: boolean }>();
  const jobs = new Map<string, Job>();
  const matched: string[] = [];
  const operationLog: { userList: string; kind: 'create' | 'remove'; hashes: string[] }[] = [];
  let nextId = 1;

  /** Processes each job whose time has come, in the order they ran: what Google's pipeline does in its own time. */
  function settle(now = Date.now()): void {
    for (const job of jobs.values()) {
      if (job.status !== 'RUNNING' || job.ranAt === undefined || now - job.ranAt < processingMs) continue;
      finish(job);
    }
  }

  function finish(job: Job): void {
    if (job.fails) {
      job.status = 'FAILED';
      return;
    }
    const list = userLists.get(job.userList)!;
    for (const op of job.ops) {
      if ('removeAll' in op) list.clear();
      else if ('create' in op) {
        for (const id of op.create.userIdentifiers) {
          const hash = 'hashedEmail' in id ? id.hashedEmail : id.hashedPhoneNumber;
          list.add(hash);
          const account = accountByHash.get(hash);
          if (account !== undefined) matched.push(account);
        }
      } else for (const id of op.remove.userIdentifiers) list.delete('hashedEmail' in id ? id.hashedEmail : id.hashedPhoneNumber);
    }
    job.status = 'SUCCESS';
  }

  async function token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = new URLSearchParams(await readBody(req));
    if (form.get('client_id') !== secrets.clientId || form.get('client_secret') !== secrets.clientSecret)
      return sendJson(res, 401, { error: 'invalid_client', error_description: 'The OAuth client was not found.' });
    if (form.get('grant_type') !== 'refresh_token' || form.get('refresh_token') !== secrets.refreshToken)
      return sendJson(res, 400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
    const accessToken = `ya29.sim-${randomBytes(12).toString('hex')}`;
    tokens.set(accessToken, { valid: true });
    return sendJson(res, 200, {
      access_token: accessToken,
      expires_in: 3599,
      token_type: 'Bearer',
      scope: 'https://www.googleapis.com/auth/adwords',
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (req.method === 'POST' && path === '/token') return token(req, res);
    const raw = await readBody(req);
    if (req.method !== 'POST') return sendJson(res, 404, { error: { code: 404, message: 'Not found', status: 'NOT_FOUND' } });

    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const held = bearer === undefined ? undefined : tokens.get(bearer);
    if (!held) return failure(res, 401, 'UNAUTHENTICATED', 'authenticationError', 'OAUTH_TOKEN_INVALID', 'Invalid OAuth access token.');
    if (!held.valid)
      return failure(res, 401, 'UNAUTHENTICATED', 'authenticationError', 'OAUTH_TOKEN_EXPIRED', 'The OAuth access token has expired.');
    if (req.headers['developer-token'] !== secrets.developerToken)
      return failure(res, 401, 'UNAUTHENTICATED', 'authenticationError', 'DEVELOPER_TOKEN_INVALID', 'The developer token is not valid.');

    const route =
      /^\/v\d{2}\/customers\/(\d+)\/(offlineUserDataJobs:create|offlineUserDataJobs\/(\d+):(addOperations|run)|googleAds:search)$/.exec(
        path,
      );
    if (!route) return sendJson(res, 404, { error: { code: 404, message: `No route ${path}`, status: 'NOT_FOUND' } });
    if (route[1] !== customerId || (options.managerId !== undefined && req.headers['login-customer-id'] !== options.managerId))
      return failure(
        res,
        403,
        'PERMISSION_DENIED',
        'authorizationError',
        'USER_PERMISSION_DENIED',
        "User doesn't have permission to access customer.",
      );
    if (quota > 0) {
      quota--;
      return failure(res, 429, 'RESOURCE_EXHAUSTED', 'quotaError', 'RESOURCE_EXHAUSTED', 'Too many requests. Retry in 0 seconds.');
    }
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return sendJson(res, 400, { error: { code: 400, message: 'Invalid JSON payload received.', status: 'INVALID_ARGUMENT' } });
    }
    settle();

    if (route[2] === 'offlineUserDataJobs:create') {
      const parsed = CreateOfflineUserDataJobRequest.safeParse(body);
      if (!parsed.success)
        return failure(res, 400, 'INVALID_ARGUMENT', 'requestError', 'INVALID_INPUT', parsed.error.issues[0]?.message ?? 'invalid');
      if (options.notAllowlisted)
        return failure(
          res,
          403,
          'PERMISSION_DENIED',
          'authorizationError',
          'CUSTOMER_NOT_ALLOWLISTED_FOR_THIS_FEATURE',
          'Customer Match requests from this developer token must use the Data Manager API.',
        );
      const meta = parsed.data.job.customerMatchUserListMetadata;
      if (!userLists.has(meta.userList))
        return failure(
          res,
          400,
          'INVALID_ARGUMENT',
          'offlineUserDataJobError',
          'INVALID_USER_LIST_ID',
          'The user list ID provided for the job is invalid.',
        );
      if (meta.consent?.adUserData === 'DENIED' || meta.consent?.adPersonalization === 'DENIED')
        return failure(
          res,
          400,
          'INVALID_ARGUMENT',
          'offlineUserDataJobError',
          'CUSTOMER_NOT_ACCEPTED_CUSTOMER_DATA_TERMS',
          'The customer has not accepted the customer data terms in the conversion settings page.',
        );
      const resourceName = `customers/${customerId}/offlineUserDataJobs/${nextId++}`;
      jobs.set(resourceName, {
        resourceName,
        userList: meta.userList,
        ...(meta.consent ? { consent: meta.consent } : {}),
        status: 'PENDING',
        operations: 0,
        identifiers: 0,
        ops: [],
        fails: false,
      });
      return sendJson(res, 200, { resourceName });
    }

    if (route[2] === 'googleAds:search') {
      const parsed = SearchGoogleAdsRequest.safeParse(body);
      const wanted = parsed.success ? /offline_user_data_job\.resource_name = '([^']+)'/.exec(parsed.data.query)?.[1] : undefined;
      if (wanted === undefined)
        return failure(res, 400, 'INVALID_ARGUMENT', 'queryError', 'UNEXPECTED_END_OF_QUERY', 'Only job-status queries are simulated.');
      const job = jobs.get(wanted);
      return sendJson(res, 200, {
        results: job
          ? [
              {
                offlineUserDataJob: {
                  resourceName: job.resourceName,
                  status: job.status,
                  ...(job.status === 'FAILED' ? { failureReason: 'UNKNOWN' } : {}),
                },
              },
            ]
          : [],
        fieldMask: 'offlineUserDataJob.resourceName,offlineUserDataJob.status,offlineUserDataJob.failureReason',
      });
    }

    const job = jobs.get(`customers/${customerId}/offlineUserDataJobs/${route[3]}`);
    if (!job) return sendJson(res, 404, { error: { code: 404, message: 'Requested entity was not found.', status: 'NOT_FOUND' } });

    if (route[4] === 'run') {
      if (job.status !== 'PENDING')
        return failure(
          res,
          400,
          'INVALID_ARGUMENT',
          'offlineUserDataJobError',
          'JOB_ALREADY_STARTED',
          'Once the upload job is started, new operations cannot be added.',
        );
      const busy = [...jobs.values()].some((other) => other !== job && other.userList === job.userList && other.status === 'RUNNING');
      if (busy)
        return failure(
          res,
          409,
          'ABORTED',
          'databaseError',
          'CONCURRENT_MODIFICATION',
          'Multiple requests were attempting to modify the same resource at once. Retry the request.',
        );
      job.status = 'RUNNING';
      job.ranAt = Date.now();
      if (failJobs > 0) {
        failJobs--;
        job.fails = true;
      }
      settle();
      return sendJson(res, 200, { name: `customers/${customerId}/operations/${randomBytes(6).toString('hex')}` });
    }

    // addOperations
    if (concurrent > 0) {
      concurrent--;
      return failure(
        res,
        409,
        'ABORTED',
        'databaseError',
        'CONCURRENT_MODIFICATION',
        'Multiple requests were attempting to modify the same resource at once. Retry the request.',
      );
    }
    if (job.status !== 'PENDING')
      return failure(
        res,
        400,
        'INVALID_ARGUMENT',
        'offlineUserDataJobError',
        'JOB_ALREADY_STARTED',
        'Once the upload job is started, new operations cannot be added.',
      );
    const parsed = AddOfflineUserDataJobOperationsRequest.safeParse(body);
    const operations = (body as { operations?: unknown[] } | null)?.operations;
    if (!Array.isArray(operations) || operations.length === 0)
      return failure(res, 400, 'INVALID_ARGUMENT', 'requestError', 'EMPTY_OPERATIONS', 'The operations list is empty.');
    const total = operations.reduce<number>((n, op) => n + identifiersIn(op), 0);
    if (total > MAX_IDENTIFIERS_PER_REQUEST)
      return failure(
        res,
        400,
        'INVALID_ARGUMENT',
        'offlineUserDataJobError',
        'TOO_MANY_USER_IDENTIFIERS',
        'Maximum number of user identifiers allowed per request is 100,000 and per operation is 20.',
      );
    const partial = parsed.success
      ? parsed.data.enablePartialFailure === true
      : (body as { enablePartialFailure?: unknown }).enablePartialFailure === true;

    const errors: { index: number; code: string; message: string }[] = [];
    const accepted: OfflineUserDataJobOperation[] = [];
    operations.forEach((op, index) => {
      const problem = operationProblem(op, index, job, accepted);
      if (problem) errors.push({ index, ...problem });
      else accepted.push(op as OfflineUserDataJobOperation);
    });
    const conflict = errors.find((e) => e.code === 'CONFLICTING_OPERATION');
    if (conflict || (errors.length > 0 && !partial)) {
      const first = conflict ?? errors[0]!;
      return failure(res, 400, 'INVALID_ARGUMENT', 'offlineUserDataJobError', first.code, first.message);
    }
    for (const op of accepted) {
      job.ops.push(op);
      job.operations++;
      job.identifiers += identifiersIn(op);
      if (!('removeAll' in op)) {
        const kind = 'create' in op ? 'create' : 'remove';
        job.kind = kind;
        const data = 'create' in op ? op.create : op.remove;
        operationLog.push({
          userList: job.userList,
          kind,
          hashes: data.userIdentifiers.map((id) => ('hashedEmail' in id ? id.hashedEmail : id.hashedPhoneNumber)),
        });
      }
    }
    if (errors.length === 0) return sendJson(res, 200, {});
    return sendJson(res, 200, {
      partialFailureError: {
        code: 3,
        message: `Multiple errors in 'details'. First error: ${errors[0]!.message}`,
        details: [
          {
            '@type': 'type.googleapis.com/google.ads.googleads.v26.errors.GoogleAdsFailure',
            errors: errors.map((e) => ({
              errorCode: { offlineUserDataJobError: e.code },
              message: e.message,
              location: { fieldPathElements: [{ fieldName: 'operations', index: e.index }] },
            })),
            requestId: randomBytes(8).toString('hex'),
          },
        ],
      },
    });
  }

  function identifiersIn(op: unknown): number {
    const data = (op as { create?: { userIdentifiers?: unknown[] }; remove?: { userIdentifiers?: unknown[] } } | null) ?? {};
    return (data.create ?? data.remove)?.userIdentifiers?.length ?? 0;
  }

  function operationProblem(
    op: unknown,
    index: number,
    job: Job,
    accepted: OfflineUserDataJobOperation[],
  ): { code: string; message: string } | undefined {
    const record = (op ?? {}) as Record<string, unknown>;
    if ('removeAll' in record)
      return index === 0 && job.ops.length === 0
        ? undefined
        : {
            code: 'INVALID_OPERATION_ORDER',
            message: 'When a remove-all operation is provided, it has to be the first operation of the operation list.',
          };
    const kind = 'create' in record ? 'create' : 'remove' in record ? 'remove' : undefined;
    if (kind === undefined) return { code: 'MISSING_USER_IDENTIFIER', message: 'The user identifier is missing valid data.' };
    const earlier = [...job.ops, ...accepted].find((o) => !('removeAll' in o));
    if (earlier && ('create' in earlier ? 'create' : 'remove') !== kind)
      return { code: 'CONFLICTING_OPERATION', message: 'Mixing creation and removal of offline data in the same job is not allowed.' };
    if (identifiersIn(op) > MAX_IDENTIFIERS_PER_USER)
      return {
        code: 'TOO_MANY_USER_IDENTIFIERS',
        message: 'Maximum number of user identifiers allowed per request is 100,000 and per operation is 20.',
      };
    const data = UserData.safeParse(record[kind]);
    if (!data.success) {
      const ids = (record[kind] as { userIdentifiers?: unknown[] } | undefined)?.userIdentifiers ?? [];
      return ids.length === 0
        ? { code: 'MISSING_USER_IDENTIFIER', message: 'The user identifier is missing valid data.' }
        : { code: 'INVALID_SHA256_FORMAT', message: 'The SHA256 encoded value is malformed.' };
    }
    return undefined;
  }

  const server = await startVendorServer(handle, {
    faults: options.faults,
    rateLimited: (_req, res) =>
      failure(res, 429, 'RESOURCE_EXHAUSTED', 'quotaError', 'RESOURCE_EXHAUSTED', 'Too many requests. Retry in 0 seconds.'),
    failed: (_req, res) => sendJson(res, 500, { error: { code: 500, message: 'Internal error encountered.', status: 'INTERNAL' } }),
    crashed: (res) => sendJson(res, 500, { error: { code: 500, message: 'simulator failure', status: 'INTERNAL' } }),
  });

  const listName = (audienceId: string) => `customers/${customerId}/userLists/${audienceId}`;
  return {
    settings: GoogleCustomerMatchSettings.parse({
      apiBaseUrl: server.origin,
      tokenUrl: `${server.origin}/token`,
      customerId,
      ...(options.managerId ? { loginCustomerId: options.managerId } : {}),
      audiences: [{ segment: 'lapsed', audienceId: [...userLists.keys()][0]!.split('/').at(-1)! }],
      pollIntervalMs: 20,
    }),
    secrets,
    received: () => (accountByHash.size > 0 ? [...matched] : operationLog.filter((o) => o.kind === 'create').flatMap((o) => o.hashes)),
    requests: server.requests,
    hasMember: (audienceId, who) => {
      settle();
      const list = userLists.get(listName(audienceId));
      return [who.email, who.phone].some((v) => v !== undefined && list?.has(sha256(v)) === true);
    },
    members: (audienceId) => {
      settle();
      return [...(userLists.get(listName(audienceId)) ?? [])];
    },
    jobs: () => {
      settle();
      return [...jobs.values()].map(({ ops: _ops, ranAt: _ranAt, fails: _fails, ...job }) => ({ ...job }));
    },
    operations: () => operationLog.map((o) => ({ ...o, hashes: [...o.hashes] })),
    finishJobs: () => {
      for (const job of jobs.values()) if (job.status === 'RUNNING') finish(job);
    },
    expireAccessTokens: () => {
      for (const held of tokens.values()) held.valid = false;
    },
    tokensIssued: () => tokens.size,
    stop: server.stop,
  };
}

/** For `npm start`: an instance with `"apiBaseUrl": "simulator"` gets a simulated Google Ads account holding its lists. */
export const simulator = defineSimulator<CustomerMatchSimulator>({
  connector: 'google-customer-match',
  async start({ settings, faults }) {
    const configured = GoogleCustomerMatchSettings.partial().safeParse(settings);
    const audiences = configured.success ? (configured.data.audiences ?? []) : [];
    const customerId = configured.success ? configured.data.customerId : undefined;
    const sim = await startCustomerMatchSimulator({
      ...(faults ? { faults } : {}),
      ...(customerId ? { customerId } : {}),
      ...(configured.success && configured.data.loginCustomerId ? { managerId: configured.data.loginCustomerId } : {}),
      ...(audiences.length > 0 ? { userLists: audiences.map((a) => a.audienceId) } : {}),
      // Google takes minutes to hours; a second here is enough to meet the job lifecycle on the local stack.
      processingMs: 1_000,
    });
    return {
      settings: { apiBaseUrl: sim.settings.apiBaseUrl, tokenUrl: sim.settings.tokenUrl, pollIntervalMs: 200 },
      secrets: { ...sim.secrets },
      handle: sim,
      stop: () => sim.stop(),
    };
  },
});
