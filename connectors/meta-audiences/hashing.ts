// Meta's customer-file normalisation and hashing, and the multi-key rows a person becomes. Pure.
import { createHash } from 'node:crypto';
import type { ErasureSubject, ProfileChange } from '../sdk/index.js';
import type { MetaAudiencesSettings } from './config.js';

/** The multi-key schema every row follows; an unknown key is sent as an empty string, as Meta documents. */
export const SCHEMA = ['EMAIL', 'PHONE'] as const;
export type Row = [email: string, phone: string];

export const sha256 = (value: string): string => createHash('sha256').update(value, 'utf8').digest('hex');

/** EMAIL: trim leading and trailing whitespace, lower-case. */
export function metaEmail(raw: string): string | undefined {
  const email = raw.trim().toLowerCase();
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) ? email : undefined;
}

/**
 * PHONE: digits only, with the country code and without leading zeros. syncline keeps phones in E.164
 * (core/identifiers.ts), so dropping the "+" gives Meta's form; a number without its country code cannot be told
 * from one with, so anything not in E.164 is not sent.
 */
export function metaPhone(e164: string): string | undefined {
  if (!/^\+[1-9]\d{6,14}$/.test(e164.trim())) return undefined;
  return e164.trim().slice(1);
}

export const hashedEmail = (raw: string): string | undefined => {
  const email = metaEmail(raw);
  return email === undefined ? undefined : sha256(email);
};

export const hashedPhone = (e164: string): string | undefined => {
  const phone = metaPhone(e164);
  return phone === undefined ? undefined : sha256(phone);
};

/** The person's current row: the primary e-mail and the first phone number, each when the instance matches on it. */
export function rowOf(
  change: Pick<ProfileChange, 'email' | 'identifiers'>,
  settings: Pick<MetaAudiencesSettings, 'keys'>,
): Row | undefined {
  const email = settings.keys.includes('email') && change.email !== undefined ? (hashedEmail(change.email) ?? '') : '';
  const phoneId = change.identifiers.find((i) => i.type === 'phone');
  const phone = settings.keys.includes('phone') && phoneId ? (hashedPhone(phoneId.value) ?? '') : '';
  return email === '' && phone === '' ? undefined : [email, phone];
}

/** Every key the subject ever had, one per row: an erasure removes each, whichever Meta matched. */
export function erasureRows(subject: ErasureSubject): Row[] {
  const rows = new Map<string, Row>();
  const emails = [...(subject.email ? [subject.email] : []), ...subject.identifiers.filter((i) => i.type === 'email').map((i) => i.value)];
  for (const email of emails) {
    const hash = hashedEmail(email);
    if (hash) rows.set(`e:${hash}`, [hash, '']);
  }
  for (const id of subject.identifiers.filter((i) => i.type === 'phone')) {
    const hash = hashedPhone(id.value);
    if (hash) rows.set(`p:${hash}`, ['', hash]);
  }
  return [...rows.values()];
}
