// Selligent as a destination: profile upserts through data/load (grouped by column set) and erasure by key field.
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
import { SelligentClient, type SelligentClientOptions } from './client.js';
import type { SelligentSecrets, SelligentSettings } from './config.js';
import { groupRows, toListRow } from './mapping.js';
import type { LoadDataResponse } from './schemas.js';

type Context = ConnectorContext<SelligentSettings, SelligentSecrets>;

/**
 * Selligent documents no row limit for data/load (Tealium's Selligent connector batches up to 2,500 requests or
 * 20 MB). 500 rows keep a Sync request well under a Lambda timeout and a retried batch small.
 */
export const MAX_BATCH_SIZE = 500;

const scrub = (text: string) => blankEmails(text).slice(0, 300);

/** Per-row outcome from a load answer: invalid_records name rows by record_index (0-based: see SOURCES.md). */
function rowFailure(answer: LoadDataResponse, position: number): { reason: string; retryable: boolean } | undefined {
  const invalid = answer.invalid_records?.find((r) => r.record_index === position);
  if (invalid)
    return {
      reason: scrub(
        `Selligent refused the row: ${invalid.validation_code ?? ''} ${invalid.field_name ?? ''} ${invalid.message ?? ''}`
          .replace(/\s+/g, ' ')
          .trim(),
      ),
      retryable: false,
    };
  if (answer.result_code === 'Succeeded' || answer.result_code === 'PartiallySucceeded') return undefined;
  const retryable = answer.result_code === 'ServiceUnavailable' || answer.result_code === 'InternalServerError';
  const said = (answer.errors ?? []).map((e) => e.description ?? e.error_code ?? '').join('; ');
  return { reason: scrub(`Selligent answered ${answer.result_code}${said ? `: ${said}` : ''}`), retryable };
}

export async function pushChanges(context: Context, changes: ProfileChange[], options?: SelligentClientOptions): Promise<PushOutcome[]> {
  const { settings } = context;
  const outcomes: PushOutcome[] = new Array(changes.length);
  const rows: { index: number; values: Record<string, string> }[] = [];
  changes.forEach((change, index) => {
    const { profileId } = change;
    // Without consent only a withdrawal may travel, so that Selligent stops mailing the person.
    if (change.consent.email_marketing !== true && !isConsentOnly(change)) {
      outcomes[index] = { profileId, status: 'failed', reason: 'no consent for email_marketing', retryable: false };
      return;
    }
    const row = toListRow(change, settings);
    if (row.ok) rows.push({ index, values: row.values });
    else outcomes[index] = { profileId, status: 'failed', reason: row.reason, retryable: false };
  });

  const client = new SelligentClient(settings, context.secrets, options);
  for (const group of groupRows(rows, settings.keyField)) {
    try {
      const answer = await client.load(
        group.fields,
        group.rows.map((r) => r.values),
      );
      group.rows.forEach((row, position) => {
        const profileId = changes[row.index]!.profileId;
        const failed = rowFailure(answer, position);
        outcomes[row.index] = failed ? { profileId, status: 'failed', ...failed } : { profileId, status: 'pushed' };
      });
    } catch (error) {
      const why = failureReason('Selligent', error);
      for (const row of group.rows) outcomes[row.index] = { profileId: changes[row.index]!.profileId, status: 'failed', ...why };
    }
  }
  context.log.info('selligent push', { profiles: changes.length, failed: outcomes.filter((o) => o.status === 'failed').length });
  return outcomes;
}

/** Every address the subject had: the list is keyed on e-mail. */
function addresses(subject: ErasureSubject): string[] {
  const found = [subject.email, ...subject.identifiers.filter((id) => id.type === 'email').map((id) => id.value)].map(normaliseEmail);
  return [...new Set(found.filter((e): e is string => e !== undefined))];
}

export async function eraseSubjects(
  context: Context,
  subjects: ErasureSubject[],
  options?: SelligentClientOptions,
): Promise<ErasureOutcome[]> {
  const client = new SelligentClient(context.settings, context.secrets, options);
  const outcomes: ErasureOutcome[] = [];
  for (const subject of subjects) {
    const emails = addresses(subject);
    if (emails.length === 0) {
      // Nothing keyed on an address can hold this person in the list.
      outcomes.push({ profileId: subject.profileId, status: 'confirmed' });
      continue;
    }
    try {
      const answer = await client.deleteByKey(emails);
      const refused =
        (answer.invalid_records?.length ?? 0) > 0 || answer.result_code === 'Failed' || answer.result_code === 'ValidationFailed';
      outcomes.push(
        refused
          ? { profileId: subject.profileId, status: 'failed', reason: `Selligent answered ${answer.result_code} to the deletion` }
          : { profileId: subject.profileId, status: 'confirmed' },
      );
    } catch (error) {
      outcomes.push({ profileId: subject.profileId, status: 'failed', reason: failureReason('Selligent', error).reason });
    }
  }
  context.log.info('selligent erasure', { subjects: subjects.length });
  return outcomes;
}
