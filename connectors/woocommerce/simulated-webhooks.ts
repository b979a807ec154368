// The simulated store's webhooks: /wp-json/wc/v3/webhooks list, create, retrieve and update with WooCommerce's error
// bodies, deliveries signed with each webhook's own secret, and WooCommerce's rule that a webhook is disabled after
// more than 5 consecutive failed deliveries (woocommerce_max_webhook_delivery_failures).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from '../sdk/simulator-kit.js';
import { signWooCommerceWebhook } from './webhook.js';

type Status = 'active' | 'paused' | 'disabled';
interface Webhook {
  id: number;
  name: string;
  status: Status;
  topic: string;
  delivery_url: string;
  secret: string;
  failures: number;
  /** Not yet pinged with success: WooCommerce pings an active webhook until its delivery URL answers exactly 200. */
  pending: boolean;
  date_created_gmt: string;
}

const TOPICS = /^(coupon|customer|order|product)\.(created|updated|deleted|restored)$/;
const STATUSES: readonly Status[] = ['active', 'paused', 'disabled'];
const MAX_FAILURES = 5;

export interface DeliveryOutcome {
  id: number;
  status: number;
}

/** A ping and what WC_Webhook::deliver_ping made of it: the error it shows the shop owner unless the answer was exactly 200. */
export interface PingOutcome extends DeliveryOutcome {
  error?: string;
}

export interface SimulatedWooCommerceWebhooks {
  /** The webhooks as the REST API shows them (without their secrets). */
  list(): Array<Omit<Webhook, 'secret' | 'failures' | 'pending'>>;
  /** Delivers `payload` to every active webhook of `topic`, signed with its secret; failures count towards disabling it. */
  deliver(topic: string, payload: unknown): Promise<DeliveryOutcome[]>;
  /** The pings sent on creating or activating a webhook, in order. */
  pings(): PingOutcome[];
  /** What WooCommerce does after repeated failures (or an admin's pause): the webhook stops delivering. */
  setStatus(id: number, status: Status): void;
  /** Answers /webhooks routes; false when the path is another resource's. */
  handle(req: IncomingMessage, url: URL, res: ServerResponse): Promise<boolean>;
}

const restError = (code: string, message: string, status: number) => ({ code, message, data: { status } });
const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
  sendJson(res, status, body, { 'content-type': 'application/json; charset=UTF-8', ...headers });
const shown = ({ secret: _s, failures: _f, pending: _p, ...rest }: Webhook) => ({
  ...rest,
  resource: rest.topic.split('.')[0],
  event: rest.topic.split('.')[1],
});

/** `storeUrl`: the store's home URL, sent as X-WC-Webhook-Source. */
export function simulatedWooCommerceWebhooks(storeUrl: () => string): SimulatedWooCommerceWebhooks {
  const webhooks: Webhook[] = [];
  let nextId = 1;
  let deliveries = 0;
  const pings: PingOutcome[] = [];

  /**
   * WC_Webhook::deliver_ping: an unsigned form body `webhook_id=<id>`; any answer but exactly 200 is an error shown to
   * the owner ("Error: Delivery URL returned response code: 202") and the webhook stays pending. It counts no failure.
   * The REST API pings after creating a webhook, the data store when an active webhook is saved while still pending.
   */
  async function ping(webhook: Webhook): Promise<void> {
    if (webhook.status !== 'active' || !webhook.pending) return;
    let status = 0;
    try {
      const response = await fetch(webhook.delivery_url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'WooCommerce/9.8.1 Hookshot (WordPress/6.8)' },
        body: `webhook_id=${webhook.id}`,
        signal: AbortSignal.timeout(5_000),
      });
      await response.arrayBuffer();
      status = response.status;
    } catch {
      status = 0;
    }
    if (status === 200) webhook.pending = false;
    const error =
      status === 0
        ? 'Error: Delivery URL cannot be reached'
        : status === 200
          ? undefined
          : `Error: Delivery URL returned response code: ${status}`;
    pings.push({ id: webhook.id, status, ...(error ? { error } : {}) });
  }

  /** The fields of a create or update body, or the error WooCommerce answers. */
  function read(body: Record<string, unknown>, creating: boolean): Partial<Webhook> | { error: ReturnType<typeof restError> } {
    const change: Partial<Webhook> = {};
    if (body.topic !== undefined || creating) {
      if (typeof body.topic !== 'string' || !TOPICS.test(body.topic))
        return { error: restError('woocommerce_rest_shop_webhook_invalid_topic', 'Webhook topic is required and must be valid.', 400) };
      change.topic = body.topic;
    }
    if (body.delivery_url !== undefined || creating) {
      if (typeof body.delivery_url !== 'string' || !/^https?:\/\/[^/\s]+/.test(body.delivery_url))
        return {
          error: restError(
            'woocommerce_rest_shop_webhook_invalid_delivery_url',
            'Webhook delivery URL must be a valid URL starting with http:// or https://.',
            400,
          ),
        };
      change.delivery_url = body.delivery_url;
    }
    if (body.status !== undefined) {
      if (!STATUSES.includes(body.status as Status)) return { error: restError('rest_invalid_param', 'Invalid parameter(s): status', 400) };
      change.status = body.status as Status;
    }
    if (typeof body.secret === 'string') change.secret = body.secret;
    if (typeof body.name === 'string') change.name = body.name;
    return change;
  }

  return {
    list: () => webhooks.map(shown),
    pings: () => [...pings],
    setStatus(id, status) {
      const webhook = webhooks.find((w) => w.id === id);
      if (!webhook) throw new Error(`no webhook ${id} in the simulated store`);
      webhook.status = status;
    },
    async deliver(topic, payload) {
      const raw = JSON.stringify(payload);
      const outcomes: DeliveryOutcome[] = [];
      for (const webhook of webhooks.filter((w) => w.topic === topic && w.status === 'active')) {
        const [resource, event] = topic.split('.');
        let status = 0;
        try {
          const response = await fetch(webhook.delivery_url, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'x-wc-webhook-source': storeUrl(),
              'x-wc-webhook-topic': topic,
              'x-wc-webhook-resource': resource!,
              'x-wc-webhook-event': event!,
              'x-wc-webhook-id': String(webhook.id),
              'x-wc-webhook-delivery-id': String(++deliveries),
              ...signWooCommerceWebhook(raw, webhook.secret),
            },
            body: raw,
          });
          await response.arrayBuffer();
          status = response.status;
        } catch {
          status = 0;
        }
        // WC_Webhook::failed_delivery: more than the maximum consecutive failures disables the webhook.
        webhook.failures = status >= 200 && status < 300 ? 0 : webhook.failures + 1;
        if (webhook.failures > MAX_FAILURES) webhook.status = 'disabled';
        outcomes.push({ id: webhook.id, status });
      }
      return outcomes;
    },
    async handle(req, url, res) {
      const match = /^\/wp-json\/wc\/v3\/webhooks(?:\/(\d+))?\/?$/.exec(url.pathname);
      if (!match) return false;
      const id = match[1] === undefined ? undefined : Number(match[1]);
      if (id === undefined && req.method === 'GET') {
        const page = Number(url.searchParams.get('page') ?? 1);
        const perPage = Number(url.searchParams.get('per_page') ?? 10);
        const body = webhooks.slice((page - 1) * perPage, page * perPage).map(shown);
        send(res, 200, body, { 'x-wp-total': String(webhooks.length), 'x-wp-totalpages': String(Math.ceil(webhooks.length / perPage)) });
        return true;
      }
      let parsed: Record<string, unknown> = {};
      if (req.method === 'POST' || req.method === 'PUT') {
        try {
          parsed = JSON.parse((await readBody(req)) || '{}') as Record<string, unknown>;
        } catch {
          send(res, 400, restError('rest_invalid_json', 'Invalid JSON body passed.', 400));
          return true;
        }
      }
      if (id === undefined && req.method === 'POST') {
        const change = read(parsed, true);
        if ('error' in change) return (send(res, 400, change.error), true);
        const webhook: Webhook = {
          id: nextId++,
          name: change.name ?? `Webhook created on ${new Date().toUTCString()}`,
          status: change.status ?? 'active',
          topic: change.topic!,
          delivery_url: change.delivery_url!,
          // Without one, WooCommerce derives a secret from the creating user: nobody else can verify with it.
          secret: change.secret ?? `default-secret-of-${storeUrl()}`,
          failures: 0,
          pending: true,
          date_created_gmt: new Date().toISOString().slice(0, 19),
        };
        webhooks.push(webhook);
        await ping(webhook);
        send(res, 201, shown(webhook));
        return true;
      }
      const webhook = webhooks.find((w) => w.id === id);
      if (id !== undefined && !webhook)
        return (send(res, 404, restError('woocommerce_rest_shop_webhook_invalid_id', 'Invalid ID.', 404)), true);
      if (webhook && req.method === 'GET') return (send(res, 200, shown(webhook)), true);
      if (webhook && (req.method === 'PUT' || req.method === 'POST')) {
        const change = read(parsed, false);
        if ('error' in change) return (send(res, 400, change.error), true);
        Object.assign(webhook, change);
        // Saving a webhook as active starts it afresh.
        if (webhook.status === 'active') webhook.failures = 0;
        await ping(webhook);
        send(res, 200, shown(webhook));
        return true;
      }
      send(res, 404, restError('rest_no_route', 'No route was found matching the URL and request method.', 404));
      return true;
    },
  };
}
