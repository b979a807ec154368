// The canonical form of a person's field values, used before two reports of a value are compared: a platform's own
// storage format (a national phone number, an upper-cased address, padded text, a date with a time) is no change.
import type { FieldValue } from './destination.js';
import { normaliseEmail, normalisePhone } from './identifiers.js';

const DATE_ONLY = /^(\d{4}-\d{2}-\d{2})(?:[T ]00:00(?::00(?:\.0+)?)?(?:Z|[+-]00:?00)?)?$/;

/** The value as syncline compares it: phone E.164, e-mail lower case, text trimmed with single spaces, dates as YYYY-MM-DD. */
export function canonicalValue(field: string, value: FieldValue | undefined, defaultCountryCode?: string): FieldValue | undefined {
  if (typeof value !== 'string') return value;
  const text = value.trim().replace(/\s+/g, ' ');
  if (text === '') return null;
  if (field === 'phone') return normalisePhone(text, defaultCountryCode) ?? text;
  if (field === 'email') return normaliseEmail(text) ?? text.toLowerCase();
  if (field === 'birthdate') return DATE_ONLY.exec(text)?.[1] ?? text;
  return text;
}

/** Whether two reports of a field hold the same value once both are in canonical form. */
export function sameValue(field: string, a: FieldValue | undefined, b: FieldValue | undefined, defaultCountryCode?: string): boolean {
  return canonicalValue(field, a, defaultCountryCode) === canonicalValue(field, b, defaultCountryCode);
}
