// The simulated shop's webhooks resource: GET/POST /webhooks.json, GET/PUT/DELETE /webhooks/{id}.json and
// /webhooks/count.json, with the API's error bodies; deliveries are the resource's JSON body signed with the app
// secret (x-signature = md5(body + secret)). Field names and errors are unconfirmed (fixtures/SOURCES.md).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from '../sdk/simulator-kit.js';
import { signEcomWebhook } from './webhook.js';

interface Webhook {
  id: number;
  createdAt: string;
  updatedAt: string;
  isActive: boolean;
  itemGroup: string;
  itemAction: string;
  language: string;
  format: 'json' | 'xml';
  address: string;
}

const ITEM_GROUPS = new Set([
  'customers',
  'orders',
  'invoices',
  'shipments',
  'products',
  'variants',
  'quotes',
  'reviews',
  'returns',
  'subscriptions',
  'tickets',
]);
const ITEM_ACTIONS = new Set(['*', 'created', 'updated', 'deleted', 'paid', 'shipped', 'answered']);

export interface DeliveryOutcome {
  id: number;
  status: number;
}

export interface SimulatedEcomWebhooks {
  list(): Webhook[];
  /** Delivers `body` ({"customer": {…}} or {"order": {…}}) to every active webhook of the item group and action. */
  deliver(itemGroup: string, itemAction: string, body: unknown): Promise<DeliveryOutcome[]>;
  setActive(id: number, active: boolean): void;
  /** Answers /webhooks routes (the path after the language); false for other paths. */
  handle(req: IncomingMessage, path: string, res: ServerResponse): Promise<boolean>;
}

const apiError = (res: ServerResponse, code: number, message: string) => sendJson(res, code, { error: { code, message } });

export function simulatedEcomWebhooks(language: string, appSecret: string): SimulatedEcomWebhooks {
  const webhooks: Webhook[] = [];
  let nextId = 1;

  /** The fields of a create or update body, or the error message the API answers. */
  function read(input: Record<string, unknown>, creating: boolean): Partial<Webhook> | string {
    const change: Partial<Webhook> = {};
    if (creating || input.itemGroup !== undefined) {
      if (!ITEM_GROUPS.has(String(input.itemGroup))) return 'Invalid itemGroup';
      change.itemGroup = String(input.itemGroup);
    }
    if (creating || input.itemAction !== undefined) {
      if (!ITEM_ACTIONS.has(String(input.itemAction))) return 'Invalid itemAction';
      change.itemAction = String(input.itemAction);
    }
    if (creating || input.address !== undefined) {
      if (typeof input.address !== 'string' || !/^https?:\/\/[^/\s]+/.test(input.address)) return 'Invalid address';
      change.address = input.address;
    }
    if (input.format !== undefined) {
      if (input.format !== 'json' && input.format !== 'xml') return 'Invalid format';
      change.format = input.format;
    }
    if (input.isActive !== undefined) change.isActive = input.isActive === true;
    if (typeof input.language === 'string') change.language = input.language;
    return change;
  }

  return {
    list: () => webhooks.map((w) => ({ ...w })),
    setActive(id, active) {
      const found = webhooks.find((w) => w.id === id);
      if (!found) throw new Error(`no webhook ${id} in the simulated shop`);
      found.isActive = active;
    },
    async deliver(itemGroup, itemAction, payload) {
      const raw = JSON.stringify(payload);
      const outcomes: DeliveryOutcome[] = [];
      for (const w of webhooks.filter(
        (x) => x.isActive && x.itemGroup === itemGroup && (x.itemAction === itemAction || x.itemAction === '*'),
      )) {
        let status = 0;
        try {
          const response = await fetch(w.address, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...signEcomWebhook(raw, appSecret) },
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
    async handle(req, path, res) {
      const match = /^\/webhooks(?:\/(\d+|count))?\.json$/.exec(path);
      if (!match) return false;
      const id = match[1];
      if (id === 'count' && req.method === 'GET') return (sendJson(res, 200, { count: webhooks.length }), true);
      if (id === undefined && req.method === 'GET') return (sendJson(res, 200, { webhooks }), true);
      let input: Record<string, unknown> = {};
      if (req.method === 'POST' || req.method === 'PUT') {
        try {
          input = ((JSON.parse((await readBody(req)) || '{}') as { webhook?: Record<string, unknown> }).webhook ?? {}) as Record<
            string,
            unknown
          >;
        } catch {
          return (apiError(res, 400, 'Invalid JSON'), true);
        }
      }
      if (id === undefined && req.method === 'POST') {
        const change = read(input, true);
        if (typeof change === 'string') return (apiError(res, 400, change), true);
        const now = new Date().toISOString();
        const created: Webhook = {
          id: nextId++,
          createdAt: now,
          updatedAt: now,
          isActive: change.isActive ?? false,
          itemGroup: change.itemGroup!,
          itemAction: change.itemAction!,
          language: change.language ?? language,
          format: change.format ?? 'json',
          address: change.address!,
        };
        webhooks.push(created);
        return (sendJson(res, 201, { webhook: created }), true);
      }
      const found = webhooks.find((w) => String(w.id) === id);
      if (!found) return (apiError(res, 404, 'Not found'), true);
      if (req.method === 'GET') return (sendJson(res, 200, { webhook: found }), true);
      if (req.method === 'DELETE') {
        webhooks.splice(webhooks.indexOf(found), 1);
        return (sendJson(res, 204, undefined), true);
      }
      if (req.method === 'PUT') {
        const change = read(input, false);
        if (typeof change === 'string') return (apiError(res, 400, change), true);
        Object.assign(found, change, { updatedAt: new Date().toISOString() });
        return (sendJson(res, 200, { webhook: found }), true);
      }
      return (apiError(res, 405, 'Method not allowed'), true);
    },
  };
}
