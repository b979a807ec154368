// Meta Custom Audiences as a destination: each change becomes adds and removes per audience (audience-membership.ts),
// sent per audience and direction in sessions of at most 10,000 rows; an erasure removes every key from every audience.
import {
  audienceRemoteId,
  failureReason,
  planMembership,
  readAudienceState,
  type ConnectorContext,
  type ErasureOutcome,
  type ErasureSubject,
  type FailureReason,
  type ProfileChange,
  type PushOutcome,
} from '../sdk/index.js';
import { MetaAudiencesClient, type MetaClientOptions } from './client.js';
import type { MetaAudiencesSecrets, MetaAudiencesSettings } from './config.js';
import { erasureRows, hashedEmail, rowOf, type Row } from './hashing.js';
import type { UsersResponse } from './schemas.js';

type Context = ConnectorContext<MetaAudiencesSettings, MetaAudiencesSecrets>;

/**
 * Changes per push call. A change is at most two rows per audience (its keys, and its old e-mail address), so one
 * call stays within one request of 10,000 rows per audience unless many changes move the same way at once.
 */
export const MAX_BATCH_SIZE = 5_000;

type Method = 'POST' | 'DELETE';

interface Pending {
  /** The changes whose rows this upload carries (by index). */
  owners: Set<number>;
  rows: Row[];
}

/** Rows grouped per audience and direction, each remembering whose it is. */
class Uploads {
  readonly groups = new Map<string, Pending & { method: Method; audienceId: string }>();

  add(method: Method, audienceId: string, row: Row, owner: number): void {
    const key = `${method} ${audienceId}`;
    const group = this.groups.get(key) ?? { method, audienceId, owners: new Set<number>(), rows: [] };
    group.rows.push(row);
    group.owners.add(owner);
    this.groups.set(key, group);
  }
}

/** Meta's samples of invalid entries, attributed to the changes whose rows hold them. */
function invalidOwners(answers: readonly UsersResponse[], rows: readonly Row[], owners: readonly number[]): Map<number, string> {
  const invalid = new Map<number, string>();
  for (const answer of answers) {
    for (const [entry, why] of Object.entries(answer.invalid_entry_samples ?? {})) {
      const at = rows.findIndex((row) => row.includes(entry));
      if (at >= 0) invalid.set(owners[at]!, why);
    }
  }
  return invalid;
}

export async function pushChanges(context: Context, changes: ProfileChange[], options?: MetaClientOptions): Promise<PushOutcome[]> {
  const { settings } = context;
  const uploads = new Uploads();
  const rowOwners = new Map<string, number[]>();
  const plans = changes.map((change, index) => {
    const row = rowOf(change, settings);
    const keys = row
      ? Object.fromEntries(
          (
            [
              ['email', row[0]],
              ['phone', row[1]],
            ] as const
          ).filter(([, v]) => v !== ''),
        )
      : undefined;
    const plan = planMembership(change, settings.audiences, row !== undefined, keys);
    const track = (method: Method, audienceId: string, r: Row) => {
      uploads.add(method, audienceId, r, index);
      const key = `${method} ${audienceId}`;
      rowOwners.set(key, [...(rowOwners.get(key) ?? []), index]);
    };
    if (row) {
      for (const audienceId of plan.add) track('POST', audienceId, row);
      for (const audienceId of plan.remove) track('DELETE', audienceId, row);
    }
    // Only the keys that changed: a removal row naming a key the person still has would remove the person.
    const { email: oldEmail, phone: oldPhone } = plan.previousKeys ?? {};
    const previousEmail = oldEmail ?? (change.previousEmail !== undefined ? hashedEmail(change.previousEmail) : undefined);
    const previous: Row | undefined = previousEmail || oldPhone ? [previousEmail ?? '', oldPhone ?? ''] : undefined;
    if (previous) for (const audienceId of plan.removePrevious) track('DELETE', audienceId, previous);
    return plan;
  });

  const client = new MetaAudiencesClient(settings, context.secrets, options);
  const failed = new Map<number, FailureReason>();
  let sent = 0;
  // Removals first: an old key and a new one may be the same account at Meta, which must end up added.
  const ordered = [...uploads.groups].sort(([, a], [, b]) => (a.method === b.method ? 0 : a.method === 'DELETE' ? -1 : 1));
  for (const [key, group] of ordered) {
    try {
      const answers = await client.upload(group.method, group.audienceId, group.rows);
      sent += group.rows.length;
      for (const [owner, why] of invalidOwners(answers, group.rows, rowOwners.get(key) ?? [])) {
        failed.set(owner, { reason: `Meta found the entry invalid: ${why}`.slice(0, 300), retryable: false });
      }
    } catch (error) {
      const why = failureReason('Meta', error);
      for (const owner of group.owners) if (!failed.get(owner) || why.retryable) failed.set(owner, why);
    }
  }
  context.log.info('meta audiences push', { profiles: changes.length, rows: sent, uploads: uploads.groups.size, failed: failed.size });
  return changes.map((change, index): PushOutcome => {
    const failure = failed.get(index);
    if (failure) return { profileId: change.profileId, status: 'failed', ...failure };
    return { profileId: change.profileId, status: 'pushed', remoteId: audienceRemoteId(plans[index]!.state) };
  });
}

/**
 * Removes every key the subject had from every configured audience. Meta acknowledges the removal and applies it
 * within about 24 hours: "requested". A subject this instance never pushed (no remembered state) was never sent to
 * Meta through it, and nothing is sent now either.
 */
export async function eraseSubjects(context: Context, subjects: ErasureSubject[], options?: MetaClientOptions): Promise<ErasureOutcome[]> {
  const client = new MetaAudiencesClient(context.settings, context.secrets, options);
  const audiences = [...new Set(context.settings.audiences.map((a) => a.audienceId))];
  const outcomes: ErasureOutcome[] = [];
  for (const subject of subjects) {
    const rows = erasureRows(subject);
    if (readAudienceState(subject.remoteId) === undefined || rows.length === 0) {
      outcomes.push({ profileId: subject.profileId, status: 'confirmed' });
      continue;
    }
    try {
      for (const audienceId of audiences) await client.upload('DELETE', audienceId, rows);
      outcomes.push({ profileId: subject.profileId, status: 'requested' });
    } catch (error) {
      outcomes.push({ profileId: subject.profileId, status: 'failed', reason: failureReason('Meta', error).reason });
    }
  }
  context.log.info('meta audiences erasure', { subjects: subjects.length, failed: outcomes.filter((o) => o.status === 'failed').length });
  return outcomes;
}
