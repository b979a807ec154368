// Mailchimp as a destination: batch-subscribe consenting profiles, unsubscribe withdrawals, sync tags, erase.
import {
  blankEmails,
  failureReason,
  isConsentOnly,
  mapLimited,
  normaliseEmail,
  type ConnectorContext,
  type ErasureOutcome,
  type ErasureSubject,
  type ProfileChange,
  type PushOutcome,
} from '../sdk/index.js';
import { BATCH_SUBSCRIBE_LIMIT, MailchimpClient, type MailchimpClientOptions } from './client.js';
import type { MailchimpSecrets, MailchimpSettings } from './config.js';
import { mergeFieldsFor, subscriberHash, tagUpdatesFor, toBatchMember, toMemberUpsert } from './mapping.js';
import type { MergeFieldTypes } from './schemas.js';

type Context = ConnectorContext<MailchimpSettings, MailchimpSecrets>;

/**
 * One batch-subscribe call takes 500 members and answers synchronously with an outcome per address: every grant of
 * consent in a push of 500 changes is one request. It always sets the status, so changes that carry no new consent
 * (a name, a segment) go one by one through "Add or update list member" without a status, which never resubscribes
 * someone who unsubscribed in Mailchimp. POST /batches
 * would take more operations per call, but it is asynchronous: its per-operation results arrive later as a
 * gzipped tar archive, so push could not return an outcome per change.
 */
export const MAX_BATCH_SIZE = BATCH_SUBSCRIBE_LIMIT;

const CONSENT_FIELD = 'consentEmailMarketing';

type Plan =
  /** `grant`: consent was given since the last push, so the status travels; otherwise only the data does. */
  { kind: 'subscribe'; email: string; grant: boolean } | { kind: 'unsubscribe'; email: string } | { kind: 'refuse'; outcome: PushOutcome };

function plan(change: ProfileChange): Plan {
  const { profileId } = change;
  const email = normaliseEmail(change.email);
  const consented = change.consent.email_marketing === true;
  const withdrawn = change.changed.includes(CONSENT_FIELD) && change.fields[CONSENT_FIELD] !== true;
  // Without consent only the withdrawal itself travels, so that Mailchimp stops mailing the person.
  if (!consented && !isConsentOnly(change))
    return { kind: 'refuse', outcome: { profileId, status: 'failed', reason: 'no consent for email_marketing', retryable: false } };
  if (email === undefined)
    return { kind: 'refuse', outcome: { profileId, status: 'failed', reason: 'no e-mail address', retryable: false } };
  if (!consented || withdrawn) return { kind: 'unsubscribe', email };
  return { kind: 'subscribe', email, grant: change.changed.includes(CONSENT_FIELD) };
}

/**
 * The member Mailchimp holds under the address it last received moves to the new address (PATCH email_address),
 * keeping its status and history, so that the person is not mailed twice. When the new address is a member
 * already, the old member is unsubscribed instead. Returns a failure, or nothing when the push may go on.
 */
async function moveAddress(client: MailchimpClient, change: ProfileChange, email: string): Promise<PushOutcome | undefined> {
  const previous = normaliseEmail(change.previousEmail);
  if (previous === undefined || previous === email) return undefined;
  try {
    const moved = await client.changeAddress(subscriberHash(previous), email);
    if (moved === 'taken') await client.unsubscribe(subscriberHash(previous));
    return undefined;
  } catch (error) {
    return { profileId: change.profileId, status: 'failed', ...failureReason('Mailchimp', error) };
  }
}

export async function pushChanges(context: Context, changes: ProfileChange[], options?: MailchimpClientOptions): Promise<PushOutcome[]> {
  const { settings } = context;
  const client = new MailchimpClient(settings, context.secrets, options);
  const plans = changes.map(plan);
  const outcomes: (PushOutcome | undefined)[] = plans.map((p) => (p.kind === 'refuse' ? p.outcome : undefined));

  // Address changes first: what follows addresses the member by its new address.
  await mapLimited(
    plans.map((p, i) => ({ p, i })),
    settings.concurrency,
    async ({ p, i }) => {
      if (p.kind !== 'refuse') outcomes[i] = await moveAddress(client, changes[i] as ProfileChange, p.email);
    },
  );

  // The audience's merge field types decide each value's format; read once per push when a value travels.
  let types: MergeFieldTypes | undefined;
  const carriesMergeFields = plans.some(
    (p, i) =>
      p.kind === 'subscribe' && outcomes[i] === undefined && Object.keys(mergeFieldsFor(changes[i] as ProfileChange, settings)).length > 0,
  );
  if (carriesMergeFields) {
    try {
      types = await client.mergeFieldTypes();
    } catch (error) {
      const why = failureReason('Mailchimp', error);
      plans.forEach((p, i) => {
        if (p.kind === 'subscribe' && outcomes[i] === undefined)
          outcomes[i] = { profileId: (changes[i] as ProfileChange).profileId, status: 'failed', ...why };
      });
    }
  }

  // Grants: one batch-subscribe call for every change that brings consent; an address appearing twice is sent once.
  const subscribing = plans.flatMap((p, i) =>
    p.kind === 'subscribe' && p.grant && outcomes[i] === undefined ? [{ index: i, email: p.email }] : [],
  );
  const members = new Map<string, ReturnType<typeof toBatchMember>>();
  for (const { index, email } of subscribing) {
    const member = toBatchMember(changes[index] as ProfileChange, email, settings, types);
    const earlier = members.get(email);
    members.set(email, earlier ? { ...earlier, merge_fields: { ...earlier.merge_fields, ...member.merge_fields } } : member);
  }
  if (members.size > 0) {
    try {
      const result = await client.batchSubscribe([...members.values()]);
      const accepted = new Map<string, string | undefined>();
      for (const m of [...result.new_members, ...result.updated_members]) accepted.set(m.email_address.trim().toLowerCase(), m.id);
      const refused = new Map(result.errors.map((e) => [e.email_address.trim().toLowerCase(), e]));
      for (const { index, email } of subscribing) {
        const profileId = (changes[index] as ProfileChange).profileId;
        const error = refused.get(email);
        if (accepted.has(email)) outcomes[index] = { profileId, status: 'pushed', remoteId: accepted.get(email) ?? subscriberHash(email) };
        else if (error) {
          const code = error.error_code ? ` (${error.error_code})` : '';
          const said = blankEmails(error.error ?? 'refused');
          outcomes[index] = {
            profileId,
            status: 'failed',
            reason: `Mailchimp refused the member${code}: ${said}`.slice(0, 300),
            retryable: false,
          };
        } else outcomes[index] = { profileId, status: 'failed', reason: 'Mailchimp did not report on the member', retryable: true };
      }
    } catch (error) {
      const why = failureReason('Mailchimp', error);
      for (const { index } of subscribing)
        outcomes[index] = { profileId: (changes[index] as ProfileChange).profileId, status: 'failed', ...why };
    }
  }

  // Withdrawals: PATCH status unsubscribed, never creating a member. Data without new consent: PUT without a
  // status. Then tags for members that took the push.
  await mapLimited(
    plans.map((p, i) => ({ p, i })),
    settings.concurrency,
    async ({ p, i }) => {
      const change = changes[i] as ProfileChange;
      if (outcomes[i]?.status === 'failed') return;
      try {
        if (p.kind === 'unsubscribe') {
          await client.unsubscribe(subscriberHash(p.email));
          outcomes[i] = { profileId: change.profileId, status: 'pushed', remoteId: subscriberHash(p.email) };
          return;
        }
        if (p.kind === 'subscribe' && !p.grant) {
          await client.upsertMember(subscriberHash(p.email), toMemberUpsert(change, p.email, settings, types));
          outcomes[i] = { profileId: change.profileId, status: 'pushed', remoteId: subscriberHash(p.email) };
        }
        if (p.kind === 'subscribe' && outcomes[i]?.status === 'pushed') {
          const tags = tagUpdatesFor(change, settings);
          if (tags.length > 0) await client.updateTags(subscriberHash(p.email), tags);
        }
      } catch (error) {
        outcomes[i] = { profileId: change.profileId, status: 'failed', ...failureReason('Mailchimp', error) };
      }
    },
  );

  const final = outcomes.map(
    (o, i) =>
      o ?? { profileId: (changes[i] as ProfileChange).profileId, status: 'failed' as const, reason: 'not attempted', retryable: true },
  );
  context.log.info('mailchimp push', { profiles: changes.length, failed: final.filter((o) => o.status === 'failed').length });
  return final;
}

/** Every address the subject had: each is a member key (subscriber hash) in the audience. */
function erasureEmails(subject: ErasureSubject): string[] {
  const emails = new Set<string>();
  const primary = normaliseEmail(subject.email);
  if (primary) emails.add(primary);
  for (const id of subject.identifiers) {
    const email = id.type === 'email' ? normaliseEmail(id.value) : undefined;
    if (email) emails.add(email);
  }
  return [...emails];
}

/**
 * Mailchimp's id for a member is its subscriber hash (the MD5 of the lower-cased address), what the push reported as
 * remoteId: it reaches a member by an address the subject no longer names (one withheld because another account was
 * refused it), which no other key reaches. Each member once, whichever way it was found.
 */
function erasureHashes(subject: ErasureSubject): string[] {
  const hashes = new Set(erasureEmails(subject).map(subscriberHash));
  if (subject.remoteId !== undefined && SUBSCRIBER_HASH.test(subject.remoteId)) hashes.add(subject.remoteId);
  return [...hashes];
}

const SUBSCRIBER_HASH = /^[0-9a-f]{32}$/;

export async function eraseSubjects(
  context: Context,
  subjects: ErasureSubject[],
  options?: MailchimpClientOptions,
): Promise<ErasureOutcome[]> {
  const client = new MailchimpClient(context.settings, context.secrets, options);
  return mapLimited(subjects, 1, async (subject): Promise<ErasureOutcome> => {
    try {
      const results = await mapLimited(erasureHashes(subject), context.settings.concurrency, (hash) => client.deletePermanent(hash));
      context.log.info('mailchimp erasure', { members: results.filter((r) => r === 'deleted').length });
      // Not a member is as erased as a deleted member.
      return { profileId: subject.profileId, status: 'confirmed' };
    } catch (error) {
      return { profileId: subject.profileId, status: 'failed', reason: failureReason('Mailchimp', error).reason };
    }
  });
}
