// The flat view of a profile that destinations receive. Issue-5 traits and segments extend this.
import type { FieldValue } from './destination.js';
import type { ConsentPurpose } from './events.js';
import type { CartRecord, OrderRecord, Profile } from './profile.js';

/** The projected field that carries each consent purpose, so a withdrawal reaches the destination. */
export const CONSENT_FIELDS: Record<ConsentPurpose, string> = {
  email_marketing: 'consentEmailMarketing',
  sms_marketing: 'consentSmsMarketing',
  personalisation: 'consentPersonalisation',
  profiling: 'consentProfiling',
};

const PERSON_FIELDS = ['email', 'firstName', 'lastName', 'phone', 'birthdate', 'locale', 'city', 'postalCode', 'country'] as const;

export function countedOrders(profile: Profile): OrderRecord[] {
  return Object.values(profile.orders).filter((o) => o.status !== 'cancelled' && o.status !== 'refunded');
}

/** Carts and checkouts that no order completed: abandoned-cart candidates. */
export function openCarts(profile: Profile): CartRecord[] {
  const completedTokens = new Set(Object.values(profile.orders).map((o) => o.checkoutToken).filter((t): t is string => t !== undefined));
  return Object.values(profile.carts)
    .filter((c) => !c.completedAt && !completedTokens.has(c.cartId))
    .sort((a, b) => (a.at < b.at ? 1 : -1));
}

export function projectProfile(profile: Profile): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {};
  for (const name of PERSON_FIELDS) out[name] = profile.fields[name]?.value ?? null;
  if (out.email === null) out.email = profile.identifiers.find((i) => i.type === 'email')?.value ?? null;

  const orders = countedOrders(profile).sort((a, b) => (a.placedAt < b.placedAt ? -1 : 1));
  out.orderCount = orders.length;
  out.totalSpent = Math.round(orders.reduce((sum, o) => sum + o.total, 0) * 100) / 100;
  out.firstOrderAt = orders[0]?.placedAt ?? null;
  out.lastOrderAt = orders.at(-1)?.placedAt ?? null;

  const cart = openCarts(profile)[0];
  out.openCartValue = cart?.total ?? null;
  out.openCartUrl = cart?.recoveryUrl ?? null;
  out.openCartUpdatedAt = cart?.at ?? null;

  for (const [purpose, field] of Object.entries(CONSENT_FIELDS)) out[field] = profile.consent[purpose as ConsentPurpose]?.granted ?? null;
  return out;
}

export function changedFields(before: Record<string, FieldValue> | undefined, after: Record<string, FieldValue>): string[] {
  return Object.keys(after)
    .filter((k) => before === undefined || before[k] !== after[k])
    .sort();
}
