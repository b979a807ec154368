// Pure mapping both ways: profile changes → data/load rows; engagement records → canonical email.engaged events.
import { isConsentOnly, normaliseEmail, type EventDraft, type FieldValue, type ProfileChange } from '../sdk/index.js';
import type { SelligentSettings } from './config.js';
import type { EngagementRecord } from './schemas.js';
import { selligentTimeToIso } from './time.js';

const EMAIL_CONSENT = 'consentEmailMarketing';

/** data/load takes every value as a string; null clears a field. */
export function selligentValue(value: FieldValue): string {
  if (value === null) return '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  return value;
}

export type RowFor = { ok: true; values: Record<string, string> } | { ok: false; reason: string };

/** The list fields to write for one change: the key, and only the mapped fields that changed. */
export function toListRow(change: ProfileChange, settings: SelligentSettings): RowFor {
  const email = normaliseEmail(change.email ?? change.identifiers.find((id) => id.type === 'email')?.value);
  if (email === undefined) return { ok: false, reason: 'no e-mail address for the key field' };
  const values: Record<string, string> = {};
  let carried = 0;
  for (const name of new Set(change.changed)) {
    const value = change.fields[name] ?? null;
    if (name === EMAIL_CONSENT && settings.optoutField && typeof value === 'boolean') {
      values[settings.optoutField] = value ? '0' : '1';
      carried++;
      continue;
    }
    const target = settings.fieldMap[name];
    if (target === undefined || target === settings.keyField) continue;
    values[target] = selligentValue(value);
    carried++;
  }
  if (carried === 0 && isConsentOnly(change)) {
    return {
      ok: false,
      reason: `no list field for ${change.changed.join(', ')}: set settings.optoutField (or fieldMap) so the withdrawal reaches Selligent`,
    };
  }
  values[settings.keyField] = email;
  return { ok: true, values };
}

export interface LoadGroup {
  /** Column order for the `fields` query parameter: the key first. */
  fields: string[];
  rows: { index: number; values: string[] }[];
}

/** data/load wants one column list per request: changes touching different fields go in different requests. */
export function groupRows(rows: { index: number; values: Record<string, string> }[], keyField: string): LoadGroup[] {
  const groups = new Map<string, LoadGroup>();
  for (const row of rows) {
    const fields = [
      keyField,
      ...Object.keys(row.values)
        .filter((f) => f !== keyField)
        .sort(),
    ];
    const id = fields.join(',');
    let group = groups.get(id);
    if (!group) groups.set(id, (group = { fields, rows: [] }));
    group.rows.push({ index: row.index, values: fields.map((f) => row.values[f] ?? '') });
  }
  return [...groups.values()];
}

const KINDS = [
  ['DELIVERED_LASTDT', 'sent'],
  ['VIEWED_LASTDT', 'open'],
  ['CLICKED_LASTDT', 'click'],
] as const;

export interface EngagementContext {
  instance: string;
  list: string;
  timeZone: string;
}

/**
 * Selligent reports engagement as counters with the date of the last delivery, view and click per list record:
 * each last date becomes one email.engaged event, identified by that date, so re-reading a record that did not
 * change yields the same event ids (and the pipeline drops the duplicates).
 */
export function engagementToEvents(
  recordId: string,
  email: string | undefined,
  engagement: EngagementRecord,
  ctx: EngagementContext,
): EventDraft[] {
  const record = engagement.record;
  if (record === undefined) return [];
  const identifiers = [{ type: `customerId:${ctx.instance}`, value: recordId }, ...(email ? [{ type: 'email', value: email }] : [])];
  const events: EventDraft[] = [];
  for (const [field, kind] of KINDS) {
    const last = record[field];
    if (!last) continue;
    const occurredAt = selligentTimeToIso(last, ctx.timeZone);
    if (occurredAt === undefined) continue;
    events.push({
      type: 'email.engaged',
      sourceEventId: `${kind}:${ctx.list}:${recordId}:${last}`,
      occurredAt,
      identifiers,
      data: { kind },
    });
  }
  return events;
}
