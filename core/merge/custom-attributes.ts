// Vendor fields with no canonical place (a shoe size, a points balance), kept on the profile as fields of their own
// with provenance like any other, and projected under the same name so a destination's field mapping can pass them on.
import type { Profile } from '../profile.js';

/** Profile field (and projected field) of custom attribute `name`: `custom_shoeSize`. */
export const CUSTOM_PREFIX = 'custom_';
/** Custom attributes kept per profile: one source must not be able to grow a person's profile without bound. */
export const CUSTOM_ATTRIBUTE_LIMIT = 20;

export const customFieldName = (name: string) => `${CUSTOM_PREFIX}${name}`;
export const isCustomField = (field: string) => field.startsWith(CUSTOM_PREFIX);

/**
 * Keeps the CUSTOM_ATTRIBUTE_LIMIT custom fields with the smallest names: a function of the set of names, never of
 * the order the attributes arrived in, so the merge stays a join. Replaces `profile.fields` (a copy the caller owns).
 */
export function boundCustomAttributes(profile: Profile): void {
  const custom = Object.keys(profile.fields).filter(isCustomField);
  if (custom.length <= CUSTOM_ATTRIBUTE_LIMIT) return;
  const dropped = new Set(custom.sort().slice(CUSTOM_ATTRIBUTE_LIMIT));
  const kept: Profile['fields'] = {};
  for (const [name, record] of Object.entries(profile.fields)) if (!dropped.has(name)) kept[name] = record;
  profile.fields = kept;
}
