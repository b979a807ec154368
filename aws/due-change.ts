// The merge's part of the due items (aws/dynamo-due-items.ts has the rules): which due item a profile commit writes,
// keeps or deletes. Apart from the sweep's reader, so the merge function does not load it (issue 15: ≤ 250 kB at init).
import type { Profile } from '../core/profile.js';
import { dueItemKeys, type Key } from './tables.js';

/** The profile item's attribute naming its current due item: `<dueAt>#<version>`. */
export const DUE_ATTRIBUTE = 'due';

/** A merge keeps an unchanged due item only when it is due later than this (the Lambda timeout and clock skew). */
const KEEP_MARGIN_MS = 20 * 60_000;

/** What the profile item's `due` says: the due time and the version of the item it names. */
export function parseDue(value: unknown): { dueAt: string; version: number } | undefined {
  if (typeof value !== 'string') return undefined;
  const at = value.lastIndexOf('#');
  const version = Number(value.slice(at + 1));
  return at > 0 && Number.isInteger(version) ? { dueAt: value.slice(0, at), version } : undefined;
}

/** A profile commit's due item work: the `due` attribute to store, the item to write before, the one to delete after. */
export interface DueChange {
  attribute?: string;
  write?: Key;
  drop?: Key;
}

/**
 * The due item work of committing `profile` (a tombstone has no due time) with due time `dueAt`, when the item stored
 * at the expected version named `stored` in `due` (`known` false: the repository does not know what it named, so it
 * can keep nothing and delete nothing; the sweep deletes the old item as stale when it meets it).
 */
export function dueChange(
  tenantId: string,
  profile: Profile,
  dueAt: string | undefined,
  stored: { known: boolean; due?: string },
  now: Date,
): DueChange {
  const old = stored.known ? parseDue(stored.due) : undefined;
  const oldKey = old && dueItemKeys.item(tenantId, profile.profileId, old.dueAt, old.version);
  if (dueAt === undefined) return oldKey ? { drop: oldKey } : {};
  if (old && old.dueAt === dueAt && Date.parse(dueAt) > now.getTime() + KEEP_MARGIN_MS) return { attribute: stored.due! };
  return {
    attribute: `${dueAt}#${profile.version}`,
    write: dueItemKeys.item(tenantId, profile.profileId, dueAt, profile.version),
    ...(oldKey ? { drop: oldKey } : {}),
  };
}
