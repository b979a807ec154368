// The accounting of one tenant, per connector instance: every event that came in is applied, quarantined or
// dead-lettered; what is none of these yet is in flight. Balanced when nothing is in flight.
import type { TenantConfig } from '../../core/config.js';
import type { EventLedger, InstanceLedger } from '../../core/ports.js';

export interface AccountingDeps {
  ledger: Pick<EventLedger, 'count'>;
  quarantine: { countByInstance(tenantId: string): Promise<Map<string, number>> };
}

export interface InstanceAccount {
  tenantId: string;
  instanceId: string;
  /** The instance's connector; `null` for a source that is not configured (the CLI, or an instance removed since). */
  connector: string | null;
  /** Distinct events accepted onto the changes queue, plus webhook deliveries quarantined (they have no events yet). */
  in: number;
  applied: number;
  /** Deliveries, not events: a quarantined webhook was never parsed into events. */
  quarantined: number;
  deadLettered: number;
  /** in − applied − quarantined − dead-lettered: queued, being merged, or lost. */
  inFlight: number;
  /** How the merge settled the applied events (applied, duplicate, unchanged, unidentified, erased, access-requested). */
  appliedBy: InstanceLedger['appliedBy'];
  deadLetterReasons: Record<string, number>;
  oldestInFlightAt?: string;
}

export interface TenantAccount {
  tenantId: string;
  balanced: boolean;
  totals: Pick<InstanceAccount, 'in' | 'applied' | 'quarantined' | 'deadLettered' | 'inFlight'>;
  instances: InstanceAccount[];
}

/** `alsoInstances`: sources that are not in the config (the CLI's erasure requests); reported when they have events. */
export async function accountTenant(
  deps: AccountingDeps,
  tenant: TenantConfig,
  alsoInstances: readonly string[] = [],
): Promise<TenantAccount> {
  const quarantined = await deps.quarantine.countByInstance(tenant.id);
  const configured = tenant.instances.map((i) => ({ instanceId: i.id, connector: i.connector as string | null }));
  // Deliveries quarantined for an instance that was removed from the config are still in: they get a row too.
  const unconfigured = [...new Set([...quarantined.keys(), ...alsoInstances])]
    .filter((id) => !tenant.instances.some((i) => i.id === id))
    .map((instanceId) => ({ instanceId, connector: null }));
  const instances: InstanceAccount[] = [];
  for (const { instanceId, connector } of [...configured, ...unconfigured]) {
    const ledger = await deps.ledger.count(tenant.id, instanceId);
    const q = quarantined.get(instanceId) ?? 0;
    const account: InstanceAccount = {
      tenantId: tenant.id,
      instanceId,
      connector,
      in: ledger.events + q,
      applied: ledger.applied,
      quarantined: q,
      deadLettered: ledger.deadLettered,
      inFlight: 0,
      appliedBy: ledger.appliedBy,
      deadLetterReasons: ledger.deadLetterReasons,
      ...(ledger.oldestAcceptedAt ? { oldestInFlightAt: ledger.oldestAcceptedAt } : {}),
    };
    account.inFlight = account.in - account.applied - account.quarantined - account.deadLettered;
    if (connector !== null || account.in > 0) instances.push(account);
  }
  const sum = (field: keyof TenantAccount['totals']) => instances.reduce((total, i) => total + i[field], 0);
  const totals = {
    in: sum('in'),
    applied: sum('applied'),
    quarantined: sum('quarantined'),
    deadLettered: sum('deadLettered'),
    inFlight: sum('inFlight'),
  };
  return { tenantId: tenant.id, balanced: instances.every((i) => i.inFlight === 0), totals, instances };
}
