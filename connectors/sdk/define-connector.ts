// The contract every connector fulfils. A connector knows its vendor, never DynamoDB, SQS or Lambda.
import type { z } from 'zod';
import type { ConsentPurpose, EventDraft } from '../../core/events.js';
import type { ErasureOutcome, ErasureSubject, ProfileChange, PushOutcome } from '../../core/destination.js';
import type { Logger } from '../../core/ports.js';
import type { CustomAttributes } from './custom-attributes.js';
import type { SubscriptionApi } from './subscriptions.js';

/** `ads`: ad platforms' audiences (Meta Custom Audiences, Google Customer Match), fed with hashed identifiers. */
export type ConnectorKind = 'shop' | 'pos' | 'dmp' | 'email' | 'website' | 'ads';

/** An inbound webhook exactly as received: the raw bytes are what vendors sign. */
export interface WebhookRequest {
  method: string;
  /** The full public URL the vendor called (Square signs it; Copernica signs its path). */
  url: string;
  /** Header names lower-cased. */
  headers: Readonly<Record<string, string>>;
  rawBody: Buffer;
}

/** The logger port lives in the core; connectors import it from the SDK. */
export type { Logger };

/** Everything a connector call may use: its own instance's settings and secrets, a clock and a logger. */
export interface ConnectorContext<Settings, Secrets> {
  tenantId: string;
  instance: string;
  settings: Settings;
  secrets: Secrets;
  now(): Date;
  log: Logger;
}

/** How much one scheduled run may do before it must save its cursor and stop. */
export interface PollBudget {
  maxPages: number;
  /** Epoch milliseconds; stop paging after this. */
  deadline: number;
}

export interface PollPage {
  events: EventDraft[];
  /** Opaque to the pipeline; saved after the page's events are queued, passed back on the next call. */
  nextCursor: string;
  /** False when the connector has caught up and the next call should wait for the schedule. */
  hasMore: boolean;
}

/** A connector's webhook-subscription capability (subscriptions.ts), typed with its own context and secret keys. */
export type WebhookSubscriptions<Settings, Secrets> = SubscriptionApi<ConnectorContext<Settings, Secrets>, keyof Secrets & string>;

export interface ConnectorDefinition<Settings = unknown, Secrets = unknown> {
  name: string;
  kind: ConnectorKind;
  description: string;
  settingsSchema: z.ZodType<Settings>;
  secretsSchema: z.ZodType<Secrets>;
  /** Throws SignatureInvalid. Must compare in constant time on the raw bytes. */
  verifyWebhook?(request: WebhookRequest, secrets: Secrets, settings: Settings, now: Date): void;
  /** Throws PayloadInvalid. Returns no events for pings and topics the connector acknowledges but ignores. */
  parseWebhook?(request: WebhookRequest, context: ConnectorContext<Settings, Secrets>): EventDraft[];
  /** One page of changes after `cursor` (undefined on the first run). */
  poll?(context: ConnectorContext<Settings, Secrets>, cursor: string | undefined, budget: PollBudget): Promise<PollPage>;
  push?: {
    /** Nothing is pushed for a profile that has not granted this purpose. */
    purpose: ConsentPurpose;
    /** The vendor's batch limit: push is never called with more changes than this. */
    maxBatchSize: number;
    push(context: ConnectorContext<Settings, Secrets>, changes: ProfileChange[]): Promise<PushOutcome[]>;
  };
  erase?(context: ConnectorContext<Settings, Secrets>, subjects: ErasureSubject[]): Promise<ErasureOutcome[]>;
  /** Without `erase`: why the vendor cannot erase (shown on erasure receipts as the reason for `unsupported`). */
  eraseUnsupported?: string;
  /**
   * Vendor fields with no canonical field, per vendor record ({ customer: ['loyalty.tier'] }): what the mapping keeps
   * as custom attributes (customAttributesOf) unless the instance chooses its own (docs/connectors.md, "Fields with
   * no canonical field").
   */
  customAttributes?: CustomAttributes;
  /** A website that posts batches to `POST /collect/{tenant}/{site}` (pipeline/collect/): unsigned, keyed by a public write key. */
  collect?: CollectSource<Settings, Secrets>;
  /**
   * The vendor's webhook-subscription API, when it has one: `syncline connect` registers the subscriptions with it.
   * Without it, connect prints the URL and secret to enter in the vendor's admin screen.
   */
  subscriptions?: WebhookSubscriptions<Settings, Secrets>;
}

/** The settings the route enforces before a batch reaches the connector. */
export interface CollectSite {
  /** Public: it sits in the page's source. It names the site; the origin list is what keeps other sites out. */
  writeKey: string;
  /** Exact origins (`https://shop.example`) whose pages may post; CORS preflights are answered for these only. */
  origins: readonly string[];
  /** Requests per second one function instance accepts for this site (token bucket, burst = 2 s of it). */
  requestsPerSecond: number;
  /** Whether a quarantined request keeps the visitor's IP address / user agent headers (default: never). */
  keepIp: boolean;
  keepUserAgent: boolean;
}

export interface CollectSource<Settings, Secrets> {
  site(settings: Settings): CollectSite;
  /** Throws PayloadInvalid. `body` is the parsed JSON of the request. Returns no events for a batch of page views only. */
  parse(body: unknown, context: ConnectorContext<Settings, Secrets>): EventDraft[];
}

/** A connector with its types erased, as the pipeline holds it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyConnector = ConnectorDefinition<any, any>;

export interface ConnectorCapabilities {
  webhook: boolean;
  poll: boolean;
  push: boolean;
  erase: boolean;
}

export function capabilitiesOf(connector: AnyConnector): ConnectorCapabilities {
  return {
    webhook: connector.verifyWebhook !== undefined && connector.parseWebhook !== undefined,
    poll: connector.poll !== undefined,
    push: connector.push !== undefined,
    erase: connector.erase !== undefined,
  };
}

/** A connector's name: 2–41 lower-case letters, digits and dashes, starting with a letter (the scaffold checks it too). */
export const CONNECTOR_NAME = /^[a-z][a-z0-9-]{1,40}$/;

/** Declares a connector; checks at load time what TypeScript cannot. */
export function defineConnector<Settings, Secrets>(
  definition: ConnectorDefinition<Settings, Secrets>,
): ConnectorDefinition<Settings, Secrets> {
  if (!CONNECTOR_NAME.test(definition.name)) throw new Error(`connector name "${definition.name}" must match ${CONNECTOR_NAME}`);
  if ((definition.verifyWebhook === undefined) !== (definition.parseWebhook === undefined)) {
    throw new Error(`connector ${definition.name}: verifyWebhook and parseWebhook come together (no unsigned webhooks)`);
  }
  if (definition.subscriptions && !definition.verifyWebhook) {
    throw new Error(`connector ${definition.name}: subscriptions need verifyWebhook and parseWebhook (what would receive them?)`);
  }
  if (definition.subscriptions && definition.subscriptions.topics.length === 0) {
    throw new Error(`connector ${definition.name}: subscriptions.topics is empty`);
  }
  if (definition.push && !(definition.push.maxBatchSize >= 1)) {
    throw new Error(`connector ${definition.name}: push.maxBatchSize must be at least 1`);
  }
  return Object.freeze(definition);
}
