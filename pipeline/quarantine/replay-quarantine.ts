// Replays quarantined webhook deliveries through ingestWebhook, and quarantined website batches through the collect
// path: the same verification and parsing as when they arrived, so a delivery a fixed connector (or a corrected site
// setting) now accepts is queued and leaves the quarantine. Nothing is bypassed.
import { findInstance } from '../../core/config.js';
import type { QuarantineEntry } from '../../core/ports.js';
import { ingestWebhook, type WebhookDeps } from '../ingest-webhook.js';
import { replayCollectBatch, type CollectResponse } from '../collect/collect-batch.js';
import { withQuerySecrets } from './query-secrets.js';

export type ReplayStatus =
  /** Verified, parsed and queued; the entry is removed. */
  | 'replayed'
  /** Still rejected by the parser: the entry stays, with its original reason; `reason` says why it failed now. */
  | 'still-invalid'
  /**
   * The signature no longer verifies: the secret was rotated, or the vendor signs a timestamp that is now too old
   * (Copernica's Date must be within minutes). The entry stays; have the vendor resend the delivery.
   */
  | 'signature-rejected'
  /** The tenant or instance is gone or no longer takes webhooks; the entry stays. */
  | 'instance-unavailable'
  /** The body was too large to keep: there is nothing to replay. The entry stays as a record. */
  | 'body-not-kept'
  /** The queue or another dependency failed; the entry stays, try again. */
  | 'failed'
  | 'not-found';

export interface ReplayOutcome {
  id: string;
  instance?: string;
  status: ReplayStatus;
  /** Events queued, for `replayed`. */
  accepted?: number;
  reason?: string;
}

/** Entries read per replay; quarantine holds rejected deliveries of 30 days, which stays far below this. */
const MAX_ENTRIES = 1_000;

export async function replayQuarantined(deps: WebhookDeps, tenantId: string, id?: string): Promise<ReplayOutcome[]> {
  const entries = (await deps.quarantine.list(tenantId, MAX_ENTRIES)).filter((e) => id === undefined || e.id === id);
  if (id !== undefined && entries.length === 0)
    return [{ id, status: 'not-found', reason: `no quarantined delivery ${id} for tenant ${tenantId}` }];
  const outcomes: ReplayOutcome[] = [];
  // Oldest first, as they arrived: for the same record a later delivery then still wins on queue order too.
  for (const entry of [...entries].reverse()) outcomes.push(await replayOne(deps, entry));
  return outcomes;
}

async function replayOne(deps: WebhookDeps, entry: QuarantineEntry): Promise<ReplayOutcome> {
  const base = { id: entry.id, instance: entry.instance };
  if (entry.request.bodyBase64 === '' && /not kept/.test(entry.reason)) return { ...base, status: 'body-not-kept', reason: entry.reason };
  // A delivery that fails again is reported here, not quarantined a second time under a new id.
  let requarantined: string | undefined;
  const replayDeps: WebhookDeps = {
    ...deps,
    quarantine: {
      put: async (again) => {
        requarantined = again.reason;
      },
      list: (t, limit) => deps.quarantine.list(t, limit),
      remove: (t, i) => deps.quarantine.remove(t, i),
    },
  };
  const { method, url, headers, bodyBase64 } = entry.request;
  const configured = findInstance(deps.instances.config, entry.tenantId, entry.instance)?.instance;
  if (configured && !configured.webhooks) return replayCollected(replayDeps, entry);
  // The webhook answers a gone instance like a bad signature (no enumeration); the replay may tell the operator.
  if (!configured)
    return { ...base, status: 'instance-unavailable', reason: 'the tenant or instance is no longer configured to take webhooks' };
  try {
    const response = await ingestWebhook(replayDeps, entry.tenantId, entry.instance, {
      method,
      url: await withSecretsOfInstance(deps, entry, url),
      headers: { ...headers },
      rawBody: Buffer.from(bodyBase64, 'base64'),
    });
    switch (response.statusCode) {
      case 202:
        await deps.quarantine.remove(entry.tenantId, entry.id);
        return { ...base, status: 'replayed', accepted: response.body.accepted ?? 0 };
      case 401:
        return {
          ...base,
          status: 'signature-rejected',
          reason:
            'the signature no longer verifies (secret rotated, or a timestamped signature now too old); ask the vendor to resend the delivery',
        };
      case 404:
        return { ...base, status: 'instance-unavailable', reason: response.body.error ?? 'unknown tenant or connector instance' };
      case 422:
        return { ...base, status: 'still-invalid', reason: requarantined ?? response.body.error ?? 'payload invalid' };
      default:
        return { ...base, status: 'failed', reason: response.body.error ?? `answered ${response.statusCode}` };
    }
  } catch (error) {
    deps.log.error('quarantine replay failed', {
      tenantId: entry.tenantId,
      instance: entry.instance,
      quarantineId: entry.id,
      reason: (error as Error).message,
    });
    return { ...base, status: 'failed', reason: (error as Error).message };
  }
}

/** A website batch (POST /collect) refused on arrival: the collect path's checks again, and on success the queue. */
async function replayCollected(deps: WebhookDeps, entry: QuarantineEntry): Promise<ReplayOutcome> {
  const base = { id: entry.id, instance: entry.instance };
  const { tenantId, instance } = entry;
  let response: CollectResponse;
  try {
    const bound = await deps.instances.resolve(tenantId, instance);
    if (!bound.connector.collect)
      return { ...base, status: 'instance-unavailable', reason: 'the instance takes neither webhooks nor website batches' };
    response = await replayCollectBatch(
      {
        config: deps.instances.config,
        connectors: async (name) => (name === bound.connector.name ? bound.connector : undefined),
        events: deps.events,
        quarantine: deps.quarantine,
        log: deps.log,
        ...(deps.now ? { now: deps.now } : {}),
      },
      tenantId,
      instance,
      { ...entry.request, headers: { ...entry.request.headers }, rawBody: Buffer.from(entry.request.bodyBase64, 'base64') },
    );
  } catch (error) {
    deps.log.error('quarantine replay failed', { tenantId, instance, quarantineId: entry.id, reason: (error as Error).message });
    return { ...base, status: 'failed', reason: (error as Error).message };
  }
  if (response.statusCode === 202) {
    await deps.quarantine.remove(tenantId, entry.id);
    return { ...base, status: 'replayed', accepted: response.body?.accepted ?? 0 };
  }
  if (response.statusCode === 404) return { ...base, status: 'instance-unavailable', reason: response.body?.error ?? 'no such site' };
  // A wrong key or origin, a body that is not JSON or not what the script sends: still refused, the entry stays.
  return { ...base, status: 'still-invalid', reason: response.body?.error ?? `answered ${response.statusCode}` };
}

/**
 * The stored URL's secret placeholders filled from the instance's current secrets (Mailchimp's `?token=`): the
 * delivery was authenticated when it arrived, before it was quarantined. A rotated token is filled in as well.
 */
async function withSecretsOfInstance(deps: WebhookDeps, entry: QuarantineEntry, url: string): Promise<string> {
  if (!url.includes('%7Bsecret%3A')) return url;
  try {
    const { context } = await deps.instances.resolve(entry.tenantId, entry.instance);
    return withQuerySecrets(url, context.secrets);
  } catch {
    return url; // an instance that is gone is reported by ingestWebhook as instance-unavailable
  }
}
