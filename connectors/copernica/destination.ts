// Copernica as a destination: push profile changes one upsert per profile, erase by key field, with bounded concurrency.
import {
  failureReason,
  isConsentOnly,
  mapLimited,
  type ConnectorContext,
  type ErasureOutcome,
  type ErasureSubject,
  type ProfileChange,
  type PushOutcome,
} from '../sdk/index.js';
import { CopernicaClient, type CopernicaClientOptions } from './client.js';
import type { CopernicaSecrets, CopernicaSettings } from './config.js';
import { normaliseEmail, toCopernicaFields } from './mapping.js';

type Context = ConnectorContext<CopernicaSettings, CopernicaSecrets>;

/**
 * REST v4 has no bulk upsert: PUT database/$id/profiles writes one set of values to every profile matching one
 * selection, and POST /imports is asynchronous with no per-profile outcome. So a batch is N requests. At the
 * default concurrency of 4, 50 profiles take ~13 round trips (a few seconds), well inside a Lambda timeout, and a
 * batch that has to be retried re-sends at most 50 upserts.
 */
export const MAX_BATCH_SIZE = 50;

export async function pushChanges(context: Context, changes: ProfileChange[], options?: CopernicaClientOptions): Promise<PushOutcome[]> {
  const client = new CopernicaClient(context.settings, context.secrets, options);
  const outcomes = await mapLimited(changes, context.settings.concurrency, async (change): Promise<PushOutcome> => {
    const { profileId } = change;
    // Without consent only a withdrawal may travel, so that Copernica stops mailing the person.
    if (change.consent.email_marketing !== true && !isConsentOnly(change))
      return { profileId, status: 'failed', reason: 'no consent for email_marketing', retryable: false };
    const email = normaliseEmail(change.email);
    if (email === undefined) return { profileId, status: 'failed', reason: 'no e-mail address', retryable: false };
    try {
      const result = await client.upsertProfile(email, toCopernicaFields(change, email, context.settings));
      // An update names no profile: while its id is unknown (two pushes of a new person raced, and the one that created
      // the profile did not keep the id) one search learns it, for an erasure that cannot search by a withheld address.
      const remoteId = result.profileId ?? change.remoteId ?? (await soleProfileId(client, email));
      return { profileId, status: 'pushed', ...(remoteId !== undefined ? { remoteId } : {}) };
    } catch (error) {
      return { profileId, status: 'failed', ...failureReason('Copernica', error) };
    }
  });
  const failed = outcomes.filter((o) => o.status === 'failed').length;
  context.log.info('copernica push', { profiles: changes.length, failed });
  return outcomes;
}

/** The id of the one profile with the address; none when several share it (Copernica allows that) or the search fails. */
async function soleProfileId(client: CopernicaClient, email: string): Promise<string | undefined> {
  try {
    const ids = await client.findProfileIds(email);
    return ids.length === 1 ? ids[0] : undefined;
  } catch {
    return undefined; // the push itself succeeded; a later one tries again
  }
}

/**
 * Every address the subject had, the Copernica profile id our own push learnt (`remoteId`: it reaches the person's
 * record when an address is left out because another profile carries it), and the ids learnt from callbacks.
 */
function erasureTargets(subject: ErasureSubject, instance: string): { emails: string[]; profileIds: string[] } {
  const emails = new Set<string>();
  const profileIds = new Set<string>();
  if (subject.remoteId !== undefined && /^\d+$/.test(subject.remoteId)) profileIds.add(subject.remoteId);
  const email = normaliseEmail(subject.email);
  if (email) emails.add(email);
  for (const id of subject.identifiers) {
    if (id.type === 'email') {
      const normalised = normaliseEmail(id.value);
      if (normalised) emails.add(normalised);
    } else if (id.type === `customerId:${instance}` && /^\d+$/.test(id.value)) profileIds.add(id.value);
  }
  return { emails: [...emails], profileIds: [...profileIds] };
}

export async function eraseSubjects(
  context: Context,
  subjects: ErasureSubject[],
  options?: CopernicaClientOptions,
): Promise<ErasureOutcome[]> {
  const client = new CopernicaClient(context.settings, context.secrets, options);
  const limit = context.settings.concurrency;
  return mapLimited(subjects, 1, async (subject): Promise<ErasureOutcome> => {
    try {
      const { emails, profileIds } = erasureTargets(subject, context.instance);
      const found = await mapLimited(emails, limit, (email) => client.findProfileIds(email));
      const ids = [...new Set([...profileIds, ...found.flat()])];
      await mapLimited(ids, limit, (id) => client.deleteProfile(id));
      context.log.info('copernica erasure', { profiles: ids.length });
      // No profile with the address is as erased as a deleted one.
      return { profileId: subject.profileId, status: 'confirmed' };
    } catch (error) {
      return { profileId: subject.profileId, status: 'failed', reason: failureReason('Copernica', error).reason };
    }
  });
}
