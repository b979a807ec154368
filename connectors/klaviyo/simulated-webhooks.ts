// The simulated account's system webhooks (Webhooks API): GET/POST /api/webhooks, GET/PATCH/DELETE
// /api/webhooks/{id} and GET /api/webhook-topics, JSON:API bodies with Klaviyo's error objects; deliveries signed as
// Klaviyo signs them (hex HMAC-SHA256 of body + Klaviyo-Timestamp with the webhook's secret_key).
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from '../sdk/simulator-kit.js';
import { signKlaviyoWebhook } from './webhook.js';

interface Webhook {
  id: string;
  name: string;
  description: string | null;
  endpoint_url: string;
  enabled: boolean;
  secret_key: string;
  topics: string[];
  created_at: string;
  updated_at: string;
}

/** The topics of the simulated account (topics depend on the metrics an account has). */
const TOPICS = [
  'received_email',
  'opened_email',
  'clicked_email',
  'bounced_email',
  'dropped_email',
  'marked_email_as_spam',
  'unsubscribed_from_email_marketing',
  'subscribed_to_email_marketing',
  'sent_sms',
  'clicked_sms',
].map((slug) => `event:klaviyo.${slug}`);
// Klaviyo: "A url to send webhook calls to. Must be https." The simulator also takes the local stack on loopback.
const ACCEPTED_URL = /^(https:\/\/[^/\s]+|http:\/\/(127\.0\.0\.1|localhost)(:\d+)?)(\/\S*)?$/;

export interface DeliveryOutcome {
  id: string;
  status: number;
}

export interface SimulatedKlaviyoWebhooks {
  /** The webhooks as the API shows them (without their secret keys). */
  list(): Array<Omit<Webhook, 'secret_key'>>;
  /** Delivers `event` (an event resource as GET /api/events returns it) to every enabled webhook of `topic`. */
  deliver(topic: string, event: unknown): Promise<DeliveryOutcome[]>;
  setEnabled(id: string, enabled: boolean): void;
  /** Answers /api/webhooks and /api/webhook-topics; false for other paths. */
  handle(req: IncomingMessage, url: URL, send: (status: number, body?: unknown) => void): Promise<boolean>;
}

const error = (status: number, code: string, detail: string, pointer = '/data/') => ({
  status,
  body: { errors: [{ id: randomUUID(), status, code, title: code.replace(/_/g, ' '), detail, source: { pointer } }] },
});

export function simulatedKlaviyoWebhooks(origin: () => string): SimulatedKlaviyoWebhooks {
  const webhooks: Webhook[] = [];

  const resource = (w: Webhook) => ({
    type: 'webhook',
    id: w.id,
    attributes: {
      name: w.name,
      description: w.description,
      endpoint_url: w.endpoint_url,
      enabled: w.enabled,
      created_at: w.created_at,
      updated_at: w.updated_at,
    },
    relationships: { 'webhook-topics': { data: w.topics.map((id) => ({ type: 'webhook-topic', id })) } },
    links: { self: `${origin()}/api/webhooks/${w.id}/` },
  });
  const shown = ({ secret_key: _s, ...rest }: Webhook) => ({ ...rest, topics: [...rest.topics] });

  /** The attributes and topics of a create or update body, or Klaviyo's error. */
  function read(body: unknown, creating: boolean, id?: string) {
    const data = (body as { data?: { type?: unknown; id?: unknown; attributes?: Record<string, unknown>; relationships?: unknown } })?.data;
    if (data?.type !== 'webhook') return error(409, 'conflict', 'The type must be webhook.', '/data/type');
    if (!creating && data.id !== id) return error(409, 'conflict', 'The id in the body must match the id in the URL.', '/data/id');
    const a = data.attributes ?? {};
    for (const field of creating ? ['name', 'endpoint_url', 'secret_key'] : [])
      if (typeof a[field] !== 'string' || a[field] === '')
        return error(400, 'invalid', `'${field}' is a required field.`, `/data/attributes/${field}`);
    if (a.endpoint_url !== undefined && (typeof a.endpoint_url !== 'string' || !ACCEPTED_URL.test(a.endpoint_url)))
      return error(400, 'invalid', 'Endpoint URL must be https.', '/data/attributes/endpoint_url');
    const related = (data.relationships as { 'webhook-topics'?: { data?: Array<{ id?: unknown }> } } | undefined)?.['webhook-topics']?.data;
    if (creating && (!Array.isArray(related) || related.length === 0))
      return error(400, 'invalid', "'webhook-topics' is a required relationship.", '/data/relationships/webhook-topics');
    const unknown = related?.find((t) => !TOPICS.includes(String(t.id)));
    if (unknown) return error(400, 'invalid', `Invalid webhook topic: ${String(unknown.id)}.`, '/data/relationships/webhook-topics');
    return { attributes: a, topics: related?.map((t) => String(t.id)) };
  }

  async function answer(req: IncomingMessage, url: URL): Promise<{ status: number; body?: unknown }> {
    if (url.pathname.replace(/\/$/, '') === '/api/webhook-topics' && req.method === 'GET')
      return { status: 200, body: { data: TOPICS.map((id) => ({ type: 'webhook-topic', id, attributes: { name: id } })) } };
    const [, id] = /^\/api\/webhooks(?:\/([^/]+))?\/?$/.exec(url.pathname)!;
    if (id === undefined && req.method === 'GET') return { status: 200, body: { data: webhooks.map(resource), links: { next: null } } };
    let body: unknown = {};
    if (req.method === 'POST' || req.method === 'PATCH') {
      if (!String(req.headers['content-type'] ?? '').startsWith('application/vnd.api+json'))
        return error(415, 'unsupported_media_type', 'Use application/vnd.api+json.');
      try {
        body = JSON.parse((await readBody(req)) || '{}');
      } catch {
        return error(400, 'parse_error', 'Malformed JSON.');
      }
    }
    if (id === undefined && req.method === 'POST') {
      const input = read(body, true);
      if ('status' in input) return input;
      const now = new Date().toISOString();
      const a = input.attributes;
      const created: Webhook = {
        id: randomUUID().replace(/-/g, '').slice(0, 26).toUpperCase(),
        name: String(a.name),
        description: typeof a.description === 'string' ? a.description : null,
        endpoint_url: String(a.endpoint_url),
        enabled: a.enabled !== false,
        secret_key: String(a.secret_key),
        topics: input.topics ?? [],
        created_at: now,
        updated_at: now,
      };
      webhooks.push(created);
      return { status: 201, body: { data: resource(created) } };
    }
    const found = webhooks.find((w) => w.id === id);
    if (!found) return error(404, 'not_found', `A webhook with id ${id} does not exist.`);
    if (req.method === 'GET') return { status: 200, body: { data: resource(found) } };
    if (req.method === 'DELETE') {
      webhooks.splice(webhooks.indexOf(found), 1);
      return { status: 204 };
    }
    if (req.method === 'PATCH') {
      const input = read(body, false, id);
      if ('status' in input) return input;
      const a = input.attributes;
      if (typeof a.name === 'string') found.name = a.name;
      if (typeof a.description === 'string') found.description = a.description;
      if (typeof a.endpoint_url === 'string') found.endpoint_url = a.endpoint_url;
      if (typeof a.secret_key === 'string' && a.secret_key !== '') found.secret_key = a.secret_key;
      if (typeof a.enabled === 'boolean') found.enabled = a.enabled;
      if (input.topics) found.topics = input.topics;
      found.updated_at = new Date().toISOString();
      return { status: 200, body: { data: resource(found) } };
    }
    return error(405, 'method_not_allowed', `Method "${req.method}" not allowed.`);
  }

  return {
    list: () => webhooks.map(shown),
    setEnabled(id, enabled) {
      const found = webhooks.find((w) => w.id === id);
      if (!found) throw new Error(`no webhook ${id} in the simulated account`);
      found.enabled = enabled;
    },
    async deliver(topic, event) {
      const outcomes: DeliveryOutcome[] = [];
      for (const w of webhooks.filter((x) => x.enabled && x.topics.includes(topic))) {
        const now = new Date();
        const raw = JSON.stringify({
          data: [{ topic, external_id: (event as { id?: unknown }).id, payload: { data: event } }],
          meta: { klaviyo_account_id: 'SimAcct', klaviyo_webhook_id: w.id, timestamp: now.toISOString(), version: '2024-10-15' },
        });
        let status = 0;
        try {
          const response = await fetch(w.endpoint_url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...signKlaviyoWebhook(raw, w.secret_key, now, w.id) },
            body: raw,
          });
          await response.arrayBuffer();
          status = response.status;
        } catch {
          status = 0;
        }
        outcomes.push({ id: w.id, status });
      }
      return outcomes;
    },
    async handle(req, url, send) {
      if (!/^\/api\/(webhooks|webhook-topics)(\/|$)/.test(url.pathname)) return false;
      const { status, body } = await answer(req, url);
      send(status, body);
      return true;
    },
  };
}
