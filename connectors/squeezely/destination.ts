// Squeezely as a destination: merged profile fields, consent and segments as tracked events, batched per request.
import { failureReason, isConsentOnly, type ConnectorContext, type ProfileChange, type PushOutcome } from '../sdk/index.js';
import { SqueezelyClient, type SqueezelyClientOptions } from './client.js';
import type { SqueezelySecrets, SqueezelySettings } from './config.js';
import { toTrackEvent } from './mapping.js';
import type { TrackEvent } from './schemas.js';

type Context = ConnectorContext<SqueezelySettings, SqueezelySecrets>;

/** Squeezely publishes no batch limit for /v1/track; 100 events keep a request small and a retry cheap. */
export const MAX_BATCH_SIZE = 100;

export async function pushChanges(context: Context, changes: ProfileChange[], options?: SqueezelyClientOptions): Promise<PushOutcome[]> {
  const { settings } = context;
  const outcomes: PushOutcome[] = new Array(changes.length);
  const ready: { index: number; event: TrackEvent }[] = [];
  changes.forEach((change, index) => {
    const { profileId } = change;
    // Without consent only a withdrawal may travel, so that Squeezely stops personalising for the person.
    if (change.consent.personalisation !== true && !isConsentOnly(change)) {
      outcomes[index] = { profileId, status: 'failed', reason: 'no consent for personalisation', retryable: false };
      return;
    }
    const mapped = toTrackEvent(change, settings, context.instance);
    if (!mapped.ok) outcomes[index] = { profileId, status: 'failed', reason: mapped.reason, retryable: false };
    else ready.push({ index, event: mapped.event });
  });

  const client = new SqueezelyClient(settings, context.secrets, options);
  for (let i = 0; i < ready.length; i += settings.batchSize) {
    const batch = ready.slice(i, i + settings.batchSize);
    try {
      await client.track(batch.map((b) => b.event));
      for (const { index } of batch) outcomes[index] = { profileId: changes[index]!.profileId, status: 'pushed' };
    } catch (error) {
      const why = failureReason('Squeezely', error);
      for (const { index } of batch) outcomes[index] = { profileId: changes[index]!.profileId, status: 'failed', ...why };
    }
  }
  context.log.info('squeezely push', { profiles: changes.length, failed: outcomes.filter((o) => o.status === 'failed').length });
  return outcomes;
}
