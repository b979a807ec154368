// A local stand-in for the Mailchimp Marketing API calls syncline makes: batch subscribe, member PUT and PATCH (status,
// address change), tags, delete-permanent.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimulatedVendor, SimulatorFaults } from '../sdk/simulator-kit.js';
import { readBody, sendJson, startVendorServer } from '../sdk/simulator-kit.js';
import { MailchimpSettings, type MailchimpSecrets } from './config.js';
import { simulatedMailchimpWebhooks, type SimulatedMailchimpWebhooks } from './simulated-webhooks.js';
import { defineSimulator } from '../sdk/define-simulator.js';

export interface SimulatedMember {
  id: string;
  email_address: string;
  status: string;
  merge_fields: Record<string, string | number>;
  tags: string[];
  /** Set on every change of the member, as Mailchimp's `last_changed`. */
  last_changed: string;
}

export interface SimulatedRequest {
  method: string;
  path: string;
  body: unknown;
}

/** A request's content type as sent, with whether it carried a body. */
export interface SimulatedContentType {
  path: string;
  contentType: string | undefined;
  hasBody: boolean;
}

export interface MailchimpSimulator extends SimulatedVendor<MailchimpSettings, MailchimpSecrets> {
  secrets: MailchimpSecrets;
  members(): SimulatedMember[];
  /** Adds a member as if it had signed up (or unsubscribed) in Mailchimp, last changed `at` (default now). */
  seedMember(email: string, status?: string, mergeFields?: Record<string, string>, at?: string): void;
  /** Requests that got past faults and authentication, in order. */
  log(): SimulatedRequest[];
  /** Most requests the simulator saw in flight at once. */
  peakConcurrency(): number;
  /** The content type of each logged request. */
  contentTypes(): SimulatedContentType[];
  /** The audience's webhooks (list webhooks API), and deliveries to them. */
  webhooks: SimulatedMailchimpWebhooks;
  /** Resolves once every webhook delivery an API write started (source `api`) has been answered. */
  webhooksSettled(): Promise<void>;
  /** The webhooks API writes fired (source `api`), by type, with the answers they got, in order. */
  apiWebhooks(): Array<{ type: string; statuses: number[] }>;
  /** A campaign sent to the audience at `sendTime`, and its recipients' opens, clicks and bounces (reports API). */
  addCampaignActivity(campaign: SimulatedCampaign): void;
}

export interface SimulatedCampaign {
  id: string;
  sendTime: string;
  listId?: string;
  activity: Array<{ email: string; action: 'open' | 'click' | 'bounce'; timestamp: string; url?: string }>;
}

export interface SimulatorOptions {
  faults?: SimulatorFaults;
  listId?: string;
  /** Merge tags the audience has (Mailchimp refuses unknown ones). */
  mergeTags?: string[];
  /** The type of merge tags other than text (default PHONE phone, ADDRESS address, BIRTHDAY birthday). */
  mergeFieldTypes?: Record<string, { type: string; dateFormat?: string }>;
  /** Simulated latency per request, so that concurrency is observable. */
  latencyMs?: number;
  /** Members the audience starts with. */
  members?: Array<{ email: string; status: string; lastChanged: string }>;
}

const MAX_CONNECTIONS = 10;
const DEFAULT_MERGE_TAGS = ['EMAIL', 'FNAME', 'LNAME', 'PHONE', 'ADDRESS', 'BIRTHDAY'];
/** A text merge field holds at most 255 characters (Mailchimp refuses a longer value). */
const MAX_TEXT_LENGTH = 255;
const STATUSES = new Set(['subscribed', 'unsubscribed', 'cleaned', 'pending', 'transactional']);
const md5 = (email: string) => createHash('md5').update(email.trim().toLowerCase()).digest('hex');

function problem(res: ServerResponse, status: number, title: string, detail: string): void {
  // Mailchimp answers errors as application/problem+json.
  res.writeHead(status, { 'content-type': 'application/problem+json' });
  res.end(JSON.stringify({ type: 'https://mailchimp.com/developer/marketing/docs/errors/', title, status, detail, instance: 'simulated' }));
}

export async function startMailchimpSimulator(options: SimulatorOptions = {}): Promise<MailchimpSimulator> {
  const listId = options.listId ?? 'a6b5da1054';
  const mergeTags = new Set(options.mergeTags ?? DEFAULT_MERGE_TAGS);
  const fieldTypes = options.mergeFieldTypes ?? {
    PHONE: { type: 'phone' },
    ADDRESS: { type: 'address' },
    BIRTHDAY: { type: 'birthday', dateFormat: 'MM/DD' },
  };
  /** The first merge value its field's type refuses: a birthday not "MM/DD", a date not in its format, a non-number. */
  const badValue = (merge: Record<string, unknown>): string | undefined =>
    Object.entries(merge).find(([tag, value]) => {
      const field = fieldTypes[tag];
      if (!field) return typeof value === 'string' && value.length > MAX_TEXT_LENGTH;
      if (value === '') return false;
      if (field.type === 'birthday') return typeof value !== 'string' || !/^(0[1-9]|1[0-2])\/(0[1-9]|[12]\d|3[01])$/.test(value);
      if (field.type === 'date') {
        const shape =
          field.dateFormat === 'MM/DD/YYYY' || field.dateFormat === 'DD/MM/YYYY' ? /^\d{2}\/\d{2}\/\d{4}$/ : /^\d{4}-\d{2}-\d{2}$/;
        return typeof value !== 'string' || !shape.test(value);
      }
      if (field.type === 'number') return typeof value !== 'number';
      if (field.type === 'address') return typeof value !== 'object' || value === null;
      return false;
    })?.[0];
  const secrets: MailchimpSecrets = { apiKey: 'simulatedkey0123456789abcdef-us21', webhookToken: 'simulated-webhook-token-0123456789' };
  const store = new Map<string, SimulatedMember>();
  const campaigns: SimulatedCampaign[] = [];
  let origin = '';
  const webhooks = simulatedMailchimpWebhooks(listId, () => origin);
  const received: string[] = [];
  const log: SimulatedRequest[] = [];
  const contentTypes: SimulatedContentType[] = [];
  let inFlight = 0;
  let peak = 0;
  // Mailchimp's own format: seconds and an offset.
  const changedNow = () => new Date().toISOString().replace(/\.\d{3}Z$/, '+00:00');
  const seed = (email: string, status = 'subscribed', mergeFields: Record<string, string> = {}, at = changedNow()) => {
    const hash = md5(email);
    store.set(hash, { id: hash, email_address: email.toLowerCase(), status, merge_fields: { ...mergeFields }, tags: [], last_changed: at });
  };
  for (const m of options.members ?? []) seed(m.email, m.status, {}, m.lastChanged);

  // Mailchimp fires the list webhooks on API changes too, to every webhook whose `api` source is on (the default).
  const pending = new Set<Promise<unknown>>();
  const firedAt = () => new Date().toISOString().slice(0, 19).replace('T', ' ');
  const memberPairs = (m: SimulatedMember): Record<string, string> => ({
    'data[id]': m.id.slice(0, 10),
    'data[list_id]': listId,
    'data[email]': m.email_address,
    'data[email_type]': 'html',
    'data[merges][EMAIL]': m.email_address,
    ...Object.fromEntries(
      Object.entries(m.merge_fields)
        .filter(([, v]) => typeof v !== 'object')
        .map(([tag, v]) => [`data[merges][${tag}]`, String(v)]),
    ),
  });
  /** The webhook an API write fires: subscribe, unsubscribe or cleaned on a status change, else profile when merges changed. */
  function fireApiWebhook(before: { status: string; merges: string } | undefined, member: SimulatedMember): void {
    const merges = JSON.stringify(member.merge_fields);
    let type: string | undefined;
    if (member.status !== before?.status) {
      if (member.status === 'subscribed') type = 'subscribe';
      else if (member.status === 'unsubscribed') type = 'unsubscribe';
      else if (member.status === 'cleaned') type = 'cleaned';
    }
    if (type === undefined && before !== undefined && merges !== before.merges) type = 'profile';
    if (type === undefined) return;
    const extra: Record<string, string> =
      type === 'unsubscribe' ? { 'data[action]': 'unsub', 'data[reason]': 'manual' } : type === 'cleaned' ? { 'data[reason]': 'hard' } : {};
    track(type, webhooks.deliver({ type, fired_at: firedAt(), ...memberPairs(member), ...extra }, 'api'));
  }
  const fired: Array<{ type: string; statuses: number[] }> = [];
  function track(type: string, delivery: Promise<Array<{ status: number }>>): void {
    const record = { type, statuses: [] as number[] };
    fired.push(record);
    const tracked = delivery
      .then((outcomes) => record.statuses.push(...outcomes.map((o) => o.status)))
      .finally(() => pending.delete(tracked));
    pending.add(tracked);
  }
  const snapshot = (m: SimulatedMember | undefined) => (m ? { status: m.status, merges: JSON.stringify(m.merge_fields) } : undefined);

  const authorised = (req: IncomingMessage) => {
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!basic) return false;
    const decoded = Buffer.from(basic, 'base64').toString('utf8');
    return decoded.slice(decoded.indexOf(':') + 1) === secrets.apiKey;
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (inFlight > MAX_CONNECTIONS)
      return problem(res, 429, 'Too Many Requests', 'You have exceeded the limit of 10 simultaneous connections.');
    if (!authorised(req))
      return problem(res, 401, 'API Key Invalid', "Your API key may be invalid, or you've attempted to access the wrong datacenter.");
    if (options.latencyMs) await new Promise((r) => setTimeout(r, options.latencyMs));
    const url = new URL(req.url ?? '/', 'http://simulator');
    const raw = await readBody(req);
    let body: unknown;
    try {
      body = raw === '' ? undefined : JSON.parse(raw);
    } catch {
      return problem(res, 400, 'JSON Parse Error', 'We encountered an unspecified JSON parsing error.');
    }
    const path = url.pathname.replace(/^\/3\.0/, '');
    log.push({ method: req.method ?? 'GET', path, body });
    contentTypes.push({ path, contentType: req.headers['content-type'], hasBody: raw !== '' });
    if (req.method === 'GET' && path === `/lists/${listId}/members`) return listMembers(res, url.searchParams);
    if (req.method === 'GET' && path === `/lists/${listId}/merge-fields`)
      return sendJson(res, 200, {
        merge_fields: [...mergeTags]
          .filter((tag) => tag !== 'EMAIL')
          .map((tag) => {
            const field = fieldTypes[tag];
            return { tag, type: field?.type ?? 'text', options: field?.dateFormat ? { date_format: field.dateFormat } : {} };
          }),
        list_id: listId,
        total_items: mergeTags.size - 1,
      });

    if (req.method === 'GET' && path === '/reports') return listReports(res, url.searchParams);
    const activityPath = /^\/reports\/([^/]+)\/email-activity$/.exec(path);
    if (req.method === 'GET' && activityPath) return listActivity(res, decodeURIComponent(activityPath[1]!), url.searchParams);
    if (await webhooks.handle(req.method ?? 'GET', path, body, res)) return;
    const list = /^\/lists\/([^/]+)(\/members\/([0-9a-f]{32})(\/tags|\/actions\/delete-permanent)?)?$/.exec(path);
    if (!list) return problem(res, 404, 'Resource Not Found', 'The requested resource could not be found.');
    if (list[1] !== listId) return problem(res, 404, 'Resource Not Found', 'The requested resource could not be found.');
    const hash = list[3];
    const sub = list[4];

    if (hash === undefined) {
      if (req.method !== 'POST') return problem(res, 405, 'Method Not Allowed', 'The requested method and resource are not compatible.');
      return batchSubscribe(res, body);
    }
    const member = store.get(hash);
    if (sub === '/tags' && req.method === 'POST') {
      if (!member) return problem(res, 404, 'Resource Not Found', 'The requested resource could not be found.');
      const tags = (body as { tags?: Array<{ name: string; status: string }> })?.tags;
      if (!Array.isArray(tags)) return problem(res, 400, 'Invalid Resource', 'The resource submitted could not be validated.');
      for (const tag of tags) {
        member.tags = member.tags.filter((t) => t !== tag.name);
        if (tag.status === 'active') member.tags.push(tag.name);
      }
      return sendJson(res, 204);
    }
    if (sub === '/actions/delete-permanent' && req.method === 'POST') {
      if (!member) return problem(res, 404, 'Resource Not Found', 'The requested resource could not be found.');
      store.delete(hash);
      return sendJson(res, 204);
    }
    if (sub === undefined && req.method === 'PATCH') {
      if (!member) return problem(res, 404, 'Resource Not Found', 'The requested resource could not be found.');
      const { status, email_address: email } = (body ?? {}) as { status?: string; email_address?: string };
      if (status !== undefined) {
        if (!STATUSES.has(status)) return problem(res, 400, 'Invalid Resource', 'The resource submitted could not be validated.');
        if (inCompliance(member, status)) return complianceState(res, member.email_address);
      }
      const patchedFrom = snapshot(member);
      if (email !== undefined && md5(email) !== hash) {
        // An address change: the member (status, merge fields, tags) moves to the new key, unless that is taken.
        if (store.has(md5(email)))
          return problem(
            res,
            400,
            'Member Exists',
            `${email.toLowerCase()} is already a list member. Use PUT to insert or update list members.`,
          );
        store.delete(hash);
        member.last_changed = changedNow();
        const oldEmail = member.email_address;
        member.email_address = email.toLowerCase();
        member.id = md5(email);
        store.set(member.id, member);
        // Mailchimp's "upemail" webhook for the address change ("Sync audience data with webhooks": type upemail,
        // data[new_id], data[new_email], data[old_email]), fired for API writes like the others.
        track(
          'upemail',
          webhooks.deliver(
            {
              type: 'upemail',
              fired_at: firedAt(),
              'data[list_id]': listId,
              'data[new_id]': member.id.slice(0, 10),
              'data[new_email]': member.email_address,
              'data[old_email]': oldEmail,
            },
            'api',
          ),
        );
      }
      if (status !== undefined) member.status = status;
      member.last_changed = changedNow();
      received.push(member.email_address);
      fireApiWebhook(patchedFrom, member);
      return sendJson(res, 200, member);
    }
    if (sub === undefined && req.method === 'PUT') return upsertMember(res, hash, member, body);
    return problem(res, 405, 'Method Not Allowed', 'The requested method and resource are not compatible.');
  }

  /** GET /reports: campaigns sent after `since_send_time`, `count` at most 1000. */
  function listReports(res: ServerResponse, query: URLSearchParams): void {
    const since = query.get('since_send_time');
    const count = Number(query.get('count') ?? 10);
    if ((since !== null && Number.isNaN(Date.parse(since))) || !Number.isInteger(count) || count < 1 || count > 1000)
      return problem(res, 400, 'Invalid Resource', 'since_send_time or count is invalid.');
    const sent = campaigns.filter((c) => since === null || Date.parse(c.sendTime) > Date.parse(since));
    sendJson(res, 200, {
      reports: sent.slice(0, count).map((c) => ({ id: c.id, list_id: c.listId ?? listId, send_time: c.sendTime })),
      total_items: sent.length,
    });
  }

  /** GET /reports/{id}/email-activity: per recipient the actions after `since`, paged by `count` and `offset`. */
  function listActivity(res: ServerResponse, campaignId: string, query: URLSearchParams): void {
    const campaign = campaigns.find((c) => c.id === campaignId);
    if (!campaign) return problem(res, 404, 'Resource Not Found', 'The requested resource could not be found.');
    const since = query.get('since');
    const count = Number(query.get('count') ?? 10);
    const offset = Number(query.get('offset') ?? 0);
    if (!Number.isInteger(count) || count < 1 || count > 1000 || !Number.isInteger(offset) || offset < 0)
      return problem(res, 400, 'Invalid Resource', 'count must be 1 to 1000 and offset at least 0.');
    const byEmail = new Map<string, Array<{ action: string; timestamp: string; url?: string }>>();
    for (const a of campaign.activity) {
      if (since !== null && Date.parse(a.timestamp) <= Date.parse(since)) continue;
      const list = byEmail.get(a.email) ?? [];
      list.push({ action: a.action, timestamp: a.timestamp, ...(a.url ? { url: a.url } : {}) });
      byEmail.set(a.email, list);
    }
    const emails = [...byEmail].map(([email, activity]) => ({ campaign_id: campaign.id, list_id: listId, email_address: email, activity }));
    sendJson(res, 200, { emails: emails.slice(offset, offset + count), campaign_id: campaign.id, total_items: emails.length });
  }

  /** GET …/members: `status`, `since_last_changed` (changed after), `count` (at most 1000) and `offset`. */
  function listMembers(res: ServerResponse, query: URLSearchParams): void {
    const since = query.get('since_last_changed');
    if (since !== null && Number.isNaN(Date.parse(since))) return problem(res, 400, 'Invalid Resource', 'since_last_changed is invalid.');
    const count = Number(query.get('count') ?? 10);
    const offset = Number(query.get('offset') ?? 0);
    if (!Number.isInteger(count) || count < 1 || count > 1000 || !Number.isInteger(offset) || offset < 0)
      return problem(res, 400, 'Invalid Resource', 'count must be 1 to 1000 and offset at least 0.');
    const status = query.get('status');
    const matching = [...store.values()]
      .filter((m) => status === null || m.status === status)
      .filter((m) => since === null || Date.parse(m.last_changed) > Date.parse(since))
      .sort((a, b) => a.last_changed.localeCompare(b.last_changed) || a.id.localeCompare(b.id));
    sendJson(res, 200, { members: matching.slice(offset, offset + count), list_id: listId, total_items: matching.length });
  }

  /** Mailchimp does not let the API subscribe an address that unsubscribed or was cleaned. */
  const inCompliance = (member: SimulatedMember, status: string) =>
    status === 'subscribed' && (member.status === 'unsubscribed' || member.status === 'cleaned');
  const complianceState = (res: ServerResponse, email: string) =>
    problem(
      res,
      400,
      'Member In Compliance State',
      `${email} is in a compliance state due to unsubscribe, bounce, or compliance review and cannot be subscribed.`,
    );

  /** "Add or update list member": status_if_new creates, status (optional) changes an existing member's status. */
  function upsertMember(res: ServerResponse, hash: string, existing: SimulatedMember | undefined, body: unknown): void {
    const item = (body ?? {}) as { email_address?: unknown; status?: unknown; status_if_new?: unknown; merge_fields?: unknown };
    const email = typeof item.email_address === 'string' ? item.email_address : '';
    const invalid = (detail: string) => problem(res, 400, 'Invalid Resource', detail);
    if (md5(email) !== hash) return invalid('The email address does not match the subscriber hash in the URL.');
    const status = item.status ?? (existing ? undefined : item.status_if_new);
    if (!existing && status === undefined) return invalid('The resource submitted could not be validated: status_if_new is required.');
    if (status !== undefined && (typeof status !== 'string' || !STATUSES.has(status))) return invalid('Invalid status.');
    const merge = (item.merge_fields ?? {}) as Record<string, string | number>;
    const unknown = Object.keys(merge).find((tag) => !mergeTags.has(tag));
    if (unknown) return invalid(`Your merge fields were invalid: ${unknown}`);
    const bad = badValue(merge);
    if (bad) return invalid(`Your merge fields were invalid: ${bad} is not in the format of its field type.`);
    if (existing && typeof status === 'string' && inCompliance(existing, status)) return complianceState(res, existing.email_address);
    const upsertedFrom = snapshot(existing);
    const member = existing ?? {
      id: hash,
      email_address: email.toLowerCase(),
      status: status as string,
      merge_fields: {},
      tags: [],
      last_changed: changedNow(),
    };
    member.last_changed = changedNow();
    if (typeof status === 'string') member.status = status;
    member.merge_fields = { ...member.merge_fields, ...merge };
    store.set(hash, member);
    received.push(member.email_address);
    fireApiWebhook(upsertedFrom, member);
    sendJson(res, 200, member);
  }

  function batchSubscribe(res: ServerResponse, body: unknown): void {
    const request = body as { members?: unknown; update_existing?: boolean } | undefined;
    if (!Array.isArray(request?.members))
      return problem(res, 400, 'Invalid Resource', 'The resource submitted could not be validated: members is required.');
    if (request.members.length > 500)
      return problem(res, 400, 'Invalid Resource', 'You may only add or update up to 500 members per request.');
    const out = {
      new_members: [] as SimulatedMember[],
      updated_members: [] as SimulatedMember[],
      errors: [] as Array<Record<string, string>>,
    };
    for (const item of request.members as Array<Record<string, unknown>>) {
      const email = typeof item.email_address === 'string' ? item.email_address : '';
      const status = item.status;
      if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
        out.errors.push({
          email_address: email,
          error: `${email} looks fake or invalid, please enter a real email address.`,
          error_code: 'ERROR_GENERIC',
        });
        continue;
      }
      if (typeof status !== 'string' || !STATUSES.has(status)) {
        out.errors.push({ email_address: email, error: 'Invalid status', error_code: 'ERROR_GENERIC', field: 'status' });
        continue;
      }
      const merge = (item.merge_fields ?? {}) as Record<string, string | number>;
      const unknown = Object.keys(merge).find((tag) => !mergeTags.has(tag));
      const bad = unknown ?? badValue(merge);
      if (bad) {
        out.errors.push({ email_address: email, error: `Your merge fields were invalid: ${bad}`, error_code: 'ERROR_GENERIC', field: bad });
        continue;
      }
      const hash = md5(email);
      const existing = store.get(hash);
      if (existing) {
        if (!request.update_existing) {
          out.errors.push({
            email_address: email,
            error: `${email} is already a list member, do you want to update? please provide update_existing:true in the request body`,
            error_code: 'ERROR_CONTACT_EXISTS',
          });
          continue;
        }
        if (status === 'subscribed' && (existing.status === 'unsubscribed' || existing.status === 'cleaned')) {
          out.errors.push({
            email_address: email,
            error: `${email} is in a compliance state due to unsubscribe, bounce, or compliance review and cannot be subscribed.`,
            error_code: 'ERROR_GENERIC',
          });
          continue;
        }
        const batchedFrom = snapshot(existing);
        Object.assign(existing, { status, merge_fields: { ...existing.merge_fields, ...merge }, last_changed: changedNow() });
        out.updated_members.push(existing);
        fireApiWebhook(batchedFrom, existing);
      } else {
        const member: SimulatedMember = {
          id: hash,
          email_address: email.toLowerCase(),
          status,
          merge_fields: { ...merge },
          tags: [],
          last_changed: changedNow(),
        };
        store.set(hash, member);
        out.new_members.push(member);
        fireApiWebhook(undefined, member);
      }
      received.push(email.toLowerCase());
    }
    sendJson(res, 200, {
      ...out,
      total_created: out.new_members.length,
      total_updated: out.updated_members.length,
      error_count: out.errors.length,
    });
  }

  const server = await startVendorServer(
    (req, res) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      res.on('close', () => inFlight--);
      return handle(req, res);
    },
    {
      faults: options.faults,
      // Mailchimp's 429 carries no Retry-After.
      rateLimited: (_req, res) => problem(res, 429, 'Too Many Requests', 'You have exceeded the limit of 10 simultaneous connections.'),
      failed: (_req, res) => problem(res, 500, 'Internal Server Error', 'An unexpected internal error has occurred.'),
      crashed: (res) => problem(res, 500, 'Internal Server Error', 'simulator failure'),
    },
  );

  origin = server.origin;
  return {
    settings: MailchimpSettings.parse({ listId, apiBaseUrl: `${server.origin}/3.0` }),
    secrets,
    received: () => [...received],
    requests: server.requests,
    members: () => [...store.values()].map((m) => ({ ...m, merge_fields: { ...m.merge_fields }, tags: [...m.tags] })),
    seedMember: seed,
    addCampaignActivity: (campaign) => {
      campaigns.push(campaign);
    },
    log: () => [...log],
    peakConcurrency: () => peak,
    contentTypes: () => [...contentTypes],
    webhooks,
    apiWebhooks: () => fired.map((f) => ({ type: f.type, statuses: [...f.statuses] })),
    webhooksSettled: async () => {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
    stop: async () => {
      await Promise.allSettled([...pending]);
      await server.stop();
    },
  };
}

/** The local stack's simulated Mailchimp audience (`"apiBaseUrl": "simulator"`), with the configured list id. */
export const simulator = defineSimulator<MailchimpSimulator>({
  connector: 'mailchimp',
  async start({ settings, faults }) {
    // The simulated audience has the merge fields the instance maps to, as the shop would have set them up.
    const mapped = settings.mergeFields && typeof settings.mergeFields === 'object' ? Object.values(settings.mergeFields) : [];
    const sim = await startMailchimpSimulator({
      ...(typeof settings.listId === 'string' ? { listId: settings.listId } : {}),
      mergeTags: [...DEFAULT_MERGE_TAGS, ...mapped.filter((t): t is string => typeof t === 'string')],
      ...(faults ? { faults } : {}),
    });
    // Only what the simulator decides: the instance's own settings (its merge field map among them) stay as configured.
    const decided = { listId: sim.settings.listId, apiBaseUrl: sim.settings.apiBaseUrl };
    return { settings: decided, secrets: { ...sim.secrets }, handle: sim, stop: () => sim.stop() };
  },
});
