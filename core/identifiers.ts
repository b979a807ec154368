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

/**
 * Calling codes of countries whose national numbers drop a leading trunk 0 in international form. Italy, San Marino
 * and the Vatican keep their 0, and most other countries are not listed: their national numbers stay unread.
 */
const CALLING_CODES: Readonly<Record<string, string>> = {
  NL: '31',
  BE: '32',
  FR: '33',
  ES: '34',
  PT: '351',
  LU: '352',
  IE: '353',
  FI: '358',
  AT: '43',
  CH: '41',
  LI: '423',
  GB: '44',
  DK: '45',
  SE: '46',
  NO: '47',
  PL: '48',
  DE: '49',
  CZ: '420',
  SK: '421',
  HU: '36',
  GR: '30',
  AU: '61',
  NZ: '64',
};

/**
 * A phone number in E.164, reading a national number (leading 0) in the given ISO country (the payload's address);
 * undefined when the number is national and the country unknown, so no other country's code is guessed.
 */
export function phoneInCountry(raw: string, country: string | null | undefined): string | undefined {
  const code = country ? CALLING_CODES[country.trim().toUpperCase()] : undefined;
  const digits = raw.trim().replace(/[\s().-]/g, '');
  if (code === undefined && !digits.startsWith('+') && !digits.startsWith('00')) return undefined;
  return normalisePhone(raw, code);
}

/**
 * Normalises an identifier, or returns undefined when it must never be used for matching. A phone identifier must be
 * international (connectors read national numbers in the address's country, phoneInCountry): the tenant's default
 * country would turn a foreign buyer's national number into someone else's.
 */
export function normaliseIdentifier(id: Identifier): Identifier | undefined {
  let value: string | undefined = id.value.trim();
  if (id.type === 'email') value = normaliseEmail(value);
  else if (id.type === 'phone') value = phoneInCountry(value, undefined);
  if (value === undefined || BLOCKED_VALUES.has(value.toLowerCase())) return undefined;
  return { type: id.type, value };
}

/** Stable text form, used to compare and sort identifiers. */
export function identifierKey(id: Identifier): string {
  return `${id.type}#${id.value}`;
}

/**
 * Unkeyed hash that kept e-mail addresses and phone numbers out of keys before the stage's digest key (the legacy digest):
 * stores write core/identifier-digest.ts's keyed one and read this one only for items written before it.
 */
export function identifierDigest(tenantId: string, id: Identifier): string {
  return createHash('sha256')
    .update(`${tenantId}\u0000${identifierKey(id)}`)
    .digest('base64url')
    .slice(0, 32);
}

export function uniqueIdentifiers(ids: readonly Identifier[]): Identifier[] {
  if (ids.length < 2) return [...ids];
  const byKey = new Map<string, Identifier>();
  for (const id of ids) byKey.set(identifierKey(id), id);
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, id]) => id);
}
