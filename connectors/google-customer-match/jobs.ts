// One Customer Match job end to end: create it for a list and a direction (add or remove: Google refuses both in one
// job), add the people in requests within Google's identifier limit, run it, and optionally wait for its outcome.
import { failureReason, type FailureReason } from '../sdk/index.js';
import type { CustomerMatchClient, JobState } from './client.js';
import type { OfflineUserDataJobOperation, UserData } from './schemas.js';

/** One person in a job: `owner` is whatever the caller keys its outcomes by (the index of the change or subject). */
export interface JobEntry {
  owner: number;
  data: UserData;
}

export interface JobResult {
  /** The job's resource name, once created (no personal data: it goes into logs). */
  job?: string;
  /** Whether the job was run (Google accepted it for processing). */
  ran: boolean;
  /** Why a person's operation failed; owners not in it were accepted. */
  failures: Map<number, FailureReason>;
}

const VENDOR = 'Google Ads';

/** Splits entries into addOperations requests of at most `limit` identifiers each. */
function requests(entries: readonly JobEntry[], limit: number): JobEntry[][] {
  const out: JobEntry[][] = [];
  let current: JobEntry[] = [];
  let size = 0;
  for (const entry of entries) {
    const n = entry.data.userIdentifiers.length;
    if (current.length > 0 && size + n > limit) {
      out.push(current);
      current = [];
      size = 0;
    }
    current.push(entry);
    size += n;
  }
  if (current.length > 0) out.push(current);
  return out;
}

export async function runJob(
  client: CustomerMatchClient,
  audienceId: string,
  direction: 'add' | 'remove',
  entries: readonly JobEntry[],
  identifiersPerRequest: number,
): Promise<JobResult> {
  const failures = new Map<number, FailureReason>();
  const failAll = (owners: readonly JobEntry[], why: FailureReason) => {
    for (const e of owners) if (!failures.has(e.owner)) failures.set(e.owner, why);
  };
  let job: string;
  try {
    job = await client.createJob(audienceId, direction);
  } catch (error) {
    failAll(entries, failureReason(VENDOR, error));
    return { ran: false, failures };
  }
  let accepted = 0;
  for (const chunk of requests(entries, identifiersPerRequest)) {
    const operations: OfflineUserDataJobOperation[] = chunk.map((e) => (direction === 'add' ? { create: e.data } : { remove: e.data }));
    try {
      const refused = await client.addOperations(job, operations);
      for (const { index, reason } of refused) {
        const entry = chunk[index];
        if (entry) failures.set(entry.owner, { reason: `${VENDOR} refused the person: ${reason}`.slice(0, 300), retryable: false });
      }
      accepted += chunk.length - refused.length;
    } catch (error) {
      failAll(chunk, failureReason(VENDOR, error));
    }
  }
  // A job with nothing accepted is left pending (Google drops unused jobs): running it would only cost a request.
  if (accepted === 0) return { job, ran: false, failures };
  try {
    await client.run(job);
  } catch (error) {
    // Operations of a job that never ran are lost with it: the whole job fails, and a retry makes a new one.
    failAll(entries, failureReason(VENDOR, error));
    return { job, ran: false, failures };
  }
  return { job, ran: true, failures };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Reads the jobs' status until each succeeded or failed, or `waitMs` (real time) passed: the last state read of each.
 * A status that cannot be read counts as still running.
 */
export async function awaitJobs(
  client: CustomerMatchClient,
  jobs: readonly string[],
  waitMs: number,
  intervalMs: number,
): Promise<Map<string, JobState>> {
  const states = new Map<string, JobState>(jobs.map((job) => [job, { status: 'RUNNING' }]));
  const deadline = Date.now() + waitMs;
  const open = () => jobs.filter((job) => !['SUCCESS', 'FAILED'].includes(states.get(job)!.status));
  while (open().length > 0) {
    for (const job of open()) {
      try {
        states.set(job, await client.jobState(job));
      } catch {
        // Unknown for now: the deadline decides.
      }
    }
    if (open().length === 0 || Date.now() + intervalMs > deadline) break;
    await sleep(intervalMs);
  }
  return states;
}
