// The delivery log of one person at every destination of the tenant, read from the push snapshots (one request):
// what `syncline profile` and the status page's profile view show under "deliveries".
import type { TenantConfig } from '../core/config.js';
import { decodeDeliveryLog, type DeliveryAttempt } from '../core/delivery-log.js';
import type { FieldValue } from '../core/destination.js';
import type { PushSnapshotStore } from '../core/ports.js';
import { readSnapshot } from './push-snapshot.js';

export interface DestinationDeliveries {
  instance: string;
  connector: string;
  /** Newest first; empty when nothing was attempted there (within the log's retention). */
  attempts: DeliveryAttempt[];
}

export async function deliveryLogOf(
  snapshots: Pick<PushSnapshotStore, 'get' | 'getMany'>,
  tenant: TenantConfig,
  profileId: string,
  now: Date = new Date(),
): Promise<DestinationDeliveries[]> {
  const destinations = tenant.instances.filter((i) => i.push);
  if (destinations.length === 0) return [];
  const keys = destinations.map((d) => ({ profileId, instance: d.id }));
  const found = snapshots.getMany ? await snapshots.getMany(tenant.id, keys) : await oneByOne(snapshots, tenant.id, keys);
  return destinations.map((d) => ({
    instance: d.id,
    connector: d.connector,
    attempts: decodeDeliveryLog(readSnapshot(found.get(`${profileId}/${d.id}`))?.deliveries, now),
  }));
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
