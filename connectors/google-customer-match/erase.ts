// Erasure at Google Customer Match: the person's hashed addresses and numbers removed from every configured list.
import { failureReason, type ConnectorContext, type ErasureOutcome, type ErasureSubject } from '../sdk/index.js';
import { CustomerMatchClient, type ClientOptions } from './client.js';
import type { GoogleCustomerMatchSecrets, GoogleCustomerMatchSettings } from './config.js';
import { hashedPerson, userDataOf } from './identifiers.js';
import { awaitJobs, runJob, type JobEntry } from './jobs.js';

type Context = ConnectorContext<GoogleCustomerMatchSettings, GoogleCustomerMatchSecrets>;

/**
 * One remove job per list for all subjects, run, then waited for (`eraseWaitMs`): confirmed once every job succeeded,
 * requested while Google is still processing, failed when a job failed or could not be run (the sweep retries).
 */
export async function eraseSubjects(context: Context, subjects: ErasureSubject[], options?: ClientOptions): Promise<ErasureOutcome[]> {
  const { settings } = context;
  const entries: JobEntry[] = [];
  subjects.forEach((subject, owner) => {
    const data = userDataOf(hashedPerson(subject.identifiers, subject.email, 'all'));
    if (data) entries.push({ owner, data });
  });
  const outcomes: ErasureOutcome[] = subjects.map((s) => ({ profileId: s.profileId, status: 'confirmed' }));
  // A subject with nothing Google matches by (an absorbed profile known only by an id) was never in a list.
  if (entries.length === 0) return outcomes;

  const client = new CustomerMatchClient(`${context.tenantId}/${context.instance}`, settings, context.secrets, options);
  const jobs: string[] = [];
  const failed = new Map<number, string>();
  for (const audienceId of new Set(settings.audiences.map((a) => a.audienceId))) {
    try {
      const result = await runJob(client, audienceId, 'remove', entries, settings.identifiersPerRequest);
      for (const [owner, why] of result.failures) failed.set(owner, why.reason);
      if (result.ran && result.job) jobs.push(result.job);
    } catch (error) {
      for (const e of entries) failed.set(e.owner, failureReason('Google Ads', error).reason);
    }
  }
  const states = jobs.length > 0 ? await awaitJobs(client, jobs, settings.eraseWaitMs, settings.pollIntervalMs) : new Map();
  const jobFailure = [...states.entries()].find(([, s]) => s.status === 'FAILED');
  const stillRunning = [...states.values()].some((s) => s.status !== 'SUCCESS' && s.status !== 'FAILED');
  context.log.info('google customer match erasure', { subjects: subjects.length, jobs, failed: failed.size });
  for (const { owner } of entries) {
    const profileId = subjects[owner]!.profileId;
    const why =
      failed.get(owner) ??
      (jobFailure ? `Google Ads job ${jobFailure[0]} FAILED (${jobFailure[1].failureReason ?? 'no reason given'})` : undefined);
    outcomes[owner] =
      why !== undefined ? { profileId, status: 'failed', reason: why } : { profileId, status: stillRunning ? 'requested' : 'confirmed' };
  }
  return outcomes;
}
