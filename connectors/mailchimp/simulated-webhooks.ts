// The simulated audience's webhooks (/lists/{list_id}/webhooks): list, add, get, update and delete with Mailchimp's
// problem bodies. Adding or moving a webhook first checks the callback URL with a GET that must answer 200, as
// Mailchimp does; deliveries are form-encoded POSTs of the events and sources each webhook has switched on.
import type { ServerResponse } from 'node:http';
import { sendJson } from '../sdk/simulator-kit.js';
import { encodeForm } from './form.js';

const EVENTS = ['subscribe', 'unsubscribe', 'profile', 'cleaned', 'upemail', 'campaign'] as const;
const SOURCES = ['user', 'admin', 'api'] as const;
type Source = (typeof SOURCES)[number];

interface Webhook {
  id: string;
  url: string;
  events: Record<(typeof EVENTS)[number], boolean>;
  sources: Record<Source, boolean>;
}

export interface DeliveryOutcome {
  id: string;
  status: number;
}

export interface SimulatedMailchimpWebhooks {
  /** The webhooks as the API shows them (their URLs with the token). */
  list(): Webhook[];
  /**
   * Posts `pairs` (a documented webhook example's POST variables, `type` among them) to every webhook that has its
   * event type and `source` switched on.
   */
  deliver(pairs: Record<string, string>, source?: Source): Promise<DeliveryOutcome[]>;
  /** What an admin editing the callback URL in Mailchimp's webhook settings does (no URL check). */
  setUrl(id: string, url: string): void;
  /** Answers /lists/{list_id}/webhooks[/{id}]; false for other paths. */
  handle(method: string, path: string, body: unknown, res: ServerResponse): Promise<boolean>;
}

function problem(res: ServerResponse, status: number, title: string, detail: string, errors?: Array<{ field: string; message: string }>) {
  res.writeHead(status, { 'content-type': 'application/problem+json' });
  res.end(
    JSON.stringify({
      type: 'https://mailchimp.com/developer/marketing/docs/errors/',
      title,
      status,
      detail,
      instance: 'simulated',
      ...(errors ? { errors } : {}),
    }),
  );
}

/** What Mailchimp's URL check sees: the callback must answer a GET with 200. */
async function answersGet(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { method: 'GET', headers: { 'user-agent': 'MailChimp.com WebHook Validator' } });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

export function simulatedMailchimpWebhooks(listId: string, origin: () => string): SimulatedMailchimpWebhooks {
  const webhooks: Webhook[] = [];
  let nextId = 1;
  const shown = (w: Webhook) => ({
    ...w,
    events: { ...w.events },
    sources: { ...w.sources },
    list_id: listId,
    _links: [{ rel: 'self', href: `${origin()}/3.0/lists/${listId}/webhooks/${w.id}`, method: 'GET' }],
  });
  const flags = <K extends string>(names: readonly K[], given: unknown, previous?: Record<K, boolean>) =>
    Object.fromEntries(
      names.map((n) => {
        const value = (given as Record<string, unknown> | undefined)?.[n];
        return [n, typeof value === 'boolean' ? value : (previous?.[n] ?? true)];
      }),
    ) as Record<K, boolean>;

  /** The URL of a create or update body, checked as Mailchimp checks it; or the problem it answers. */
  async function checkUrl(res: ServerResponse, url: unknown): Promise<string | undefined> {
    if (typeof url !== 'string' || !URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
      problem(
        res,
        400,
        'Invalid Resource',
        "The resource submitted could not be validated. For field-specific details, see the 'errors' array.",
        [{ field: 'url', message: 'This value should be a valid URL.' }],
      );
      return undefined;
    }
    if (!(await answersGet(url))) {
      problem(
        res,
        400,
        'Invalid Resource',
        `The URL '${url}' did not return a 200 response to a GET request; Mailchimp could not validate it.`,
      );
      return undefined;
    }
    return url;
  }

  return {
    list: () => webhooks.map((w) => ({ ...w, events: { ...w.events }, sources: { ...w.sources } })),
    setUrl(id, url) {
      const found = webhooks.find((w) => w.id === id);
      if (!found) throw new Error(`no webhook ${id} in the simulated audience`);
      found.url = url;
    },
    async deliver(pairs, source = 'user') {
      const type = pairs.type as (typeof EVENTS)[number];
      const outcomes: DeliveryOutcome[] = [];
      for (const w of webhooks.filter((x) => x.events[type] && x.sources[source])) {
        let status = 0;
        try {
          const response = await fetch(w.url, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'MailChimp' },
            body: encodeForm(pairs),
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
    async handle(method, path, body, res) {
      const match = /^\/lists\/([^/]+)\/webhooks(?:\/([^/]+))?\/?$/.exec(path);
      if (!match) return false;
      const [, list, id] = match;
      if (list !== listId) return (problem(res, 404, 'Resource Not Found', 'The requested resource could not be found.'), true);
      const input = (body ?? {}) as { url?: unknown; events?: unknown; sources?: unknown };
      if (id === undefined && method === 'GET') {
        sendJson(res, 200, { webhooks: webhooks.map(shown), list_id: listId, total_items: webhooks.length });
        return true;
      }
      if (id === undefined && method === 'POST') {
        const url = await checkUrl(res, input.url);
        if (url === undefined) return true;
        const created: Webhook = {
          id: `sim${String(nextId++).padStart(7, '0')}`,
          url,
          events: flags(EVENTS, input.events),
          sources: flags(SOURCES, input.sources),
        };
        webhooks.push(created);
        sendJson(res, 200, shown(created));
        return true;
      }
      const found = webhooks.find((w) => w.id === id);
      if (!found) return (problem(res, 404, 'Resource Not Found', 'The requested resource could not be found.'), true);
      if (method === 'GET') return (sendJson(res, 200, shown(found)), true);
      if (method === 'DELETE') {
        webhooks.splice(webhooks.indexOf(found), 1);
        res.writeHead(204);
        res.end();
        return true;
      }
      if (method === 'PATCH') {
        if (input.url !== undefined) {
          const url = await checkUrl(res, input.url);
          if (url === undefined) return true;
          found.url = url;
        }
        found.events = flags(EVENTS, input.events, found.events);
        found.sources = flags(SOURCES, input.sources, found.sources);
        sendJson(res, 200, shown(found));
        return true;
      }
      problem(res, 405, 'Method Not Allowed', 'The requested method and resource are not compatible.');
      return true;
    },
  };
}
