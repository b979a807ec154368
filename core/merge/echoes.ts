// A platform's answer to syncline's own write is not news. Copernica fires its profile callback on every change, API
// writes included, with the whole profile and the time of the change; Mailchimp's list webhooks fire on API changes
// unless the `api` source is off. Merged as fresh facts, such echoes re-stamp what syncline wrote with a newer time and
// beat a newer value still on its way (a late unsubscribe, a late shop edit). So an inbound report from a destination
// is compared with what syncline last wrote there (the push snapshot): the values equal to it are acknowledged, not
// merged. Values are compared and merged in canonical form (core/canonical-values.ts): a platform's storage format
// (Copernica's national phone number) is no change.
import type { TenantConfig } from '../config.js';
import { canonicalValue, sameValue } from '../canonical-values.js';
import type { FieldValue } from '../destination.js';
import type { EventOf } from '../events.js';
import { CONSENT_FIELDS } from '../projection.js';
import type { ProfileEvent } from './merge-event.js';

/** Person fields an event carries flat, under the names the push snapshot uses (core/projection.ts). */
const FLAT_FIELDS = ['firstName', 'lastName', 'email', 'phone', 'birthdate', 'locale'] as const;

/** Whether the instance an event came from is also one syncline pushes to (only then can it echo our writes). */
export function isDestination(tenant: TenantConfig, instance: string): boolean {
  return tenant.instances.some((i) => i.id === instance && i.push);
}

/** The event with its person fields in canonical form (a pure function of the event: the merge stays a join). */
export function canonicalEvent<E extends ProfileEvent>(event: E, tenant: TenantConfig): E {
  if (event.type !== 'customer.upserted') return event;
  const data: EventOf<'customer.upserted'>['data'] = { ...event.data };
  for (const field of FLAT_FIELDS) {
    const value = data[field];
    if (value !== undefined) data[field] = canonicalValue(field, value, tenant.defaultCountryCode) as string | null;
  }
  return { ...event, data };
}

/**
 * The event without what equals syncline's last write to its source (`written`, the push snapshot in syncline's field
 * names), or undefined when all of it does: the event is then the destination's echo of our write, acknowledged only.
 */
export function withoutEchoes(
  event: ProfileEvent,
  written: Readonly<Record<string, FieldValue>>,
  tenant: TenantConfig,
): ProfileEvent | undefined {
  const country = tenant.defaultCountryCode;
  if (event.type === 'consent.changed') {
    const field = CONSENT_FIELDS[event.data.purpose];
    return written[field] === event.data.granted ? undefined : event;
  }
  if (event.type !== 'customer.upserted') return event;
  const data: EventOf<'customer.upserted'>['data'] = { ...event.data };
  let echoed = 0;
  for (const field of FLAT_FIELDS) {
    const value = data[field];
    if (value === undefined || !(field in written) || !sameValue(field, value, written[field], country)) continue;
    delete data[field];
    echoed++;
  }
  if (echoed === 0) return event;
  const { createdAt: _createdAt, ...rest } = data;
  return Object.keys(rest).length === 0 ? undefined : { ...event, data };
}
