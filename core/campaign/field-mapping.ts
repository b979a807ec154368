// What one destination receives: purpose consent first (personalisation and profiling fields only with that
// consent), then the tenant's field mapping for the destination (renames, omissions).
import type { FieldValue } from '../destination.js';
import type { ConsentPurpose } from '../events.js';
import type { Profile } from '../profile.js';
import type { DestinationFieldMapping } from './config.js';

/** Fields that profile the person (need `profiling`) or personalise what they see (need `personalisation`). */
function purposeOf(field: string): ConsentPurpose | undefined {
  if (/^rfm/.test(field) || field === 'segmentLoyal') return 'profiling';
  if (
    /^crossSell\d/.test(field) ||
    /^nextJob/.test(field) ||
    ['categoriesBought', 'secondaryInterests', 'giftSeasons', 'lastViewedCategory', 'lastSearchedCategory'].includes(field)
  )
    return 'personalisation';
  return undefined;
}

/**
 * Blanks every field whose purpose the person has not consented to. Blank, not absent: a withdrawal then clears
 * what the destination was sent before. `destinationPurpose` is already checked by the push.
 */
export function withPurposeConsent(
  fields: Record<string, FieldValue>,
  consent: Profile['consent'],
  destinationPurpose: ConsentPurpose,
): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {};
  for (const [name, value] of Object.entries(fields)) {
    const purpose = purposeOf(name);
    out[name] = purpose === undefined || purpose === destinationPurpose || consent[purpose]?.granted === true ? value : null;
  }
  return out;
}

const ALWAYS_SENT = (name: string) => name === 'email' || name.startsWith('consent');

/** The fields this destination takes, under syncline's names (what push snapshots hold). */
export function selectFields(fields: Record<string, FieldValue>, mapping: DestinationFieldMapping | undefined): Record<string, FieldValue> {
  if (!mapping) return fields;
  return Object.fromEntries(
    Object.entries(fields).filter(
      ([name]) => ALWAYS_SENT(name) || (mapping.fields[name] !== null && (!mapping.only || mapping.fields[name] !== undefined)),
    ),
  );
}

/** The destination's name for a field. */
export function destinationName(name: string, mapping: DestinationFieldMapping | undefined): string {
  return mapping?.fields[name] ?? name;
}
