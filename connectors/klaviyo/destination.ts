// Klaviyo as a destination: bulk profile import jobs, e-mail consent through subscription jobs, privacy deletion.
import {
  blankEmails,
  failureReason,
  isConsentOnly,
  normaliseEmail,
  type ConnectorContext,
  type ErasureOutcome,
  type ErasureSubject,
  type ProfileChange,
  type PushOutcome,
} from '../sdk/index.js';
import { KlaviyoClient, LIMITS, type KlaviyoClientOptions } from './client.js';
import type { KlaviyoSecrets, KlaviyoSettings } from './config.js';
import { clearedProperties, hasProfileData, toProfileAttributes } from './mapping.js';
import type { ImportProfile } from './schemas.js';

type Context = ConnectorContext<KlaviyoSettings, KlaviyoSecrets>;

/**
 * One bulk import job takes 10,000 profiles (and 5 MB): a full batch is one import request, plus subscription
 * jobs (1,000 per call) for the profiles whose consent changed. Jobs are asynchronous: Klaviyo answers 202 when it
 * has accepted the job; the push then follows the import job until it completes and reports each profile Klaviyo
 * refused (import-errors) as a failed outcome, and the id it gave each other profile (see SOURCES.md).
 */
export const MAX_BATCH_SIZE = LIMITS.importProfiles;

const CONSENT_FIELD = 'consentEmailMarketing';

export interface PushOptions extends KlaviyoClientOptions {
  /** Between reads of a running import job (default 1 s). */
  jobPollMs?: number;
  /** How long a push waits for its import job (default 30 s); a job still running then counts as accepted. */
  jobWaitMs?: number;
}

interface Item<T> {
  index: number;
  value: T;
}

/** Splits items into chunks of at most `count` and at most `bytes` of JSON each. */
export function chunk<T>(items: Item<T>[], count: number, bytes = Infinity): Item<T>[][] {
  const chunks: Item<T>[][] = [];
  let current: Item<T>[] = [];
  let size = 0;
  for (const item of items) {
    const itemSize = Buffer.byteLength(JSON.stringify(item.value)) + 32;
    if (current.length > 0 && (current.length >= count || size + itemSize > bytes)) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(item);
    size += itemSize;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** Klaviyo's id for the person: learnt from its own events (customerId:<instance>) or from an earlier push. */
function knownProfileId(change: ProfileChange, instance: string): string | undefined {
  return change.identifiers.find((id) => id.type === `customerId:${instance}`)?.value ?? change.remoteId;
}

export async function pushChanges(context: Context, changes: ProfileChange[], options: PushOptions = {}): Promise<PushOutcome[]> {
  const { jobPollMs = 1000, jobWaitMs = 30_000, ...clientOptions } = options;
  const client = new KlaviyoClient(context.settings, context.secrets, clientOptions);
  const failures = new Map<number, { reason: string; retryable: boolean }>();
  const remoteIds = new Map<number, string>();
  const moves: Item<string>[] = [];
  const imports: Item<ImportProfile>[] = [];
  const subscribes: Item<string>[] = [];
  const unsubscribes: Item<string>[] = [];

  changes.forEach((change, index) => {
    const consented = change.consent.email_marketing === true;
    // Without consent only the withdrawal itself travels, so that Klaviyo stops mailing the person.
    if (!consented && !isConsentOnly(change)) return failures.set(index, { reason: 'no consent for email_marketing', retryable: false });
    const email = normaliseEmail(change.email);
    if (email === undefined) return failures.set(index, { reason: 'no e-mail address', retryable: false });
    // An address change moves the subscription: the old address is unsubscribed before the profile takes the new one.
    const previous = normaliseEmail(change.previousEmail);
    const moved = previous !== undefined && previous !== email;
    if (moved) moves.push({ index, value: previous });
    const consentChanged = change.changed.includes(CONSENT_FIELD);
    if (!consented || (consentChanged && change.fields[CONSENT_FIELD] !== true)) return unsubscribes.push({ index, value: email });
    const attributes = toProfileAttributes(change, email, context.settings);
    const id = knownProfileId(change, context.instance);
    const unset = clearedProperties(change, context.settings);
    const meta = unset.length > 0 ? { meta: { patch_properties: { unset } } } : {};
    if (hasProfileData(attributes) || unset.length > 0 || !consentChanged || moved)
      imports.push({ index, value: { ...(id ? { id } : {}), attributes, ...meta } });
    if (consentChanged || moved) subscribes.push({ index, value: email });
  });

  const run = async <T>(items: Item<T>[][], call: (group: Item<T>[]) => Promise<unknown>) => {
    for (const group of items) {
      const pending = group.filter((item) => !failures.has(item.index));
      if (pending.length === 0) continue;
      try {
        await call(pending);
      } catch (error) {
        for (const item of pending) if (!failures.has(item.index)) failures.set(item.index, failureReason('Klaviyo', error));
      }
    }
  };
  const values = <T>(group: Item<T>[]) => group.map((item) => item.value);
  await run(chunk(moves, LIMITS.unsubscribeProfiles), (group) => client.unsubscribe(values(group)));
  // Profile data next, so that a subscription job finds the profile complete.
  await run(chunk(imports, LIMITS.importProfiles, LIMITS.importBytes), async (group) => {
    const jobId = await client.importProfiles(values(group));
    if (jobId === undefined) return;
    const result = await followImport(client, jobId, group, { pollMs: jobPollMs, waitMs: jobWaitMs });
    if (result === 'running') context.log.warn('klaviyo import job still running: its per-profile errors are not followed', { jobId });
    else {
      for (const [index, failure] of result.failures) failures.set(index, failure);
      for (const [index, id] of result.ids) remoteIds.set(index, id);
    }
  });
  await run(chunk(subscribes, LIMITS.subscribeProfiles), (group) => client.subscribe(values(group)));
  await run(chunk(unsubscribes, LIMITS.unsubscribeProfiles), (group) => client.unsubscribe(values(group)));

  const outcomes = changes.map((change, index): PushOutcome => {
    const failure = failures.get(index);
    if (failure) return { profileId: change.profileId, status: 'failed', ...failure };
    const remoteId = remoteIds.get(index) ?? knownProfileId(change, context.instance);
    return { profileId: change.profileId, status: 'pushed', ...(remoteId ? { remoteId } : {}) };
  });
  context.log.info('klaviyo push', {
    profiles: changes.length,
    jobs: moves.length + imports.length + subscribes.length + unsubscribes.length,
    failed: failures.size,
  });
  return outcomes;
}

type Followed = 'running' | { failures: Map<number, { reason: string; retryable: boolean }>; ids: Map<number, string> };

/**
 * Reads the import job until it completes (or the wait ends), then its import errors (each names the profile's
 * place in the request) and the ids of the profiles it imported.
 */
async function followImport(
  client: KlaviyoClient,
  jobId: string,
  group: Item<ImportProfile>[],
  timing: { pollMs: number; waitMs: number },
): Promise<Followed> {
  const until = Date.now() + timing.waitMs;
  let status = (await client.importJob(jobId)).data.attributes.status;
  while ((status === 'queued' || status === 'processing') && Date.now() + timing.pollMs <= until) {
    await new Promise((resolve) => setTimeout(resolve, timing.pollMs));
    status = (await client.importJob(jobId)).data.attributes.status;
  }
  if (status === 'queued' || status === 'processing') return 'running';
  const failures = new Map<number, { reason: string; retryable: boolean }>();
  if (status === 'cancelled') {
    for (const item of group) failures.set(item.index, { reason: 'Klaviyo cancelled the import job', retryable: true });
    return { failures, ids: new Map() };
  }
  for (const error of await client.importErrors(jobId)) {
    const { pointer, email } = { pointer: error.attributes.source?.pointer, email: error.attributes.original_payload?.['email'] };
    const at = /\/profiles\/data\/(\d+)/.exec(pointer ?? '')?.[1];
    const item = at !== undefined ? group[Number(at)] : group.find((i) => i.value.attributes.email === normaliseEmail(email));
    if (!item) continue;
    const { code, title, detail } = error.attributes;
    const said = blankEmails([title, detail].filter(Boolean).join(' ') || 'refused');
    failures.set(item.index, { reason: `Klaviyo refused the profile${code ? ` (${code})` : ''}: ${said}`.slice(0, 300), retryable: false });
  }
  const byEmail = new Map(group.map((item) => [item.value.attributes.email, item.index]));
  const ids = new Map<number, string>();
  for (const profile of await client.importedProfiles(jobId)) {
    const index = byEmail.get(normaliseEmail(profile.attributes.email));
    if (index !== undefined && !failures.has(index)) ids.set(index, profile.id);
  }
  return { failures, ids };
}

/**
 * Every identifier Klaviyo deletes by: first Klaviyo's own id for the person (from a push, or from its events), the
 * one key no other person shares; then each e-mail address and E.164 phone the pipeline left in the subject (it
 * leaves out the values another live profile holds), for profiles Klaviyo keeps under an old address.
 */
function deletionTargets(subject: ErasureSubject, instance: string): Array<{ email: string } | { phone_number: string } | { id: string }> {
  const targets = new Map<string, { email: string } | { phone_number: string } | { id: string }>();
  if (subject.remoteId) targets.set(`i:${subject.remoteId}`, { id: subject.remoteId });
  for (const id of subject.identifiers) if (id.type === `customerId:${instance}`) targets.set(`i:${id.value}`, { id: id.value });
  const email = normaliseEmail(subject.email);
  if (email) targets.set(`e:${email}`, { email });
  for (const id of subject.identifiers) {
    if (id.type === 'email') {
      const value = normaliseEmail(id.value);
      if (value) targets.set(`e:${value}`, { email: value });
    } else if (id.type === 'phone' && /^\+[1-9]\d{6,14}$/.test(id.value)) targets.set(`p:${id.value}`, { phone_number: id.value });
  }
  return [...targets.values()];
}

/** Deletion jobs are asynchronous (202): the outcome is "requested"; a subject Klaviyo cannot know is "confirmed". */
export async function eraseSubjects(
  context: Context,
  subjects: ErasureSubject[],
  options?: KlaviyoClientOptions,
): Promise<ErasureOutcome[]> {
  const client = new KlaviyoClient(context.settings, context.secrets, options);
  const outcomes: ErasureOutcome[] = [];
  // One at a time: the endpoint allows 3 requests per second (burst), 60 per minute.
  for (const subject of subjects) {
    const targets = deletionTargets(subject, context.instance);
    try {
      for (const target of targets) await client.requestDeletion(target);
      outcomes.push({ profileId: subject.profileId, status: targets.length > 0 ? 'requested' : 'confirmed' });
    } catch (error) {
      outcomes.push({ profileId: subject.profileId, status: 'failed', reason: failureReason('Klaviyo', error).reason });
    }
  }
  context.log.info('klaviyo erasure', { subjects: subjects.length, failed: outcomes.filter((o) => o.status === 'failed').length });
  return outcomes;
}
