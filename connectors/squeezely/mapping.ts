// Pure mapping: a merged profile change → the Squeezely event that carries it (POST /v1/track).
import { isConsentOnly, normaliseEmail, type FieldValue, type ProfileChange } from '../sdk/index.js';
import type { SqueezelySettings } from './config.js';
import type { TrackEvent } from './schemas.js';

export type EventFor = { ok: true; event: TrackEvent } | { ok: false; reason: string };

/** syncline's projected consent field for e-mail, which Squeezely calls `newsletter` (yes/no). */
const EMAIL_CONSENT = 'consentEmailMarketing';

/** Squeezely takes text and numbers; yes/no is its own word for booleans (see `newsletter`). */
function squeezelyValue(property: string, value: FieldValue): string | number | undefined {
  if (value === null) return undefined;
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  // birthdate is documented as YYYY-MM-DD: cut an ISO time off.
  if (property === 'birthdate') return /^\d{4}-\d{2}-\d{2}/.exec(value)?.[0];
  return value;
}

export function toTrackEvent(change: ProfileChange, settings: SqueezelySettings, instance: string): EventFor {
  const email = normaliseEmail(change.email ?? change.identifiers.find((id) => id.type === 'email')?.value);
  if (email === undefined) return { ok: false, reason: 'no e-mail address: Squeezely back-end events need one' };

  const event: Record<string, string | number> = { event: settings.profileEvent, email };
  if (settings.userIdFrom) {
    const userId = change.identifiers.find((id) => id.type === `customerId:${settings.userIdFrom}`)?.value;
    if (userId !== undefined) event['userid'] = userId;
  }
  let carried = 0;
  for (const name of new Set(change.changed)) {
    const value = change.fields[name] ?? null;
    if (name === EMAIL_CONSENT) {
      if (typeof value === 'boolean') {
        event['newsletter'] = value ? 'yes' : 'no';
        carried++;
      }
      continue;
    }
    const property = settings.fieldMap[name];
    if (property === undefined) continue;
    const converted = squeezelyValue(property, value);
    if (converted === undefined) continue;
    event[property] = converted;
    carried++;
  }
  if (carried === 0 && isConsentOnly(change)) {
    return {
      ok: false,
      reason: `Squeezely documents no property for ${change.changed.join(', ')}: map it to a custom data field (custom_…) in settings.fieldMap, or withdraw it in Squeezely by hand`,
    };
  }
  return { ok: true, event: event as TrackEvent };
}
