// Pushes changed profiles to every destination of their tenant: only what changed since the last push, only with
// consent, in the destination's batch size; erasures are forwarded to every destination that can erase.
import { CONSENT_FIELDS, changedFields, projectProfile } from '../core/projection.js';
import type { FieldValue, ProfileChange } from '../core/destination.js';
import type { ProfileRepository, PushMessage, PushSnapshotStore, StatusRecorder } from '../core/ports.js';
import type { Profile } from '../core/profile.js';
import type { Logger } from '../connectors/sdk/index.js';
import type { BoundInstance, InstanceResolver } from './instances.js';

export interface PushDeps {
  instances: InstanceResolver;
  profiles: ProfileRepository;
  snapshots: PushSnapshotStore;
  status: StatusRecorder;
  log: Logger;
}

export interface QueuedPush {
  id: string;
  message: PushMessage;
}

interface Pending {
  messageId: string;
  change: ProfileChange;
  snapshot: Record<string, FieldValue>;
}

/** Returns the ids of the messages that must be retried. */
export async function pushProfiles(deps: PushDeps, messages: readonly QueuedPush[]): Promise<string[]> {
  const failed = new Set<string>();
  const perDestination = new Map<string, { destination: BoundInstance; pending: Pending[] }>();

  for (const { id, message } of messages) {
    try {
      if (message.kind === 'erase') {
        await eraseEverywhere(deps, message);
        continue;
      }
      const profile = await liveProfile(deps.profiles, message.tenantId, message.profileId);
      if (!profile) continue; // erased since: nothing to push
      for (const destination of await deps.instances.destinations(message.tenantId)) {
        const pending = await pendingChange(deps, destination, profile, id);
        if (!pending) continue;
        const key = `${message.tenantId}/${destination.instance.id}`;
        const group = perDestination.get(key) ?? { destination, pending: [] };
        group.pending.push(pending);
        perDestination.set(key, group);
      }
    } catch (error) {
      deps.log.error('push preparation failed', { messageId: id, tenantId: message.tenantId, reason: (error as Error).message });
      failed.add(id);
    }
  }

  for (const { destination, pending } of perDestination.values()) {
    const push = destination.connector.push!;
    for (let i = 0; i < pending.length; i += push.maxBatchSize) {
      const batch = pending.slice(i, i + push.maxBatchSize);
      const tenantId = destination.tenant.id;
      const instance = destination.instance.id;
      try {
        const outcomes = await push.push(destination.context, batch.map((p) => p.change));
        let ok = 0;
        for (const [index, item] of batch.entries()) {
          const outcome = outcomes[index];
          if (outcome?.status === 'pushed') {
            await deps.snapshots.put(tenantId, item.change.profileId, instance, item.snapshot);
            ok++;
          } else if (!outcome || outcome.retryable) {
            failed.add(item.messageId);
          } else {
            // Retrying cannot help (e.g. the destination refuses the record): record it and move on.
            deps.log.warn('destination refused a profile', { tenantId, instance, profileId: item.change.profileId, reason: outcome.reason });
          }
        }
        await deps.status.record(tenantId, instance, 'push', 'ok', ok);
        if (ok < batch.length) await deps.status.record(tenantId, instance, 'push', 'error', batch.length - ok);
      } catch (error) {
        deps.log.error('push failed', { tenantId, instance, profiles: batch.length, reason: (error as Error).message });
        await deps.status.record(tenantId, instance, 'push', 'error', batch.length);
        for (const item of batch) failed.add(item.messageId);
      }
    }
  }
  return [...failed];
}

/** What this destination has not yet seen of the profile, or nothing when consent is missing or nothing changed. */
async function pendingChange(deps: PushDeps, destination: BoundInstance, profile: Profile, messageId: string): Promise<Pending | undefined> {
  const push = destination.connector.push;
  if (!push) return undefined;
  const fields = projectProfile(profile);
  const consented = profile.consent[push.purpose]?.granted === true;
  const last = await deps.snapshots.get(profile.tenantId, profile.profileId, destination.instance.id);
  const consentField = CONSENT_FIELDS[push.purpose];
  const consentWasPushed = last !== undefined && last[consentField] === true;
  if (!consented && !consentWasPushed) return undefined;
  // Without consent only the withdrawal itself travels, so the destination stops mailing.
  const outgoing = consented ? fields : { ...(last ?? {}), [consentField]: fields[consentField] ?? false };
  const changed = changedFields(last, outgoing);
  if (changed.length === 0) return undefined;
  const email = typeof fields.email === 'string' ? fields.email : undefined;
  return {
    messageId,
    snapshot: outgoing,
    change: {
      profileId: profile.profileId,
      identifiers: profile.identifiers.map(({ type, value }) => ({ type, value })),
      ...(email ? { email } : {}),
      fields: Object.fromEntries(changed.map((k) => [k, outgoing[k] ?? null])),
      changed,
      consent: Object.fromEntries(Object.entries(profile.consent).map(([purpose, record]) => [purpose, record.granted])),
    },
  };
}

async function eraseEverywhere(deps: PushDeps, message: Extract<PushMessage, { kind: 'erase' }>): Promise<void> {
  const problems: string[] = [];
  for (const destination of await deps.instances.destinations(message.tenantId)) {
    if (!destination.connector.erase) {
      deps.log.warn('destination cannot erase: remove the person there by hand', { tenantId: message.tenantId, instance: destination.instance.id, profileId: message.subject.profileId });
      continue;
    }
    const [outcome] = await destination.connector.erase(destination.context, [message.subject]);
    if (outcome?.status === 'failed') problems.push(`${destination.instance.id}: ${outcome.reason}`);
  }
  await deps.snapshots.removeAll(message.tenantId, message.subject.profileId);
  if (problems.length > 0) throw new Error(`erasure incomplete at ${problems.join('; ')}`);
}

async function liveProfile(repo: ProfileRepository, tenantId: string, profileId: string): Promise<Profile | undefined> {
  let profile = await repo.get(tenantId, profileId);
  for (let hop = 0; profile?.mergedInto !== undefined && hop < 10; hop++) profile = await repo.get(tenantId, profile.mergedInto);
  return profile?.mergedInto === undefined ? profile : undefined;
}
