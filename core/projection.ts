// The flat view of a profile that destinations receive: person fields, order totals, open cart, consent, and with a
// projection context the campaign fields (traits, RFM, segments, abandoned cart, cross-sell, holdouts).
import type { FieldValue } from './destination.js';
import type { ConsentPurpose } from './events.js';
import type { Profile } from './profile.js';
import { campaignFields, type ProjectionContext } from './campaign/campaign-fields.js';
import { openCarts, orderTotals } from './campaign/orders.js';
import { isCustomField } from './merge/custom-attributes.js';

export type { ProjectionContext };

/** The projected field that carries each consent purpose, so a withdrawal reaches the destination. */
export const CONSENT_FIELDS: Record<ConsentPurpose, string> = {
  email_marketing: 'consentEmailMarketing',
  sms_marketing: 'consentSmsMarketing',
  personalisation: 'consentPersonalisation',
  profiling: 'consentProfiling',
  advertising: 'consentAdvertising',
};

const PERSON_FIELDS = ['email', 'firstName', 'lastName', 'phone', 'birthdate', 'locale', 'city', 'postalCode', 'country'] as const;

/** Without a context only the base fields: the campaign fields need the tenant's rules and a clock. */
export function projectProfile(profile: Profile, context?: ProjectionContext): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {};
  for (const name of PERSON_FIELDS) out[name] = profile.fields[name]?.value ?? null;
  if (out.email === null) out.email = profile.identifiers.find((i) => i.type === 'email')?.value ?? null;

  const totals = orderTotals(profile);
  out.orderCount = totals.count;
  out.totalSpent = totals.revenue;
  out.firstOrderAt = totals.firstOrderAt;
  out.lastOrderAt = totals.lastOrderAt;

  const cart = openCarts(profile)[0];
  out.openCartValue = cart?.total ?? null;
  out.openCartUrl = cart?.recoveryUrl ?? null;
  out.openCartUpdatedAt = cart?.at ?? null;

  for (const [purpose, field] of Object.entries(CONSENT_FIELDS)) out[field] = profile.consent[purpose as ConsentPurpose]?.granted ?? null;
  // Custom attributes under their profile names (custom_<name>): a field mapping renames or leaves them out.
  for (const [name, record] of Object.entries(profile.fields)) if (isCustomField(name)) out[name] = record.value;
  return context ? { ...out, ...campaignFields(profile, context) } : out;
}

export function changedFields(before: Record<string, FieldValue> | undefined, after: Record<string, FieldValue>): string[] {
  return Object.keys(after)
    .filter((k) => before === undefined || before[k] !== after[k])
    .sort();
}

/** The instance whose report a projected field holds, for the fields that come from one report (person fields, consent). */
export function fieldSource(profile: Profile, field: string): string | undefined {
  if ((PERSON_FIELDS as readonly string[]).includes(field) || isCustomField(field)) return profile.fields[field]?.source;
  const purpose = Object.entries(CONSENT_FIELDS).find(([, name]) => name === field)?.[0] as ConsentPurpose | undefined;
  return purpose === undefined ? undefined : profile.consent[purpose]?.source;
}
