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
import { hasPendingLayout, PENDING_KEY, pendingFields } from '../pending-push.js';

/** Person fields an event carries flat, under the names the push snapshot uses (core/projection.ts). */
const FLAT_FIELDS = ['firstName', 'lastName', 'email', 'phone', 'birthdate', 'locale'] as const;

/**
 * The key of the separate pending snapshot item of the older layout: a push recorded there what it was about to write,
 * and removed it once its snapshot was stored. Pushes now record it in the snapshot item itself (core/pending-push.ts);
 * an item of the older layout is still honoured while the person's snapshot item has not been rewritten since (see
 * ourWrites), and an erasure removes it with the others (`removeAll`). "@" is no character of an instance id (a slug).
 */
export const pendingSnapshotInstance = (instance: string): string => `${instance}@pending`;

/**
 * What syncline has written, or is writing, to `instance` for the profile: its push snapshot and the fields of a push
 * under way, both in the one snapshot item (one read). Only an item not written since the pending state moved into it
 * (or no item at all) sends a second read, for a pending item of the older layout that a push of the previous release
 * may still have under way. Once no deployment runs a release that writes such items, that read can go: the items left
 * are then leftovers of failed removals, never a push under way.
 */
export async function ourWrites(
  snapshots: Pick<PushSnapshotStore, 'get'>,
  tenantId: string,
  profileId: string,
  instance: string,
): Promise<Record<string, FieldValue>[]> {
  const stored = await snapshots.get(tenantId, profileId, instance);
  const writes: Record<string, FieldValue>[] = [];
  if (stored !== undefined) {
    writes.push(stored);
    const pending = pendingFields(stored, stored[PENDING_KEY]);
    if (pending !== undefined) writes.push(pending);
    if (hasPendingLayout(stored)) return writes;
  }
  const legacy = await snapshots.get(tenantId, profileId, pendingSnapshotInstance(instance));
  return legacy === undefined ? writes : [...writes, legacy];
}

/**
 * Whether anything can come back from the instance by itself (webhooks on, or a poll scheduled): only then can a
 * callback answer a push before the push has stored its snapshot, so only then does a push record what it is about to
 * write. A backfill of the instance (the operator's, pipeline/backfill/) is compared with the stored snapshots only.
 */
export function sendsBack(tenant: TenantConfig, instance: string): boolean {
  return tenant.instances.some((i) => i.id === instance && (i.webhooks || i.pollEveryMinutes !== undefined));
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
