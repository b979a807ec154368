// Pure mapping: Mailchimp audience webhooks → canonical events, and profile changes → Mailchimp member bodies.
import { createHash } from 'node:crypto';
import { normaliseEmail, type EventDraft, type FieldValue, type Identifier, type ProfileChange } from '../sdk/index.js';
import type { MailchimpSettings } from './config.js';
import type { BatchMember, EmailActivityPage, MailchimpWebhook, MemberPage, MemberUpsert, MergeFieldTypes } from './schemas.js';

/** Mailchimp's member key: the MD5 hash of the lower-cased address. */
export function subscriberHash(email: string): string {
  return createHash('md5').update(email.trim().toLowerCase()).digest('hex');
}

/**
 * fired_at ("2009-03-26 21:35:57") carries no zone. Mailchimp's API reports times in UTC, and we read webhook
 * times the same way (not confirmed by the webhook guide).
 */
export function firedAtToIso(firedAt: string): string {
  return new Date(`${firedAt.replace(' ', 'T')}Z`).toISOString();
}

const PERSON_FIELDS = ['firstName', 'lastName', 'phone', 'birthdate', 'locale'] as const;
type PersonData = Partial<Record<(typeof PERSON_FIELDS)[number], string | null>>;

/** Merge values read back through settings.mergeFields (FNAME → firstName, …). */
function personFromMerges(merges: Record<string, unknown> | undefined, settings: MailchimpSettings): PersonData {
  const out: PersonData = {};
  if (!merges) return out;
  for (const field of PERSON_FIELDS) {
    const tag = settings.mergeFields[field];
    const value = tag === undefined ? undefined : merges[tag];
    if (typeof value === 'string') out[field] = value.trim() === '' ? null : value.trim();
  }
  return out;
}

export interface MappingContext {
  instance: string;
  settings: MailchimpSettings;
}

type Draft<T extends EventDraft['type']> = Extract<EventDraft, { type: T }>;

export function webhookToEvents(hook: MailchimpWebhook, ctx: MappingContext): EventDraft[] {
  const occurredAt = firedAtToIso(hook.fired_at);
  // Retries of one delivery repeat type, audience, member and fired_at: together they name the delivery.
  const idFor = (email: string, suffix: string) => `${hook.type}:${hook.data.list_id}:${subscriberHash(email)}:${hook.fired_at}:${suffix}`;
  const emailId = (email: string): Identifier[] => [{ type: 'email', value: email }];

  switch (hook.type) {
    case 'subscribe':
    case 'profile': {
      const email = normaliseEmail(hook.data.email);
      if (email === undefined) return [];
      const upserted: Draft<'customer.upserted'> = {
        type: 'customer.upserted',
        sourceEventId: idFor(email, 'profile'),
        occurredAt,
        identifiers: emailId(email),
        data: { email, ...personFromMerges(hook.data.merges, ctx.settings) },
      };
      if (hook.type === 'profile') return [upserted];
      const consent: Draft<'consent.changed'> = {
        type: 'consent.changed',
        sourceEventId: idFor(email, 'consent'),
        occurredAt,
        identifiers: emailId(email),
        data: { purpose: 'email_marketing', granted: true, method: 'mailchimp:subscribe' },
      };
      return [upserted, consent];
    }
    case 'unsubscribe': {
      const email = normaliseEmail(hook.data.email);
      if (email === undefined) return [];
      const abuse = hook.data.reason === 'abuse';
      const engaged: Draft<'email.engaged'> = {
        type: 'email.engaged',
        sourceEventId: idFor(email, 'engaged'),
        occurredAt,
        identifiers: emailId(email),
        data: { kind: abuse ? 'complaint' : 'unsubscribe', ...(hook.data.campaign_id ? { campaign: hook.data.campaign_id } : {}) },
      };
      const method = `mailchimp:${hook.data.action ?? 'unsub'}:${hook.data.reason ?? 'manual'}`;
      const consent: Draft<'consent.changed'> = {
        type: 'consent.changed',
        sourceEventId: idFor(email, 'consent'),
        occurredAt,
        identifiers: emailId(email),
        data: { purpose: 'email_marketing', granted: false, method },
      };
      return [consent, engaged];
    }
    case 'upemail': {
      const email = normaliseEmail(hook.data.new_email);
      const old = normaliseEmail(hook.data.old_email);
      if (email === undefined) return [];
      // Both addresses as identifiers: the merge finds the person by the old one and adds the new one.
      const identifiers: Identifier[] = [...emailId(email), ...(old && old !== email ? emailId(old) : [])];
      return [{ type: 'customer.upserted', sourceEventId: idFor(email, 'upemail'), occurredAt, identifiers, data: { email } }];
    }
    case 'cleaned': {
      const email = normaliseEmail(hook.data.email);
      if (email === undefined) return [];
      const abuse = hook.data.reason === 'abuse';
      const events: EventDraft[] = [
        {
          type: 'email.engaged',
          sourceEventId: idFor(email, 'cleaned'),
          occurredAt,
          identifiers: emailId(email),
          data: { kind: abuse ? 'complaint' : 'bounce', ...(hook.data.campaign_id ? { campaign: hook.data.campaign_id } : {}) },
        },
      ];
      // A hard bounce says nothing about the person's wishes; an abuse report is a withdrawal.
      if (abuse) {
        events.push({
          type: 'consent.changed',
          sourceEventId: idFor(email, 'consent'),
          occurredAt,
          identifiers: emailId(email),
          data: { purpose: 'email_marketing', granted: false, method: 'mailchimp:cleaned:abuse' },
        });
      }
      return events;
    }
    case 'campaign':
      return [];
  }
}

/**
 * An unsubscribed member the poll found: the withdrawal its webhook would have carried. Dated by `last_changed`
 * (Mailchimp keeps no unsubscribe time on the member); its id names the member and that time, so the next pass's
 * overlap dedupes.
 */
export function unsubscribedMemberToEvents(member: MemberPage['members'][number], listId: string): EventDraft[] {
  const email = normaliseEmail(member.email_address);
  if (email === undefined || member.status !== 'unsubscribed') return [];
  const occurredAt = new Date(member.last_changed).toISOString();
  return [
    {
      type: 'consent.changed',
      sourceEventId: `member:${listId}:${subscriberHash(email)}:unsubscribed:${occurredAt}`,
      occurredAt,
      identifiers: [{ type: 'email', value: email }],
      data: { purpose: 'email_marketing', granted: false, method: 'mailchimp:poll:unsubscribed' },
    },
  ];
}

const ACTIVITY_KINDS: Record<string, 'open' | 'click' | 'bounce'> = { open: 'open', click: 'click', bounce: 'bounce' };

/**
 * One recipient's activity in a campaign (GET /reports/{campaign_id}/email-activity): each open, click and bounce
 * becomes an email.engaged of that campaign, identified by campaign, member, action and time (re-reads are duplicates).
 */
export function emailActivityToEvents(recipient: EmailActivityPage['emails'][number], campaignId: string): EventDraft[] {
  const email = normaliseEmail(recipient.email_address);
  if (email === undefined) return [];
  const events: EventDraft[] = [];
  for (const a of recipient.activity) {
    const kind = ACTIVITY_KINDS[a.action];
    const at = Date.parse(a.timestamp);
    if (kind === undefined || Number.isNaN(at)) continue;
    const occurredAt = new Date(at).toISOString();
    events.push({
      type: 'email.engaged',
      sourceEventId: `activity:${campaignId}:${subscriberHash(email)}:${a.action}:${occurredAt}`,
      occurredAt,
      identifiers: [{ type: 'email', value: email }],
      data: { kind, campaign: campaignId, ...(kind === 'click' && a.url ? { url: a.url } : {}) },
    });
  }
  return events;
}

// ── outbound ────────────────────────────────────────────────────────────────────────────────────

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})/;

/**
 * A merge value in the format of its field's type: a birthday as "MM/DD", a date in the field's date format
 * ("MM/DD/YYYY", "DD/MM/YYYY"; else YYYY-MM-DD), a number as a number; other text as it is, booleans as yes/no,
 * null as "" (which clears the field).
 */
export function mergeValue(value: FieldValue, field?: { type: string; dateFormat?: string }): string | number {
  if (value === null) return '';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number') return Number.isFinite(value) ? value : '';
  const date = ISO_DATE.exec(value);
  if (field?.type === 'birthday' && date) return `${date[2]}/${date[3]}`;
  if (field?.type === 'date' && date) {
    const [, y, m, d] = date;
    if (field.dateFormat === 'MM/DD/YYYY') return `${m}/${d}/${y}`;
    if (field.dateFormat === 'DD/MM/YYYY') return `${d}/${m}/${y}`;
    return `${y}-${m}-${d}`;
  }
  if (field?.type === 'number' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return value;
}

/** Only the fields that changed and have a merge tag, each in its field type's format. */
export function mergeFieldsFor(
  change: ProfileChange,
  settings: MailchimpSettings,
  types?: MergeFieldTypes,
): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const name of new Set(change.changed)) {
    const tag = settings.mergeFields[name];
    if (tag !== undefined) out[tag] = mergeValue(change.fields[name] ?? null, types?.get(tag));
  }
  return out;
}

/** A consenting profile as a batch-subscribe member: subscribed, with its changed merge fields. */
export function toBatchMember(change: ProfileChange, email: string, settings: MailchimpSettings, types?: MergeFieldTypes): BatchMember {
  const merge = mergeFieldsFor(change, settings, types);
  return { email_address: email, status: 'subscribed', ...(Object.keys(merge).length > 0 ? { merge_fields: merge } : {}) };
}

/** A change without new consent as "Add or update list member" takes it: no status, so an existing member keeps its own. */
export function toMemberUpsert(change: ProfileChange, email: string, settings: MailchimpSettings, types?: MergeFieldTypes): MemberUpsert {
  const merge = mergeFieldsFor(change, settings, types);
  return { email_address: email, status_if_new: 'subscribed', ...(Object.keys(merge).length > 0 ? { merge_fields: merge } : {}) };
}

export interface TagUpdate {
  name: string;
  status: 'active' | 'inactive';
}

/** Tag changes for the changed segment fields (settings.tagFields). */
export function tagUpdatesFor(change: ProfileChange, settings: MailchimpSettings): TagUpdate[] {
  const out: TagUpdate[] = [];
  for (const name of new Set(change.changed)) {
    const tag = settings.tagFields[name];
    if (tag !== undefined) out.push({ name: tag, status: change.fields[name] === true ? 'active' : 'inactive' });
  }
  return out;
}
