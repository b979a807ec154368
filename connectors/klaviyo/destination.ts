// Klaviyo as a destination: bulk profile import jobs, e-mail consent through subscription jobs, privacy deletion.
import {
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
import { hasProfileData, toProfileAttributes } from './mapping.js';
import type { ProfileAttributes } from './schemas.js';

type Context = ConnectorContext<KlaviyoSettings, KlaviyoSecrets>;

/**
 * One bulk import job takes 10,000 profiles (and 5 MB): a full batch is one import request, plus subscription
 * jobs (1,000 per call) for the profiles whose consent changed. Jobs are asynchronous: Klaviyo answers 202 when it
 * has accepted the job, and we report the profiles as pushed then (see SOURCES.md).
 */
export const MAX_BATCH_SIZE = LIMITS.importProfiles;

const CONSENT_FIELD = 'consentEmailMarketing';

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

export async function pushChanges(context: Context, changes: ProfileChange[], options?: KlaviyoClientOptions): Promise<PushOutcome[]> {
  const client = new KlaviyoClient(context.settings, context.secrets, options);
  const failures = new Map<number, { reason: string; retryable: boolean }>();
  const imports: Item<ProfileAttributes>[] = [];
  const subscribes: Item<string>[] = [];
  const unsubscribes: Item<string>[] = [];

  changes.forEach((change, index) => {
    const consented = change.consent.email_marketing === true;
    // Without consent only the withdrawal itself travels, so that Klaviyo stops mailing the person.
    if (!consented && !isConsentOnly(change)) return failures.set(index, { reason: 'no consent for email_marketing', retryable: false });
    const email = normaliseEmail(change.email);
    if (email === undefined) return failures.set(index, { reason: 'no e-mail address', retryable: false });
    const consentChanged = change.changed.includes(CONSENT_FIELD);
    if (!consented || (consentChanged && change.fields[CONSENT_FIELD] !== true)) return unsubscribes.push({ index, value: email });
    const attributes = toProfileAttributes(change, email, context.settings);
    if (hasProfileData(attributes) || !consentChanged) imports.push({ index, value: attributes });
    if (consentChanged) subscribes.push({ index, value: email });
  });

  const run = async <T>(items: Item<T>[][], call: (values: T[]) => Promise<unknown>) => {
    for (const group of items) {
      try {
        await call(group.map((item) => item.value));
      } catch (error) {
        for (const item of group) if (!failures.has(item.index)) failures.set(item.index, failureReason('Klaviyo', error));
      }
    }
  };
  // Profile data first, so that a subscription job finds the profile complete.
  await run(chunk(imports, LIMITS.importProfiles, LIMITS.importBytes), (profiles) => client.importProfiles(profiles));
  await run(chunk(subscribes, LIMITS.subscribeProfiles), (emails) => client.subscribe(emails));
  await run(chunk(unsubscribes, LIMITS.unsubscribeProfiles), (emails) => client.unsubscribe(emails));

  const outcomes = changes.map((change, index): PushOutcome => {
    const failure = failures.get(index);
    return failure ? { profileId: change.profileId, status: 'failed', ...failure } : { profileId: change.profileId, status: 'pushed' };
  });
  context.log.info('klaviyo push', {
    profiles: changes.length,
    jobs: imports.length + subscribes.length + unsubscribes.length,
    failed: failures.size,
  });
  return outcomes;
}

/** Every identifier Klaviyo deletes by: the profile id this instance learnt, each e-mail address, each E.164 phone. */
function deletionTargets(subject: ErasureSubject, instance: string): Array<{ email: string } | { phone_number: string } | { id: string }> {
  const targets = new Map<string, { email: string } | { phone_number: string } | { id: string }>();
  const email = normaliseEmail(subject.email);
  if (email) targets.set(`e:${email}`, { email });
  for (const id of subject.identifiers) {
    if (id.type === 'email') {
      const value = normaliseEmail(id.value);
      if (value) targets.set(`e:${value}`, { email: value });
    } else if (id.type === 'phone' && /^\+[1-9]\d{6,14}$/.test(id.value)) targets.set(`p:${id.value}`, { phone_number: id.value });
    else if (id.type === `customerId:${instance}`) targets.set(`i:${id.value}`, { id: id.value });
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
