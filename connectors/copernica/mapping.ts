// Pure mapping: Copernica callbacks → canonical event drafts, and syncline profile changes → Copernica fields.
import { normaliseEmail as normaliseAddress, type EventDraft, type FieldValue, type Identifier, type ProfileChange } from '../sdk/index.js';
import type { CopernicaSettings } from './config.js';
import type { MessageCallback, ProfileCallback } from './schemas.js';
import { copernicaTimeToIso, isoToCopernicaTime, unixToIso } from './time.js';

export interface CallbackContext {
  instance: string;
  settings: CopernicaSettings;
  /** Stable for one delivery (a digest of the raw body), so a redelivery maps to the same event ids. */
  deliveryId: string;
  /** When the payload carries no time of its own: the signed Date header, else the receipt time. */
  fallbackTime: string;
}

/** The SDK's normal form, no longer than the 320 characters an address can have (64 local, @, 255 domain). */
export function normaliseEmail(raw: unknown): string | undefined {
  const email = normaliseAddress(raw);
  return email !== undefined && email.length <= 320 ? email : undefined;
}

/** Copernica field names are case-insensitive in practice ("Email" vs "email"): prefer an exact match. */
function fieldValue(fields: Record<string, FieldValue>, name: string): FieldValue | undefined {
  if (name in fields) return fields[name];
  const lower = name.toLowerCase();
  const key = Object.keys(fields).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : fields[key];
}

function occurredAt(p: { time?: number | undefined; timestamp?: string | undefined }, ctx: CallbackContext): string {
  if (p.time !== undefined) return unixToIso(p.time);
  return (p.timestamp && copernicaTimeToIso(p.timestamp, ctx.settings.timeZone)) || ctx.fallbackTime;
}

/** Canonical customer fields and the Copernica field each is read from (fieldMap, else the same name). */
const CUSTOMER_FIELDS = ['firstName', 'lastName', 'phone', 'birthdate', 'locale'] as const;

function text(value: FieldValue | undefined): string | null | undefined {
  if (value === undefined) return undefined;
  if (value === null) return null;
  const s = String(value).trim();
  return s === '' ? null : s;
}

function birthdate(value: FieldValue | undefined): string | null | undefined {
  const s = text(value);
  if (s === undefined || s === null) return s;
  // Copernica's empty date is 0000-00-00.
  return /^\d{4}-\d{2}-\d{2}/.test(s) && !s.startsWith('0000') ? s.slice(0, 10) : null;
}

export function profileCallbackToEvents(callback: ProfileCallback, ctx: CallbackContext): EventDraft[] {
  const { settings } = ctx;
  // Subprofiles live in collections we do not sync; other databases use other key fields.
  if (callback.subprofile !== undefined || callback.collection !== undefined) return [];
  if (callback.database !== undefined && callback.database !== String(settings.databaseId)) return [];
  // A deletion in Copernica is list hygiene or the "remove" unsubscribe behaviour, not the person's erasure request.
  if (callback.event === 'delete') return [];
  const fields = callback.fields;
  const profileId = callback.profile ?? callback.id;
  if (fields === undefined || profileId === undefined) return [];

  const email = normaliseEmail(fieldValue(fields, settings.keyField));
  const identifiers: Identifier[] = [{ type: `customerId:${ctx.instance}`, value: profileId }];
  if (email !== undefined) identifiers.unshift({ type: 'email', value: email });

  const data: Extract<EventDraft, { type: 'customer.upserted' }>['data'] = {};
  if (email !== undefined) data.email = email;
  for (const key of CUSTOMER_FIELDS) {
    const value = fieldValue(fields, settings.fieldMap?.[key] ?? key);
    const mapped = key === 'birthdate' ? birthdate(value) : text(value);
    if (mapped !== undefined) data[key] = mapped;
  }
  const created = callback.created && copernicaTimeToIso(callback.created, settings.timeZone);
  if (created) data.createdAt = created;

  const at = occurredAt(callback, ctx);
  const base = `${callback.event}:${profileId}:${ctx.deliveryId}`;
  const events: EventDraft[] = [{ type: 'customer.upserted', sourceEventId: base, occurredAt: at, identifiers, data }];
  if (unsubscribed(callback, settings)) {
    events.push({
      type: 'consent.changed',
      sourceEventId: `${base}:consent`,
      occurredAt: at,
      identifiers,
      data: { purpose: 'email_marketing', granted: false, method: 'copernica-unsubscribe' },
    });
  }
  return events;
}

/**
 * True when the profile now holds every value the database's unsubscribe behaviour writes, and this callback
 * is the change that wrote one of them (Publisher callbacks carry no `parameters`: then the state alone decides).
 */
function unsubscribed(callback: ProfileCallback, settings: CopernicaSettings): boolean {
  const wanted = Object.entries(settings.unsubscribeFields ?? {});
  if (wanted.length === 0 || callback.fields === undefined) return false;
  const fields = callback.fields;
  const same = (a: FieldValue | undefined, b: string) =>
    a !== undefined && a !== null && String(a).trim().toLowerCase() === b.trim().toLowerCase();
  if (!wanted.every(([name, value]) => same(fieldValue(fields, name), value))) return false;
  const parameters = callback.parameters;
  return parameters === undefined || wanted.some(([name]) => fieldValue(parameters, name) !== undefined);
}

const ENGAGEMENT = { open: 'open', click: 'click', delivery: 'sent', failure: 'bounce', failed: 'bounce' } as const;

export function messageCallbackToEvents(callback: MessageCallback, ctx: CallbackContext): EventDraft[] {
  // The bounce webhook carries everything sent back to the envelope address, out-of-office replies included:
  // only the failure webhook says a delivery failed.
  if (callback.event === 'bounce') return [];
  const email = normaliseEmail(callback.recipient);
  if (email === undefined) return [];
  const kind = ENGAGEMENT[callback.event];
  const data: Extract<EventDraft, { type: 'email.engaged' }>['data'] = { kind };
  const campaign = tagsText(callback.tags);
  if (campaign) data.campaign = campaign;
  if (callback.event === 'click' && callback.original) data.url = callback.original;
  return [
    {
      type: 'email.engaged',
      sourceEventId: `${callback.event}:${callback.id}:${ctx.deliveryId}`,
      occurredAt: occurredAt(callback, ctx),
      identifiers: [{ type: 'email', value: email }],
      data,
    },
  ];
}

function tagsText(tags: MessageCallback['tags']): string | undefined {
  if (tags === undefined) return undefined;
  const list = typeof tags === 'string' ? [tags] : Array.isArray(tags) ? tags : Object.values(tags);
  const joined = list
    .map((t) => t.trim())
    .filter(Boolean)
    .join(',');
  return joined === '' ? undefined : joined.slice(0, 200);
}

// ── outbound ────────────────────────────────────────────────────────────────────────────────────

const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/** Copernica fields are text, numbers and dates, all sent as strings; null clears a field. */
export function copernicaValue(value: FieldValue, timeZone: string): string {
  if (value === null) return '';
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (ISO_DATETIME.test(value)) return isoToCopernicaTime(value, timeZone) ?? value;
  return value;
}

/** The Copernica fields to write for one change: only the fields that changed, plus the key field. */
export function toCopernicaFields(change: ProfileChange, email: string, settings: CopernicaSettings): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of new Set(change.changed)) {
    // The key field already carries the address; a separate "email" field only when fieldMap asks for one.
    if (name === 'email' && settings.fieldMap?.['email'] === undefined) continue;
    const target = settings.fieldMap?.[name] ?? name;
    out[target] = copernicaValue(change.fields[name] ?? null, settings.timeZone);
  }
  out[settings.keyField] = email;
  return out;
}
