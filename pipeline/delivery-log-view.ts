// The delivery log of one person at every destination of the tenant, read from the push snapshots (one request):
// what `syncline profile` and the status page's profile view show under "deliveries". Someone who never gave a
// destination's consent purpose has no log there (the push writes none for them): the profile's consent says why.
import type { TenantConfig } from '../core/config.js';
import type { ConsentPurpose } from '../core/events.js';
import type { Profile } from '../core/profile.js';
import { decodeDeliveryLog, type DeliveryAttempt } from '../core/delivery-log.js';
import type { FieldValue } from '../core/destination.js';
import type { PushSnapshotStore } from '../core/ports.js';
import { readSnapshot } from './push-snapshot.js';

export interface DestinationDeliveries {
  instance: string;
  connector: string;
  /** Newest first; empty when nothing was attempted there (within the log's retention). */
  attempts: DeliveryAttempt[];
  /** The consent purpose the destination needs, and whether the person has given it now. */
  purpose?: ConsentPurpose;
  consented?: boolean;
}

/** What the view needs of each connector: the consent purpose its pushes need. */
export type PushPurposes = Readonly<Record<string, { push?: { purpose: ConsentPurpose } }>>;

export async function deliveryLogOf(
  snapshots: Pick<PushSnapshotStore, 'get' | 'getMany'>,
  tenant: TenantConfig,
  profile: Pick<Profile, 'profileId' | 'consent'>,
  connectors: PushPurposes,
  now: Date = new Date(),
): Promise<DestinationDeliveries[]> {
  const { profileId } = profile;
  const destinations = tenant.instances.filter((i) => i.push);
  if (destinations.length === 0) return [];
  const keys = destinations.map((d) => ({ profileId, instance: d.id }));
  const found = snapshots.getMany ? await snapshots.getMany(tenant.id, keys) : await oneByOne(snapshots, tenant.id, keys);
  return destinations.map((d) => {
    const purpose = connectors[d.connector]?.push?.purpose;
    return {
      instance: d.id,
      connector: d.connector,
      attempts: decodeDeliveryLog(readSnapshot(found.get(`${profileId}/${d.id}`))?.deliveries, now),
      ...(purpose !== undefined ? { purpose, consented: profile.consent[purpose]?.granted === true } : {}),
    };
  });
}

/** The line shown for a destination without attempts: why nothing was sent, when the profile's consent tells. */
export function nothingAttempted(d: DestinationDeliveries): string {
  return d.consented === false ? `not sent: no ${d.purpose} consent` : 'nothing attempted yet';
}

async function oneByOne(
  snapshots: Pick<PushSnapshotStore, 'get'>,
  tenantId: string,
  keys: readonly { profileId: string; instance: string }[],
): Promise<Map<string, Record<string, FieldValue>>> {
  const found = new Map<string, Record<string, FieldValue>>();
  for (const k of keys) {
    const stored = await snapshots.get(tenantId, k.profileId, k.instance);
    if (stored !== undefined) found.set(`${k.profileId}/${k.instance}`, stored);
  }
  return found;
}
