// POST /collect/{tenant}/{site}: a batch from the shop's own pages (syncline.js) → canonical events on the changes
// queue. Cheap by design: no DynamoDB request on this path; what is refused goes to quarantine through the queue.
import { createHash, timingSafeEqual } from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import { findInstance, type SynclineConfig } from '../../core/config.js';
import type { EventQueue, QuarantineEntry, QuarantineStore } from '../../core/ports.js';
import { PayloadInvalid } from '../../connectors/sdk/errors.js';
import type { AnyConnector, CollectSite, Logger } from '../../connectors/sdk/index.js';
import { redactPersonalData } from '../../connectors/sdk/redact.js';
import { completeEvents } from '../complete-event.js';
import { automatedTraffic } from './automated-traffic.js';
import type { SiteRateLimit } from './site-rate-limit.js';

/** navigator.sendBeacon queues at most 64 KiB per page; nothing larger comes from the script. */
export const MAX_COLLECT_BYTES = 64 * 1024;

export interface CollectDeps {
  config: SynclineConfig;
  /** Loads an installed connector by name (connectors/installed.ts). */
  connectors: (name: string) => Promise<AnyConnector | undefined>;
  events: EventQueue;
  /** In AWS: quarantineViaQueue on the changes queue (the collect function has no table write grant). */
  quarantine: Pick<QuarantineStore, 'put'>;
  limit: SiteRateLimit;
  log: Logger;
  now?: () => Date;
}

export interface CollectRequest {
  method: string;
  url: string;
  /** Names lower-cased. */
  headers: Readonly<Record<string, string>>;
  rawBody: Buffer;
}

export interface CollectResponse {
  statusCode: number;
  headers: Record<string, string>;
  /** `received`: the batch's events; `accepted`: the canonical events queued (page views none, a consent one per purpose). */
  body?: { received?: number; accepted?: number; error?: string; quarantineId?: string };
}

const NOT_FOUND: CollectResponse = { statusCode: 404, headers: {}, body: { error: 'no such site: use POST /collect/{tenant}/{site}' } };

/** The site of the route, from the config alone (no secret, no table read). */
async function siteOf(deps: Pick<CollectDeps, 'config' | 'connectors'>, tenantId: string, siteId: string) {
  const found = findInstance(deps.config, tenantId, siteId);
  if (!found) return undefined;
  const connector = await deps.connectors(found.instance.connector);
  if (!connector?.collect) return undefined;
  const settings = connector.settingsSchema.safeParse(found.instance.settings);
  // `syncline config check` reports invalid settings; here they make the site unusable, not the request a 5xx.
  if (!settings.success) return undefined;
  return { connector, settings: settings.data as unknown, site: connector.collect.site(settings.data) as CollectSite };
}

function cors(origin: string): Record<string, string> {
  return { 'access-control-allow-origin': origin, vary: 'Origin' };
}

function sameKey(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  // Hashes first: timingSafeEqual needs equal lengths, and the key's length should not leak either.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** CORS preflight: answered for the site's own origins only. */
export async function answerCollectPreflight(
  deps: CollectDeps,
  tenantId: string,
  siteId: string,
  request: CollectRequest,
): Promise<CollectResponse> {
  const found = await siteOf(deps, tenantId, siteId);
  if (!found) return NOT_FOUND;
  const origin = request.headers.origin;
  if (!origin || !found.site.origins.includes(origin))
    return { statusCode: 403, headers: {}, body: { error: 'origin not allowed for this site' } };
  return {
    statusCode: 204,
    headers: {
      ...cors(origin),
      'access-control-allow-methods': 'POST, OPTIONS',
      'access-control-allow-headers': 'content-type',
      'access-control-max-age': '86400',
    },
  };
}

export async function collectBatch(deps: CollectDeps, tenantId: string, siteId: string, request: CollectRequest): Promise<CollectResponse> {
  const now = deps.now?.() ?? new Date();
  const found = await siteOf(deps, tenantId, siteId);
  if (!found) return NOT_FOUND;
  const { site } = found;
  const headers = corsFor(site, request);
  if (!deps.limit.take(`${tenantId}/${siteId}`, site.requestsPerSecond, now.getTime()))
    return {
      statusCode: 429,
      headers: { ...headers, 'retry-after': '1' },
      body: { error: `above ${site.requestsPerSecond} requests/s for this site` },
    };
  // Before anything is parsed or quarantined: a crawler or a prefetch is not a bad batch, only not a person.
  const automated = automatedTraffic(request.headers);
  if (automated) {
    deps.log.debug('collect request dropped', { tenantId, site: siteId, reason: automated });
    return { statusCode: 403, headers, body: { error: `not collected: ${automated}` } };
  }
  return admitBatch(deps, found, tenantId, siteId, request, now);
}

/**
 * A quarantined batch once more (`syncline quarantine replay`): the checks it failed (size, origin, key, shape) and
 * the queue, not the rate limit or the bot filter, which it passed when it arrived (its user agent is not kept).
 */
export async function replayCollectBatch(
  deps: Omit<CollectDeps, 'limit'>,
  tenantId: string,
  siteId: string,
  request: CollectRequest,
): Promise<CollectResponse> {
  const found = await siteOf(deps, tenantId, siteId);
  if (!found) return NOT_FOUND;
  return admitBatch(deps, found, tenantId, siteId, request, deps.now?.() ?? new Date());
}

function corsFor(site: CollectSite, request: CollectRequest): Record<string, string> {
  const origin = request.headers.origin;
  return origin !== undefined && site.origins.includes(origin) ? cors(origin) : {};
}

async function admitBatch(
  deps: Omit<CollectDeps, 'limit'>,
  found: NonNullable<Awaited<ReturnType<typeof siteOf>>>,
  tenantId: string,
  siteId: string,
  request: CollectRequest,
  now: Date,
): Promise<CollectResponse> {
  const { site, connector } = found;
  const origin = request.headers.origin;
  const allowed = origin !== undefined && site.origins.includes(origin);
  const headers = corsFor(site, request);

  const refuse = async (statusCode: number, reason: string): Promise<CollectResponse> => {
    const entry = quarantineEntry(tenantId, siteId, request, reason, site, now);
    try {
      await deps.quarantine.put(entry);
    } catch (error) {
      // Never a 5xx for a bad batch: the refusal stands, the entry is lost and said so.
      deps.log.error('collect quarantine entry could not be sent', { tenantId, site: siteId, reason: (error as Error).message });
    }
    deps.log.warn('collect request refused', { tenantId, site: siteId, quarantineId: entry.id, reason: entry.reason });
    return { statusCode, headers, body: { error: entry.reason, quarantineId: entry.id } };
  };

  if (request.rawBody.length > MAX_COLLECT_BYTES)
    return refuse(413, `body of ${request.rawBody.length} bytes exceeds the ${MAX_COLLECT_BYTES}-byte limit`);
  if (!allowed) return refuse(403, origin ? 'origin not allowed for this site' : 'no Origin header: only pages post here');
  if (!isUtf8(request.rawBody)) return refuse(400, 'body is not valid UTF-8');
  let body: unknown;
  try {
    body = JSON.parse(request.rawBody.toString('utf8'));
  } catch {
    return refuse(400, 'body is not JSON');
  }
  if (!sameKey((body as { writeKey?: unknown } | null)?.writeKey, site.writeKey)) return refuse(401, 'write key does not match this site');

  let events;
  try {
    const context = { tenantId, instance: siteId, settings: found.settings, secrets: {}, now: () => now, log: deps.log };
    events = completeEvents(connector.collect!.parse(body, context), {
      tenantId,
      connector: connector.name,
      instance: siteId,
      receivedAt: now,
    });
  } catch (error) {
    if (!(error instanceof PayloadInvalid)) throw error;
    return refuse(422, redactPersonalData(error.message));
  }
  // A queue outage is ours: the caller answers 503; a beacon's batch is lost (no answer), a fallback fetch's is sent again.
  await deps.events.send(events);
  const sent = (body as { events: unknown[] }).events.length;
  return { statusCode: 202, headers, body: { received: sent, accepted: events.length } };
}

/** Derived from the request and reason, as the webhook's, so a resent batch finds the same entry. */
function quarantineEntry(
  tenantId: string,
  siteId: string,
  request: CollectRequest,
  reason: string,
  site: CollectSite,
  now: Date,
): QuarantineEntry {
  const hex = createHash('sha256').update(`${tenantId}\u0000${siteId}\u0000${reason}\u0000`).update(request.rawBody).digest('hex');
  const keepBody = request.rawBody.length <= MAX_COLLECT_BYTES;
  // The visitor's address and browser are kept only where the site's settings allow it (default: never).
  const dropped = new Set([
    'cookie',
    'authorization',
    ...(site.keepIp ? [] : ['x-forwarded-for', 'x-real-ip', 'forwarded', 'cf-connecting-ip']),
    ...(site.keepUserAgent ? [] : ['user-agent']),
  ]);
  return {
    id: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`,
    tenantId,
    instance: siteId,
    receivedAt: now.toISOString(),
    reason: keepBody ? reason : `${reason} (body not kept: too large to quarantine)`,
    request: {
      method: request.method,
      url: request.url,
      headers: Object.fromEntries(Object.entries(request.headers).filter(([name]) => !dropped.has(name))),
      bodyBase64: keepBody ? request.rawBody.toString('base64') : '',
    },
  };
}
