// Identifiers that tie a person together across systems, normalised so that equal people compare equal.
import { createHash } from 'node:crypto';
import * as z from 'zod';

/** `customerId:<instance>` scopes a vendor's customer id to one connector instance (two shops may share ids). */
export const IdentifierType = z.union([
  z.enum(['email', 'phone', 'anonymousId', 'loyaltyId']),
  z.string().regex(/^customerId:[a-z0-9][a-z0-9-]{0,62}$/, 'customerId:<instance> with a lower-case instance name'),
]);
export type IdentifierType = z.infer<typeof IdentifierType>;

export const Identifier = z.object({
  type: IdentifierType,
  value: z.string().min(1).max(320),
});
export type Identifier = z.infer<typeof Identifier>;

/** Values that identify nobody: placeholders shops and POS systems send when the real value is unknown. */
const BLOCKED_VALUES = new Set([
  '',
  '0',
  '-1',
  'null',
  'undefined',
  'none',
  'n/a',
  'anonymous',
  'unknown',
  'test@test.com',
  'noreply@example.com',
]);

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function normaliseEmail(raw: string): string | undefined {
  const email = raw.trim().toLowerCase();
  return EMAIL.test(email) ? email : undefined;
}

/**
 * E.164 without a phone library: strips formatting, turns a leading 00 into +, and assumes the tenant's
 * default country code for national numbers (a leading 0). Returns undefined when it cannot be sure.
 */
export function normalisePhone(raw: string, defaultCountryCode = '31'): string | undefined {
  let digits = raw.trim().replace(/[\s().-]/g, '');
  if (digits.startsWith('00')) digits = `+${digits.slice(2)}`;
  else if (digits.startsWith('0')) digits = `+${defaultCountryCode}${digits.slice(1)}`;
  if (!/^\+[1-9]\d{6,14}$/.test(digits)) return undefined;
  return digits;
}

/** Normalises an identifier, or returns undefined when it must never be used for matching. */
export function normaliseIdentifier(id: Identifier, defaultCountryCode?: string): Identifier | undefined {
  let value: string | undefined = id.value.trim();
  if (id.type === 'email') value = normaliseEmail(value);
  else if (id.type === 'phone') value = normalisePhone(value, defaultCountryCode);
  if (value === undefined || BLOCKED_VALUES.has(value.toLowerCase())) return undefined;
  return { type: id.type, value };
}

/** Stable text form, used to compare and sort identifiers. */
export function identifierKey(id: Identifier): string {
  return `${id.type}#${id.value}`;
}

/** Hash used in storage keys so that no e-mail address or phone number appears in a key, log line or metric. */
export function identifierDigest(tenantId: string, id: Identifier): string {
  return createHash('sha256')
    .update(`${tenantId}\u0000${identifierKey(id)}`)
    .digest('base64url')
    .slice(0, 32);
}

export function uniqueIdentifiers(ids: readonly Identifier[]): Identifier[] {
  const byKey = new Map<string, Identifier>();
  for (const id of ids) byKey.set(identifierKey(id), id);
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, id]) => id);
}
