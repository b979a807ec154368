// The simulated Square application's webhook subscriptions: list (disabled ones only with include_disabled), create
// (the response is the only one that shows the signature key), update, and a new signature key, with Square's error
// bodies; deliveries signed as Square signs them (HMAC of notification URL + body with the subscription's key).
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from '../sdk/simulator-kit.js';
import { signSquareWebhook } from './webhook.js';

interface Subscription {
  id: string;
  name: string;
  enabled: boolean;
  event_types: string[];
  notification_url: string;
  api_version: string;
  signature_key: string;
  created_at: string;
  updated_at: string;
}

/** The event types the simulated application may subscribe to. */
const EVENT_TYPES = new Set([
  'customer.created',
  'customer.updated',
  'customer.deleted',
  'order.created',
  'order.updated',
  'order.fulfillment.updated',
  'payment.created',
  'payment.updated',
]);
// Square requires HTTPS; the simulator also takes the local stack on the loopback address.
const ACCEPTED_URL = /^(https:\/\/[^/\s]+|http:\/\/(127\.0\.0\.1|localhost)(:\d+)?)(\/\S*)?$/;

const error = (status: number, category: string, code: string, detail: string, field?: string) => ({
  status,
  body: { errors: [{ category, code, detail, ...(field ? { field } : {}) }] },
});
const shown = ({ signature_key: _k, ...rest }: Subscription) => rest;

export interface DeliveryOutcome {
  id: string;
  status: number;
}

export interface SimulatedSquareSubscriptions {
  list(): Array<Omit<Subscription, 'signature_key'>>;
  /** Delivers an event of `type` about `object` to every enabled subscription of it, signed with its key. */
  deliver(type: string, object: unknown, merchantId?: string): Promise<DeliveryOutcome[]>;
  setEnabled(id: string, enabled: boolean): void;
  /** Answers /v2/webhooks/subscriptions routes; false for other paths. */
  handle(req: IncomingMessage, url: URL, res: ServerResponse): Promise<boolean>;
}

export function simulatedSquareSubscriptions(): SimulatedSquareSubscriptions {
  const subscriptions: Subscription[] = [];
  let events = 0;

  function validate(body: { event_types?: unknown; notification_url?: unknown }, creating: boolean) {
    if (creating || body.event_types !== undefined) {
      const types = body.event_types;
      if (!Array.isArray(types) || types.length === 0)
        return error(400, 'INVALID_REQUEST_ERROR', 'MISSING_REQUIRED_PARAMETER', 'Field must be set', 'subscription.event_types');
      const unknown = types.find((t) => !EVENT_TYPES.has(String(t)));
      if (unknown !== undefined)
        return error(400, 'INVALID_REQUEST_ERROR', 'INVALID_VALUE', `Unknown event type: ${String(unknown)}`, 'subscription.event_types');
    }
    if (creating || body.notification_url !== undefined) {
      if (typeof body.notification_url !== 'string' || !ACCEPTED_URL.test(body.notification_url))
        return error(400, 'INVALID_REQUEST_ERROR', 'INVALID_VALUE', 'URL is not valid', 'subscription.notification_url');
    }
    return undefined;
  }

  async function answer(req: IncomingMessage, url: URL): Promise<{ status: number; body: unknown }> {
    const match = /^\/v2\/webhooks\/subscriptions(?:\/([^/]+)(\/signature-key)?)?\/?$/.exec(url.pathname);
    const [, id, rotate] = match!;
    if (id === undefined && req.method === 'GET') {
      const all = url.searchParams.get('include_disabled') === 'true';
      return { status: 200, body: { subscriptions: subscriptions.filter((s) => all || s.enabled).map(shown) } };
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse((await readBody(req)) || '{}') as Record<string, unknown>;
    } catch {
      return error(400, 'INVALID_REQUEST_ERROR', 'INVALID_JSON', 'Invalid JSON body.');
    }
    const input = (body.subscription ?? {}) as Partial<Subscription>;
    if (id === undefined && req.method === 'POST') {
      const invalid = validate(input, true);
      if (invalid) return invalid;
      const now = new Date().toISOString();
      const created: Subscription = {
        id: `wbhk_${randomBytes(16).toString('hex')}`,
        name: input.name ?? '',
        enabled: input.enabled ?? true,
        event_types: [...input.event_types!],
        notification_url: input.notification_url!,
        api_version: input.api_version ?? '2025-01-23',
        signature_key: randomBytes(16).toString('base64url'),
        created_at: now,
        updated_at: now,
      };
      subscriptions.push(created);
      return { status: 200, body: { subscription: { ...created } } };
    }
    const found = subscriptions.find((s) => s.id === id);
    if (!found) return error(404, 'INVALID_REQUEST_ERROR', 'NOT_FOUND', `Webhook subscription with id ${id} not found.`);
    if (rotate && req.method === 'POST') {
      found.signature_key = randomBytes(16).toString('base64url');
      return { status: 200, body: { signature_key: found.signature_key } };
    }
    if (!rotate && req.method === 'GET') return { status: 200, body: { subscription: shown(found) } };
    if (!rotate && req.method === 'PUT') {
      const invalid = validate(input, false);
      if (invalid) return invalid;
      if (input.event_types) found.event_types = [...input.event_types];
      if (input.notification_url) found.notification_url = input.notification_url;
      if (typeof input.enabled === 'boolean') found.enabled = input.enabled;
      if (typeof input.name === 'string') found.name = input.name;
      found.updated_at = new Date().toISOString();
      return { status: 200, body: { subscription: shown(found) } };
    }
    return error(404, 'INVALID_REQUEST_ERROR', 'NOT_FOUND', 'Resource not found.');
  }

  return {
    list: () => subscriptions.map(shown),
    setEnabled(id, enabled) {
      const found = subscriptions.find((s) => s.id === id);
      if (!found) throw new Error(`no subscription ${id} in the simulated application`);
      found.enabled = enabled;
    },
    async deliver(type, object, merchantId = 'MLSIMULATED0') {
      const outcomes: DeliveryOutcome[] = [];
      for (const s of subscriptions.filter((x) => x.enabled && x.event_types.includes(type))) {
        const eventId = `sim-event-${++events}`;
        const raw = JSON.stringify({
          merchant_id: merchantId,
          type,
          event_id: eventId,
          created_at: new Date().toISOString(),
          data: { type: type.split('.')[0], id: eventId, object },
        });
        const response = await fetch(s.notification_url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...signSquareWebhook(s.notification_url, raw, s.signature_key) },
          body: raw,
        });
        await response.arrayBuffer();
        outcomes.push({ id: s.id, status: response.status });
      }
      return outcomes;
    },
    async handle(req, url, res) {
      if (!/^\/v2\/webhooks\/subscriptions(\/|$)/.test(url.pathname)) return false;
      const { status, body } = await answer(req, url);
      sendJson(res, status, body);
      return true;
    },
  };
}
