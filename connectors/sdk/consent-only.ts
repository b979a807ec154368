// Which profile changes a destination must send even without the purpose's consent.
import type { ProfileChange } from '../../core/destination.js';

/**
 * A change whose changed fields are all consent fields is a withdrawal (or grant) of consent: it must reach the
 * vendor even when the profile has not consented, so that the vendor stops mailing or personalising for the person.
 */
export function isConsentOnly(change: ProfileChange): boolean {
  return change.changed.length > 0 && change.changed.every((field) => field.startsWith('consent'));
}
