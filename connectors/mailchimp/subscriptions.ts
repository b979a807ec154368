// Mailchimp's list webhooks (/lists/{list_id}/webhooks): one webhook carries every event type syncline reads.
// Mailchimp signs nothing: the callback URL carries the instance's webhookToken (?token=…), which syncline generates
// and stores before the webhook is created. The list shows the URL, so a token that no longer matches the instance's
// secret is seen (secretMatches) and corrected. Sources: subscriber and admin actions; API actions are left out
// because syncline's own pushes are API actions and would come back as webhooks (what other apps change through
// the API reaches syncline only through the poll, which catches unsubscribes).
import {
  createVendorClient,
  parsePayload,
  type ConnectorContext,
  type WebhookSubscription,
  type WebhookSubscriptions,
} from '../sdk/index.js';
import * as z from 'zod';
import { apiRoot, type MailchimpSecrets, type MailchimpSettings } from './config.js';
import { TOKEN_PARAMETER } from './webhook.js';

/** The event types mapping.ts reads, and the sources wanted, as the topics a webhook must carry. */
const EVENTS = ['subscribe', 'unsubscribe', 'profile', 'cleaned', 'upemail'] as const;
const SOURCES = { user: true, admin: true, api: false } as const;
const SUBSCRIBED_TOPICS = [...EVENTS, 'source:user', 'source:admin'] as const;

const Webhook = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.record(z.string(), z.boolean()).optional(),
    sources: z.record(z.string(), z.boolean()).optional(),
  })
  .loose();
const Page = z.object({ webhooks: z.array(Webhook), total_items: z.number().optional() }).loose();

/** The callback URL without its token, and the token. */
function splitToken(url: string): { url: string; token: string | undefined } {
  if (!URL.canParse(url)) return { url, token: undefined };
  const parsed = new URL(url);
  const token = parsed.searchParams.get(TOKEN_PARAMETER) ?? undefined;
  parsed.searchParams.delete(TOKEN_PARAMETER);
  return { url: parsed.toString().replace(/\?$/, ''), token };
}

function withToken(url: string, token: string | undefined): string {
  const parsed = new URL(url);
  if (token !== undefined) parsed.searchParams.set(TOKEN_PARAMETER, token);
  return parsed.toString();
}

function subscription(w: z.infer<typeof Webhook>, secrets: MailchimpSecrets): WebhookSubscription {
  const { url, token } = splitToken(w.url);
  const on = (record: Record<string, boolean> | undefined) =>
    Object.entries(record ?? {})
      .filter(([, value]) => value)
      .map(([name]) => name);
  return {
    id: w.id,
    url,
    topics: [...on(w.events), ...on(w.sources).map((s) => `source:${s}`)],
    // Mailchimp has no disabled state for a list webhook.
    active: true,
    status: 'enabled',
    secretMatches: token === secrets.webhookToken,
  };
}

function client(context: ConnectorContext<MailchimpSettings, MailchimpSecrets>) {
  const basic = Buffer.from(`syncline:${context.secrets.apiKey}`).toString('base64');
  return createVendorClient({
    vendor: 'Mailchimp',
    baseURL: apiRoot(context.settings, context.secrets),
    headers: { authorization: `Basic ${basic}`, accept: 'application/json' },
  });
}

const body = (url: string, secret: string | undefined) => ({
  url: withToken(url, secret),
  events: Object.fromEntries([...EVENTS, 'campaign'].map((e) => [e, e !== 'campaign'])),
  sources: SOURCES,
});

export const mailchimpSubscriptions: WebhookSubscriptions<MailchimpSettings, MailchimpSecrets> = {
  topics: SUBSCRIBED_TOPICS,
  grouping: 'combined',
  signingSecret: { key: 'webhookToken', issuedBy: 'syncline' },
  async list(context) {
    const path = `/lists/${encodeURIComponent(context.settings.listId)}/webhooks`;
    const response = await client(context).request<unknown>({ method: 'GET', url: path });
    return parsePayload(Page, response.data, 'Mailchimp list webhooks').webhooks.map((w) => subscription(w, context.secrets));
  },
  async create(context, target) {
    const path = `/lists/${encodeURIComponent(context.settings.listId)}/webhooks`;
    const response = await client(context).request<unknown>({ method: 'POST', url: path, data: body(target.url, target.secret) });
    const created = parsePayload(Webhook, response.data, 'Mailchimp webhook');
    return { subscription: subscription(created, { ...context.secrets, webhookToken: target.secret ?? context.secrets.webhookToken }) };
  },
  async update(context, id, target) {
    const path = `/lists/${encodeURIComponent(context.settings.listId)}/webhooks/${encodeURIComponent(id)}`;
    const response = await client(context).request<unknown>({ method: 'PATCH', url: path, data: body(target.url, target.secret) });
    const updated = parsePayload(Webhook, response.data, 'Mailchimp webhook');
    return { subscription: subscription(updated, { ...context.secrets, webhookToken: target.secret ?? context.secrets.webhookToken }) };
  },
};
