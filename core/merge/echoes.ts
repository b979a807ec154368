// A platform's answer to syncline's own write is not news. Copernica fires its profile callback on every change, API
// writes included, with the whole profile and the time of the change; Mailchimp's list webhooks fire on API changes
// unless the `api` source is off. Merged as fresh facts, such echoes re-stamp what syncline wrote with a newer time and
// beat a newer value still on its way (a late unsubscribe, a late shop edit). So an inbound report from a destination
// is compared with what syncline last wrote there (the push snapshot): the values equal to it are acknowledged, not
// merged. Values are compared and merged in canonical form (core/canonical-values.ts): a platform's storage format
// (Copernica's national phone number) is no change.
import type { TenantConfig } from '../config.js';
import type { PushSnapshotStore } from '../ports.js';
import { canonicalValue, sameValue } from '../canonical-values.js';
import type { FieldValue } from '../destination.js';
import type { EventOf } from '../events.js';
import { CONSENT_FIELDS } from '../projection.js';
import type { ProfileEvent } from './merge-event.js';

/** Person fields an event carries flat, under the names the push snapshot uses (core/projection.ts). */
const FLAT_FIELDS = ['firstName', 'lastName', 'email', 'phone', 'birthdate', 'locale'] as const;

/**
 * The snapshot key under which a push records what it is about to write, before the destination has it: a callback
 * that answers the write before the push has stored its snapshot (Mailchimp's and Copernica's are that fast) is
 * compared with it too. The push removes it once its snapshot is stored; an erasure removes it with the others
 * (`removeAll`). "@" is no character of an instance id (a slug), so it names no instance.
 */
export const pendingSnapshotInstance = (instance: string): string => `${instance}@pending`;

/**
 * What syncline has written, or is writing, to `instance` for the profile: its push snapshot and the pending one of a
 * push under way, read in one request when the store can.
 */
export async function ourWrites(
  snapshots: Pick<PushSnapshotStore, 'get' | 'getMany'>,
  tenantId: string,
  profileId: string,
  instance: string,
): Promise<Record<string, FieldValue>[]> {
  const pending = pendingSnapshotInstance(instance);
  if (snapshots.getMany) {
    const found = await snapshots.getMany(tenantId, [
      { profileId, instance },
      { profileId, instance: pending },
    ]);
    return [found.get(`${profileId}/${instance}`), found.get(`${profileId}/${pending}`)].filter((s) => s !== undefined);
  }
  const both = await Promise.all([snapshots.get(tenantId, profileId, instance), snapshots.get(tenantId, profileId, pending)]);
  return both.filter((s) => s !== undefined);
}

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
