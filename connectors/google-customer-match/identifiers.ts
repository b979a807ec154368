// Google's normalisation of a person's e-mail address and phone number before SHA-256 (lower-case hex), so that the
// hashes match the ones Google computes from its own accounts (fixtures/SOURCES.md, "Normalisation").
import { createHash } from 'node:crypto';
import type { Identifier } from '../sdk/index.js';
import type { UserData } from './schemas.js';

/** Gmail ignores dots and everything from a "+" in the local part; Google documents both for its own two domains only. */
const GOOGLE_MAIL = new Set(['gmail.com', 'googlemail.com']);

/** Lower-cased, every whitespace removed, Gmail's dots and "+tag" dropped; undefined for what is no address. */
export function googleEmail(raw: string): string | undefined {
  const email = raw.replace(/\s+/g, '').toLowerCase();
  const at = email.lastIndexOf('@');
  if (at <= 0 || at === email.length - 1 || email.indexOf('@') !== at) return undefined;
  const domain = email.slice(at + 1);
  if (!domain.includes('.')) return undefined;
  let local = email.slice(0, at);
  if (GOOGLE_MAIL.has(domain)) {
    local = local.split('+')[0]!.replaceAll('.', '');
    if (local === '') return undefined;
  }
  return `${local}@${domain}`;
}

/** E.164: "+", the country code and the number, digits only (8 to 15 of them); undefined otherwise. */
export function googlePhone(raw: string): string | undefined {
  const phone = raw.trim();
  return /^\+[1-9]\d{7,14}$/.test(phone) ? phone : undefined;
}

export const sha256Hex = (value: string): string => createHash('sha256').update(value, 'utf8').digest('hex');

/** One person's identifiers as Customer Match takes them: hashed, at most one of each value, e-mail addresses first. */
export interface HashedPerson {
  hashedEmails: string[];
  hashedPhoneNumbers: string[];
}

/** Google takes at most 20 identifiers per person (UserData); more than that is a household, not a person. */
export const MAX_IDENTIFIERS_PER_PERSON = 20;

/**
 * The hashes for a person's e-mail addresses and phone numbers. `emails: 'primary'` (pushes) sends the address the
 * profile goes by, so that an old address the profile still lists is not added back after it was removed; `'all'`
 * (erasure) sends every address the profile ever had. Phone numbers come from the identifiers, which the core holds in
 * E.164.
 */
export function hashedPerson(
  identifiers: readonly Identifier[],
  primaryEmail: string | undefined,
  emails: 'primary' | 'all',
): HashedPerson {
  const listed = identifiers.filter((i) => i.type === 'email').map((i) => i.value);
  const candidates = emails === 'all' ? [primaryEmail, ...listed] : [primaryEmail ?? listed[0]];
  const hashedEmails = new Set<string>();
  const phones = new Set<string>();
  for (const raw of candidates) {
    const email = raw === undefined ? undefined : googleEmail(raw);
    if (email !== undefined) hashedEmails.add(sha256Hex(email));
  }
  for (const id of identifiers) {
    const phone = id.type === 'phone' ? googlePhone(id.value) : undefined;
    if (phone !== undefined) phones.add(sha256Hex(phone));
  }
  const kept = [...hashedEmails].slice(0, MAX_IDENTIFIERS_PER_PERSON);
  return { hashedEmails: kept, hashedPhoneNumbers: [...phones].slice(0, MAX_IDENTIFIERS_PER_PERSON - kept.length) };
}

/** The person as one UserData, or undefined when Google has nothing to match them by. */
export function userDataOf(person: HashedPerson): UserData | undefined {
  const userIdentifiers = [
    ...person.hashedEmails.map((hashedEmail) => ({ hashedEmail })),
    ...person.hashedPhoneNumbers.map((hashedPhoneNumber) => ({ hashedPhoneNumber })),
  ];
  return userIdentifiers.length > 0 ? { userIdentifiers } : undefined;
}
