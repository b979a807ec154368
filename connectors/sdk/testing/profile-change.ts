// A profile change as the push stage hands it to a destination, for push tests.
import type { ProfileChange } from '../../../core/destination.js';

/** The change of the profile with `email` (none when undefined): `fields` all changed, e-mail consent granted. */
export function profileChange(
  email: string | undefined,
  fields: ProfileChange['fields'],
  overrides: Partial<ProfileChange> = {},
): ProfileChange {
  return {
    profileId: `p-${email ?? 'none'}`,
    identifiers: email ? [{ type: 'email', value: email }] : [],
    ...(email !== undefined ? { email } : {}),
    fields,
    changed: Object.keys(fields),
    consent: { email_marketing: true },
    ...overrides,
  };
}
