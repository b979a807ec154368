// The transport of the lite AWS clients (aws/lite/): one AWS JSON protocol request (POST, X-Amz-Target, SigV4 signed)
// over a keep-alive HTTP agent, with the SDK's standard retry behaviour: up to `maxAttempts` attempts (AWS_MAX_ATTEMPTS,
// else the service's default: 4 for DynamoDB, 3 for the others), full-jitter exponential backoff from 50 ms (1 s for
// throttling) capped at 20 s, a retry-token bucket of 500 (14 per transient retry, 5 per throttling retry), and the
// same errors retried: throttling codes and HTTP 429, 500/502/503/504, request timeouts, the Node network errors.
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { defaultProvider } from '../lambda-env-credentials.js';
import { ServiceException, type ResponseMetadata } from './service-error.js';
import { signRequest, type AwsCredentials } from './sigv4.js';

export type CredentialsOption = AwsCredentials | (() => Promise<AwsCredentials>);

/** What every lite client accepts of the SDK's client configuration. */
export interface LiteClientConfig {
  region?: string;
  endpoint?: string;
  credentials?: CredentialsOption;
  maxAttempts?: number;
}

export interface ServiceDescription {
  /** Signing name and endpoint prefix: dynamodb, sqs, secretsmanager. */
  service: string;
  /** X-Amz-Target prefix: `DynamoDB_20120810`, `AmazonSQS`, `secretsmanager`. */
  targetPrefix: string;
  /** 1.0 or 1.1. */
  jsonVersion: '1.0' | '1.1';
  /** The SDK's environment variable for this service's endpoint (AWS_ENDPOINT_URL_DYNAMODB, …). */
  endpointVariable: string;
  defaultMaxAttempts: number;
  /** Error classes by name, so that `instanceof` works on what this client throws. */
  exceptions: Record<string, typeof ServiceException>;
}

const THROTTLING = new Set([
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
  'LimitExceededException',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'TransactionInProgressException',
]);
// ReplicatedWriteConflictException is retryable by its model trait in the SDK's DynamoDB client.
const TRANSIENT = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'ReplicatedWriteConflictException']);
const TRANSIENT_STATUS = new Set([500, 502, 503, 504]);
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
const MAX_DELAY_MS = 20_000;
const BASE_DELAY_MS = 50;
const THROTTLING_BASE_DELAY_MS = 1_000;
const INITIAL_TOKENS = 500;

const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 50 });
const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 50 });

type RetryKind = 'throttling' | 'transient' | undefined;

function retryKind(error: unknown): RetryKind {
  if (!(error instanceof Error)) return undefined;
  const status = error instanceof ServiceException ? error.$metadata.httpStatusCode : undefined;
  if (status === 429 || THROTTLING.has(error.name)) return 'throttling';
  const code = (error as NodeJS.ErrnoException).code;
  if (TRANSIENT.has(error.name) || (status !== undefined && TRANSIENT_STATUS.has(status)) || (code && NETWORK_CODES.has(code)))
    return 'transient';
  return undefined;
}

/** JSON with the AWS JSON protocol's blobs: Uint8Array values travel as base64 strings. */
export function toWireJson(input: unknown): string {
  return JSON.stringify(input, function (this: Record<string, unknown>, key: string, value: unknown) {
    const raw = this[key];
    return raw instanceof Uint8Array ? Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64') : value;
  });
}

export interface RawResponse {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
}

export function post(url: URL, headers: Record<string, string>, body: string): Promise<RawResponse> {
  const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, { method: 'POST', headers, agent: url.protocol === 'http:' ? httpAgent : httpsAgent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export interface AttemptProgress {
  attempts: number;
  totalRetryDelay: number;
}

/** The SDK's standard retry strategy (2026 defaults), one per client as in the SDK. */
export class Retries {
  private tokens = INITIAL_TOKENS;

  constructor(
    private readonly maxAttempts: number,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  async run<T>(attempt: (progress: AttemptProgress) => Promise<T>): Promise<T> {
    let totalRetryDelay = 0;
    let retryCost: number | undefined;
    for (let attempts = 1; ; attempts++) {
      try {
        const result = await attempt({ attempts, totalRetryDelay });
        // As the SDK: a success gives back what its last retry cost, or one token.
        this.tokens = Math.min(INITIAL_TOKENS, this.tokens + (retryCost ?? 1));
        return result;
      } catch (error) {
        const kind = retryKind(error);
        retryCost = kind === 'throttling' ? 5 : 14;
        if (kind === undefined || attempts >= this.maxAttempts || this.tokens < retryCost) throw error;
        this.tokens -= retryCost;
        const base = kind === 'throttling' ? THROTTLING_BASE_DELAY_MS : BASE_DELAY_MS;
        const delay = Math.floor(Math.random() * Math.min(base * 2 ** (attempts - 1), MAX_DELAY_MS));
        totalRetryDelay += delay;
        await this.sleep(delay);
      }
    }
  }
}

export class AwsJsonClient {
  readonly config: { region: string; credentials: () => Promise<AwsCredentials>; maxAttempts: number };
  private readonly endpoint: URL;
  private readonly retries: Retries;

  constructor(
    private readonly description: ServiceDescription,
    config: LiteClientConfig = {},
    sleep?: (ms: number) => Promise<void>,
  ) {
    const region = config.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
    if (!region) throw new Error(`${description.service}: no region (AWS_REGION is not set)`);
    const configured = config.credentials ?? defaultProvider();
    const credentials = typeof configured === 'function' ? configured : async () => configured;
    const fromEnv = Number(process.env.AWS_MAX_ATTEMPTS);
    this.config = {
      region,
      credentials,
      maxAttempts: config.maxAttempts ?? (Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : description.defaultMaxAttempts),
    };
    this.retries = new Retries(this.config.maxAttempts, sleep);
    this.endpoint = new URL(
      config.endpoint ??
        process.env[description.endpointVariable] ??
        process.env.AWS_ENDPOINT_URL ??
        `https://${description.service}.${region}.amazonaws.com`,
    );
  }

  /** One operation: the parsed JSON answer, or a ServiceException (after retries). */
  call(operation: string, input: unknown, reviver?: (key: string, value: unknown) => unknown): Promise<Record<string, unknown>> {
    const body = toWireJson(input);
    return this.retries.run((progress) => this.attempt(operation, body, progress, reviver));
  }

  private async attempt(
    operation: string,
    body: string,
    progress: AttemptProgress,
    reviver?: (key: string, value: unknown) => unknown,
  ): Promise<Record<string, unknown>> {
    const credentials = await this.config.credentials();
    const headers = signRequest(
      {
        method: 'POST',
        url: this.endpoint,
        headers: {
          'content-type': `application/x-amz-json-${this.description.jsonVersion}`,
          'x-amz-target': `${this.description.targetPrefix}.${operation}`,
          'content-length': String(Buffer.byteLength(body, 'utf8')),
        },
        body,
      },
      credentials,
      { region: this.config.region, service: this.description.service },
    );
    const response = await post(this.endpoint, headers, body);
    const requestId = [response.headers['x-amzn-requestid'], response.headers['x-amz-request-id']].find((v) => typeof v === 'string');
    const metadata: ResponseMetadata = { httpStatusCode: response.status, ...(requestId ? { requestId } : {}), ...progress };
    if (response.status >= 200 && response.status < 300)
      return { ...((response.body ? JSON.parse(response.body, reviver) : {}) as Record<string, unknown>), $metadata: metadata };
    throw this.error(response, metadata, reviver);
  }

  private error(response: RawResponse, metadata: ResponseMetadata, reviver?: (key: string, value: unknown) => unknown): ServiceException {
    let parsed: Record<string, unknown> = {};
    try {
      parsed = JSON.parse(response.body, reviver) as Record<string, unknown>;
    } catch {
      // Not JSON (a proxy's or load balancer's page): named by its status below.
    }
    // The code is `__type` (`com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException`) or the x-amzn-errortype
    // header; JSON SQS also names its legacy query code in x-amzn-query-error (`AWS.SimpleQueueService.NonExistentQueue;Sender`).
    const header = response.headers['x-amzn-errortype'];
    const rawType =
      (typeof parsed.__type === 'string' ? parsed.__type : typeof header === 'string' ? header : '') || `Http${response.status}`;
    const name = rawType.split(':')[0]!.split('#').pop()!;
    const { __type: _type, message, Message, ...members } = parsed;
    const text = typeof message === 'string' ? message : typeof Message === 'string' ? Message : name;
    const fault = response.status >= 500 ? 'server' : 'client';
    const Named = this.description.exceptions[name] ?? ServiceException;
    return new Named(name, text, fault, metadata, members);
  }
}
