// The stage's list of open resync jobs: what the scheduled resync run reads (one item) to find its work, so that a run
// with nothing to do costs one read however many tenants and destinations the stage serves. `syncline resync --stage`
// adds a job when it queues it; the run removes it once the job is complete (or gone).

/** One destination's resync: the job item itself stays with the tenant (pipeline/resync/resync-job.ts). */
export interface ResyncJobRef {
  tenantId: string;
  instanceId: string;
}

export interface OpenResyncJobs {
  list(): Promise<ResyncJobRef[]>;
  /** Idempotent; adding and removing other jobs at the same time loses none of them. */
  add(ref: ResyncJobRef): Promise<void>;
  remove(ref: ResyncJobRef): Promise<void>;
}

/** `tenant/instance`: both are slugs ([a-z0-9-]), so the slash cannot occur inside either. */
export function refKey(ref: ResyncJobRef): string {
  return `${ref.tenantId}/${ref.instanceId}`;
}

export function parseRefKey(key: string): ResyncJobRef | undefined {
  const [tenantId, instanceId, ...rest] = key.split('/');
  return tenantId && instanceId && rest.length === 0 ? { tenantId, instanceId } : undefined;
}
