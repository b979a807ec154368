// Pure mapping: Klaviyo events (webhook or poll) → canonical events, and profile changes → Klaviyo profile attributes.
import { normaliseEmail, type EventDraft, type FieldValue, type Identifier, type ProfileChange } from '../sdk/index.js';
import type { KlaviyoSettings } from './config.js';
import type { ProfileAttributes } from './schemas.js';

const E164 = /^\+[1-9]\d{6,14}$/;

type Kind = Extract<EventDraft, { type: 'email.engaged' }>['data']['kind'];
interface Meaning {
  kind?: Kind;
  consent?: boolean;
}

/**
 * Klaviyo's e-mail metrics by slug: a webhook topic without "event:" and "klaviyo." ("event:klaviyo.opened_email",
 * "event: email_delivered"), or a metric name in lower case with underscores ("Opened Email" → opened_email).
 */
const METRICS: Record<string, Meaning> = {
  received_email: { kind: 'sent' },
  email_delivered: { kind: 'sent' },
  opened_email: { kind: 'open' },
  clicked_email: { kind: 'click' },
  bounced_email: { kind: 'bounce' },
  dropped_email: { kind: 'bounce' },
  marked_email_as_spam: { kind: 'complaint', consent: false },
  unsubscribed: { kind: 'unsubscribe', consent: false },
  unsubscribed_from_email_marketing: { kind: 'unsubscribe', consent: false },
  subscribed_to_email_marketing: { consent: true },
};

export function topicSlug(topic: string): string {
  return topic
    .trim()
    .toLowerCase()
    .replace(/^event\s*:\s*/, '')
    .replace(/^klaviyo\./, '')
    .trim();
}

export function metricSlug(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
}

/** "2023-08-10 07:21:56+00:00" or ISO 8601 → UTC ISO; undefined when it is no time. */
export function klaviyoTimeToIso(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const at = Date.parse(text.trim().replace(/^(\d{4}-\d{2}-\d{2}) /, '$1T'));
  return Number.isNaN(at) ? undefined : new Date(at).toISOString();
}

export interface KlaviyoEvent {
  id: string;
  /** Slug of the topic or metric name. */
  metric: string;
  occurredAt: string;
  properties: Record<string, unknown>;
  profileId?: string;
  email?: string;
  phone?: string;
}

/** Events with a metric we do not sync (SMS, push, orders from integrations) map to nothing. */
export function klaviyoEventToDrafts(event: KlaviyoEvent, instance: string): EventDraft[] {
  const meaning = METRICS[event.metric];
  if (!meaning && event.metric !== 'viewed_product') return [];
  const identifiers: Identifier[] = [];
  const email = normaliseEmail(event.email ?? event.properties['email_address'] ?? event.properties['$email']);
  if (email) identifiers.push({ type: 'email', value: email });
  if (event.phone && E164.test(event.phone)) identifiers.push({ type: 'phone', value: event.phone });
  if (event.profileId) identifiers.push({ type: `customerId:${instance}`, value: event.profileId });
  if (identifiers.length === 0) return [];

  const base = { occurredAt: event.occurredAt, identifiers };
  if (!meaning) return viewedProduct(event, base);
  const drafts: EventDraft[] = [];
  if (meaning.kind) {
    const data: Extract<EventDraft, { type: 'email.engaged' }>['data'] = { kind: meaning.kind };
    const campaign = event.properties['Campaign Name'] ?? event.properties['$message'];
    if (typeof campaign === 'string' && campaign !== '') data.campaign = campaign.slice(0, 200);
    const url = event.properties['URL'];
    if (meaning.kind === 'click' && typeof url === 'string') data.url = url;
    // The event id is the same in a webhook and in GET /api/events: one event, one id, whichever way it came.
    drafts.push({ type: 'email.engaged', sourceEventId: `event:${event.id}`, ...base, data });
  }
  if (meaning.consent !== undefined) {
    const method =
      typeof event.properties['method'] === 'string' ? `klaviyo:${event.metric}:${event.properties['method']}` : `klaviyo:${event.metric}`;
    drafts.push({
      type: 'consent.changed',
      sourceEventId: `event:${event.id}:consent`,
      ...base,
      data: { purpose: 'email_marketing', granted: meaning.consent, method },
    });
  }
  return drafts;
}

/**
 * Klaviyo's onsite "Viewed Product" metric (its JavaScript `track` with Name, ProductID, Categories, URL, Price):
 * behaviour for the next job and cross-sell. The first non-empty category stands for the product; none, no category.
 */
function viewedProduct(event: KlaviyoEvent, base: { occurredAt: string; identifiers: Identifier[] }): EventDraft[] {
  const p = event.properties;
  const productId = p['ProductID'] ?? p['ProductId'];
  if ((typeof productId !== 'string' && typeof productId !== 'number') || String(productId) === '') return [];
  const name = typeof p['Name'] === 'string' ? p['Name'] : typeof p['ProductName'] === 'string' ? p['ProductName'] : undefined;
  const categories = Array.isArray(p['Categories']) ? p['Categories'] : [];
  const category = categories.find((c): c is string => typeof c === 'string' && c.trim() !== '');
  return [
    {
      type: 'product.viewed',
      sourceEventId: `event:${event.id}`,
      ...base,
      data: {
        productId: String(productId),
        ...(name ? { name: name.slice(0, 200) } : {}),
        ...(category ? { category: category.trim() } : {}),
      },
    },
  ];
}

// ── outbound ────────────────────────────────────────────────────────────────────────────────────

const ATTRIBUTES: Record<string, 'first_name' | 'last_name' | 'locale'> = {
  firstName: 'first_name',
  lastName: 'last_name',
  locale: 'locale',
};
const LOCATION: Record<string, string> = {
  city: 'city',
  postalCode: 'zip',
  country: 'country',
  region: 'region',
  line1: 'address1',
  line2: 'address2',
};

const text = (value: FieldValue): string | null => (value === null ? null : String(value));

/** The profile attributes of one change: only what changed; consent travels through the subscription jobs. */
export function toProfileAttributes(change: ProfileChange, email: string, settings: KlaviyoSettings): ProfileAttributes {
  const attributes: ProfileAttributes = { email };
  for (const name of new Set(change.changed)) {
    if (name === 'email' || name.startsWith('consent')) continue;
    const value = change.fields[name] ?? null;
    const attribute = ATTRIBUTES[name];
    if (attribute) attributes[attribute] = text(value);
    else if (name === 'phone') {
      // Klaviyo refuses phone numbers outside E.164; keep the rest of the profile rather than fail it.
      if (value === null || (typeof value === 'string' && E164.test(value))) attributes.phone_number = value;
    } else if (LOCATION[name]) (attributes.location ??= {})[LOCATION[name]] = text(value);
    else if (value !== null) (attributes.properties ??= {})[settings.propertyMap[name] ?? name] = value;
  }
  return attributes;
}

/**
 * Custom properties the change cleared: the bulk import ignores null ("does not support setting fields to null to
 * clear them"), so they travel as `meta.patch_properties.unset`, Klaviyo's documented way to remove a property.
 */
export function clearedProperties(change: ProfileChange, settings: KlaviyoSettings): string[] {
  const out: string[] = [];
  for (const name of new Set(change.changed)) {
    if (name === 'email' || name === 'phone' || name.startsWith('consent') || ATTRIBUTES[name] || LOCATION[name]) continue;
    if ((change.fields[name] ?? null) === null) out.push(settings.propertyMap[name] ?? name);
  }
  return out;
}

export function hasProfileData(attributes: ProfileAttributes): boolean {
  return Object.keys(attributes).some((key) => key !== 'email');
}
