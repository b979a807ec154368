// Google Customer Match as a destination: each segment's user list follows the segment for people who granted the
// advertising purpose (sdk/audience-membership.ts decides who joins and leaves), one add job and one remove job per list.
import {
  audienceRemoteId,
  planMembership,
  type ConnectorContext,
  type FailureReason,
  type ProfileChange,
  type PushOutcome,
} from '../sdk/index.js';
import { CustomerMatchClient, type ClientOptions } from './client.js';
import type { GoogleCustomerMatchSecrets, GoogleCustomerMatchSettings } from './config.js';
import { googleEmail, hashedPerson, sha256Hex, userDataOf } from './identifiers.js';
import { awaitJobs, runJob, type JobEntry } from './jobs.js';

type Context = ConnectorContext<GoogleCustomerMatchSettings, GoogleCustomerMatchSecrets>;

/** Profiles per push: at 20 identifiers a person at most, one or two addOperations requests per list and direction. */
export const MAX_BATCH_SIZE = 1000;

/** The jobs a batch needs: per list, who is added and who is removed (removals run first). */
interface Work {
  add: JobEntry[];
  remove: JobEntry[];
}

export async function pushChanges(context: Context, changes: ProfileChange[], options?: ClientOptions): Promise<PushOutcome[]> {
  const { settings } = context;
  const work = new Map<string, Work>();
  const workFor = (audienceId: string) => {
    let w = work.get(audienceId);
    if (!w) work.set(audienceId, (w = { add: [], remove: [] }));
    return w;
  };
  const states: (string | undefined)[] = [];

  changes.forEach((change, owner) => {
    const data = userDataOf(hashedPerson(change.identifiers, change.email, 'primary'));
    const plan = planMembership(change, settings.audiences, data !== undefined);
    states[owner] = audienceRemoteId(plan.state);
    if (data) {
      for (const audienceId of plan.add) workFor(audienceId).add.push({ owner, data });
      for (const audienceId of plan.remove) workFor(audienceId).remove.push({ owner, data });
    }
    // The address the list last received, when it changed since: that key goes, the new one came with the adds.
    const previous = change.previousEmail === undefined ? undefined : googleEmail(change.previousEmail);
    if (previous !== undefined) {
      const old = { userIdentifiers: [{ hashedEmail: sha256Hex(previous) }] };
      for (const audienceId of plan.removePrevious) workFor(audienceId).remove.push({ owner, data: old });
    }
  });

  const client = new CustomerMatchClient(`${context.tenantId}/${context.instance}`, settings, context.secrets, options);
  const failures = new Map<number, FailureReason>();
  const ran: { job: string; owners: number[] }[] = [];
  for (const [audienceId, { add, remove }] of work) {
    // One list at a time, removals first: Google refuses a second job on a list while one runs there.
    for (const [direction, entries] of [
      ['remove', remove],
      ['add', add],
    ] as const) {
      if (entries.length === 0) continue;
      const result = await runJob(client, audienceId, direction, entries, settings.identifiersPerRequest);
      for (const [owner, why] of result.failures) keepWorst(failures, owner, why);
      if (result.ran && result.job) ran.push({ job: result.job, owners: entries.map((e) => e.owner) });
    }
  }

  // Google processes jobs in its own time: a run job is pushed, unless it fails while the instance cares to wait.
  if (settings.pushWaitMs > 0 && ran.length > 0) {
    const outcome = await awaitJobs(
      client,
      ran.map((r) => r.job),
      settings.pushWaitMs,
      settings.pollIntervalMs,
    );
    for (const { job, owners } of ran) {
      const state = outcome.get(job);
      if (state?.status !== 'FAILED') continue;
      const why = { reason: `Google Ads job ${job} FAILED (${state.failureReason ?? 'no reason given'})`, retryable: true };
      for (const owner of owners) keepWorst(failures, owner, why);
    }
  }

  context.log.info('google customer match push', {
    profiles: changes.length,
    jobs: ran.map((r) => r.job),
    failed: failures.size,
  });
  return changes.map((change, owner): PushOutcome => {
    const why = failures.get(owner);
    if (why) return { profileId: change.profileId, status: 'failed', ...why };
    return { profileId: change.profileId, status: 'pushed', remoteId: states[owner]! };
  });
}

/** A retryable failure wins: the retry redoes the person's whole plan, and a refusal that stays will come back. */
function keepWorst(failures: Map<number, FailureReason>, owner: number, why: FailureReason): void {
  const earlier = failures.get(owner);
  if (!earlier || (why.retryable && !earlier.retryable)) failures.set(owner, why);
}
