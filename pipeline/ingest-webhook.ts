// A vendor webhook, from raw request to queued canonical events: verify, parse, complete, enqueue; quarantine what fails.
import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { findInstance } from '../core/config.js';
import type { EventQueue, QuarantineStore, StatusRecorder } from '../core/ports.js';
import { ConfigInvalid, PayloadInvalid, SignatureInvalid } from '../connectors/sdk/errors.js';
import type { Logger, WebhookRequest } from '../connectors/sdk/index.js';
import { EMAIL_IN_TEXT, redactPersonalData } from '../connectors/sdk/redact.js';
import { completeEvents } from './complete-event.js';
import type { InstanceResolver } from './instances.js';
import { withoutQuerySecrets } from './quarantine/query-secrets.js';

/** Above the SQS message limit nothing can be queued; vendors' own limits are far below it. */
export const MAX_WEBHOOK_BYTES = 1024 * 1024;
/**
 * A DynamoDB item holds 400 KB and the body is kept base64-encoded (4/3 larger) beside the headers and the reason:
 * 256 KiB becomes 342 KiB, leaving room for the rest. Larger rejected bodies are quarantined without the body.
 * (300 KiB, the earlier limit, made a 400 KB item and a 503 for bodies near it: found by test/webhook-fuzz.test.ts.)
 */
const MAX_QUARANTINED_BODY_BYTES = 256 * 1024;

export interface WebhookDeps {
  instances: InstanceResolver;
  events: EventQueue;
  quarantine: QuarantineStore;
  status: StatusRecorder;
  log: Logger;
  now?: () => Date;
}

export interface WebhookResponse {
  statusCode: number;
  body: { accepted?: number; quarantineId?: string; error?: string };
}

/**
 * One answer for a bad signature and for a tenant or instance that does not exist or takes no webhooks, so that the
 * route tells nobody which tenants and instances exist (issue 16 item 11).
 */
const REFUSED: WebhookResponse = { statusCode: 401, body: { error: 'signature invalid' } };
const MISCONFIGURED: WebhookResponse = { statusCode: 503, body: { error: 'instance configuration incomplete, retry later' } };

/** Refusals are a metric, never a table write; names that are not configured share one dimension (no cardinality). */
function countRefused(deps: Pick<WebhookDeps, 'status'>, tenantId: string, instanceId: string, known: boolean): WebhookResponse {
  deps.status.refused?.(known ? tenantId : '(unknown)', known ? instanceId : '(unknown)');
  return REFUSED;
}

/** Decided from the config alone, so that no secret is read (or needs an IAM grant) for a route that does not exist. */
function refuseUnlessWebhooksEnabled(instances: InstanceResolver, tenantId: string, instanceId: string): WebhookResponse | undefined {
  const found = findInstance(instances.config, tenantId, instanceId);
  if (!found?.instance.webhooks) return REFUSED;
  return undefined;
}

/**
 * Derived from the delivery, not drawn at random: when keeping the entry succeeded but the answer became a 503 (a
 * status write throttled, a reply lost), the vendor's redelivery finds the same entry instead of adding a second
 * one (found by test/faults.test.ts and the soak). Headers differ between attempts (delivery ids, timestamps), so
 * they are left out; the reason is kept in, so that one body refused for two reasons (e.g. an odd topic header,
 * then an odd shop domain) stays two entries. UUID-shaped, as before.
 */
function quarantineId(tenantId: string, instanceId: string, rawBody: Buffer, reason: string): string {
  const hex = createHash('sha256').update(`${tenantId}\u0000${instanceId}\u0000${reason}\u0000`).update(rawBody).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export async function ingestWebhook(
  deps: WebhookDeps,
  tenantId: string,
  instanceId: string,
  request: WebhookRequest,
): Promise<WebhookResponse> {
  const now = deps.now?.() ?? new Date();
  if (refuseUnlessWebhooksEnabled(deps.instances, tenantId, instanceId)) return countRefused(deps, tenantId, instanceId, false);
  const { connector, context } = await deps.instances.resolve(tenantId, instanceId);
  if (!connector.verifyWebhook || !connector.parseWebhook) return countRefused(deps, tenantId, instanceId, false);
  if (request.rawBody.length > MAX_WEBHOOK_BYTES) {
    return { statusCode: 413, body: { error: `body of ${request.rawBody.length} bytes exceeds the ${MAX_WEBHOOK_BYTES}-byte limit` } };
  }

  try {
    connector.verifyWebhook(request, context.secrets, context.settings, now);
  } catch (error) {
    if (error instanceof SignatureInvalid) {
      deps.log.warn('webhook signature rejected', { tenantId, instance: instanceId, reason: error.message });
      return countRefused(deps, tenantId, instanceId, true);
    }
    // The instance cannot verify anything (e.g. Square without its notification URL): the operator's to fix. Answered
    // 503 so that the vendor keeps retrying until then; nothing is verified, queued or quarantined meanwhile.
    if (error instanceof ConfigInvalid) {
      deps.log.error('webhook instance misconfigured', { tenantId, instance: instanceId, reason: error.message });
      await deps.status.record(tenantId, instanceId, 'webhook', 'error');
      return MISCONFIGURED;
    }
    throw error;
  }

  try {
    // A signed body with invalid UTF-8 would be read with replacement characters and stored so: kept as it came instead.
    if (!isUtf8(request.rawBody)) throw new PayloadInvalid('webhook body is not valid UTF-8');
    const events = completeEvents(connector.parseWebhook(request, context), {
      tenantId,
      connector: connector.name,
      instance: instanceId,
      receivedAt: now,
    });
    await deps.events.send(events);
    await deps.status.record(tenantId, instanceId, 'webhook', 'ok', events.length);
    // Nothing queued (a ping, a topic not read) is answered 200: WooCommerce's ping accepts exactly that (WC_Webhook::deliver_ping).
    return { statusCode: events.length === 0 ? 200 : 202, body: { accepted: events.length } };
  } catch (error) {
    if (!(error instanceof PayloadInvalid)) throw error;
    // Once, here, for every connector (issue 16 item 6): a reason may quote what the vendor sent (a header, a field
    // name such as `data[merges][<e-mail>]`); it is stored, answered and logged without personal data.
    const reason = redactPersonalData(error.message);
    const id = quarantineId(tenantId, instanceId, request.rawBody, reason);
    const keepBody = request.rawBody.length <= MAX_QUARANTINED_BODY_BYTES;
    await deps.quarantine.put({
      id,
      tenantId,
      instance: instanceId,
      receivedAt: now.toISOString(),
      reason: keepBody ? reason : `${reason} (body of ${request.rawBody.length} bytes not kept: too large to quarantine)`,
      request: {
        method: request.method,
        // Mailchimp's `?token=` is the instance secret: kept as a placeholder, filled again only by the replay.
        url: withoutQuerySecrets(request.url, context.secrets),
        // E-mail addresses only: other header values (timestamps, signatures) must replay as they came.
        headers: Object.fromEntries(
          Object.entries(request.headers).map(([name, value]) => [name, value.replace(EMAIL_IN_TEXT, '<e-mail>')]),
        ),
        bodyBase64: keepBody ? request.rawBody.toString('base64') : '',
      },
    });
    await deps.status.record(tenantId, instanceId, 'webhook', 'error');
    deps.log.warn('webhook quarantined', { tenantId, instance: instanceId, quarantineId: id, reason });
    return { statusCode: 422, body: { error: reason, quarantineId: id } };
  }
}

/**
 * Some vendors (Mailchimp) check a callback URL with a GET before they save it. It is answered 200 only when the
 * request authenticates the way a delivery would (for Mailchimp: the secret token in the URL), so the route tells
 * nothing to anyone else.
 */
export async function answerWebhookCheck(
  deps: Pick<WebhookDeps, 'instances' | 'now'>,
  tenantId: string,
  instanceId: string,
  request: WebhookRequest,
): Promise<WebhookResponse> {
  const refused = refuseUnlessWebhooksEnabled(deps.instances, tenantId, instanceId);
  if (refused) return refused;
  const { connector, context } = await deps.instances.resolve(tenantId, instanceId);
  if (!connector.verifyWebhook) return REFUSED;
  try {
    connector.verifyWebhook({ ...request, rawBody: Buffer.alloc(0) }, context.secrets, context.settings, deps.now?.() ?? new Date());
  } catch (error) {
    if (error instanceof SignatureInvalid) return REFUSED;
    throw error;
  }
  return { statusCode: 200, body: {} };
}
